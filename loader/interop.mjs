// The JavaScript side of calls from Python: resolves identifiers, runs calls, tracks objects held
// by reference, and encodes results and errors for Python (Microsoft.JSInterop's JS half).
//
// Wire format (both directions): JSON text, by System.Text.Json's rules, plus side channels that
// JSON cannot carry, marked in the text by one-key objects:
//   {"__jsObjectId": n}        an object of the table, passed by reference (Blazor's own marker)
//   {"__jsinteropBytes": i}    the i-th binary buffer (a Uint8Array, never Base64)
//   {"__jsinteropNumber": s}   NaN, Infinity or -Infinity
//   {"__jsinteropBigInt": s}   a BigInt, as decimal digits
// Calls whose arguments are all primitives skip JSON entirely.

export const CallKind = Object.freeze({
  INVOKE: 0,
  INVOKE_VOID: 1,
  INVOKE_REF: 2,
  GET_VALUE: 3,
  SET_VALUE: 4,
  CONSTRUCT: 5,
  IMPORT: 6,
});

const REF = "__jsObjectId";
const BYTES = "__jsinteropBytes";
const NUMBER = "__jsinteropNumber";
const BIGINT = "__jsinteropBigInt";

/** A JS object passed to Python by reference (made by `Py.createJSObjectReference`). */
export class JSObjectRef {
  constructor(id) {
    this.id = id;
    Object.freeze(this);
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
      throw new Error(`There is no tracked object with id '${id}'. Perhaps the object was disposed?`);
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
 * Resolves a dotted identifier from `root`, as Blazor does: returns the value and its parent (the
 * `this` of a call). Throws `Could not find 'a.b.c' ('b' was undefined).` for a missing segment.
 */
export function resolveIdentifier(root, identifier) {
  if (typeof identifier !== "string" || identifier === "") {
    throw new Error(`The identifier must be a non-empty string, got ${describe(identifier)}.`);
  }
  let parent = undefined;
  let value = root;
  for (const segment of identifier.split(".")) {
    const holder = value;
    const found = holder !== null && holder !== undefined && segment !== "" && segment in Object(holder);
    if (!found) throw new Error(`Could not find '${identifier}' ('${segment}' was undefined).`);
    parent = holder;
    value = holder[segment];
  }
  return { parent, value };
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
    this.onClosed = null;
  }

  /** Python gives the callbacks that complete calls and report a disconnection. */
  connect(endInvoke, onDisconnect) {
    this.endInvoke = endInvoke;
    this.onDisconnect = onDisconnect;
  }

  // --- running calls ---------------------------------------------------------------------------

  #run(target, identifier, kind, args) {
    if (this.closed) throw new Error("The JavaScript runtime has been shut down; no more calls can be made.");
    const root = this.objects.get(target);
    switch (kind) {
      case CallKind.IMPORT: {
        const url = new URL(String(args[0]), documentBase()).href;
        return import(url);
      }
      case CallKind.GET_VALUE:
        return resolveIdentifier(root, identifier).value;
      case CallKind.SET_VALUE: {
        const dot = identifier.lastIndexOf(".");
        const holder = dot < 0 ? root : resolveIdentifier(root, identifier.slice(0, dot)).value;
        const name = identifier.slice(dot + 1);
        if (holder === null || (typeof holder !== "object" && typeof holder !== "function") || name === "") {
          throw new Error(`Could not set '${identifier}': its parent is ${describe(holder)}.`);
        }
        holder[name] = args[0];
        return undefined;
      }
      case CallKind.CONSTRUCT: {
        const { value } = resolveIdentifier(root, identifier);
        if (typeof value !== "function") throw new Error(`The value '${identifier}' is not a constructor.`);
        return Reflect.construct(value, args);
      }
      default: {
        const { parent, value } = resolveIdentifier(root, identifier);
        if (typeof value !== "function") throw new Error(`The value '${identifier}' is not a function.`);
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

  /** A value for Python: primitives as they are, anything else as a WireResult. */
  encodeValue(value) {
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
    if (isModuleNamespace(value)) return new WireResult(false, `{"${REF}":${this.objects.track(value)}}`, undefined, true);
    if (isBinary(value)) return new WireResult(false, `{"${BYTES}":0}`, [bytesOf(value)], true);
    const buffers = [];
    let markers = false;
    const objects = this.objects;
    const json = JSON.stringify(value, function replacer(key, item) {
      const original = this[key];
      if (original instanceof JSObjectRef) {
        markers = true;
        return { [REF]: original.id };
      }
      switch (typeof item) {
        case "number":
          if (Number.isFinite(item)) return item;
          markers = true;
          return { [NUMBER]: String(item) };
        case "bigint":
          markers = true;
          return { [BIGINT]: item.toString() };
        case "object":
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
    return JSON.parse(json, (key, value) => {
      if (value === null || typeof value !== "object" || Array.isArray(value)) return value;
      const keys = Object.keys(value);
      if (keys.length !== 1) return value;
      switch (keys[0]) {
        case REF:
          return objects.get(value[REF]);
        case BYTES:
          return buffers[value[BYTES]];
        case NUMBER:
          return Number(value[NUMBER]);
        case BIGINT:
          return BigInt(value[BIGINT]);
      }
      return value;
    });
  }

  /** A synchronous call with primitive arguments. Returns a primitive or a WireResult (maybe an error). */
  invoke(target, identifier, kind, ...args) {
    return this.#invokeSync(target, identifier, kind, () => args);
  }

  /** A synchronous call with JSON-encoded arguments. */
  invokeJSON(target, identifier, kind, json, buffers, markers) {
    return this.#invokeSync(target, identifier, kind, () => this.#decodeArgs(json, buffers, markers));
  }

  #invokeSync(target, identifier, kind, getArgs) {
    try {
      const value = this.#run(target, identifier, kind, getArgs());
      if (isThenable(value)) {
        value.then(undefined, () => {}); // nobody awaits it: keep its rejection from going unhandled
        const what = kind === CallKind.IMPORT ? "import()" : `The JavaScript function '${identifier}'`;
        throw new Error(`${what} returned a Promise, which a synchronous invoke() cannot wait for: use invoke_async().`);
      }
      return this.#encode(value, kind);
    } catch (e) {
      return this.errorResult(e);
    }
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

  #complete(callId, succeeded, result) {
    try {
      this.endInvoke(callId, succeeded, result);
    } catch (e) {
      console.error("jsinterop: completing a call failed", e);
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
    return { jsObjects: this.objects.size, pendingCalls: this.pending.size };
  }

  /** Release everything; later calls fail. `notifyPython` reports the disconnection first. */
  shutdown(notifyPython = false) {
    if (this.closed) return;
    this.closed = true;
    this.pending.clear();
    this.objects.clear();
    const { endInvoke, onDisconnect } = this;
    this.endInvoke = this.onDisconnect = null;
    this.onClosed?.();
    try {
      if (notifyPython && onDisconnect) onDisconnect();
    } finally {
      endInvoke?.destroy?.();
      onDisconnect?.destroy?.();
    }
  }
}

/**
 * The page's interop host: the main channel (used by `jsinterop.js_runtime()` and by
 * `Py.createJSObjectReference`) and any further channels runtimes create.
 */
export class InteropHost {
  constructor() {
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
    channel.onClosed = () => this.channels.delete(channel);
    this.channels.add(channel);
    return channel;
  }

  shutdownAll() {
    for (const channel of [...this.channels]) channel.shutdown(true);
  }
}
