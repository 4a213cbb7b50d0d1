// The JavaScript side of calls from Python: resolves identifiers, runs calls, tracks objects held
// by reference, and encodes results and errors for Python (Microsoft.JSInterop's JS half).
//
// Wire format (both directions): JSON text, by System.Text.Json's rules, plus side channels that
// JSON cannot carry, marked in the text by one-key objects:
//   {"__jsObjectId": n}        an object of the table, passed by reference (Blazor's own marker)
//   {"__jsinteropBytes": i}    the i-th binary buffer (a Uint8Array, never Base64)
//   {"__jsinteropNumber": s}   NaN, Infinity or -Infinity
//   {"__jsinteropBigInt": s}   a BigInt, as decimal digits
//   {"__jsinteropStream": id}  a stream source of the table (JS -> Python: [id, length])
//   {"__pyStream": [id, len]}  a Python stream JavaScript reads through pulls
//   {"__pyObjectId": id}       a Python object lent to JavaScript (a PyObjectReference)
//   {"__jsinteropElement": id} an element rendered by a component (an ElementReference)
//   {"__jsinteropTooDeep": i}  JS -> Python: a value nested deeper than maxDepth was cut here (i: the
//                              argument it is in, -1 in a result); Python raises an error naming it
// Only values the runtime itself encodes become references: a data object that merely has one of
// these keys (or a key starting with "__jsinteropEscaped:") as its single key is sent with the key
// prefixed by "__jsinteropEscaped:", and the receiver removes one prefix. Calls whose arguments are all
// primitives skip JSON entirely.

import { servedURL } from "./assets.mjs";
import { fromColumns, toColumns } from "./columns.mjs";

export const CallKind = Object.freeze({
  INVOKE: 0,
  INVOKE_VOID: 1,
  INVOKE_REF: 2,
  GET_VALUE: 3,
  SET_VALUE: 4,
  CONSTRUCT: 5,
  IMPORT: 6,
  GET_VALUE_REF: 7,
});

/** Whether WebAssembly stack switching (JSPI) exists here, as Pyodide decides it. */
export const JSPI = typeof WebAssembly === "object" && ("Suspending" in WebAssembly || "Suspender" in WebAssembly);

/** The deepest nesting of arrays and objects a value may have to cross, as System.Text.Json's MaxDepth. */
export const DEFAULT_MAX_DEPTH = 32;

const REF = "__jsObjectId";
const BYTES = "__jsinteropBytes";
const NUMBER = "__jsinteropNumber";
const BIGINT = "__jsinteropBigInt";
const JS_STREAM = "__jsinteropStream";
const PY_STREAM = "__pyStream";
const PY_OBJECT = "__pyObjectId";
const ELEMENT = "__jsinteropElement";
const TOO_DEEP = "__jsinteropTooDeep";
const ESCAPED = "__jsinteropEscaped:";
/** Every key that makes a single-key object a wire marker (one table for both directions). */
const MARKER_KEYS = new Set([REF, BYTES, NUMBER, BIGINT, JS_STREAM, PY_STREAM, PY_OBJECT, ELEMENT, TOO_DEEP]);

/**
 * `object` with its single key escaped, when that key would read as a wire marker; else null. A data
 * object like `{__jsObjectId: 0}` thus never becomes a reference on the other side.
 */
function escapedData(object) {
  let key = null;
  for (const k in object) {
    if (key !== null || !Object.hasOwn(object, k)) return null; // two keys, or an inherited one: not a marker
    key = k;
  }
  if (key === null || !(MARKER_KEYS.has(key) || key.startsWith(ESCAPED))) return null;
  return { [ESCAPED + key]: object[key] };
}

/** The largest chunk moved in one step across the boundary (1 MiB), as on the Python side. */
export const MAX_CHUNK = 1 << 20;

/** A JS object passed to Python by reference (made by `Py.createJSObjectReference`). */
export class JSObjectRef {
  constructor(id) {
    this.id = id;
    Object.freeze(this);
  }
}

/** Binary data passed to Python as a stream (made by `Py.createJSStreamReference`). */
export class JSStreamRef {
  constructor(id, length) {
    this.id = id;
    this.length = length;
    Object.freeze(this);
  }
}

function isStreamable(value) {
  return (
    value instanceof ArrayBuffer ||
    ArrayBuffer.isView(value) ||
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
    return new StreamReader(bufferChunks(bytesOf(value), size));
  }
}

async function* bufferChunks(bytes, size) {
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
      const bytes = isBinary(value) ? bytesOf(value) : new TextEncoder().encode(String(value));
      for (let offset = 0; offset < bytes.length; offset += size) yield bytes.subarray(offset, offset + size);
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

/** Python data read as a stream (a PyStreamReference passed to JavaScript). */
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

/**
 * A Python object lent to JavaScript (a `PyObjectReference`): call its invokable methods, then
 * dispose it. Passed back to Python, it arrives as the original object.
 */
export class PyObjectRef {
  #channel;

  constructor(channel, id) {
    this.#channel = channel;
    /** Its id in Python's table. */
    this.id = id;
    Object.freeze(this);
  }

  /** Calls an invokable method; resolves to its result (an `async def` is awaited). */
  invokeMethodAsync(identifier, ...args) {
    return this.#channel.invokePython(undefined, identifier, this.id, args, true);
  }

  /** Calls an invokable method synchronously (not an `async def`). */
  invokeMethod(identifier, ...args) {
    return this.#channel.invokePython(undefined, identifier, this.id, args, false);
  }

  /** Releases the Python object: later calls fail. */
  dispose() {
    this.#channel.releasePyObject(this);
  }
}

function isPrimitiveArg(value) {
  const type = typeof value;
  return type === "string" || type === "number" || type === "boolean" || value === undefined || value === null;
}

/** The Error a failed Python call rejects with: the exception's class name and message. */
export function pythonError(info) {
  const error = new Error(info.message);
  error.name = info.name;
  if (info.pythonStack) error.pythonStack = info.pythonStack;
  return error;
}

const TRACEBACK = "Traceback (most recent call last):\n";

/**
 * A Pyodide PythonError as a plain Error: the exception's class as `name`, its text as `message`.
 * The text is what follows "Type: " after the frames of the last traceback (the exception raised
 * last in a chain), to the end: a message of several lines is kept whole, not cut to its last line.
 */
function fromPythonError(e) {
  const formatted = String(e.message);
  let text = formatted;
  const start = formatted.lastIndexOf(TRACEBACK);
  if (start >= 0) {
    const lines = formatted.slice(start + TRACEBACK.length).split("\n");
    let i = 0;
    while (i < lines.length - 1 && lines[i].startsWith(" ")) i++; // "  File ...", code, carets
    text = lines.slice(i).join("\n");
  }
  if (text.endsWith("\n")) text = text.slice(0, -1); // the newline that ends the formatted exception
  const firstLine = text.split("\n", 1)[0];
  const sep = firstLine.indexOf(": ");
  // Without ": ", the line is the class name alone: the exception has no message.
  const error = new Error(sep >= 0 ? text.slice(sep + 2) : start >= 0 ? "" : text);
  error.name = e.type ?? "Error";
  error.pythonStack = formatted;
  return error;
}

const ARGUMENT_KINDS = {
  int: (v) => Number.isSafeInteger(v),
  float: (v) => typeof v === "number" && !Number.isInteger(v), // an integral number arrives as a Python int
  str: (v) => typeof v === "string",
  bool: (v) => typeof v === "boolean",
};
const RESULT_KINDS = {
  int: (v) => typeof v === "number",
  float: (v) => typeof v === "number",
  str: (v) => typeof v === "string",
  bool: (v) => typeof v === "boolean",
  void: (v) => v === undefined,
};

/**
 * Calls a Python entry point whose answer comes later, through a callback (endInvoke, callAsync,
 * pullStream). Python runs the work it starts right away (pyodide_transport._resume_now); where
 * WebAssembly stack switching exists the call is a promising one, so that work may still block on a
 * Promise (run_sync) as it could had Pyodide's event loop started it. `onError` gets a failure.
 */
function startPython(fn, args, onError, promising = JSPI) {
  if (promising && fn.callPromising) fn.callPromising(...args).catch(onError);
  else fn(...args);
}

/** Whether `value` is an object Pyodide's `toPy()` converts into a Python container (and walks). */
function isConvertedContainer(value) {
  if (Array.isArray(value) || value instanceof Map || value instanceof Set) return true;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Whether `value` is nested deeper than `limit` arrays, plain objects, Maps and Sets, the containers
 * Pyodide's `toPy()` converts. The walk stops below `limit`, so its own recursion is bounded: it is
 * what the typed path runs before `toPy()`, so that no deep value reaches a recursive conversion.
 */
export function exceedsDepth(value, limit) {
  const walk = (item, depth) => {
    if (item === null || typeof item !== "object" || ArrayBuffer.isView(item) || !isConvertedContainer(item)) return false;
    if (depth >= limit) return true;
    const children = Array.isArray(item) ? item : item instanceof Map ? [...item.keys(), ...item.values()]
      : item instanceof Set ? item : Object.values(item);
    for (const child of children) if (walk(child, depth + 1)) return true;
    return false;
  };
  return walk(value, 0);
}

/** `typeof value` and a short text of it, for an error message; never throws. */
function describeJS(value) {
  if (value === null) return "null";
  const type = typeof value;
  if (type === "symbol" || type === "function" || type === "object") return type;
  return `${type} (${String(value).slice(0, 60)})`;
}

/** JSON.stringify, with a clear error for a value nested too deeply for it. */
function stringifyOrExplain(value, replacer) {
  try {
    return JSON.stringify(value, replacer);
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    throw new TypeError(`Cannot send the value: it is nested too deeply to convert to JSON (${e.message}).`);
  }
}

/** The error for a Pyodide PyProxy found in data sent to Python (JSON would call into Python to read it). */
function pyProxyAsData(key) {
  const where = key === "" ? "the value" : `the value at key '${key}'`;
  return new TypeError(`Cannot send ${where}: it is a Pyodide PyProxy, not data. Send its conversion ` +
    "(proxy.toJs()), or lend the Python object to JavaScript as a PyObjectRef (PyObjectReference in Python).");
}

function pythonCall(fn, args) {
  try {
    return fn(...args);
  } catch (e) {
    throw e?.constructor?.name === "PythonError" ? fromPythonError(e) : e;
  }
}

/**
 * The JS function of one `@js_export`. It checks the argument count; a primitive-only signature
 * (`direct`) is then called straight through its PyProxy when every argument has the annotated
 * kind, and its result is returned as is when it has the annotated kind: no Python wrapper runs.
 * Anything else goes through `entry`, which converts or raises the error naming the parameter.
 */
function exportFunction(name, arity, entry, direct) {
  const wrongCount = (count) => {
    const error = new Error(`${name}() takes ${arity} argument(s) but ${count} were given`);
    error.name = "TypeError";
    return error;
  };
  if (!direct) {
    return function (...args) {
      if (args.length !== arity) throw wrongCount(args.length);
      return pythonCall(entry, args);
    };
  }
  const [paramKinds, resultKind, fn, finish] = direct;
  const checks = paramKinds.map((kind) => ARGUMENT_KINDS[kind]);
  const resultOk = RESULT_KINDS[resultKind];
  const done = (value) => {
    if (resultOk(value)) return value;
    try {
      return pythonCall(finish, [value]);
    } finally {
      value?.destroy?.(); // a Python object came back as a PyProxy: only its conversion is kept
    }
  };
  const [c0, c1, c2] = checks;
  switch (arity) {
    case 0:
      return function () {
        if (arguments.length !== 0) throw wrongCount(arguments.length);
        return done(pythonCall(fn, []));
      };
    case 1:
      return function (a) {
        if (arguments.length !== 1) throw wrongCount(arguments.length);
        return c0(a) ? done(pythonCall(fn, [a])) : pythonCall(entry, [a]);
      };
    case 2:
      return function (a, b) {
        if (arguments.length !== 2) throw wrongCount(arguments.length);
        if (!(c0(a) && c1(b))) return pythonCall(entry, [a, b]);
        let value;
        try {
          value = fn(a, b);
        } catch (e) {
          throw e?.constructor?.name === "PythonError" ? fromPythonError(e) : e;
        }
        return resultOk(value) ? value : done(value);
      };
    default:
      return function (a, b, c) {
        if (arguments.length !== 3) throw wrongCount(arguments.length);
        return c0(a) && c1(b) && c2(c) ? done(pythonCall(fn, [a, b, c])) : pythonCall(entry, [a, b, c]);
      };
  }
}

/** A result or error for Python that is not a primitive: JSON text plus binary side buffers. */
export class WireResult {
  constructor(error, json, buffers = undefined, markers = false) {
    this.error = error;
    this.json = json;
    this.buffers = buffers;
    this.markers = markers;
  }
}

/** Objects held by reference, by id. Id 0 is globalThis and is never stored. */
export class ObjectTable {
  #objects = new Map();
  #nextId = 1;

  track(object) {
    const id = this.#nextId++;
    this.#objects.set(id, object);
    return id;
  }

  get(id) {
    if (id === 0) return globalThis;
    if (!this.#objects.has(id)) {
      throw new Error(`JS object instance with ID ${id} does not exist (has it been disposed?).`);
    }
    return this.#objects.get(id);
  }

  release(id) {
    return this.#objects.delete(id);
  }

  clear() {
    this.#objects.clear();
  }

  get size() {
    return this.#objects.size;
  }
}

/**
 * Finds the member a dotted identifier names from `root`, as Blazor's findObjectMember: its parent
 * and its name. Every segment but the last must exist (`Could not find 'a.b.c' ('b' was undefined).`);
 * whether a missing last member is an error, and which, depends on the call (resolveIdentifier).
 */
export function findObjectMember(root, identifier) {
  if (typeof identifier !== "string" || identifier === "") {
    throw new Error(`The identifier must be a non-empty string, got ${describe(identifier)}.`);
  }
  if (!identifier.includes(".")) return { parent: root, name: identifier }; // the common case: no array, no loop
  const segments = identifier.split(".");
  const last = segments.length - 1;
  let parent = root;
  for (let i = 0; i < last; i++) {
    const segment = segments[i];
    if (parent === null || parent === undefined || segment === "" || !(segment in Object(parent))) {
      throw new Error(`Could not find '${identifier}' ('${segment}' was undefined).`);
    }
    parent = parent[segment];
  }
  if (segments[last] === "") throw new Error(`Could not find '${identifier}' ('' was undefined).`);
  return { parent, name: segments[last] };
}

/** The descriptor of `name` on `object` or the nearest prototype that has it (undefined if none). */
function descriptorOf(object, name) {
  for (let o = Object(object); o !== null && o !== undefined; o = Object.getPrototypeOf(o)) {
    const descriptor = Object.getOwnPropertyDescriptor(o, name);
    if (descriptor) return descriptor;
  }
  return undefined;
}

/** Whether reading `name` gives a value: a data property or one with a getter (Blazor's isReadableProperty). */
function isReadableProperty(parent, name) {
  if (parent === null || parent === undefined || !(name in Object(parent))) return false;
  const descriptor = descriptorOf(parent, name);
  return descriptor !== undefined && ("value" in descriptor || typeof descriptor.get === "function");
}

/** Whether assigning `name` works: a writable data property, a setter, or a new property of an
 * extensible object (Blazor's isWritableProperty). */
function isWritableProperty(parent, name) {
  if (!(name in parent)) return Object.isExtensible(parent);
  const descriptor = descriptorOf(parent, name);
  if (descriptor === undefined) return false;
  return "value" in descriptor ? descriptor.writable === true : typeof descriptor.set === "function";
}

/**
 * Resolves a dotted identifier from `root` for a call of `kind`, with Blazor's checks and wording
 * (the identifier as it was passed): returns `{ parent, name, value }`, where `parent` is the `this`
 * of a call. A function call of a missing or non-function member: `The value 'a.b' is not a function.`;
 * reading a missing or setter-only property: `The property 'a.b' is not defined or is not readable.`;
 * writing a getter-only or read-only one: `The property 'a.b' is not writable.` (`value` is not read).
 */
export function resolveIdentifier(root, identifier, kind = CallKind.INVOKE) {
  const { parent, name } = findObjectMember(root, identifier);
  switch (kind) {
    case CallKind.GET_VALUE:
    case CallKind.GET_VALUE_REF:
      if (!isReadableProperty(parent, name)) {
        throw new Error(`The property '${identifier}' is not defined or is not readable.`);
      }
      return { parent, name, value: parent[name] };
    case CallKind.SET_VALUE:
      if (parent === null || (typeof parent !== "object" && typeof parent !== "function")) {
        throw new Error(`Could not set '${identifier}': its parent is ${describe(parent)}.`);
      }
      if (!isWritableProperty(parent, name)) throw new Error(`The property '${identifier}' is not writable.`);
      return { parent, name, value: undefined };
    case CallKind.CONSTRUCT: {
      const value = parent === null || parent === undefined ? undefined : parent[name];
      if (typeof value !== "function") throw new Error(`The value '${identifier}' is not a constructor.`);
      return { parent, name, value };
    }
    default: {
      const value = parent === null || parent === undefined ? undefined : parent[name];
      if (typeof value !== "function") throw new Error(`The value '${identifier}' is not a function.`);
      return { parent, name, value };
    }
  }
}

function isModuleNamespace(value) {
  return value !== null && typeof value === "object" && value[Symbol.toStringTag] === "Module";
}

function isThenable(value) {
  return value !== null && (typeof value === "object" || typeof value === "function") && typeof value.then === "function";
}

function bytesOf(value) {
  if (value instanceof Uint8Array) return value;
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
}

function isBinary(value) {
  return value instanceof ArrayBuffer || ArrayBuffer.isView(value);
}

/** A short, safe description of any value for error messages. */
export function describe(value) {
  if (value === undefined) return "undefined";
  if (value === null) return "null";
  if (typeof value === "string") return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (typeof value === "function") return `function ${value.name || "(anonymous)"}`;
  if (typeof value === "symbol") return value.toString();
  if (typeof value === "object") return `a ${value.constructor?.name ?? "null-prototype"} object`;
  return String(value);
}

/** Turns anything thrown into the {name, message, stack} Python's JSException is made from. */
export function errorInfo(thrown) {
  if (thrown instanceof Error || (thrown !== null && typeof thrown === "object" && typeof thrown.message === "string")) {
    let name = "Error";
    try {
      name = String(thrown.name ?? "Error");
    } catch {}
    return { name, message: String(thrown.message), stack: typeof thrown.stack === "string" ? thrown.stack : null };
  }
  let shown;
  try {
    shown = typeof thrown === "string" ? JSON.stringify(thrown) : thrown === undefined ? "undefined" : JSON.stringify(thrown) ?? String(thrown);
  } catch {
    shown = describe(thrown);
  }
  return { name: "NonError", message: `JavaScript threw a value that is not an Error: ${shown}`, stack: null };
}

function documentBase() {
  return globalThis.document?.baseURI ?? globalThis.location?.href;
}

/**
 * One runtime's channel: its own object table and pending calls, so that shutting one runtime
 * down releases exactly what it created.
 */
export class JSCallChannel {
  constructor() {
    this.objects = new ObjectTable();
    this.pending = new Map();
    this.closed = false;
    this.endInvoke = null;
    this.onDisconnect = null;
    this.pullStream = null;
    this.onClosed = null;
    this.pulls = new Map();
    this.nextPull = 1;
    this.python = null; // { callSync, callAsync, release, count }: Python's dispatcher
    this.pyCalls = new Map();
    this.nextPyCall = 1;
    this.pyObjects = new Map(); // id -> WeakRef(PyObjectRef): one wrapper per lent object
    this.debug = false;
    /** The deepest nesting a value sent to Python may have (boot({maxDepth})). */
    this.maxDepth = DEFAULT_MAX_DEPTH;
    /** Whether calls into Python that complete later are promising (JSPI) ones (boot({jspi})). */
    this.jspi = JSPI;
    this.PyProxy = null; // Pyodide's PyProxy class, set by InteropHost: such proxies are refused as data
    this.patcher = null; // the DomPatcher of the page's components, when they render
    this.finalizer = new FinalizationRegistry((held) => this.#collected(held));
  }

  /**
   * Python gives the callbacks that complete calls, report a disconnection and feed streams, and
   * those of its dispatcher: call (sync and async), release a lent object, count lent objects.
   */
  connect(endInvoke, onDisconnect, pullStream = null, callSync = null, callAsync = null, release = null, count = null,
    exports = null) {
    this.endInvoke = endInvoke;
    this.onDisconnect = onDisconnect;
    this.pullStream = pullStream;
    this.python = callSync ? { callSync, callAsync, release, count, exports } : null;
  }

  /**
   * The `@js_export` functions of a Python module, flat (`ex.add`) and in the full dotted layout
   * (`ex.app.calc.add`). Sync exports return values; `async def` ones return Promises. A Python
   * exception becomes an Error named after its class.
   */
  pythonExports(moduleName) {
    const python = this.#pythonSide();
    let entries;
    try {
      entries = python.exports(moduleName);
    } catch (e) {
      throw e?.constructor?.name === "PythonError" ? fromPythonError(e) : e;
    }
    // Own data properties only (never assignment): a name like "__proto__" is a key, not a prototype.
    const define = (target, key, value) =>
      Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
    const flat = {};
    for (const [name, , fn, arity, direct] of entries) define(flat, name, exportFunction(name, arity, fn, direct));
    const exports = { ...flat };
    let level = exports;
    for (const part of String(moduleName).split(".")) {
      const next = Object.hasOwn(level, part) && typeof level[part] === "object" ? level[part] : {};
      define(level, part, next);
      level = next;
    }
    for (const [name, fn] of Object.entries(flat)) define(level, name, fn);
    return exports;
  }

  // --- calls to Python -------------------------------------------------------------------------

  #pythonSide() {
    if (this.closed || !this.python) throw new Error("The Python runtime has been shut down; no more calls can be made.");
    return this.python;
  }

  #encodeArgs(args) {
    if (args.every(isPrimitiveArg)) return [undefined, undefined, false, ...args.map((a) => (a === null ? undefined : a))];
    const encoded = this.encodeValue(args, true);
    return [encoded.json, encoded.buffers, encoded.markers];
  }

  #decodeResult(result) {
    if (!Array.isArray(result)) return result === undefined ? null : result;
    const [ok, json, buffers, markers] = result;
    if (!ok) throw pythonError(JSON.parse(json));
    return this.#decodeArgs(json, buffers, markers);
  }

  /** Calls an invokable Python function (`target` 0) or method of a lent object (`target` its id). */
  invokePython(module, identifier, target, args, asynchronous) {
    if (typeof identifier !== "string" || !(typeof module === "string" || module == null)) {
      const error = new Error(`The identifier and module name must be strings, got ${describeJS(identifier)} ` +
        `and ${describeJS(module)}.`);
      if (asynchronous) return Promise.reject(error);
      throw error;
    }
    if (!asynchronous) {
      const python = this.#pythonSide();
      return this.#decodeResult(python.callSync(module, identifier, target, ...this.#encodeArgs(args)));
    }
    return new Promise((resolve, reject) => {
      const python = this.#pythonSide();
      const callId = this.nextPyCall++;
      this.pyCalls.set(callId, { resolve, reject });
      try {
        const failed = (e) => {
          this.pyCalls.delete(callId);
          reject(e);
        };
        startPython(python.callAsync, [callId, module, identifier, target, ...this.#encodeArgs(args)], failed, this.jspi);
      } catch (e) {
        this.pyCalls.delete(callId);
        reject(e);
      }
    });
  }

  /** Python completes an asynchronous call: a primitive, or an envelope [ok, json, buffers, markers]. */
  endPyCall(callId, result) {
    const call = this.pyCalls.get(callId);
    if (!call) return;
    this.pyCalls.delete(callId);
    try {
      call.resolve(this.#decodeResult(result));
    } catch (e) {
      call.reject(e);
    }
  }

  /** The DOM element of a component's ElementReference (rendered by a DomPatcher of this page). */
  element(id) {
    if (!this.patcher) throw new Error("No component renderer is attached to this page.");
    return this.patcher.element(id);
  }

  /** The wrapper of a lent Python object (the same one while it is alive). */
  pyObject(id) {
    const existing = this.pyObjects.get(id)?.deref();
    if (existing) return existing;
    const wrapper = new PyObjectRef(this, id);
    this.pyObjects.set(id, new WeakRef(wrapper));
    const stack = this.debug ? new Error("created here").stack : null;
    this.finalizer.register(wrapper, { id, stack }, wrapper);
    return wrapper;
  }

  releasePyObject(wrapper) {
    this.finalizer.unregister(wrapper);
    if (this.pyObjects.get(wrapper.id)?.deref() === wrapper) this.pyObjects.delete(wrapper.id);
    // true: disposed by JavaScript, so Python's PyObjectReference is disposed too (not merely released).
    if (!this.closed && this.python) this.python.release(wrapper.id, true);
  }

  #collected({ id, stack }) {
    // Garbage-collected without dispose(): release the Python object so it does not leak.
    if (this.pyObjects.get(id)?.deref() === undefined) this.pyObjects.delete(id);
    if (this.closed || !this.python) return;
    const released = this.python.release(id);
    if (released && this.debug) {
      console.warn(`jsinterop: a reference to a Python object (id ${id}) was garbage-collected without dispose(); ` +
        `it was released. Created at:\n${stack}`);
    }
  }

  /** Asks Python for the next chunk of stream `id` (at most `maxBytes`; 0 cancels it). */
  pullPython(id, maxBytes) {
    if (this.closed || !this.pullStream) {
      return Promise.reject(new Error("The Python runtime has been shut down; the stream cannot be read."));
    }
    const callId = this.nextPull++;
    return new Promise((resolve, reject) => {
      this.pulls.set(callId, { resolve, reject });
      try {
        startPython(this.pullStream, [id, callId, maxBytes], (e) => {
          this.pulls.delete(callId);
          reject(e);
        }, this.jspi);
      } catch (e) {
        this.pulls.delete(callId);
        reject(e);
      }
    });
  }

  /** Python answers a pull: a chunk (Uint8Array), undefined at the end, or an error message. */
  endPull(callId, succeeded, value) {
    const pull = this.pulls.get(callId);
    if (!pull) return;
    this.pulls.delete(callId);
    if (succeeded) pull.resolve(value ?? undefined);
    else pull.reject(new Error(String(value)));
  }

  // --- running calls ---------------------------------------------------------------------------

  #run(target, identifier, kind, args) {
    if (this.closed) throw new Error("The JavaScript runtime has been shut down; no more calls can be made.");
    const root = this.objects.get(target);
    switch (kind) {
      case CallKind.IMPORT: {
        // Relative to the document, like Blazor; a release serves the module under a hashed name.
        return import(servedURL(new URL(String(args[0]), documentBase())).href);
      }
      case CallKind.GET_VALUE:
      case CallKind.GET_VALUE_REF:
        // An empty identifier reads the target itself, as in Blazor.
        return identifier === "" ? root : resolveIdentifier(root, identifier, kind).value;
      case CallKind.SET_VALUE: {
        const { parent, name } = resolveIdentifier(root, identifier, kind);
        parent[name] = args[0];
        return undefined;
      }
      case CallKind.CONSTRUCT:
        return Reflect.construct(resolveIdentifier(root, identifier, kind).value, args);
      default: {
        const { parent, value } = resolveIdentifier(root, identifier, kind);
        return value.apply(parent, args);
      }
    }
  }

  #encode(value, kind) {
    switch (kind) {
      case CallKind.INVOKE_VOID:
      case CallKind.SET_VALUE:
        return undefined;
      case CallKind.INVOKE_REF:
      case CallKind.GET_VALUE_REF:
      case CallKind.CONSTRUCT:
      case CallKind.IMPORT:
        if (value === null || (typeof value !== "object" && typeof value !== "function")) {
          throw new Error(`The result is ${describe(value)}, not an object, so it cannot be held by reference.`);
        }
        return this.objects.track(value);
      default:
        return this.encodeValue(value);
    }
  }

  /**
   * A value for Python: primitives as they are, anything else as a WireResult. `isArguments`: `value`
   * is a call's argument list, whose items are each one argument (the list itself is not a level).
   *
   * Containers nested deeper than `maxDepth` are not walked: the first one too deep is sent as a
   * TOO_DEEP marker naming its argument, and Python raises the error naming the parameter (or the
   * result) and the limit. A data object whose single key reads as a marker is escaped.
   */
  encodeValue(value, isArguments = false) {
    if (this.PyProxy && value instanceof this.PyProxy) throw pyProxyAsData("");
    switch (typeof value) {
      case "string":
      case "number":
      case "boolean":
      case "bigint":
      case "undefined":
        return value;
      case "symbol":
      case "function":
        return undefined; // as JSON.stringify drops them
    }
    if (value === null) return undefined;
    if (value instanceof JSObjectRef) return new WireResult(false, `{"${REF}":${value.id}}`, undefined, true);
    if (value instanceof JSStreamRef) {
      return new WireResult(false, JSON.stringify({ [JS_STREAM]: [value.id, value.length] }), undefined, true);
    }
    if (value instanceof PyObjectRef) return new WireResult(false, `{"${PY_OBJECT}":${value.id}}`, undefined, true);
    if (isModuleNamespace(value)) return new WireResult(false, `{"${REF}":${this.objects.track(value)}}`, undefined, true);
    if (isBinary(value)) return new WireResult(false, `{"${BYTES}":0}`, [bytesOf(value)], true);
    const buffers = [];
    let markers = false;
    const objects = this.objects;
    const PyProxy = this.PyProxy;
    const maxDepth = this.maxDepth;
    // The nesting level of each container being written (its children are one deeper). A holder not
    // in the map is JSON.stringify's own root wrapper or one of our markers.
    const levels = new Map();
    const rootLevel = isArguments ? -1 : 0;
    let argument = -1;
    const json = stringifyOrExplain(value, function replacer(key, item) {
      const original = this[key];
      if (PyProxy && original instanceof PyProxy) throw pyProxyAsData(key);
      if (original instanceof JSObjectRef) {
        markers = true;
        return { [REF]: original.id };
      }
      if (original instanceof JSStreamRef) {
        markers = true;
        return { [JS_STREAM]: [original.id, original.length] };
      }
      if (original instanceof PyObjectRef) {
        markers = true;
        return { [PY_OBJECT]: original.id };
      }
      switch (typeof item) {
        case "number":
          if (Number.isFinite(item)) return item;
          markers = true;
          return { [NUMBER]: String(item) };
        case "bigint":
          markers = true;
          return { [BIGINT]: item.toString() };
        case "object": {
          if (item === null) return item;
          if (isBinary(item)) {
            markers = true;
            buffers.push(bytesOf(item));
            return { [BYTES]: buffers.length - 1 };
          }
          if (isModuleNamespace(item)) {
            markers = true;
            return { [REF]: objects.track(item) };
          }
          const level = (levels.get(this) ?? rootLevel) + 1;
          if (level === 1 && isArguments) argument = Number(key);
          if (level > maxDepth) {
            markers = true;
            return { [TOO_DEEP]: isArguments ? argument : -1 };
          }
          let out = item;
          if (!Array.isArray(item)) {
            const escaped = escapedData(item);
            if (escaped !== null) {
              markers = true;
              out = escaped;
            }
          }
          levels.set(out, level);
          return out;
        }
      }
      return item;
    });
    return new WireResult(false, json, buffers.length ? buffers : undefined, markers);
  }

  errorResult(thrown) {
    return new WireResult(true, JSON.stringify(errorInfo(thrown)));
  }

  #decodeArgs(json, buffers, markers) {
    if (!markers) return JSON.parse(json);
    const objects = this.objects;
    const channel = this;
    return JSON.parse(json, (key, value) => {
      if (value === null || typeof value !== "object" || Array.isArray(value)) return value;
      const keys = Object.keys(value);
      if (keys.length !== 1) return value;
      if (keys[0].startsWith(ESCAPED)) return { [keys[0].slice(ESCAPED.length)]: value[keys[0]] }; // data, not a marker
      switch (keys[0]) {
        case REF:
          return objects.get(value[REF]);
        case BYTES:
          return buffers[value[BYTES]];
        case NUMBER:
          return Number(value[NUMBER]);
        case BIGINT:
          return BigInt(value[BIGINT]);
        case JS_STREAM:
          return objects.get(value[JS_STREAM]).value;
        case PY_STREAM:
          return new PyStream(channel, value[PY_STREAM][0], value[PY_STREAM][1]);
        case PY_OBJECT:
          return channel.pyObject(value[PY_OBJECT]);
        case ELEMENT:
          return channel.element(value[ELEMENT]);
      }
      return value;
    });
  }

  /** A synchronous call with primitive arguments. Returns a primitive or a WireResult (maybe an error). */
  invoke(target, identifier, kind, ...args) {
    try {
      return this.#settle(this.#run(target, identifier, kind, args), identifier, kind);
    } catch (e) {
      return this.errorResult(e);
    }
  }

  /** A synchronous call with JSON-encoded arguments. */
  invokeJSON(target, identifier, kind, json, buffers, markers) {
    try {
      const args = this.#decodeArgs(json, buffers, markers);
      return this.#settle(this.#run(target, identifier, kind, args), identifier, kind);
    } catch (e) {
      return this.errorResult(e);
    }
  }

  #settle(value, identifier, kind) {
    // A void call never looks at its result, as Blazor's JSVoidResult: a Promise is left to itself.
    if (kind !== CallKind.INVOKE_VOID && isThenable(value)) {
      value.then(undefined, () => {}); // nobody awaits it: keep its rejection from going unhandled
      if (kind === CallKind.GET_VALUE || kind === CallKind.GET_VALUE_REF) {
        throw new Error(`The value of '${identifier}' is a Promise, which a synchronous get_value() cannot wait for: ` +
          "use get_value_async().");
      }
      const what = kind === CallKind.IMPORT ? "import()" : `The JavaScript function '${identifier}'`;
      throw new Error(`${what} returned a Promise, which a synchronous invoke() cannot wait for: use invoke_async().`);
    }
    return this.#encode(value, kind);
  }

  /** Starts an asynchronous call with primitive arguments; completes through endInvoke. */
  beginInvoke(callId, target, identifier, kind, ...args) {
    this.#begin(callId, kind, () => this.#run(target, identifier, kind, args));
  }

  /** Starts an asynchronous call with JSON-encoded arguments. */
  beginInvokeJSON(callId, target, identifier, kind, json, buffers, markers) {
    this.#begin(callId, kind, () => this.#run(target, identifier, kind, this.#decodeArgs(json, buffers, markers)));
  }

  #begin(callId, kind, start) {
    this.pending.set(callId, kind);
    let promise;
    try {
      promise = Promise.resolve(start());
    } catch (e) {
      promise = Promise.reject(e);
    }
    promise.then(
      (value) => {
        if (!this.pending.delete(callId)) return; // abandoned or shut down: keep nothing
        let encoded;
        try {
          encoded = this.#encode(value, kind);
        } catch (e) {
          this.#complete(callId, false, this.errorResult(e));
          return;
        }
        this.#complete(callId, true, encoded);
      },
      (e) => {
        if (this.pending.delete(callId)) this.#complete(callId, false, this.errorResult(e));
      },
    );
  }

  /**
   * Hands a result to Python, which resumes the awaiting task at once (pyodide_transport._resume_now).
   * Where WebAssembly stack switching exists, through a promising call, so that task may still block
   * on a Promise (run_sync), as it could had Pyodide's event loop woken it.
   */
  #complete(callId, succeeded, result) {
    const failed = (e) => console.error("jsinterop: completing a call failed", e);
    try {
      startPython(this.endInvoke, [callId, succeeded, result], failed, this.jspi);
    } catch (e) {
      failed(e);
    }
  }

  /** Forget a call Python no longer waits for (cancelled, timed out). */
  abandon(callId) {
    this.pending.delete(callId);
  }

  /** Release a tracked object. */
  release(id) {
    this.objects.release(id);
  }

  /** What this channel holds now, for leak tests. */
  counts() {
    return {
      jsObjects: this.objects.size,
      pendingCalls: this.pending.size,
      pendingPulls: this.pulls.size,
      pendingPyCalls: this.pyCalls.size,
      pyObjects: !this.closed && this.python ? this.python.count() : 0,
    };
  }

  /** Release everything; later calls fail. `notifyPython` reports the disconnection first. */
  shutdown(notifyPython = false) {
    if (this.closed) return;
    this.closed = true;
    this.pending.clear();
    this.objects.clear();
    const gone = () => new Error("The Python runtime has been shut down.");
    for (const pull of this.pulls.values()) pull.reject(gone());
    this.pulls.clear();
    for (const call of this.pyCalls.values()) call.reject(gone());
    this.pyCalls.clear();
    this.pyObjects.clear();
    const { endInvoke, onDisconnect, pullStream, python } = this;
    this.endInvoke = this.onDisconnect = this.pullStream = this.python = null;
    this.onClosed?.();
    try {
      if (notifyPython && onDisconnect) onDisconnect();
    } finally {
      for (const proxy of [endInvoke, onDisconnect, pullStream, ...Object.values(python ?? {})]) proxy?.destroy?.();
    }
  }
}

/**
 * The page's interop host: the main channel (used by `jsinterop.js_runtime()` and by
 * `Py.createJSObjectReference`) and any further channels runtimes create.
 */
export class InteropHost {
  constructor({ debug = false, detailedErrors = false, PyProxy = null, maxDepth = DEFAULT_MAX_DEPTH, jspi = true } = {}) {
    if (!Number.isSafeInteger(maxDepth) || maxDepth < 1) {
      throw new RangeError(`maxDepth must be a positive integer, got ${describe(maxDepth)}.`);
    }
    /** Report references to Python objects garbage-collected without dispose(), with their origin. */
    this.debug = debug;
    /** The deepest nesting of arrays and objects that crosses, both ways (System.Text.Json's MaxDepth). */
    this.maxDepth = maxDepth;
    /** Whether calls into Python that answer later go through promising (JSPI) entry points. */
    this.jspi = Boolean(jspi) && JSPI;
    /** Pyodide's PyProxy class: a PyProxy inside data sent to Python is refused with a clear error. */
    this.PyProxy = PyProxy;
    /** Attach Python tracebacks (`error.pythonStack`) to errors of calls from JavaScript. */
    this.detailedErrors = detailedErrors;
    this.channels = new Set();
    this.main = this.createChannel();
    if (typeof globalThis.addEventListener === "function" && globalThis.document) {
      // A page that is really going away (not into the back/forward cache) disconnects every runtime.
      globalThis.addEventListener("pagehide", (event) => {
        if (!event.persisted) this.shutdownAll();
      });
    }
  }

  createChannel() {
    const channel = new JSCallChannel();
    channel.debug = this.debug;
    channel.PyProxy = this.PyProxy;
    channel.maxDepth = this.maxDepth;
    channel.jspi = this.jspi;
    channel.onClosed = () => this.channels.delete(channel);
    this.channels.add(channel);
    return channel;
  }

  shutdownAll() {
    for (const channel of [...this.channels]) channel.shutdown(true);
  }

  /** Whether `value` is nested deeper than maxDepth (the typed path asks before converting it). */
  exceedsDepth(value) {
    return exceedsDepth(value, this.maxDepth);
  }

  /** The typed path's columnar transfer of records (see columns.mjs): Python -> JS. */
  fromColumns(shape, text, buffers) {
    return fromColumns(shape, text, buffers);
  }

  /** JS -> Python: [JSON text, numeric buffers] of the columns, or undefined when the value does not fit. */
  toColumns(shape, value) {
    return toColumns(shape, value);
  }

  /** The typed fast path's guarded call of `fn` on `thisArg`: see guardCall. */
  guardCall(fn, thisArg, paramKinds, resultKind, argumentRefused, resultRefused) {
    return guardCall(fn, thisArg, [...paramKinds], resultKind, argumentRefused, resultRefused);
  }
}

/** Argument kinds the guard checks: Python has checked the type, these are what Pyodide made of it. */
const GUARDED_ARGUMENTS = {
  int: (v) => typeof v === "number", // an int past 2**53 arrives as a BigInt
  float: () => true,
  str: () => true,
  bool: () => true,
};
/** Results the fast path returns to Python as they are (a float may arrive as an int: Python fixes it). */
const GUARDED_RESULTS = {
  int: (v) => Number.isSafeInteger(v),
  float: (v) => typeof v === "number",
  str: (v) => typeof v === "string",
  bool: (v) => typeof v === "boolean",
  void: () => true,
};

/**
 * `fn` (with `this` = `thisArg`) behind the checks of the `@js_import` fast path (typed_interop.py):
 * an argument it refuses throws an Error named `argumentRefused` before `fn` runs (Python then takes
 * its general path); a result it refuses throws one named `resultRefused` carrying it as `value`
 * (Python converts it or raises the error naming the result). A void result is dropped.
 */
function guardCall(fn, thisArg, paramKinds, resultKind, argumentRefused, resultRefused) {
  const refusal = new Error("an argument needs the general path");
  refusal.name = argumentRefused;
  const [c0, c1, c2] = paramKinds.map((kind) => GUARDED_ARGUMENTS[kind]);
  const resultOk = GUARDED_RESULTS[resultKind];
  const isVoid = resultKind === "void";
  const done = (value) => {
    if (!resultOk(value)) {
      const error = new Error("the result needs the general path");
      error.name = resultRefused;
      error.value = value;
      throw error;
    }
    return isVoid ? undefined : value;
  };
  switch (paramKinds.length) {
    case 0:
      return () => done(fn.call(thisArg));
    case 1:
      return (a) => {
        if (!c0(a)) throw refusal;
        return done(fn.call(thisArg, a));
      };
    case 2:
      return (a, b) => {
        if (!(c0(a) && c1(b))) throw refusal;
        return done(fn.call(thisArg, a, b));
      };
    case 3:
      return (a, b, c) => {
        if (!(c0(a) && c1(b) && c2(c))) throw refusal;
        return done(fn.call(thisArg, a, b, c));
      };
    default:
      throw new RangeError(`guardCall: ${paramKinds.length} parameters (at most 3)`);
  }
}

