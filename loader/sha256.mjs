// SHA-256 (FIPS 180-4) in plain JavaScript, for where `crypto.subtle` is missing: a page served over
// plain HTTP from a host other than localhost is not a secure context, and there the Web Crypto API has
// no `subtle`. The loader checks every boot file (and the memory snapshot) against the sha256 the build
// recorded, so it must be able to compute one everywhere. It hashes incrementally, chunk by chunk as a
// download arrives, so most of its cost hides behind the network.

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

/** Whether this context has the Web Crypto digest (it has not on insecure origins). */
export function hasSubtleCrypto() {
  return typeof globalThis.crypto?.subtle?.digest === "function";
}

/** The sha256 of `data` in lowercase hex: Web Crypto where it exists, else {@link Sha256}. */
export async function sha256Hex(data) {
  if (hasSubtleCrypto()) return toHex(new Uint8Array(await crypto.subtle.digest("SHA-256", data)));
  return new Sha256().update(data).hex();
}
