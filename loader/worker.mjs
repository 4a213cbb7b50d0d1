// The worker of worker mode (boot({worker: true}), see worker-bridge.mjs for the page's side and the
// messages): boots Pyodide, jsinterop and the app here, off the page's thread. Python's
// `js_runtime()` talks to a PageChannel: every call goes to the page, which runs it on its own
// globalThis. A call Python waits for (`invoke`, `get_value`, a `@js_import` stub, `Blocking[T]`)
// blocks this worker with Atomics.wait until the page answers in a shared slot (sync-slot.mjs), which
// needs the page to be cross-origin isolated; asynchronous calls are messages and always work.

import { JSPI, TypedPathHost, startPython } from "./channel.mjs";
import { errorInfo } from "./errors.mjs";
import { pythonCounts, runPython, startRuntime } from "./jsinterop.mjs";
import { SlotReader, canWaitSynchronously, newSlotBuffer } from "./sync-slot.mjs";
import { DEFAULT_MAX_DEPTH, errorResult } from "./wire.mjs";
import { exportsObject } from "./typed.mjs";
import { transferables } from "./worker-bridge.mjs";

const page = globalThis; // the worker's scope: postMessage goes to the page

/** The error Python gets for a synchronous call when this worker cannot wait on the page. */
function cannotWait(identifier) {
  const what = `A synchronous call from Python in the worker to the page ('${identifier}')`;
  const message = globalThis.crossOriginIsolated
    ? `${what} waits with SharedArrayBuffer and Atomics.wait, which this browser does not provide even though the ` +
      "page is cross-origin isolated; await the call instead (invoke_async, or a stub returning Awaitable[...])."
    : `${what} waits with SharedArrayBuffer and Atomics.wait, which exist only when the page is cross-origin isolated: ` +
      "serve the site with the headers Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: " +
      "require-corp (or credentialless; [tool.jsinterop] isolation), or await the call instead (invoke_async, or a " +
      "stub returning Awaitable[...]).";
  const error = new Error(message);
  error.name = "SynchronousCallUnavailableError";
  return error;
}

/** The worker's end of the page: messages, and the slot synchronous calls wait on. */
class PageLink {
  #reader = null;

  constructor() {
    if (canWaitSynchronously()) {
      const buffer = newSlotBuffer();
      this.#reader = new SlotReader(buffer);
      page.postMessage({ op: "slot", buffer });
    }
    this.channels = new Map();
    this.nextChannel = 0;
  }

  /** Whether synchronous calls can wait on the page here. */
  get canWait() {
    return this.#reader !== null;
  }

  post(message, transfer = []) {
    page.postMessage(message, transfer);
  }

  /** A call Python waits for: the page's answer, or the error of a worker that cannot wait. */
  sync(ch, method, args, identifier) {
    if (!this.#reader) return errorResult(cannotWait(identifier));
    return this.#reader.request(() => page.postMessage({ op: "sync", ch, method, args }),
      () => page.postMessage({ op: "more" }));
  }
}

/**
 * Python's channel in the worker: the JSCallChannel interface pyodide/transport.py calls, carried to
 * the page's channel of the same number (`ch`), which runs the calls there.
 */
class PageChannel {
  constructor(link, ch) {
    this.link = link;
    this.ch = ch;
    this.closed = false;
    /** @type {object|null} Python's PythonCallDispatcher, once connected. */
    this.dispatcher = null;
    this.jspi = JSPI;
    link.channels.set(ch, this);
  }

  connect(dispatcher) {
    this.dispatcher = dispatcher;
  }

  /** Whether a synchronous call may await a Promise on the page (the AWAIT_FLAG): the slot exists. */
  get canAwaitOnPage() {
    return this.link.canWait;
  }

  #call(method, args) {
    if (this.closed) return;
    const pyObjects = this.dispatcher ? this.dispatcher.pyObjectCount() : 0;
    this.link.post({ op: "call", ch: this.ch, method, args, pyObjects }, transferables(args));
  }

  invoke(target, identifier, kind, ...args) {
    return this.link.sync(this.ch, "invoke", [target, identifier, kind, ...args], identifier);
  }

  invokeJSON(target, identifier, kind, json, buffers, markers) {
    return this.link.sync(this.ch, "invokeJSON", [target, identifier, kind, json, buffers ? [...buffers] : undefined, markers],
      identifier);
  }

  counts() {
    const counts = this.link.canWait ? this.link.sync(this.ch, "counts", [], "counts") : null;
    return counts && typeof counts === "object" && !("error" in counts) ? counts
      : { jsObjects: -1, pendingCalls: -1, pendingPulls: -1, pendingPyCalls: -1, pyObjects: -1 };
  }

  beginInvoke(callId, ...args) {
    this.#call("beginInvoke", [callId, ...args]);
  }

  beginInvokeJSON(callId, target, identifier, kind, json, buffers, markers) {
    this.#call("beginInvokeJSON", [callId, target, identifier, kind, json, buffers ? [...buffers] : undefined, markers]);
  }

  abandon(callId) {
    this.#call("abandon", [callId]);
  }

  release(id) {
    this.#call("release", [id]);
  }

  endPyCall(callId, result) {
    this.#call("endPyCall", [callId, Array.isArray(result) ? [...result] : result]);
  }

  endPull(callId, succeeded, value) {
    this.#call("endPull", [callId, succeeded, value]);
  }

  /** The `@js_export` functions of a module, here in the worker (the page calls them by message). */
  pythonExports(moduleName) {
    return exportsObject(moduleName, this.dispatcher.pythonExports(moduleName));
  }

  element() {
    throw new Error("In worker mode a component's ElementReference is the element only on the page: pass it in a call " +
      "(js_runtime().invoke(...), a @js_import stub), which carries it there.");
  }

  shutdown() {
    if (this.closed) return;
    this.#call("shutdown", []);
    this.closed = true;
    const dispatcher = this.dispatcher;
    this.dispatcher = null;
    for (const proxy of Object.values(dispatcher ?? {})) proxy?.destroy?.();
  }
}

/** The interop host Python finds as `Py._interop` in the worker: the page's channels, and the components' seams. */
class WorkerInteropHost extends TypedPathHost {
  constructor(link, { debug, detailedErrors, maxDepth }, route) {
    super();
    this.link = link;
    this.debug = debug;
    this.detailedErrors = detailedErrors;
    this.maxDepth = maxDepth ?? DEFAULT_MAX_DEPTH;
    this.jspi = JSPI;
    /** Python runs in a worker: calls reach the page through messages (jsinterop.page reads this). */
    this.workerMode = true;
    this.main = new PageChannel(link, link.nextChannel++);
    this.route = route;
    this.components = null;
    const host = this;
    /** The page's router (router.mjs), carried over: `path()` is the page's route as last reported. */
    this.router = {
      path: () => host.route,
      push(route) {
        host.route = route;
        link.post({ op: "router", method: "push", args: [route] });
      },
      interceptLinks(container, navigate) {
        host.navigate = navigate;
        link.post({ op: "router", method: "interceptLinks", args: [] });
        return () => {
          host.navigate = null;
          link.post({ op: "router", method: "stop", args: [] });
        };
      },
    };
    this.navigate = null;
  }

  createChannel() {
    const channel = new PageChannel(this.link, this.link.nextChannel++);
    this.link.post({ op: "call", ch: 0, method: "createChannel", args: [channel.ch] });
    return channel;
  }

  /** The page's DomPatcher, carried over: patches go as bytes, events and frames come back. */
  createDomPatcher(selector, dispatch, render = null) {
    const link = this.link;
    this.components?.dispatch?.destroy?.();
    this.components?.render?.destroy?.();
    this.components = { dispatch, render };
    link.post({ op: "patcher", selector, debug: this.debug });
    const encoder = new TextEncoder();
    return {
      debug: this.debug,
      nodes: { get: (id) => ({ nodeId: id }) },
      apply(text) {
        const bytes = encoder.encode(text);
        link.post({ op: "patch", bytes }, [bytes.buffer]);
      },
      requestFrame() {
        link.post({ op: "frame" });
      },
    };
  }
}

/** Answers a page's "request". */
async function answer(runtime, host, exports, { what, module, name, args, names, code }) {
  switch (what) {
    case "runPython":
      return runPython(runtime.pyodide, code);
    case "exports": {
      const made = host.main.pythonExports(module);
      exports.set(module, made);
      return Object.keys(made).filter((k) => typeof made[k] === "function").map((k) => [k, made[k].length]);
    }
    case "callExport": {
      const made = exports.get(module) ?? host.main.pythonExports(module);
      exports.set(module, made);
      if (typeof made[name] !== "function") throw new Error(`The module '${module}' has no @js_export function '${name}'.`);
      return await made[name](...args);
    }
    case "loadPackages":
      return runtime.loadPackages(names);
    case "counts":
      return pythonCounts(runtime.pyodide);
    default:
      throw new Error(`Unknown request '${what}'.`);
  }
}

/** The page's messages once Python runs: calls into Python, requests, the components' events. */
function serve(host) {
  const exports = new Map();
  return ({ data }) => {
    switch (data.op) {
      case "py": {
        const channel = host.link.channels.get(data.ch);
        const dispatcher = channel?.dispatcher;
        if (!dispatcher) return;
        const fn = dispatcher[data.method];
        if (data.method === "releasePyObject" || data.method === "disconnect") {
          fn(...data.args);
          return;
        }
        startPython(fn, data.args, (e) => console.error(`jsinterop: ${data.method} failed in the worker`, e), channel.jspi);
        return;
      }
      case "request": {
        const fail = (e) => {
          const info = errorInfo(e);
          page.postMessage({ op: "reply", id: data.id, ok: false, error: { name: info.name, message: info.message,
            pythonStack: e?.pythonStack } });
        };
        answer(globalThis.Py, host, exports, data).then((value) => {
          try {
            page.postMessage({ op: "reply", id: data.id, ok: true, value }, transferables([value]));
          } catch (e) {  // a value the page cannot be sent (a function, a Symbol): the call fails, naming why
            fail(new TypeError(`The result cannot be sent from Python in the worker to the page: ${e?.message ?? e}`));
          }
        }, fail);
        return;
      }
      case "event":
        host.components?.dispatch?.(data.id, data.event, data.summary);
        return;
      case "render":
        host.components?.render?.();
        return;
      case "navigate": {
        host.route = data.path;
        const handled = host.navigate ? host.navigate(data.path, data.push) : false;
        if (!handled && data.push) page.postMessage({ op: "router", method: "load", args: [data.path] });
        return;
      }
      default:
    }
  };
}

/**
 * Watches for Pyodide failing fatally (a wasm trap, a stack overflow): after any uncaught error here,
 * asks Pyodide whether it still runs; if not, tells the page, which fails every pending call with
 * JSDisconnectedException and stops this worker, instead of leaving its calls waiting forever.
 */
function watchForCrash() {
  let reported = false;
  const check = (reason) => {
    const pyodide = globalThis.Py?.pyodide;
    if (reported || !pyodide) return;
    try {
      pyodide.runPython("0");
    } catch (e) {
      if (!/fatally failed/.test(String(e?.message))) return;
      reported = true;
      page.postMessage({ op: "crashed", why: `Pyodide failed fatally: ${reason?.message ?? reason}` });
    }
  };
  globalThis.addEventListener("error", (event) => check(event.error ?? event.message));
  globalThis.addEventListener("unhandledrejection", (event) => check(event.reason));
}

let serving = null; // the handler of the page's messages, once Python's host exists
const queued = []; // messages that came before it

async function boot({ options, page: facts }) {
  const link = new PageLink();
  const stage = (name) => page.postMessage({ op: "stage", name });
  const progress = (fraction, label) => page.postMessage({ op: "progress", fraction, label });
  try {
    const settings = { app: options.app, pyodideOptions: options.pyodideOptions ?? {}, debug: options.debug,
      detailedErrors: options.detailedErrors, snapshot: options.snapshot, maxDepth: options.maxDepth, jspi: true };
    const runtime = await startRuntime(settings, {
      stage,
      progress,
      makeHost: () => {
        // The app's main() may await the page: its answers are served from now on.
        const host = new WorkerInteropHost(link, settings, facts.route);
        serving = serve(host);
        for (const data of queued.splice(0)) serving({ data });
        return host;
      },
    });
    watchForCrash();
    page.postMessage({ op: "ready", fromSnapshot: runtime.fromSnapshot });
  } catch (e) {
    const details = {};
    for (const key of ["url", "pythonType", "pythonTraceback"]) if (e?.[key] !== undefined) details[key] = e[key];
    page.postMessage({ op: "failed", message: e?.message ?? String(e), details });
  }
}

globalThis.addEventListener("message", (event) => {
  if (event.data?.op === "boot") boot(event.data);
  else if (serving) serving(event);
  else queued.push(event.data);
});
