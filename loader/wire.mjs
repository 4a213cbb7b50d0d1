// The wire format of calls between JavaScript and Python, and its one codec (both directions):
// JSON text, by System.Text.Json's rules, plus side channels that JSON cannot carry, marked in the
// text by one-key objects:
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
//
// Each reference kind brings its own encoding (a WireReference's toWire(), as Blazor registers one
// JSON converter per reference kind); decoding asks the channel for the object a marker names
// (WireReferences). This module knows no channel, stream or object table itself.

import { errorInfo } from "./errors.mjs";

/** What a call from Python asks of JavaScript (the Python side's CallKind, same numbers). */
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

/**
 * Set in a synchronous call's kind when the caller waits for a Promise the call returns (Python in a
 * worker, blocking on the page: `Blocking[T]`, `invoke(..., blocking=True)`); the page awaits it.
 */
export const AWAIT_FLAG = 0x100;

/** The deepest nesting of arrays and objects a value may have to cross, as System.Text.Json's MaxDepth. */
export const DEFAULT_MAX_DEPTH = 32;

/** The keys of the wire markers, by what they mark (see the table at the top of this module). */
export const Marker = Object.freeze({
  REF: "__jsObjectId",
  BYTES: "__jsinteropBytes",
  NUMBER: "__jsinteropNumber",
  BIGINT: "__jsinteropBigInt",
  JS_STREAM: "__jsinteropStream",
  PY_STREAM: "__pyStream",
  PY_OBJECT: "__pyObjectId",
  ELEMENT: "__jsinteropElement",
  TOO_DEEP: "__jsinteropTooDeep",
});
const { REF, BYTES, NUMBER, BIGINT, JS_STREAM, PY_STREAM, PY_OBJECT, ELEMENT, TOO_DEEP } = Marker;

/** The prefix that escapes a data key which would read as a marker (the receiver removes one). */
export const ESCAPED = "__jsinteropEscaped:";

/** Every key that makes a single-key object a wire marker (one table for both directions). */
export const MARKER_KEYS = new Set(Object.values(Marker));

/**
 * `object` with its single key escaped, when that key would read as a wire marker; else null. A data
 * object like `{__jsObjectId: 0}` thus never becomes a reference on the other side.
 */
export function escapedData(object) {
  let key = null;
  for (const k in object) {
    if (key !== null || !Object.hasOwn(object, k)) return null; // two keys, or an inherited one: not a marker
    key = k;
  }
  if (key === null || !(MARKER_KEYS.has(key) || key.startsWith(ESCAPED))) return null;
  return { [ESCAPED + key]: object[key] };
}

/**
 * The base of every value the runtime sends by reference (JSObjectRef, JSStreamRef, PyObjectRef):
 * each kind says, in toWire(), which marker it crosses as.
 */
export class WireReference {
  /** The one-key marker object this reference is sent as (e.g. `{__jsObjectId: 3}`). */
  toWire() {
    throw new TypeError(`${this.constructor.name} does not say how it crosses the wire.`);
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

/** The WireResult of an error for Python: `thrown`, whatever it is, as the JSON of errorInfo(). */
export function errorResult(thrown) {
  return new WireResult(true, JSON.stringify(errorInfo(thrown)));
}

/** Whether `value` is binary data: an ArrayBuffer or a view of one (a typed array, a DataView). */
export function isBinary(value) {
  return value instanceof ArrayBuffer || ArrayBuffer.isView(value);
}

/** The bytes of binary data, as a Uint8Array over the same memory (no copy). */
export function bytesOf(value) {
  if (value instanceof Uint8Array) return value;
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
}

/** Whether `value` is an ES module namespace object (what import() gives): sent by reference. */
export function isModuleNamespace(value) {
  return value !== null && typeof value === "object" && value[Symbol.toStringTag] === "Module";
}

/** Whether a call argument crosses as it is, without JSON: a string, number, boolean, undefined or null. */
export function isPrimitiveArg(value) {
  const type = typeof value;
  return type === "string" || type === "number" || type === "boolean" || value === undefined || value === null;
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

/**
 * What the encoder needs of the channel it encodes for (a JSCallChannel is one).
 * @typedef {object} WireEncoding
 * @property {{track(object: object): number}} objects the table module namespaces are tracked in
 * @property {Function|null} PyProxy Pyodide's PyProxy class: such proxies are refused as data
 * @property {number} maxDepth the deepest nesting a value sent to Python may have
 */

/**
 * A value for Python: primitives as they are, anything else as a WireResult. `isArguments`: `value`
 * is a call's argument list, whose items are each one argument (the list itself is not a level).
 *
 * Containers nested deeper than `maxDepth` are not walked: the first one too deep is sent as a
 * TOO_DEEP marker naming its argument, and Python raises the error naming the parameter (or the
 * result) and the limit. A data object whose single key reads as a marker is escaped.
 * @param {unknown} value  @param {WireEncoding} encoding  @param {boolean} [isArguments]
 */
export function encodeValue(value, encoding, isArguments = false) {
  const PyProxy = encoding.PyProxy;
  if (PyProxy && value instanceof PyProxy) throw pyProxyAsData("");
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
  const objects = encoding.objects;
  if (value instanceof WireReference) return new WireResult(false, JSON.stringify(value.toWire()), undefined, true);
  if (isModuleNamespace(value)) return new WireResult(false, `{"${REF}":${objects.track(value)}}`, undefined, true);
  if (isBinary(value)) return new WireResult(false, `{"${BYTES}":0}`, [bytesOf(value)], true);
  const buffers = [];
  let markers = false;
  const maxDepth = encoding.maxDepth;
  // The nesting level of each container being written (its children are one deeper). A holder not
  // in the map is JSON.stringify's own root wrapper or one of our markers.
  const levels = new Map();
  const rootLevel = isArguments ? -1 : 0;
  let argument = -1;
  const json = stringifyOrExplain(value, function replacer(key, item) {
    const original = this[key];
    if (PyProxy && original instanceof PyProxy) throw pyProxyAsData(key);
    if (original instanceof WireReference) {
      markers = true;
      return original.toWire();
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

/**
 * A call's arguments for Python, as the dispatcher takes them: `[json, buffers, markers, ...plain]`.
 * All primitives skip JSON (json undefined, the arguments follow, null as undefined); else one JSON text.
 * @param {unknown[]} args  @param {WireEncoding} encoding
 */
export function encodeArguments(args, encoding) {
  if (args.every(isPrimitiveArg)) return [undefined, undefined, false, ...args.map((a) => (a === null ? undefined : a))];
  const encoded = encodeValue(args, encoding, true);
  return [encoded.json, encoded.buffers, encoded.markers];
}

/**
 * What the decoder asks its channel for: the object each reference marker names.
 * @typedef {object} WireReferences
 * @property {(id: number) => unknown} jsObject an object of the table (`__jsObjectId`)
 * @property {(id: number) => unknown} jsStream the data of a stream source of the table (`__jsinteropStream`)
 * @property {(id: number, length: number|null) => unknown} pyStream a Python stream to pull (`__pyStream`)
 * @property {(id: number) => unknown} pyObject the wrapper of a lent Python object (`__pyObjectId`)
 * @property {(id: number) => unknown} element a component's rendered element (`__jsinteropElement`)
 */

/**
 * The value of wire data from Python: `json` parsed, its markers (only looked for when `markers`)
 * replaced by what they stand for: buffers, numbers JSON lacks, and what `references` resolves.
 * @param {string} json  @param {Uint8Array[]|undefined} buffers  @param {boolean} markers
 * @param {WireReferences} references
 */
export function decodeValue(json, buffers, markers, references) {
  if (!markers) return JSON.parse(json);
  return JSON.parse(json, (key, value) => {
    if (value === null || typeof value !== "object" || Array.isArray(value)) return value;
    const keys = Object.keys(value);
    if (keys.length !== 1) return value;
    if (keys[0].startsWith(ESCAPED)) return { [keys[0].slice(ESCAPED.length)]: value[keys[0]] }; // data, not a marker
    switch (keys[0]) {
      case REF:
        return references.jsObject(value[REF]);
      case BYTES:
        return buffers[value[BYTES]];
      case NUMBER:
        return Number(value[NUMBER]);
      case BIGINT:
        return BigInt(value[BIGINT]);
      case JS_STREAM:
        return references.jsStream(value[JS_STREAM]);
      case PY_STREAM:
        return references.pyStream(value[PY_STREAM][0], value[PY_STREAM][1]);
      case PY_OBJECT:
        return references.pyObject(value[PY_OBJECT]);
      case ELEMENT:
        return references.element(value[ELEMENT]);
    }
    return value;
  });
}
