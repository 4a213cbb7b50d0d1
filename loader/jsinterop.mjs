// jsinterop's loader: boots Pyodide from the same origin, installs jsinterop and the app, runs the
// app's main(), and publishes the runtime object as `globalThis.Py`.
//
// Every URL is resolved relative to this module (through assets.mjs, which also knows where a
// release keeps each file), so a dist/ folder works from any sub-path of a static host. Nothing
// here evaluates strings as code: the page boots under
// `default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; base-uri 'self'; form-action 'self'`.

import { DIST, INITIALIZER_MODULES, LAZY, MEMORY_SNAPSHOT, WORKER, assetURL, bootRecord } from "./assets.mjs";
import { BootError, PackageLoadError, pythonBootError } from "./errors.mjs";
import { bootResource, fetchJSON, fetchVerified, handOver } from "./fetch-assets.mjs";
import { runInitializers } from "./initializers.mjs";
import { attachDomPatcher } from "./dom-patcher.mjs";
import { InteropHost, JSObjectRef } from "./channel.mjs";
import { connectLiveReload } from "./live-reload.mjs";
import { packageProviding, withDependencies, withoutLazyDependencies } from "./lockfile.mjs";
import { loadPackages } from "./packages.mjs";
import * as router from "./router.mjs";
import { pyodideSnapshot, snapshotProblem } from "./snapshot-file.mjs";
import { JSStreamRef, StreamSource } from "./streams.mjs";
import { PythonWorker, bootInWorker } from "./worker-bridge.mjs";

export { BootError, JSObjectRef, JSStreamRef, PackageLoadError };

/** Pyodide's modules, by development path (assetURL knows where a release keeps them): imported. */
const PYODIDE_MODULES = ["pyodide.mjs", "pyodide.asm.mjs"];
/** The files Pyodide loads itself: downloaded and verified by the loader, then handed to Pyodide. */
const PYODIDE_DATA = ["pyodide.asm.wasm", "python_stdlib.zip"];

/** Boot stages, in order, with the fraction of the progress bar each one starts at. */
export const STAGES = Object.freeze({
  download: [0, "Downloading Python"],
  start: [0.7, "Starting Python"],
  install: [0.85, "Installing packages"],
  app: [0.92, "Starting the app"],
  ready: [1, "Ready"],
});

/**
 * Gives the interop host what Python's components (jsinterop.components.browser) reach as
 * `Py._interop.*`, internals that are not part of the public `Py` API: `router` (router.mjs: the
 * location, History API navigation, link interception) and `createDomPatcher(selector, dispatch,
 * render)` (attaches the page channel's DomPatcher).
 */
function componentHost(host) {
  host.router = router;
  host.createDomPatcher = (selector, dispatch, render = null) =>
    attachDomPatcher(host.main, selector, dispatch, { debug: host.debug, render });
  return host;
}

/** `pyodide.runPythonAsync(code)`, its result converted to JavaScript (a PyProxy is destroyed after). */
export async function runPython(pyodide, code) {
  const value = await pyodide.runPythonAsync(code);
  if (!(pyodide.ffi?.PyProxy && value instanceof pyodide.ffi.PyProxy)) return value;
  try {
    return value.toJs({ dict_converter: Object.fromEntries, create_pyproxies: false });
  } finally {
    value.destroy();
  }
}

/** `jsinterop.tracked_counts()` of the Python runtime in `pyodide`, as a plain object. */
export function pythonCounts(pyodide) {
  const page = pyodide.pyimport("jsinterop.page");
  const counts = page.tracked_counts();
  try {
    return counts.toJs({ dict_converter: Object.fromEntries });
  } finally {
    counts.destroy();
    page.destroy();
  }
}

/** The runtime object: the JavaScript-side namespace of jsinterop (Blazor's `DotNet`). */
export class PyRuntime {
  /** @param {object} pyodide the Pyodide API  @param {string|null} app the app's module name */
  constructor(pyodide, app, { debug = false, detailedErrors = false, maxDepth = undefined, jspi = true, lock = null,
    host = null, worker = null } = {}) {
    if (worker) {
      Object.defineProperty(this, "pyodide", {
        get() {
          throw new Error("Py.pyodide is not available in worker mode: Pyodide runs in the worker (boot({worker: true})), " +
            "not in this page. Call Python with Py.invokeMethodAsync() or the exports of Py.getPythonExports().");
        },
      });
    } else {
      /** The Pyodide API object returned by `loadPyodide()`. */
      this.pyodide = pyodide;
    }
    /** Whether Python runs in a Web Worker (boot({worker: true})): calls into it are asynchronous. */
    this.worker = Boolean(worker);
    // The page's side of worker mode (worker-bridge.mjs), or null (internal).
    Object.defineProperty(this, "_worker", { value: worker });
    /** The module name of the app this runtime started, or null. */
    this.app = app;
    /** The URL of the dist/ folder everything was loaded from. */
    this.baseURL = DIST.href;
    // The channels Python's JSRuntime calls through (internal: not part of the API).
    Object.defineProperty(this, "_interop", {
      value: host ?? componentHost(new InteropHost({ debug, detailedErrors, maxDepth, jspi, PyProxy: pyodide.ffi?.PyProxy ?? null })),
    });
    /** Whether errors of calls into Python carry the Python traceback (`error.pythonStack`). */
    this.detailedErrors = detailedErrors;
    /**
     * Where the boot's time went, in ms: `download` (downloading and verifying the runtime and wheels), `start`
     * (loadPyodide: wasm compile, stdlib), `install` (the wheels), `app` (importing it, main());
     * `ready` is performance.now() when it finished (ms since the page's navigation started).
     */
    this.bootTimings = null;
    /** Whether this boot restored Pyodide from the release's memory snapshot (see boot()). */
    this.fromSnapshot = false;
    // The site's pyodide-lock.json as the build wrote it, for loadPackages (internal).
    Object.defineProperty(this, "_lock", { value: lock });
    const interop = this._interop;
    /** Leak-hunting helpers. */
    this.debug = Object.freeze({
      /** What the page's main channel tracks now: `{ jsObjects, pendingCalls }`. */
      trackedCounts: () => interop.main.counts(),
      /** Python's own counts of the runtime's references (jsinterop.tracked_counts()), as a Promise. */
      pythonCounts: () => (worker ? worker.pythonCounts() : Promise.resolve(pythonCounts(pyodide))),
    });
  }

  /**
   * Calls `callback` once `element` has left the document (the article's MutationObserver cleanup
   * pattern, as a helper): the observer disconnects itself after firing. Returns a function that
   * cancels the watch.
   */
  onElementRemoved(element, callback) {
    if (!(element instanceof Node)) throw new TypeError("onElementRemoved() needs a DOM node.");
    if (typeof callback !== "function") throw new TypeError("onElementRemoved() needs a callback function.");
    const observer = new MutationObserver(() => {
      if (element.isConnected) return;
      observer.disconnect();
      callback(element);
    });
    observer.observe(element.getRootNode() === document ? document : element.getRootNode(), {
      childList: true,
      subtree: true,
    });
    return () => observer.disconnect();
  }

  /**
   * Installs Python packages the build shipped but boot did not (the app's `[tool.jsinterop] lazy`),
   * with what they need, from the site's own pyodide-lock.json; resolves to the names it installed
   * (none when they are installed already). Python's `jsinterop.load_packages()` calls it.
   * Rejects with a `PackageLoadError` naming a package the site does not have or that failed to load.
   */
  loadPackages(names) {
    if (this._worker) return this._worker.request("loadPackages", { names: [...names] });
    if (!this._lock) return Promise.reject(new PackageLoadError("loadPackages(): this runtime was not booted from a site's pyodide-lock.json."));
    return loadPackages(this.pyodide, this._lock, names);
  }

  /**
   * Starts Python module `module` in a worker of its own (the .NET web-worker template's case: heavy
   * work off a main-thread app): resolves, once its `main()` (if any) has run, to a `PythonWorker`
   * whose `invokeMethodAsync(identifier, ...args)` calls its `@js_invokable` functions and whose
   * `dispose()` stops it. Python's `jsinterop.workers.start_worker(module)` calls it.
   */
  async startWorker(module, { debug = this._interop.debug, maxDepth = this._interop.maxDepth } = {}) {
    if (typeof module !== "string" || !/^[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)*$/.test(module)) {
      throw new TypeError(`startWorker() needs a Python module name like "app.heavy", got ${JSON.stringify(module) ?? String(module)}.`);
    }
    const settings = { app: module, pyodideOptions: {}, debug, detailedErrors: this.detailedErrors, snapshot: true,
      maxDepth, jspi: true };
    let runtime = null;
    const noop = () => {};
    await bootInWorker(settings, {
      stage: noop,
      progress: noop,
      makeRuntime: (host, bridge) => {
        runtime = new PyRuntime(null, module, { ...settings, host: componentHost(host), worker: bridge });
        return runtime;
      },
    });
    return new PythonWorker(module, runtime, runtime._worker);
  }

  /**
   * Runs Python source where Python runs (in worker mode: in the worker) with `runPythonAsync`;
   * resolves to the value of its last expression, converted to JavaScript (`toJs`: dicts become plain
   * objects). For tests and consoles: an app calls its `@js_invokable` functions instead.
   */
  runPythonAsync(code) {
    if (this._worker) return this._worker.request("runPython", { code: String(code) });
    return runPython(this.pyodide, String(code));
  }

  /**
   * Calls a `@js_invokable` Python function of module `moduleName` (its dotted name); resolves to
   * its result (an `async def` is awaited). Rejects with an Error named after the Python exception.
   */
  invokeMethodAsync(moduleName, identifier, ...args) {
    if (this._worker?.gone) return Promise.reject(this._worker.disconnected());
    return this._interop.main.invokePython(moduleName, identifier, 0, args, true);
  }

  /**
   * The `@js_export` functions of a Python module (.NET's `getAssemblyExports`): `ex.add(1, 2)` and
   * `ex.app.calc.add(1, 2)`. The module must have been imported by Python.
   */
  async getPythonExports(moduleName) {
    if (this._worker) return this._worker.pythonExports(moduleName);  // each returns a Promise
    return this._interop.main.pythonExports(moduleName);
  }

  /** Calls a `@js_invokable` Python function synchronously (not an `async def`). */
  invokeMethod(moduleName, identifier, ...args) {
    return this._interop.main.invokePython(moduleName, identifier, 0, args, false);
  }

  /**
   * Wraps a JS object so that it reaches Python by reference (as a `JSObjectReference`) instead of
   * by value. Release it with `disposeJSObjectReference` (or from Python, with `dispose()`).
   */
  createJSObjectReference(object) {
    if (object === null || (typeof object !== "object" && typeof object !== "function")) {
      throw new TypeError(`createJSObjectReference() needs an object or a function, got ${object === null ? "null" : typeof object}.`);
    }
    return new JSObjectRef(this._interop.main.objects.track(object));
  }

  /**
   * Wraps binary data (a Blob or File, an ArrayBuffer, a typed array or a ReadableStream) so that it
   * reaches Python as a `JSStreamReference`, read there in chunks with `open_read_stream()`.
   */
  createJSStreamReference(data) {
    const source = new StreamSource(data);
    return new JSStreamRef(this._interop.main.objects.track(source), source.length);
  }

  /** Releases a reference made by `createJSObjectReference`. */
  disposeJSObjectReference(reference) {
    if (!(reference instanceof JSObjectRef) && !(reference instanceof JSStreamRef)) {
      throw new TypeError("disposeJSObjectReference() needs a reference made by createJSObjectReference().");
    }
    this._interop.main.release(reference.id);
  }
}

/** True on the development server, which marks its pages with a jsinterop-environment meta tag. */
function developmentServer() {
  const meta = globalThis.document?.querySelector?.('meta[name="jsinterop-environment"]');
  return meta?.content === "Development";
}

function setBootState(state) {
  if (typeof document !== "undefined" && document.documentElement) {
    document.documentElement.dataset.jsinteropBoot = state;
  }
}

function progressReporter(onProgress) {
  let last = -1;
  let lastLabel = null;
  return (fraction, label) => {
    const f = Math.min(1, Math.max(last, fraction));
    // Report every stage change, and byte progress in steps of at least 1%.
    if (label === lastLabel && (f === last || (f - last < 0.01 && f < 1))) return;
    last = f;
    lastLabel = label;
    const detail = { fraction: f, label };
    if (typeof onProgress === "function") onProgress(f, label);
    if (typeof globalThis.dispatchEvent === "function" && typeof CustomEvent === "function") {
      globalThis.dispatchEvent(new CustomEvent("jsinterop:progress", { detail }));
    }
  };
}

/** Imports the module at `url`; a failure is a BootError naming the URL. */
async function importModule(url) {
  try {
    return await import(url);
  } catch (e) {
    throw new BootError(`Failed to load ${url}: ${e.message}`, { url, cause: e });
  }
}

/** Warns, once per boot, that the memory snapshot was not used and why; the boot goes on normally. */
function warnNoSnapshot(reason) {
  console.warn(`jsinterop: booting without the memory snapshot (normal boot): ${reason}`);
}

/**
 * Boots Python in this page.
 *
 * @param {object} [options]
 * @param {string} [options.app] the app's Python module (e.g. "app"); the package that provides it
 *   is installed from the lock file, then the module is imported and its `main()` run, if any.
 * @param {(fraction: number, label: string) => void} [options.onProgress] called as stages advance.
 * @param {boolean} [options.detailedErrors] attach Python tracebacks to errors of calls from JS;
 *   defaults to true on the development server (`<meta name="jsinterop-environment" content="Development">`).
 * @param {boolean} [options.debug] warn, with the creating stack, about references to Python objects
 *   garbage-collected without dispose().
 * @param {object} [options.pyodideOptions] extra options passed to `loadPyodide`.
 * @param {number} [options.maxDepth] the deepest nesting of arrays and objects a value may have to
 *   cross, both ways (System.Text.Json's MaxDepth; default 32). Deeper data is refused, naming the
 *   parameter or result and the limit, before anything walks it.
 * @param {boolean} [options.jspi] false calls Python through plain (not promising) entry points even
 *   where WebAssembly stack switching (JSPI) exists; default true.
 * @param {(kind: string, name: string, defaultUrl: string) => (string|URL|Response|null|undefined|Promise<string|URL|Response|null|undefined>)} [options.loadBootResource]
 *   asked for each boot file (kind "module", "runtime", "wheel" or "snapshot"; `name` its development path):
 *   may return another same-origin URL, a Response (not for a module), or nothing for the default; what it
 *   gives passes the same size and sha256 checks as a normal download. A cross-origin URL is refused.
 * @param {boolean} [options.snapshot] false forces a normal boot in a release that has a memory
 *   snapshot. By default a release's snapshot is restored when it holds the packages the app needs;
 *   a snapshot that cannot be used (missing, corrupt, another Pyodide build, or failing to restore)
 *   gives a normal boot and one console warning saying why.
 *
 * The site's JS initializers (`*.lib.module.js` at its root, listed by the build) are imported first:
 * each `beforeStart(options)` is awaited, in name order, before Pyodide loads (it may change `options`,
 * e.g. set `loadBootResource`); each `afterStarted(Py)` once the app started, before the boot is ready.
 * @returns {Promise<PyRuntime>} the runtime, also set as `globalThis.Py`.
 * @throws {BootError} naming the URL that failed to load or the Python exception raised.
 */
/**
 * Loads Pyodide, jsinterop and the app in this realm (the page, or the worker of worker mode) and
 * starts the app: what boot() does between its initializers. `settings` are boot()'s checked options;
 * `stage(name)` and `progress(fraction, label)` report the boot; `resource` is boot()'s
 * loadBootResource applied; `makeHost(pyodide)` gives the interop host (default: the page's own).
 * Sets and returns `globalThis.Py`, the runtime of this realm.
 */
export async function startRuntime(settings, { stage, progress, resource = (kind, name, url) => bootResource(null, kind, name, url), makeHost = null }) {
  const { app, pyodideOptions, debug, detailedErrors, snapshot, maxDepth, jspi } = settings;
  stage("download");
  const lockURL = assetURL("pyodide-lock.json").href;
  const lock = await fetchJSON(lockURL);
  const packages = ["jsinterop"];
  if (app) {
    const entry = packageProviding(lock, app);
    if (entry && entry.name !== "jsinterop") packages.push(entry.name);
  }
  let wheels;
  let wheelNames;
  try {
    // The app's lazy packages, and what only they need, wait for Py.loadPackages().
    wheelNames = withDependencies(lock, packages, LAZY).map((e) => e.file_name);
    wheels = wheelNames.map((name) => new URL(name, DIST).href);
  } catch (e) {
    throw new BootError(`${e.message} Rebuild dist/ with ./build.sh.`, { url: lockURL, cause: e });
  }
  // The snapshot: used when the release has one holding every package this boot installs.
  const record = snapshot !== false && MEMORY_SNAPSHOT
    && packages.every((p) => MEMORY_SNAPSHOT.packages.includes(p)) ? MEMORY_SNAPSHOT : null;
  const snapshotURL = record ? new URL(record.path, DIST).href : null;

  // Everything is fetched once, in parallel: Pyodide's modules are imported, the other files are
  // downloaded and checked against what the build recorded (size, sha256), then handed to Pyodide.
  const moduleURLs = PYODIDE_MODULES.map((f) => assetURL(f).href);
  const fileURLs = [...PYODIDE_DATA.map((f) => assetURL(f).href), ...wheels];
  const sources = await Promise.all([
    ...PYODIDE_MODULES.map((f, i) => resource("module", f, moduleURLs[i])),
    ...PYODIDE_DATA.map((f, i) => resource("runtime", f, fileURLs[i])),
    ...wheelNames.map((f, i) => resource("wheel", f, wheels[i])),
    ...(record ? [resource("snapshot", record.path, snapshotURL)] : []),
  ]);
  const sourceOf = new Map([...moduleURLs, ...fileURLs, ...(record ? [snapshotURL] : [])].map((url, i) => [url, sources[i]]));
  const [start, label] = STAGES.download;
  const span = STAGES.start[0] - start;
  const loaded = new Map();
  let total = 0;
  for (const url of [...moduleURLs, ...fileURLs]) total += bootRecord(url)?.bytes ?? 0;
  total += record?.bytes ?? 0;
  const onBytes = (url) => (n) => {
    loaded.set(url, n);
    let sum = 0;
    for (const v of loaded.values()) sum += v;
    progress(start + (total ? (span * Math.min(sum, total)) / total : 0), label);
  };
  const failed = new AbortController();  // the first failure stops the other downloads
  const guard = (promise) => promise.catch((e) => {
    failed.abort(e);
    throw e;
  });
  const modules = moduleURLs.map((url) => guard(importModule(sourceOf.get(url).url).then((m) => {
    onBytes(url)(bootRecord(url)?.bytes ?? 0);
    return m;
  })));
  const files = fileURLs.map((url) => guard(
    fetchVerified(url, bootRecord(url), { onBytes: onBytes(url), signal: failed.signal, from: sourceOf.get(url) })));
  const snapshotDownload = record
    ? fetchVerified(snapshotURL, record, {
      onBytes: onBytes(snapshotURL),
      signal: failed.signal,
      from: sourceOf.get(snapshotURL),
      inspect: (data) => snapshotProblem(data, record),
    }).catch((e) => {
      if (!failed.signal.aborted) warnNoSnapshot(e.message);
      return null;
    })
    : Promise.resolve(null);
  const [[pyodideModule, asmModule], data] = await Promise.all([Promise.all(modules), Promise.all(files)]);
  let snapshotData = await snapshotDownload;

  stage("start");
  if (snapshotData && record.pyodide !== pyodideModule.version) {
    warnNoSnapshot(`${snapshotURL}: it belongs to Pyodide ${record.pyodide}, this page loads Pyodide ${pyodideModule.version}`);
    snapshotData = null;
  }
  const wasmURL = assetURL("pyodide.asm.wasm").href;
  const pyodideConfig = {
    indexURL: new URL("./", wasmURL).href,  // Pyodide fetches indexURL + "pyodide.asm.wasm": the URL handed over
    stdLibURL: assetURL("python_stdlib.zip").href,
    createPyodideModule: asmModule.default,
    lockFileContents: withoutLazyDependencies(lock, LAZY),  // loadPackage(app) leaves them out too
    packageBaseUrl: DIST.href,
    ...pyodideOptions,
  };
  const undoHandOver = handOver(fileURLs.map((url, i) => [url, { data: data[i], sha256: bootRecord(url).sha256 }]));
  let pyodide = null;
  let fromSnapshot = false;
  try {
    if (snapshotData) {
      try {
        pyodide = await pyodideModule.loadPyodide({ ...pyodideConfig, _loadSnapshot: pyodideSnapshot(snapshotData) });
      } catch (e) {
        warnNoSnapshot(`restoring ${snapshotURL} failed: ${String(e?.message ?? e).split("\n")[0]}`);
      }
      snapshotData = null;
    }
    fromSnapshot = pyodide !== null;
    if (!fromSnapshot) {
      try {
        pyodide = await pyodideModule.loadPyodide(pyodideConfig);
      } catch (e) {
        throw new BootError(`Starting Pyodide failed: ${e.message}`, { cause: e });
      }
    }

    stage("install");
    const errors = [];
    await pyodide.loadPackage(packages, {
      messageCallback: () => {},
      errorCallback: (message) => errors.push(message),
    });
    for (const name of packages) {
      if (!(name in pyodide.loadedPackages)) {
        throw new BootError(`Installing the Python package '${name}' failed: ${errors.join("; ") || "unknown error"}`);
      }
    }
  } finally {
    undoHandOver();
  }

  stage("app");
  const runtime = new PyRuntime(pyodide, app, { debug, detailedErrors, maxDepth, jspi, lock,
    host: makeHost ? makeHost(pyodide) : null });
  runtime.fromSnapshot = fromSnapshot;
  globalThis.Py = runtime;
  const host = pyodide.pyimport("jsinterop.app_host");
  const [connectPage, startApp, restored] = [host.connect_page, host.start_app, host.restored];
  try {
    if (fromSnapshot) restored();
    connectPage();
    if (app) await startApp(app);
  } catch (e) {
    throw pythonBootError(e, `Starting the app '${app}' failed`);
  } finally {
    connectPage.destroy();
    startApp.destroy();
    restored.destroy();
    host.destroy();
  }
  return runtime;
}

export async function boot(options = {}) {
  const { app = null, onProgress = null, pyodideOptions = {}, debug = false, snapshot = true, maxDepth = 32,
    jspi = true } = options;
  if (options.worker !== undefined && typeof options.worker !== "boolean") {
    throw new BootError(`boot(): options.worker must be true or false, got ${JSON.stringify(options.worker) ?? String(options.worker)}.`);
  }
  if (!Number.isSafeInteger(maxDepth) || maxDepth < 1) {
    throw new BootError(`boot(): options.maxDepth must be a positive integer, got ${JSON.stringify(maxDepth) ?? String(maxDepth)}.`);
  }
  const detailedErrors = options.detailedErrors ?? developmentServer();
  if (app !== null && (typeof app !== "string" || !/^[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)*$/.test(app))) {
    throw new BootError(`boot(): options.app must be a Python module name like "app" or "app.main", got ${JSON.stringify(app)}.`);
  }
  const progress = progressReporter(onProgress);
  const timings = {};
  let current = null;
  let since = performance.now();
  const stage = (name) => {
    const now = performance.now();
    if (current) timings[current] = now - since;
    [current, since] = [name, now];
    progress(STAGES[name][0], STAGES[name][1]);
  };
  setBootState("booting");
  try {
    const initializers = await Promise.all(INITIALIZER_MODULES.map(async (path) => {
      const url = assetURL(path).href;
      return { url, module: await importModule(url) };
    }));
    await runInitializers(initializers, "beforeStart", options);
    const loadBootResource = options.loadBootResource ?? null;
    if (loadBootResource !== null && typeof loadBootResource !== "function") {
      throw new BootError(`boot(): options.loadBootResource must be a function, got ${typeof loadBootResource}.`);
    }
    const settings = { app, pyodideOptions, debug: Boolean(debug), detailedErrors: Boolean(detailedErrors), snapshot,
      maxDepth, jspi: jspi !== false };
    let runtime;
    if (options.worker ?? WORKER) {  // read after beforeStart: an initializer may set it
      if (loadBootResource !== null) {
        throw new BootError("boot(): options.loadBootResource cannot be used in worker mode: the worker downloads the " +
          "boot files itself, and a function cannot be sent to it. Boot without worker: true, or drop loadBootResource.");
      }
      runtime = await bootInWorker(settings, {
        stage,
        progress,
        makeRuntime: (host, bridge) => new PyRuntime(null, app, { ...settings, host: componentHost(host), worker: bridge }),
      });
    } else {
      const resource = (kind, name, url) => bootResource(loadBootResource, kind, name, url);
      runtime = await startRuntime(settings, { stage, progress, resource });
    }
    globalThis.Py = runtime;

    await runInitializers(initializers, "afterStarted", runtime);
    stage("ready");
    runtime.bootTimings = Object.freeze({ ...timings, ready: performance.now() });
    setBootState("ready");
    connectLiveReload(runtime, app);  // only on the watching dev server (jsinterop serve)
    return runtime;
  } catch (e) {
    setBootState("failed");
    throw e instanceof BootError ? e : new BootError(`Boot failed: ${e?.message ?? e}`, { cause: e });
  }
}
