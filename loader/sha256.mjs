// SHA-256 (FIPS 180-4) in WebAssembly and in plain JavaScript, for where `crypto.subtle` is missing: a
// page served over plain HTTP from a host other than localhost is not a secure context, and there the
// Web Crypto API has no `subtle`. The loader checks every boot file (and the memory snapshot) against the
// sha256 the build recorded, so it must be able to compute one everywhere. Both hash incrementally,
// chunk by chunk as a download arrives, so much of the cost hides behind the network.

const K = Int32Array.of(
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
);

const INITIAL = Int32Array.of(
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
);

/** The lowercase hex spelling of `bytes`. */
export function toHex(bytes) {
  let out = "";
  for (const b of bytes) out += b.toString(16).padStart(2, "0");
  return out;
}

/** An incremental SHA-256: `new Sha256().update(a).update(b).hex()`. */
export class Sha256 {
  constructor() {
    this.state = INITIAL.slice();
    this.w = new Int32Array(64);
    this.pending = new Uint8Array(64);
    this.pendingLength = 0;
    this.length = 0;  // bytes hashed so far (exact up to 2**53)
    this.finished = false;
  }

  /** Adds the bytes of `data` (a Uint8Array); returns this. */
  update(data) {
    if (this.finished) throw new Error("Sha256.update() after digest()");
    const n = data.length;
    this.length += n;
    let at = 0;
    if (this.pendingLength > 0) {
      const take = Math.min(64 - this.pendingLength, n);
      this.pending.set(data.subarray(0, take), this.pendingLength);
      this.pendingLength += take;
      at = take;
      if (this.pendingLength < 64) return this;
      this.blocks(this.pending, 0, 64);
      this.pendingLength = 0;
    }
    const whole = at + ((n - at) & ~63);
    if (whole > at) this.blocks(data, at, whole);
    if (whole < n) {
      this.pending.set(data.subarray(whole), 0);
      this.pendingLength = n - whole;
    }
    return this;
  }

  /** The 32-byte digest of everything added; the hasher cannot be updated afterwards. */
  digest() {
    if (!this.finished) {
      const bits = this.length * 8;
      const tail = new Uint8Array(this.pendingLength < 56 ? 64 : 128);
      tail.set(this.pending.subarray(0, this.pendingLength));
      tail[this.pendingLength] = 0x80;
      const view = new DataView(tail.buffer);
      view.setUint32(tail.length - 8, Math.floor(bits / 0x100000000));
      view.setUint32(tail.length - 4, bits >>> 0);
      this.blocks(tail, 0, tail.length);
      this.finished = true;
    }
    const out = new Uint8Array(32);
    const view = new DataView(out.buffer);
    for (let i = 0; i < 8; i++) view.setInt32(i * 4, this.state[i]);
    return out;
  }

  /** The digest in lowercase hex. */
  hex() {
    return toHex(this.digest());
  }

  /** Hashes the 64-byte blocks of `d` from `start` to `end` (a multiple of 64 bytes). */
  blocks(d, start, end) {
    const w = this.w;
    const s = this.state;
    let h0 = s[0], h1 = s[1], h2 = s[2], h3 = s[3], h4 = s[4], h5 = s[5], h6 = s[6], h7 = s[7];
    for (let o = start; o < end; o += 64) {
      for (let t = 0; t < 16; t++) {
        const i = o + t * 4;
        w[t] = (d[i] << 24) | (d[i + 1] << 16) | (d[i + 2] << 8) | d[i + 3];
      }
      for (let t = 16; t < 64; t++) {
        const x = w[t - 15];
        const y = w[t - 2];
        const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
        const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
        w[t] = (((w[t - 16] + s0) | 0) + ((w[t - 7] + s1) | 0)) | 0;
      }
      let a = h0, b = h1, c = h2, e = h4, f = h5, g = h6, h = h7, dd = h3;
      for (let t = 0; t < 64; t++) {
        const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
        const t1 = (((h + S1) | 0) + ((((e & f) ^ (~e & g)) + ((K[t] + w[t]) | 0)) | 0)) | 0;
        const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
        const t2 = (S0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
        h = g;
        g = f;
        f = e;
        e = (dd + t1) | 0;
        dd = c;
        c = b;
        b = a;
        a = (t1 + t2) | 0;
      }
      h0 = (h0 + a) | 0;
      h1 = (h1 + b) | 0;
      h2 = (h2 + c) | 0;
      h3 = (h3 + dd) | 0;
      h4 = (h4 + e) | 0;
      h5 = (h5 + f) | 0;
      h6 = (h6 + g) | 0;
      h7 = (h7 + h) | 0;
    }
    s[0] = h0; s[1] = h1; s[2] = h2; s[3] = h3; s[4] = h4; s[5] = h5; s[6] = h6; s[7] = h7;
  }
}

// --- the same in WebAssembly, ~3-4x faster -----------------------------------------------------
//
// The module is assembled here, from the few opcodes it needs (no binary blob to trust): one function
// `blocks(pointer, count)` hashes `count` 64-byte blocks at `pointer` into the state at address 0,
// with the message schedule at 64..320 and the input copied in at INPUT. Its 64 rounds are unrolled,
// with the working variables renamed each round instead of moved. WebAssembly compiles under the
// page's `script-src 'wasm-unsafe-eval'`; where it cannot, the JavaScript class above is used.

const INPUT = 1024;
const INPUT_BYTES = 128 * 1024;

function leb(value, signed) {
  const out = [];
  for (;;) {
    const byte = value & 0x7f;
    value = signed ? value >> 7 : value >>> 7;
    const done = signed ? (value === 0 && !(byte & 0x40)) || (value === -1 && byte & 0x40) : value === 0;
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

/** The bytes of the WebAssembly module described above. */
export function sha256WasmBytes() {
  const code = [];
  const op = (...bytes) => { code.push(...bytes); };
  const [P, N, T] = [0, 1, 10];  // parameters pointer and count, a temporary; V[0..7] are locals 2..9
  const V = (role, round) => 2 + ((((role - round) % 8) + 8) % 8);
  const get = (l) => op(0x20, l);
  const set = (l) => op(0x21, l);
  const tee = (l) => op(0x22, l);
  const i32 = (v) => op(0x41, ...leb(v | 0, true));
  const load = (offset) => op(0x28, 2, ...leb(offset, false));
  const store = (offset) => op(0x36, 2, ...leb(offset, false));
  const [ADD, SUB, AND, OR, XOR, SHL, SHR, ROTL, ROTR] = [0x6a, 0x6b, 0x71, 0x72, 0x73, 0x74, 0x76, 0x77, 0x78];
  const sigma = (local, a, b, c, shift) => {  // rotr a ^ rotr b ^ (shift ? shr c : rotr c), of `local`
    get(local); i32(a); op(ROTR); get(local); i32(b); op(ROTR); op(XOR); get(local); i32(c); op(shift ? SHR : ROTR); op(XOR);
  };
  const word = (i) => 64 + 4 * i;
  op(0x03, 0x40);  // loop over the blocks
  for (let i = 0; i < 16; i++) {  // big-endian words of the block
    i32(0); get(P); load(4 * i); tee(T);
    i32(8); op(SHR); i32(0x00ff00ff); op(AND); get(T); i32(8); op(SHL); i32(0xff00ff00); op(AND); op(OR); i32(16); op(ROTL);
    store(word(i));
  }
  for (let i = 16; i < 64; i++) {
    i32(0);
    i32(0); load(word(i - 2)); set(T); sigma(T, 17, 19, 10, true);
    i32(0); load(word(i - 7)); op(ADD);
    i32(0); load(word(i - 15)); set(T); sigma(T, 7, 18, 3, true); op(ADD);
    i32(0); load(word(i - 16)); op(ADD);
    store(word(i));
  }
  for (let j = 0; j < 8; j++) { i32(0); load(4 * j); set(2 + j); }
  for (let i = 0; i < 64; i++) {
    const [a, b, c, d, e, f, g, h] = [0, 1, 2, 3, 4, 5, 6, 7].map((r) => V(r, i));
    get(h); sigma(e, 6, 11, 25, false); op(ADD);
    get(e); get(f); op(AND); get(e); i32(-1); op(XOR); get(g); op(AND); op(XOR); op(ADD);
    i32(K[i]); op(ADD); i32(0); load(word(i)); op(ADD); set(T);
    get(d); get(T); op(ADD); set(d);
    get(T); sigma(a, 2, 13, 22, false); op(ADD);
    get(a); get(b); op(AND); get(a); get(c); op(AND); op(XOR); get(b); get(c); op(AND); op(XOR); op(ADD); set(h);
  }
  for (let j = 0; j < 8; j++) { i32(0); i32(0); load(4 * j); get(2 + j); op(ADD); store(4 * j); }
  get(P); i32(64); op(ADD); set(P);
  get(N); i32(1); op(SUB); tee(N); op(0x0d, 0);  // br_if the loop while blocks remain
  op(0x0b, 0x0b);  // end of the loop, of the function
  const body = [1, 9, 0x7f, ...code];  // one run of 9 i32 locals
  const section = (id, bytes) => [id, ...leb(bytes.length, false), ...bytes];
  const name = (text) => [text.length, ...Array.from(text, (ch) => ch.charCodeAt(0))];
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [1, 0x60, 2, 0x7f, 0x7f, 0]),  // type: (i32, i32) -> ()
    ...section(3, [1, 0]),
    ...section(5, [1, 0, Math.ceil((INPUT + INPUT_BYTES) / 65536)]),  // memory, in 64 KiB pages
    ...section(7, [2, ...name("blocks"), 0, 0, ...name("memory"), 2, 0]),
    ...section(10, [1, ...leb(body.length, false), ...body]),
  ]);
}

let wasmModule = null;

/** An incremental SHA-256 like {@link Sha256}, running in WebAssembly. */
export class WasmSha256 {
  /** A hasher, once the module is compiled (null where WebAssembly cannot be compiled). */
  static async create() {
    try {
      wasmModule ??= WebAssembly.compile(sha256WasmBytes());
      return new WasmSha256(await WebAssembly.instantiate(await wasmModule));
    } catch {
      wasmModule = null;
      return null;
    }
  }

  constructor(instance) {
    this.blocks = instance.exports.blocks;
    this.memory = new Uint8Array(instance.exports.memory.buffer);
    new Int32Array(instance.exports.memory.buffer, 0, 8).set(INITIAL);
    this.js = new Sha256();  // for the buffering, the padding and the final block
  }

  update(data) {
    const js = this.js;
    if (js.finished) throw new Error("Sha256.update() after digest()");
    let at = 0;
    if (js.pendingLength > 0) {  // complete the pending block first, in JavaScript
      const take = Math.min(64 - js.pendingLength, data.length);
      this.syncToJS();
      js.update(data.subarray(0, take));
      this.syncFromJS();
      at = take;
    }
    while (data.length - at >= 64) {
      const n = Math.min(INPUT_BYTES, (data.length - at) & ~63);
      this.memory.set(data.subarray(at, at + n), INPUT);
      this.blocks(INPUT, n / 64);
      js.length += n;
      at += n;
    }
    if (at < data.length) {
      this.syncToJS();
      js.update(data.subarray(at));
      this.syncFromJS();
    }
    return this;
  }

  syncToJS() {
    this.js.state.set(new Int32Array(this.memory.buffer, 0, 8));
  }

  syncFromJS() {
    new Int32Array(this.memory.buffer, 0, 8).set(this.js.state);
  }

  digest() {
    this.syncToJS();
    return this.js.digest();
  }

  hex() {
    return toHex(this.digest());
  }
}

/** Whether this context has the Web Crypto digest (it has not on insecure origins). */
export function hasSubtleCrypto() {
  return typeof globalThis.crypto?.subtle?.digest === "function";
}

/** An incremental hasher for where `crypto.subtle` is missing: WebAssembly, else JavaScript. */
export async function fallbackHasher() {
  return (await WasmSha256.create()) ?? new Sha256();
}

/** The sha256 of `data` in lowercase hex: Web Crypto where it exists, else {@link fallbackHasher}. */
export async function sha256Hex(data) {
  if (hasSubtleCrypto()) return toHex(new Uint8Array(await crypto.subtle.digest("SHA-256", data)));
  return (await fallbackHasher()).update(data).hex();
}
