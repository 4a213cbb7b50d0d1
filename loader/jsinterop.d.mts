// Types of jsinterop's JavaScript API (the loader, dist/jsinterop.mjs).
import type { PyodideAPI } from "./pyodide.js"; // resolves to pyodide.d.ts beside it

/** The stages of a boot, in order: [fraction the stage starts at, label]. */
export declare const STAGES: Readonly<{
  download: readonly [0, "Downloading Python"];
  start: readonly [0.7, "Starting Python"];
  install: readonly [0.85, "Installing packages"];
  app: readonly [0.92, "Starting the app"];
  ready: readonly [1, "Ready"];
}>;

export interface BootOptions {
  /** The app's Python module (e.g. "app"); its package is installed, imported, and its main() run. */
  app?: string | null;
  /** Called as the boot advances: a fraction in [0, 1] that never decreases, and the stage's label. */
  onProgress?: ((fraction: number, label: string) => void) | null;
  /** Attach Python tracebacks (`error.pythonStack`) to errors of calls into Python. Default: on under
   * the development server (`./build.sh serve`), off elsewhere. */
  detailedErrors?: boolean;
  /** Warn, with the stack that created it, about a reference to a Python object garbage-collected
   * without dispose(). */
  debug?: boolean;
  /** Extra options for Pyodide's loadPyodide(). */
  pyodideOptions?: Record<string, unknown>;
  /** false: boot normally even where the release has a memory snapshot (default: restore it when it
   * holds the packages the app needs; an unusable snapshot gives a normal boot and one console.warn). */
  snapshot?: boolean;
  /** The deepest nesting of arrays and objects a value may have to cross, in both directions
   * (System.Text.Json's MaxDepth). Deeper data is refused, naming the parameter or result and the limit,
   * before anything walks it. Default 32. */
  maxDepth?: number;
  /** false: call Python through plain entry points even where WebAssembly stack switching (JSPI) exists
   * (calls that complete later then cannot block on a Promise). Default true. */
  jspi?: boolean;
  /**
   * true: Pyodide, jsinterop and the app run in a dedicated module worker (worker.mjs, same origin), so
   * Python never freezes the page; calls into Python are then asynchronous only (`invokeMethod` is
   * refused, exports return Promises, `Py.pyodide` throws). Python's synchronous calls into the page
   * need the page to be cross-origin isolated (COOP/COEP). Default: the app's `[tool.jsinterop] worker`.
   */
  worker?: boolean;
  /**
   * Asked for each boot file before it is fetched (Blazor's loadBootResource): `kind` says what it is,
   * `name` its path in the site (e.g. "pyodide.asm.wasm", "wheels/app-0.1.0-py3-none-any.whl"),
   * `defaultUrl` where it would come from. Return another same-origin URL, a Response (not for a
   * "module": modules are imported by URL), a Promise of either, or nothing for the default. What it
   * gives passes the same size and sha256 checks as a normal download; a cross-origin URL is refused.
   */
  loadBootResource?: LoadBootResource | null;
}

/** What `loadBootResource` is asked about: Pyodide's modules, its runtime files (wasm, standard
 * library), the wheels, a release's memory snapshot. */
export type BootResourceKind = "module" | "runtime" | "wheel" | "snapshot";

/** A boot file's source: a same-origin URL, a Response, or nothing (the default). */
export type BootResource = string | URL | Response | null | undefined | void;

/** `boot({loadBootResource})`: where a boot file comes from. */
export type LoadBootResource = (kind: BootResourceKind, name: string, defaultUrl: string) => BootResource | Promise<BootResource>;

/**
 * A JS initializer: the exports of a `<name>.lib.module.js` at the site's root (listed by the build).
 * boot() awaits every `beforeStart(options)`, in name order, before Pyodide loads (it may change the
 * options, e.g. set `loadBootResource`), and every `afterStarted(Py)` once the app started. One that
 * throws fails the boot with a BootError naming its file.
 */
export interface JSInitializer {
  beforeStart?(options: BootOptions): void | Promise<void>;
  afterStarted?(Py: PyRuntime): void | Promise<void>;
}

/** A boot failed: the message names the URL that failed to load or the Python exception raised. */
export declare class BootError extends Error {
  readonly name: "BootError";
  /** The URL that could not be loaded, when that was the failure. */
  readonly url: string | null;
  /** The Python exception's type, when Python raised. */
  readonly pythonType: string | null;
  /** The full Python traceback, when Python raised. */
  readonly pythonTraceback: string | null;
}

/** `loadPackages()` failed: the message names the package not in the site's lock, or that failed to load. */
export declare class PackageLoadError extends Error {
  readonly name: "PackageLoadError";
  /** The package names asked for. */
  readonly packages: readonly string[];
}

/** A JS object passed to Python by reference; it arrives there as a `JSObjectReference`. */
export declare class JSObjectRef {
  readonly id: number;
}

/** Binary data passed to Python as a stream; it arrives there as a `JSStreamReference`. */
export declare class JSStreamRef {
  readonly id: number;
  /** The size in bytes, or null for a ReadableStream. */
  readonly length: number | null;
}

/** A Python object lent by a `PyObjectReference`: call its `@js_invokable` methods, then dispose it. */
export declare class PyObjectRef {
  readonly id: number;
  /** Calls an invokable method; an `async def` is awaited. */
  invokeMethodAsync<T = unknown>(identifier: string, ...args: unknown[]): Promise<T>;
  /** Calls an invokable method synchronously; throws for an `async def`. */
  invokeMethod<T = unknown>(identifier: string, ...args: unknown[]): T;
  /** Releases the Python object. */
  dispose(): void;
}

/** The Error a failed call into Python throws: `name` is the Python exception's class. */
export interface PythonCallError extends Error {
  /** The Python traceback, when detailed errors are on. */
  pythonStack?: string;
}

/** A Python `PyStreamReference` as a JS function receives it: readable once. */
export interface PyStream {
  /** The size in bytes when Python knows it, else null. */
  readonly length: number | null;
  /** The data as a stream of Uint8Array chunks (at most 1 MiB each). */
  stream(): ReadableStream<Uint8Array>;
  /** All of the data at once. */
  arrayBuffer(): Promise<ArrayBuffer>;
}

/** What the page's main channel tracks now, for leak tests. */
export interface TrackedCounts {
  /** JS objects Python holds by reference. */
  jsObjects: number;
  /** Calls from Python to JS in flight. */
  pendingCalls: number;
  /** Chunks of Python streams JS is waiting for. */
  pendingPulls: number;
  /** Calls from JS to Python in flight. */
  pendingPyCalls: number;
  /** Python objects lent to JS. */
  pyObjects: number;
}

/** What `Py.debug.pythonCounts()` resolves to: `jsinterop.tracked_counts()` of the Python runtime. */
export interface PythonCounts extends TrackedCounts {
  /** Calls from Python to JS in flight, in Python's table. */
  pythonPendingCalls: number;
  /** Python streams JS may read. */
  pyStreams: number;
  /** `Persistent[Callable]` functions given to JS. */
  persistentCallbacks: number;
}

/** A Python module running in a Web Worker of its own, made by `Py.startWorker(module)`. */
export declare class PythonWorker {
  /** The Python module the worker runs. */
  readonly module: string;
  /** Whether it was disposed (or failed). */
  readonly disposed: boolean;
  /** Calls the module's `@js_invokable` function; rejects with an Error named JSDisconnectedException once disposed. */
  invokeMethodAsync<T = unknown>(identifier: string, ...args: unknown[]): Promise<T>;
  /** The `@js_export` functions of the module (or of `moduleName`): each returns a Promise. */
  getPythonExports<T = Record<string, (...args: any[]) => Promise<any>>>(moduleName?: string): Promise<T>;
  /** Runs Python source in the worker; resolves to its last expression, converted with toJs. */
  runPythonAsync<T = unknown>(code: string): Promise<T>;
  /** Stops the worker: pending calls fail, what the page lent to it is released. Idempotent. */
  dispose(): void;
}

/** The runtime object: jsinterop's JavaScript-side namespace, also `globalThis.Py`. */
export declare class PyRuntime {
  /** The Pyodide API returned by loadPyodide(); throws in worker mode (Pyodide is in the worker). */
  readonly pyodide: PyodideAPI;
  /** Whether Python runs in a Web Worker (boot({worker: true})). */
  readonly worker: boolean;
  /** The module name of the app this runtime started, or null. */
  readonly app: string | null;
  /** Where the boot's time went (ms per stage; `ready`: ms since navigation start), once booted. */
  readonly bootTimings: BootTimings | null;
  /** Whether this boot restored Pyodide from the release's memory snapshot. */
  fromSnapshot: boolean;
  /** The URL of the dist/ folder everything was loaded from (ends with "/"). */
  readonly baseURL: string;
  /** Whether errors of calls into Python carry the Python traceback. */
  readonly detailedErrors: boolean;
  /** Leak-hunting helpers. */
  readonly debug: { trackedCounts(): TrackedCounts; pythonCounts(): Promise<PythonCounts> };
  /** On the watching dev server (`jsinterop serve`) only: the live updates applied so far, in order. */
  readonly liveReloads?: readonly LiveReloadDetail[];
  /** Calls a `@js_invokable` function of a Python module (its dotted name); an `async def` is awaited. */
  invokeMethodAsync<T = unknown>(moduleName: string, identifier: string, ...args: unknown[]): Promise<T>;
  /** Runs Python source where Python runs (in worker mode, the worker); resolves to its last expression, converted with toJs. */
  runPythonAsync<T = unknown>(code: string): Promise<T>;
  /** Starts Python module `module` in a worker of its own; resolves once its main() (if any) has run. */
  startWorker(module: string, options?: { debug?: boolean; maxDepth?: number }): Promise<PythonWorker>;
  /** Calls a `@js_invokable` function synchronously; throws for an `async def`, and in worker mode. */
  invokeMethod<T = unknown>(moduleName: string, identifier: string, ...args: unknown[]): T;
  /**
   * The `@js_export` functions of a Python module; `T` is its generated interface, e.g.
   * `import type { AppCalcExports } from "./types/app.calc.js"`.
   */
  getPythonExports<T = Record<string, (...args: any[]) => any>>(moduleName: string): Promise<T>;
  /**
   * Installs packages the build shipped but boot did not (the app's lazy ones), with what they need;
   * resolves to the names installed (none when all were). Rejects with a PackageLoadError naming the package.
   */
  loadPackages(names: readonly string[]): Promise<string[]>;
  /** Calls `callback` once `element` leaves the document (MutationObserver cleanup); returns a cancel function. */
  onElementRemoved(element: Node, callback: (element: Node) => void): () => void;
  /** Pass a JS object to Python by reference instead of by value. */
  createJSObjectReference(object: object): JSObjectRef;
  /** Pass binary data to Python as a stream it reads in chunks. */
  createJSStreamReference(data: Blob | ArrayBuffer | ArrayBufferView | ReadableStream<Uint8Array>): JSStreamRef;
  /** Release a reference made by createJSObjectReference or createJSStreamReference. */
  disposeJSObjectReference(reference: JSObjectRef | JSStreamRef): void;
}

/** Boots Python in this page (or worker) and resolves to the runtime, also set as `globalThis.Py`. */
export declare function boot(options?: BootOptions): Promise<PyRuntime>;

/** Milliseconds per boot stage, and `ready`: performance.now() when the boot finished. */
export interface BootTimings {
  readonly download: number;
  readonly start: number;
  readonly install: number;
  readonly app: number;
  readonly ready: number;
}

/** Detail of the `jsinterop:progress` events dispatched on globalThis during a boot. */
export interface BootProgressDetail {
  fraction: number;
  label: string;
}

/** Detail of the `jsinterop:live-reload` events (dev server only): what an update did and its timings
 * in ms (`rebuild` on the server, `download` of the verified wheel, `reimport` of the app). */
export type LiveReloadDetail =
  | { kind: "python"; rebuild: number; download: number; reimport: number }
  | { kind: "css" }
  | { kind: "build-failed" | "failed"; message: string };

declare global {
  /** The runtime object, set by boot(). */
  var Py: PyRuntime | undefined;
  interface GlobalEventHandlersEventMap {
    "jsinterop:progress": CustomEvent<BootProgressDetail>;
    "jsinterop:live-reload": CustomEvent<LiveReloadDetail>;
  }
}
