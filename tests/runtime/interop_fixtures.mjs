// JavaScript the browser tests of jsinterop.JSRuntime call into. Imported from Python with
// `await js_runtime().import_module("./interop-fixtures.mjs")`; also sets `globalThis.testLib`.

export function add(a, b) {
  return a + b;
}

export async function addLater(a, b) {
  await new Promise((resolve) => setTimeout(resolve, 1));
  return a + b;
}

export function never() {
  return new Promise(() => {});
}

export function throwsRangeError() {
  throw new RangeError("index out of range");
}

export async function rejectsTypeError() {
  await null;
  throw new TypeError("async failure");
}

export function throwsString() {
  throw "just a string";
}

export function throwsUndefined() {
  throw undefined;
}

export function throwsObject() {
  throw { code: 42 };
}

export function echo(value) {
  return value;
}

/** What a value looks like on arrival in JavaScript. */
export function inspect(value) {
  const kind = value === null ? "null" : typeof value;
  const info = { kind, constructor: value?.constructor?.name ?? null };
  if (value instanceof Uint8Array) {
    info.length = value.length;
    info.sum = value.reduce((a, b) => a + b, 0);
  }
  if (kind === "object" && !Array.isArray(value) && !(value instanceof Uint8Array)) {
    info.keys = Object.keys(value);
    info.prototypeIsObject = Object.getPrototypeOf(value) === Object.prototype;
    info.ownProto = Object.hasOwn(value, "__proto__");
  }
  info.objectPrototypeClean = Object.keys(Object.prototype).length === 0 && ({}).polluted === undefined;
  return info;
}

export function makeBytes(n) {
  const bytes = new Uint8Array(n);
  for (let i = 0; i < n; i++) bytes[i] = i % 256;
  return bytes;
}

export function makeBuffer(n) {
  return makeBytes(n).buffer;
}

export function nestedBinary() {
  return { name: "blob", data: new Uint8Array([1, 2, 3]), parts: [new Uint16Array([258])] };
}

export function specialValues() {
  return {
    date: new Date(Date.UTC(2024, 4, 6, 7, 8, 9)),
    nan: NaN,
    inf: -Infinity,
    big: 12345678901234567890n,
    nothing: null,
    missing: undefined,
    fn() {},
    map: new Map([["a", 1]]),
    parsed: JSON.parse('{"__proto__": {"polluted": true}, "constructor": {"prototype": 1}}'),
  };
}

export function same(a, b) {
  return a === b;
}

export function makeReferenceResult() {
  return { label: "the body", element: globalThis.Py.createJSObjectReference(document.body) };
}

export function cyclic() {
  const a = { name: "a" };
  a.self = a;
  return a;
}

export class Greeter {
  constructor(name) {
    this.name = name;
    this.arrow = () => `arrow ${this.name}`;
    this.plain = function () {
      return `plain ${this.name}`;
    };
  }

  method(greeting = "method") {
    return `${greeting} ${this.name}`;
  }
}

globalThis.testLib = {
  util: { add },
  counter: {
    count: 0,
    increment(by = 1) {
      this.count += by;
      return this.count;
    },
  },
  notAFunction: 42,
  nested: { a: { b: { c: 42 } } },
  // Properties read or written through get_value/set_value, for Blazor's descriptor checks.
  accessors: {
    stored: 1,
    get readOnly() {
      return "read";
    },
    set writeOnly(value) {
      this.written = value;
    },
  },
  constant: Object.defineProperty({}, "fixed", { value: 7, writable: false, enumerable: true }),
  sealed: Object.preventExtensions({ kept: 1 }),
  // Inherited members: a getter-only one is not writable, a data one is shadowed by writing it.
  inherited: Object.create(Object.create({ get computed() { return 3; }, plain: 4 })),
};

// --- streams ---------------------------------------------------------------------------------

/** A Blob of `megabytes` MiB, by reference: only JavaScript holds its bytes. */
export function bigBlob(megabytes) {
  const part = makeBytes(1 << 20);
  return globalThis.Py.createJSStreamReference(new Blob(new Array(megabytes).fill(part)));
}

/** `n` bytes (i % 256) as a stream reference over a Blob, File, ArrayBuffer, Uint8Array or ReadableStream. */
export function streamOf(kind, n) {
  const data = makeBytes(n);
  const sources = {
    blob: () => new Blob([data]),
    file: () => new File([data], "upload.bin"),
    buffer: () => data.buffer,
    bytes: () => data,
    readable: () =>
      new ReadableStream({
        start(controller) {
          controller.enqueue(data.subarray(0, n >> 1));
          controller.enqueue(data.subarray(n >> 1));
          controller.close();
        },
      }),
  };
  return globalThis.Py.createJSStreamReference(sources[kind]());
}

export async function consumeArrayBuffer(stream) {
  const bytes = new Uint8Array(await stream.arrayBuffer());
  let sum = 0;
  for (const b of bytes) sum += b;
  return { length: bytes.length, sum, declared: stream.length };
}

export async function consumeStream(stream) {
  const reader = stream.stream().getReader();
  let chunks = 0;
  let total = 0;
  let maxChunk = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks += 1;
    total += value.length;
    maxChunk = Math.max(maxChunk, value.length);
  }
  return { chunks, total, maxChunk };
}

export async function cancelAfterOneChunk(stream) {
  const reader = stream.stream().getReader();
  const first = await reader.read();
  await reader.cancel();
  return first.value.length;
}

export function readTwice(stream) {
  stream.stream();
  try {
    stream.stream();
  } catch (e) {
    return e.message;
  }
  return "read twice";
}

export function isOriginal(stream) {
  return stream instanceof Blob;
}
