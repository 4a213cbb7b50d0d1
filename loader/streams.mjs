// Binary data streamed across the boundary, both ways, in chunks of at most MAX_CHUNK bytes:
// JavaScript data Python reads (JSStreamRef -> StreamSource -> StreamReader, Blazor's
// IJSStreamReference) and Python data JavaScript reads (PyStream, pulled chunk by chunk through its
// channel, Blazor's DotNetStreamReference).

import { describe } from "./errors.mjs";
import { Marker, WireReference, bytesOf, isBinary } from "./wire.mjs";

/** The largest chunk moved in one step across the boundary (1 MiB), as on the Python side. */
export const MAX_CHUNK = 1 << 20;

/** Binary data passed to Python as a stream (made by `Py.createJSStreamReference`). */
export class JSStreamRef extends WireReference {
  constructor(id, length) {
    super();
    this.id = id;
    this.length = length;
    Object.freeze(this);
  }

  /** Crosses as `{__jsinteropStream: [id, length]}`. */
  toWire() {
    return { [Marker.JS_STREAM]: [this.id, this.length] };
  }
}

function isStreamable(value) {
  return (
    isBinary(value) ||
    (typeof Blob === "function" && value instanceof Blob) ||
    (typeof ReadableStream === "function" && value instanceof ReadableStream)
  );
}

/** What a JSStreamRef stands for in the table: the data, and readers Python opens on it. */
export class StreamSource {
  constructor(value) {
    if (!isStreamable(value)) {
      throw new TypeError(
        `createJSStreamReference() needs a Blob, File, ArrayBuffer, typed array or ReadableStream, got ${describe(value)}.`,
      );
    }
    this.value = value;
    this.length = value instanceof ReadableStream ? null : value instanceof Blob ? value.size : value.byteLength;
  }

  /** A reader of chunks of at most `chunkSize` bytes (called by Python's open_read_stream). */
  open(chunkSize = MAX_CHUNK) {
    const size = Math.max(1, Math.min(Number(chunkSize) || MAX_CHUNK, MAX_CHUNK));
    const value = this.value;
    if (value instanceof ReadableStream) return new StreamReader(streamChunks(value.getReader(), size));
    if (value instanceof Blob) return new StreamReader(blobChunks(value, size));
    return new StreamReader(bytesChunks(bytesOf(value), size));
  }
}

function* bytesChunks(bytes, size) {
  for (let offset = 0; offset < bytes.length; offset += size) yield bytes.subarray(offset, offset + size);
}

async function* blobChunks(blob, size) {
  for (let offset = 0; offset < blob.size; offset += size) {
    yield new Uint8Array(await blob.slice(offset, offset + size).arrayBuffer());
  }
}

async function* streamChunks(reader, size) {
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield* bytesChunks(isBinary(value) ? bytesOf(value) : new TextEncoder().encode(String(value)), size);
    }
  } finally {
    reader.releaseLock();
  }
}

/** One pass over a stream source, read by Python chunk by chunk. */
export class StreamReader {
  #chunks;

  constructor(chunks) {
    this.#chunks = chunks;
  }

  /** The next chunk (a Uint8Array), or undefined at the end. */
  async read() {
    const { done, value } = await this.#chunks.next();
    return done ? undefined : value;
  }

  /** Stop reading early. */
  async cancel() {
    await this.#chunks.return(undefined);
  }
}

/**
 * Python data read as a stream (a PyStreamReference passed to JavaScript). `channel` is the one it
 * came through: its `pullPython(id, maxBytes)` asks Python for the next chunk.
 */
export class PyStream {
  #channel;
  #id;
  #used = false;

  constructor(channel, id, length) {
    this.#channel = channel;
    this.#id = id;
    /** The size in bytes when Python knows it, else null. */
    this.length = length ?? null;
  }

  #claim() {
    if (this.#used) throw new Error("This Python stream has already been read; it can be read once.");
    this.#used = true;
  }

  /** The data as a ReadableStream of Uint8Array chunks. */
  stream() {
    this.#claim();
    const channel = this.#channel;
    const id = this.#id;
    return new ReadableStream({
      async pull(controller) {
        const chunk = await channel.pullPython(id, MAX_CHUNK);
        if (chunk === undefined || chunk === null) controller.close();
        else controller.enqueue(chunk);
      },
      cancel() {
        return channel.pullPython(id, 0); // max 0 bytes: Python releases the stream
      },
    }, { highWaterMark: 0 });
  }

  /** All of the data, as one ArrayBuffer. */
  async arrayBuffer() {
    const chunks = [];
    let total = 0;
    const reader = this.stream().getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      total += value.length;
    }
    const out = new Uint8Array(total);
    let offset = 0;
    for (const chunk of chunks) {
      out.set(chunk, offset);
      offset += chunk.length;
    }
    return out.buffer;
  }
}
