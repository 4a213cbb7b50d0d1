// The JavaScript side of calls between JavaScript and Python (Microsoft.JSInterop's JS half): a
// JSCallChannel per runtime runs the calls Python makes (resolving identifiers, tracking objects held
// by reference) and carries the calls JavaScript makes to Python through the PythonCallDispatcher
// Python connects. The wire format is wire.mjs's; InteropHost holds the page's channels.

import { moduleURL } from "./assets.mjs";
import { fromColumns, toColumns } from "./columns.mjs";
import { describe, describeJS, pythonCall, pythonError } from "./errors.mjs";
import { PyStream } from "./streams.mjs";
import { exportsObject, guardCall } from "./typed.mjs";
import {
  CallKind, DEFAULT_MAX_DEPTH, Marker, WireReference, decodeValue, encodeArguments, encodeValue, errorResult,
  exceedsDepth,
} from "./wire.mjs";

/** Whether WebAssembly stack switching (JSPI) exists here, as Pyodide decides it. */
export const JSPI = typeof WebAssembly === "object" && ("Suspending" in WebAssembly || "Suspender" in WebAssembly);

/**
 * What Python connects to a channel: the host direction as one named interface (Blazor's
 * DotNetCallDispatcher). Each member is a Python callable (a PyProxy the channel destroys at shutdown).
 * @typedef {object} PythonCallDispatcher
 * @property {(callId: number, succeeded: boolean, result: unknown) => void} endInvokeJSFromPython
 *   completes an asynchronous call Python made (a primitive, an object id or a WireResult)
 * @property {() => void} disconnect tells Python the page is going away: its pending calls fail
 * @property {(streamId: number, callId: number, maxBytes: number) => void} pullStream asks for the next
 *   chunk of a Python stream; Python answers through `endPull(callId, ...)` (0 bytes cancels it)
 * @property {(module: string|undefined, identifier: string, target: number, json: string|undefined,
 *   buffers: Uint8Array[]|undefined, markers: boolean, ...plain: unknown[]) => unknown} invokePythonFromJS
 *   a synchronous call of an invokable (`target` 0) or of a method of a lent object (`target` its id):
 *   a primitive, or an envelope `[ok, json, buffers, markers]`
 * @property {(callId: number, module: string|undefined, identifier: string, target: number,
 *   json: string|undefined, buffers: Uint8Array[]|undefined, markers: boolean, ...plain: unknown[]) => void}
 *   beginInvokePythonFromJS starts an asynchronous call; Python answers through `endPyCall(callId, ...)`
 * @property {(id: number, disposed?: boolean) => boolean} releasePyObject releases a lent Python object
 *   (`disposed`: by JavaScript's dispose(), so Python's PyObjectReference is disposed too)
 * @property {() => number} pyObjectCount how many Python objects are lent now
 * @property {(moduleName: string) => unknown[]} pythonExports the entries of a module's `@js_export`
 *   functions, `[[name, isAsync, entry, arity, direct], ...]` (see typed.mjs)
 */

/**
 * Calls a Python entry point whose answer comes later, through a callback (endInvokeJSFromPython,
 * beginInvokePythonFromJS, pullStream). Python runs the work it starts right away
 * (pyodide_transport._resume_now); where WebAssembly stack switching exists the call is a promising
 * one, so that work may still block on a Promise (run_sync) as it could had Pyodide's event loop
 * started it. `onError` gets a failure.
 */
export function startPython(fn, args, onError, promising = JSPI) {
  if (promising && fn.callPromising) fn.callPromising(...args).catch(onError);
  else fn(...args);
}

function documentBase() {
  return globalThis.document?.baseURI ?? globalThis.location?.href;
}

function isThenable(value) {
  return value !== null && (typeof value === "object" || typeof value === "function") && typeof value.then === "function";
}

/** A JS object passed to Python by reference (made by `Py.createJSObjectReference`). */
export class JSObjectRef extends WireReference {
  constructor(id) {
    super();
    this.id = id;
    Object.freeze(this);
  }

  /** Crosses as `{__jsObjectId: id}`. */
  toWire() {
    return { [Marker.REF]: this.id };
  }
}

/**
 * A Python object lent to JavaScript (a `PyObjectReference`): call its invokable methods, then
 * dispose it. Passed back to Python, it arrives as the original object.
 */
export class PyObjectRef extends WireReference {
  #channel;

  constructor(channel, id) {
    super();
    this.#channel = channel;
    /** Its id in Python's table. */
    this.id = id;
    Object.freeze(this);
  }

  /** Crosses as `{__pyObjectId: id}`. */
  toWire() {
    return { [Marker.PY_OBJECT]: this.id };
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

/** Objects held by reference, by id. Id 0 is globalThis and is never stored. */
export class ObjectTable {
  #objects = new Map();
  #nextId = 1;

  /** Stores `object`; returns its new id. */
  track(object) {
    const id = this.#nextId++;
    this.#objects.set(id, object);
    return id;
  }

  /** The object of `id` (0: globalThis); an unknown id is an error worded like Blazor's. */
  get(id) {
    if (id === 0) return globalThis;
    if (!this.#objects.has(id)) {
      throw new Error(`JS object instance with ID ${id} does not exist (has it been disposed?).`);
    }
    return this.#objects.get(id);
  }

  /** Forgets `id`; whether it was there. */
  release(id) {
    return this.#objects.delete(id);
  }

  /** Forgets every object. */
  clear() {
    this.#objects.clear();
  }

  /** How many objects are held. */
  get size() {
    return this.#objects.size;
  }
}

// --- identifier resolution (Blazor's findObjectMember) ---------------------------------------------

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

// --- the channel -----------------------------------------------------------------------------------

/**
 * One runtime's channel: its own object table and pending calls, so that shutting one runtime
 * down releases exactly what it created. Python calls its `invoke*`/`beginInvoke*` methods and
 * completes JavaScript's calls with `endPyCall`/`endPull`; JavaScript's calls to Python go through
 * the PythonCallDispatcher given to `connect()`. It is also the WireReferences of its decoder.
 */
export class JSCallChannel {
  constructor() {
    this.objects = new ObjectTable();
    this.pending = new Map();
    this.closed = false;
    this.onClosed = null;
    this.pulls = new Map();
    this.nextPull = 1;
    /** @type {PythonCallDispatcher|null} Python's side, once connected. */
    this.dispatcher = null;
    this.pyCalls = new Map();
    this.nextPyCall = 1;
    this.pyObjects = new Map(); // id -> WeakRef(PyObjectRef): one wrapper per lent object
    this.debug = false;
    /** The deepest nesting a value sent to Python may have (boot({maxDepth})). */
    this.maxDepth = DEFAULT_MAX_DEPTH;
    /** Whether calls into Python that complete later are promising (JSPI) ones (boot({jspi})). */
    this.jspi = JSPI;
    this.PyProxy = null; // Pyodide's PyProxy class, set by InteropHost: such proxies are refused as data
    /**
     * What resolves a component's ElementReference: the DomPatcher of the page's components, when
     * they render (anything with `element(id)`; `Py.createDomPatcher` sets it on the main channel).
     */
    this.patcher = null;
    this.finalizer = new FinalizationRegistry((held) => this.#collected(held));
  }

  /** Python connects its side: the dispatcher of every call and answer toward Python. */
  connect(dispatcher) {
    this.dispatcher = dispatcher;
  }

  /**
   * The `@js_export` functions of a Python module, flat (`ex.add`) and in the full dotted layout
   * (`ex.app.calc.add`). Sync exports return values; `async def` ones return Promises. A Python
   * exception becomes an Error named after its class.
   */
  pythonExports(moduleName) {
    const dispatcher = this.#pythonSide();
    return exportsObject(moduleName, pythonCall((name) => dispatcher.pythonExports(name), [moduleName]));
  }

  // --- calls to Python -------------------------------------------------------------------------

  #pythonSide() {
    if (this.closed || !this.dispatcher) throw new Error("The Python runtime has been shut down; no more calls can be made.");
    return this.dispatcher;
  }

  #decodeResult(result) {
    if (!Array.isArray(result)) return result === undefined ? null : result;
    const [ok, json, buffers, markers] = result;
    if (!ok) throw pythonError(JSON.parse(json));
    return decodeValue(json, buffers, markers, this);
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
      const dispatcher = this.#pythonSide();
      return this.#decodeResult(dispatcher.invokePythonFromJS(module, identifier, target, ...encodeArguments(args, this)));
    }
    return new Promise((resolve, reject) => {
      const dispatcher = this.#pythonSide();
      const callId = this.nextPyCall++;
      this.pyCalls.set(callId, { resolve, reject });
      try {
        const failed = (e) => {
          this.pyCalls.delete(callId);
          reject(e);
        };
        startPython(dispatcher.beginInvokePythonFromJS,
          [callId, module, identifier, target, ...encodeArguments(args, this)], failed, this.jspi);
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

  // --- the references wire data names (WireReferences) ---------------------------------------

  /** An object of this channel's table. */
  jsObject(id) {
    return this.objects.get(id);
  }

  /** The data of a stream source of this channel's table. */
  jsStream(id) {
    return this.objects.get(id).value;
  }

  /** A Python stream, read through this channel's pulls. */
  pyStream(id, length) {
    return new PyStream(this, id, length);
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

  /** JavaScript disposed `wrapper`: Python releases the object and disposes its PyObjectReference. */
  releasePyObject(wrapper) {
    this.finalizer.unregister(wrapper);
    if (this.pyObjects.get(wrapper.id)?.deref() === wrapper) this.pyObjects.delete(wrapper.id);
    // true: disposed by JavaScript, so Python's PyObjectReference is disposed too (not merely released).
    if (!this.closed && this.dispatcher) this.dispatcher.releasePyObject(wrapper.id, true);
  }

  #collected({ id, stack }) {
    // Garbage-collected without dispose(): release the Python object so it does not leak.
    if (this.pyObjects.get(id)?.deref() === undefined) this.pyObjects.delete(id);
    if (this.closed || !this.dispatcher) return;
    const released = this.dispatcher.releasePyObject(id);
    if (released && this.debug) {
      console.warn(`jsinterop: a reference to a Python object (id ${id}) was garbage-collected without dispose(); ` +
        `it was released. Created at:\n${stack}`);
    }
  }

  /** Asks Python for the next chunk of stream `id` (at most `maxBytes`; 0 cancels it). */
  pullPython(id, maxBytes) {
    if (this.closed || !this.dispatcher) {
      return Promise.reject(new Error("The Python runtime has been shut down; the stream cannot be read."));
    }
    const callId = this.nextPull++;
    return new Promise((resolve, reject) => {
      this.pulls.set(callId, { resolve, reject });
      try {
        startPython(this.dispatcher.pullStream, [id, callId, maxBytes], (e) => {
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

  // --- running calls from Python ----------------------------------------------------------------

  #run(target, identifier, kind, args) {
    if (this.closed) throw new Error("The JavaScript runtime has been shut down; no more calls can be made.");
    const root = this.objects.get(target);
    switch (kind) {
      case CallKind.IMPORT: {
        // Relative to the document, like Blazor, or a bare npm specifier (the build's bundle of it); a
        // release serves the module under a hashed name.
        const url = moduleURL(args[0], documentBase()).href;
        // Every engine's error names what failed (JavaScriptCore's says only "Importing a module script failed.")
        return import(url).catch((e) => {
          if (e instanceof Error && !String(e.message).includes(url)) e.message = `${e.message} (importing ${url})`;
          throw e;
        });
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
        return encodeValue(value, this);
    }
  }

  /** A value for Python, encoded for this channel (see wire.mjs's encodeValue). */
  encodeValue(value, isArguments = false) {
    return encodeValue(value, this, isArguments);
  }

  /** An error for Python: anything thrown, as a WireResult (see errors.mjs's errorInfo). */
  errorResult(thrown) {
    return errorResult(thrown);
  }

  /** A synchronous call with primitive arguments. Returns a primitive or a WireResult (maybe an error). */
  invoke(target, identifier, kind, ...args) {
    try {
      return this.#settle(this.#run(target, identifier, kind, args), identifier, kind);
    } catch (e) {
      return errorResult(e);
    }
  }

  /** A synchronous call with JSON-encoded arguments. */
  invokeJSON(target, identifier, kind, json, buffers, markers) {
    try {
      const args = decodeValue(json, buffers, markers, this);
      return this.#settle(this.#run(target, identifier, kind, args), identifier, kind);
    } catch (e) {
      return errorResult(e);
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

  /** Starts an asynchronous call with primitive arguments; completes through endInvokeJSFromPython. */
  beginInvoke(callId, target, identifier, kind, ...args) {
    this.#begin(callId, kind, () => this.#run(target, identifier, kind, args));
  }

  /** Starts an asynchronous call with JSON-encoded arguments. */
  beginInvokeJSON(callId, target, identifier, kind, json, buffers, markers) {
    this.#begin(callId, kind, () => this.#run(target, identifier, kind, decodeValue(json, buffers, markers, this)));
  }

  #begin(callId, kind, start) {
    this.pending.set(callId, kind);
    this.#outcome(kind, start, () => this.pending.delete(callId)).then(([succeeded, result]) => {
      this.#complete(callId, succeeded, result);
    }, () => {}); // abandoned or shut down: keep nothing
  }

  /**
   * Runs `start()`, awaits what it returns and encodes it for `kind`: resolves to [succeeded, result],
   * or rejects (with nothing to report) when `keep()` says the call is no longer wanted.
   */
  #outcome(kind, start, keep = () => true) {
    let promise;
    try {
      promise = Promise.resolve(start());
    } catch (e) {
      promise = Promise.reject(e);
    }
    return promise.then(
      (value) => {
        if (!keep()) throw new Error("abandoned");
        try {
          return [true, this.#encode(value, kind)];
        } catch (e) {
          return [false, errorResult(e)];
        }
      },
      (e) => {
        if (!keep()) throw e;
        return [false, errorResult(e)];
      },
    );
  }

  /**
   * A call whose result is awaited before it is encoded (a Promise is waited for), for a caller that
   * waits synchronously elsewhere (Python in a worker, through worker-bridge.mjs): resolves to what
   * `invoke` returns, a primitive or a WireResult (maybe an error). `json` undefined: `args` are plain.
   */
  invokeAwaited(target, identifier, kind, json, buffers, markers, ...args) {
    const start = () => this.#run(target, identifier, kind,
      json === undefined ? args : decodeValue(json, buffers, markers, this));
    return this.#outcome(kind, start).then(([, result]) => result);
  }

  /**
   * Hands a result to Python, which resumes the awaiting task at once (pyodide_transport._resume_now).
   * Where WebAssembly stack switching exists, through a promising call, so that task may still block
   * on a Promise (run_sync), as it could had Pyodide's event loop woken it.
   */
  #complete(callId, succeeded, result) {
    const failed = (e) => console.error("jsinterop: completing a call failed", e);
    try {
      startPython(this.dispatcher.endInvokeJSFromPython, [callId, succeeded, result], failed, this.jspi);
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
      pyObjects: !this.closed && this.dispatcher ? this.dispatcher.pyObjectCount() : 0,
    };
  }

  /**
   * Release everything; later calls fail. `notifyPython` reports the disconnection first; `gone()`
   * makes the error of each pending call into Python.
   */
  shutdown(notifyPython = false, gone = () => new Error("The Python runtime has been shut down.")) {
    if (this.closed) return;
    this.closed = true;
    this.pending.clear();
    this.objects.clear();
    for (const pull of this.pulls.values()) pull.reject(gone());
    this.pulls.clear();
    for (const call of this.pyCalls.values()) call.reject(gone());
    this.pyCalls.clear();
    this.pyObjects.clear();
    const dispatcher = this.dispatcher;
    this.dispatcher = null;
    this.onClosed?.();
    try {
      if (notifyPython && dispatcher) dispatcher.disconnect();
    } finally {
      for (const proxy of Object.values(dispatcher ?? {})) proxy?.destroy?.();
    }
  }
}

/**
 * What the typed path (typed/marshalling.py, typed/imports.py) asks of an interop host, the page's or
 * the worker's (worker.mjs): the depth check, the columnar transfer of records and the guarded fast call.
 * A subclass sets `maxDepth`.
 */
export class TypedPathHost {
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

  /** The typed fast path's guarded call of `fn` on `thisArg`: see typed.mjs's guardCall. */
  guardCall(fn, thisArg, paramKinds, resultKind, argumentRefused, resultRefused) {
    return guardCall(fn, thisArg, [...paramKinds], resultKind, argumentRefused, resultRefused);
  }
}

/**
 * The page's interop host: the main channel (used by `jsinterop.js_runtime()` and by
 * `Py.createJSObjectReference`) and any further channels runtimes create, with the page-wide
 * settings and the typed path's helpers Python reaches as `Py._interop`.
 */
export class InteropHost extends TypedPathHost {
  constructor({ debug = false, detailedErrors = false, PyProxy = null, maxDepth = DEFAULT_MAX_DEPTH, jspi = true } = {}) {
    super();
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

  /** A new channel with the page's settings (a JSRuntime of its own: `PyodideTransport()`). */
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

  /** Shuts every channel down, telling Python (the page is going away). */
  shutdownAll() {
    for (const channel of [...this.channels]) channel.shutdown(true);
  }
}
