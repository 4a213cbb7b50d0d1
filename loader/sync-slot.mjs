// The synchronous half of worker mode: Python in a worker waits, with Atomics.wait on a
// SharedArrayBuffer, for the page to answer a call (worker-bridge.mjs runs it there). The page never
// waits (its thread cannot block): it writes the answer into the shared buffer and wakes the worker.
//
// The buffer: Int32 [0] state, [1] bytes in this chunk, [2] whether more chunks follow; the chunk's
// bytes from offset 16. An answer bigger than the buffer comes in chunks: the worker asks for each
// next one with a message (the page answers it from its event loop, as it answered the call).
// An answer is a primitive or a WireResult (wire.mjs), encoded by encodeAnswer.

import { WireResult } from "./wire.mjs";

/** The states of the slot. */
const WAITING = 0;
const READY = 1;

const HEADER_BYTES = 16;

/** Bytes of a slot: answers up to about this size come in one chunk. */
export const SLOT_BYTES = 1 << 20;

/** Whether this realm can wait synchronously on another: SharedArrayBuffer and Atomics.wait exist. */
export function canWaitSynchronously() {
  return typeof SharedArrayBuffer === "function" && typeof Atomics === "object" && typeof Atomics.wait === "function";
}

/** A new slot's buffer (SharedArrayBuffer), made by the worker and sent to the page. */
export function newSlotBuffer(bytes = SLOT_BYTES) {
  return new SharedArrayBuffer(HEADER_BYTES + bytes);
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * The bytes of an answer: a 4-byte length, the JSON of its description, then its buffers. A
 * number, BigInt or string is kept exactly (NaN, -0 and big integers included).
 */
export function encodeAnswer(value) {
  let head;
  let buffers = [];
  if (value instanceof WireResult) {
    buffers = value.buffers ? [...value.buffers] : [];
    head = { t: "w", error: Boolean(value.error), json: value.json, markers: Boolean(value.markers),
      sizes: buffers.map((b) => b.byteLength) };
  } else if (value === undefined) head = { t: "u" };
  else if (value === null) head = { t: "z" };
  else if (typeof value === "number") head = { t: "n", v: Object.is(value, -0) ? "-0" : String(value) };
  else if (typeof value === "bigint") head = { t: "b", v: String(value) };
  else if (typeof value === "string" || typeof value === "boolean") head = { t: typeof value, v: value };
  else head = { t: "j", v: value }; // plain data (counts)
  const text = encoder.encode(JSON.stringify(head));
  let size = 4 + text.byteLength;
  for (const b of buffers) size += b.byteLength;
  const bytes = new Uint8Array(size);
  new DataView(bytes.buffer).setUint32(0, text.byteLength);
  bytes.set(text, 4);
  let at = 4 + text.byteLength;
  for (const b of buffers) {
    bytes.set(new Uint8Array(b.buffer, b.byteOffset, b.byteLength), at);
    at += b.byteLength;
  }
  return bytes;
}

/** The answer `encodeAnswer` wrote. */
export function decodeAnswer(bytes) {
  const length = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0);
  const head = JSON.parse(decoder.decode(bytes.subarray(4, 4 + length)));
  switch (head.t) {
    case "u": return undefined;
    case "z": return null;
    case "n": return head.v === "-0" ? -0 : Number(head.v);
    case "b": return BigInt(head.v);
    case "w": {
      let at = 4 + length;
      const buffers = head.sizes.map((n) => {
        const b = bytes.slice(at, at + n);
        at += n;
        return b;
      });
      return new WireResult(head.error, head.json, buffers.length ? buffers : undefined, head.markers);
    }
    default: return head.v;
  }
}

/** The page's side of a slot: writes each answer, in chunks when it is bigger than the slot. */
export class SlotWriter {
  #state;
  #data;
  #rest = null;

  constructor(buffer) {
    this.#state = new Int32Array(buffer, 0, 3);
    this.#data = new Uint8Array(buffer, HEADER_BYTES);
  }

  /** Writes `value` (its first chunk) and wakes the worker. */
  answer(value) {
    this.#rest = encodeAnswer(value);
    this.next();
  }

  /** Writes the next chunk of the answer being sent and wakes the worker. */
  next() {
    const rest = this.#rest ?? new Uint8Array(0);
    const chunk = rest.subarray(0, this.#data.byteLength);
    this.#data.set(chunk);
    const more = rest.byteLength > chunk.byteLength;
    this.#rest = more ? rest.subarray(chunk.byteLength) : null;
    Atomics.store(this.#state, 1, chunk.byteLength);
    Atomics.store(this.#state, 2, more ? 1 : 0);
    Atomics.store(this.#state, 0, READY);
    Atomics.notify(this.#state, 0);
  }
}

/** The worker's side of a slot: sends a request and waits for its whole answer. */
export class SlotReader {
  #state;
  #data;

  constructor(buffer) {
    this.#state = new Int32Array(buffer, 0, 3);
    this.#data = new Uint8Array(buffer, HEADER_BYTES);
  }

  /**
   * Calls `send()` (which posts the request), waits until the page answers, and asks for further
   * chunks with `more()`; returns the decoded answer.
   */
  request(send, more) {
    const chunks = [];
    Atomics.store(this.#state, 0, WAITING);
    send();
    for (;;) {
      Atomics.wait(this.#state, 0, WAITING);
      const length = Atomics.load(this.#state, 1);
      chunks.push(this.#data.slice(0, length));
      if (Atomics.load(this.#state, 2) === 0) break;
      Atomics.store(this.#state, 0, WAITING);
      more();
    }
    if (chunks.length === 1) return decodeAnswer(chunks[0]);
    let size = 0;
    for (const c of chunks) size += c.byteLength;
    const whole = new Uint8Array(size);
    let at = 0;
    for (const c of chunks) {
      whole.set(c, at);
      at += c.byteLength;
    }
    return decodeAnswer(whole);
  }
}
