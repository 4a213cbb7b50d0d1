// The page's side of worker mode (boot({worker: true})): Python, Pyodide and the app run in a
// dedicated module worker (worker.mjs, a same-origin file: no blob: or data: URL, no eval), and this
// page keeps its `Py`. The page's channels (channel.mjs) run every call Python makes, on this page's
// globalThis, as they do on the main thread; what would enter Python goes to the worker instead,
// through a PythonCallDispatcher made of messages (workerDispatcher).
//
// Messages (`op`), page -> worker: "boot", "py" (a PythonCallDispatcher method of channel `ch`),
// "request" (exports, an export's call, loadPackages, counts: answered by "reply"), "event" and
// "render" (components); worker -> page: "stage", "progress", "ready", "failed", "call" (a channel
// method that answers later, or nothing), "sync" (a call Python waits for: answered in the shared slot,
// see sync-slot.mjs), "more" (the next chunk of a sync answer), "reply", "patcher", "patch", "frame",
// "router" (components). Bytes travel as transferables.

import { assetURL } from "./assets.mjs";
import { InteropHost } from "./channel.mjs";
import { BootError } from "./errors.mjs";
import { exportsObject } from "./typed.mjs";
import { SlotWriter } from "./sync-slot.mjs";
import { AWAIT_FLAG } from "./wire.mjs";
import { CONTAINER_ID } from "./dom-patcher.mjs";
import * as router from "./router.mjs";

/** The message of a synchronous call into Python from the page, which worker mode refuses. */
export const SYNC_FROM_PAGE_REFUSED = "Py.invokeMethod() cannot call Python synchronously in worker mode: Python runs " +
  "in a worker, and the page's thread cannot wait for it (waiting there would freeze the page, and deadlock " +
  "while the worker waits on the page). Use invokeMethodAsync(), or the exports of Py.getPythonExports(), which return Promises.";

/** The error of a call into Python made while Python waits synchronously on this page. */
function deadlockError(identifier) {
  const error = new Error(`Python in the worker is blocked in a synchronous call to '${identifier}', waiting for this ` +
    "page; a call into Python made before that call answers would deadlock (Python cannot run it until the page " +
    "answers), so it is refused. Let the blocking call finish first, or make it with invoke_async.");
  error.name = "JSInteropDeadlockError";
  return error;
}

/** The error of every call pending when the worker is gone. */
function disconnectedError(why) {
  const error = new Error(`The Python worker is gone (${why}); no more calls can be made.`);
  error.name = "JSDisconnectedException";
  return error;
}

/** The ArrayBuffers `values` own wholly (a Uint8Array over its whole buffer), to transfer them. */
export function transferables(values) {
  const list = [];
  const seen = new Set();
  const visit = (v) => {
    if (v instanceof Uint8Array && v.byteOffset === 0 && v.buffer instanceof ArrayBuffer
      && v.byteLength === v.buffer.byteLength && !seen.has(v.buffer)) {
      seen.add(v.buffer);
      list.push(v.buffer);
    } else if (Array.isArray(v)) v.forEach(visit);
    else if (v && typeof v === "object" && Array.isArray(v.buffers)) v.buffers.forEach(visit);
  };
  values.forEach(visit);
  return list;
}

/** The worker, the page's channels that run its calls, and what is in flight between them. */
export class WorkerBridge {
  #worker;
  #host;
  #channels = new Map(); // ch -> JSCallChannel
  #requests = new Map(); // id -> {resolve, reject}
  #nextRequest = 1;
  #slot = null;
  #components = null;

  constructor(worker, host) {
    this.#worker = worker;
    this.#host = host;
    /** The identifier of the awaited synchronous call Python waits on now, or null. */
    this.blockedOn = null;
    /** Why the worker is gone, or null while it runs. */
    this.gone = null;
    /** Python's count of lent objects, as the worker last reported it. */
    this.pyObjects = 0;
    this.#adopt(0, host.main);
    this.#components = componentsOnPage(host, (message) => this.#post(message));
  }

  /** The worker (a Web Worker running worker.mjs). */
  get worker() {
    return this.#worker;
  }

  #adopt(ch, channel) {
    this.#channels.set(ch, channel);
    channel.connect(this.#dispatcher(ch));
  }

  /** The PythonCallDispatcher of channel `ch`: each call into Python becomes a message. */
  #dispatcher(ch) {
    const send = (method) => (...args) => this.#post({ op: "py", ch, method, args });
    const start = (method) => {
      const post = send(method);
      return (...args) => {
        if (this.blockedOn !== null) throw deadlockError(this.blockedOn);
        post(...args);
      };
    };
    return {
      endInvokeJSFromPython: send("endInvokeJSFromPython"),
      disconnect: send("disconnect"),
      pullStream: start("pullStream"),
      beginInvokePythonFromJS: start("beginInvokePythonFromJS"),
      invokePythonFromJS: () => {
        throw new Error(this.blockedOn !== null ? `${deadlockError(this.blockedOn).message} ${SYNC_FROM_PAGE_REFUSED}`
          : SYNC_FROM_PAGE_REFUSED);
      },
      releasePyObject: (id, disposed = false) => {
        send("releasePyObject")(id, disposed);
        return true;
      },
      pyObjectCount: () => this.pyObjects,
      pythonExports: () => {
        throw new Error("In worker mode the exports come from await Py.getPythonExports(moduleName).");
      },
    };
  }

  #post(message, transfer = []) {
    if (this.gone) throw disconnectedError(this.gone);
    this.#worker.postMessage(message, transfer);
  }

  /**
   * Asks the worker for something it answers with a "reply"; resolves to its value. A payload the
   * worker cannot be sent (a function, a Symbol, a Promise) rejects, naming `subject` (what it carries).
   */
  request(what, payload, transfer = [], subject = "the request") {
    return new Promise((resolve, reject) => {
      if (this.gone) {
        reject(disconnectedError(this.gone));
        return;
      }
      const id = this.#nextRequest++;
      this.#requests.set(id, { resolve, reject });
      try {
        this.#worker.postMessage({ op: "request", id, what, ...payload }, transfer);
      } catch (e) {
        this.#requests.delete(id);
        reject(new TypeError(`Cannot send ${subject} to Python in the worker: ${e?.message ?? e}`));
      }
    });
  }

  /** `args` as they are posted to the worker: one nested deeper than maxDepth is cut just past the limit,
   * so the worker refuses it by name without the structured clone walking all of it. */
  #cutTooDeep(args) {
    return args.map((arg) => {
      if (!this.#host.exceedsDepth(arg)) return arg;
      let cut = [];
      for (let i = 0; i < this.#host.maxDepth; i++) cut = [cut];
      return cut;
    });
  }

  /**
   * `jsinterop.tracked_counts()` of the worker's Python, with the page's side counted here, where the
   * page's channel holds it (the worker reads it only when it can wait on the page).
   */
  async pythonCounts() {
    const counts = await this.request("counts", {});
    if (Number.isSafeInteger(counts.pyObjects)) this.pyObjects = counts.pyObjects;  // the page's count, brought up to date
    const { jsObjects, pendingCalls, pendingPulls, pendingPyCalls } = this.#host.main.counts();
    return { ...counts, jsObjects, pendingCalls, pendingPulls, pendingPyCalls };
  }

  /** The `@js_export` functions of a Python module in the worker: each returns a Promise. */
  async pythonExports(moduleName) {
    const entries = await this.request("exports", { module: moduleName });
    return exportsObject(moduleName, entries.map(([name, arity]) =>
      [name, true, (...args) => {
        const sent = this.#cutTooDeep(args);
        return this.request("callExport", { module: moduleName, name, args: sent }, transferables(sent),
          `the arguments of '${name}'`);
      }, arity, null]));
  }

  /** Handles a message of the worker (the boot's own are handled by bootInWorker first). */
  receive(message) {
    switch (message.op) {
      case "call": {
        const channel = this.#channels.get(message.ch);
        if (message.method === "createChannel") {
          this.#adopt(message.args[0], this.#host.createChannel());
          return;
        }
        if (message.pyObjects !== undefined) this.pyObjects = message.pyObjects;
        channel?.[message.method](...message.args);
        return;
      }
      case "sync":
        this.#sync(message);
        return;
      case "crashed":
        console.error(`jsinterop: the Python worker crashed (${message.why}); its pending calls fail.`);
        this.#worker.terminate();
        this.fail(`it crashed: ${message.why}`);
        return;
      case "more":
        this.#slot?.next();
        return;
      case "slot":
        this.#slot = new SlotWriter(message.buffer);
        return;
      case "reply": {
        const request = this.#requests.get(message.id);
        if (!request) return;
        this.#requests.delete(message.id);
        if (message.ok) request.resolve(message.value);
        else request.reject(Object.assign(new Error(message.error.message), { name: message.error.name,
          ...(message.error.pythonStack ? { pythonStack: message.error.pythonStack } : {}) }));
        return;
      }
      default:
        this.#components?.receive(message);
    }
  }

  /** A call Python waits for: runs it on the page's channel and answers in the slot. */
  #sync({ ch, method, args }) {
    const channel = this.#channels.get(ch);
    const slot = this.#slot;
    if (method === "counts") {
      slot.answer(channel.counts());
      return;
    }
    const [target, identifier, kind, ...rest] = args;
    if ((kind & AWAIT_FLAG) === 0) {
      slot.answer(method === "invoke" ? channel.invoke(target, identifier, kind, ...rest)
        : channel.invokeJSON(target, identifier, kind, ...rest));
      return;
    }
    this.blockedOn = identifier;
    const [json, buffers, markers, ...plain] = method === "invoke" ? [undefined, undefined, false, ...rest] : rest;
    channel.invokeAwaited(target, identifier, kind & ~AWAIT_FLAG, json, buffers, markers, ...plain).then((result) => {
      this.blockedOn = null;
      slot.answer(result);
    });
  }

  /** The error of a call made once the worker is gone (an Error named JSDisconnectedException). */
  disconnected() {
    return disconnectedError(this.gone);
  }

  /** Every pending call fails with JSDisconnectedException; the page's channels shut down. */
  fail(why) {
    if (this.gone) return;
    this.gone = why;
    for (const request of this.#requests.values()) request.reject(disconnectedError(why));
    this.#requests.clear();
    for (const channel of this.#channels.values()) channel.shutdown(false, () => disconnectedError(why));
    this.#channels.clear();
  }

  /** Stops the worker: its pending calls fail, and what the page lent to it is released. */
  terminate() {
    this.#worker.terminate();
    this.fail("terminated");
  }
}

/**
 * A Python worker a page (or its main-thread Python) started with `Py.startWorker(module)`: module
 * `module` runs in a worker of its own (its `main()`, if any, has run); its `@js_invokable` functions
 * are called with `invokeMethodAsync`. `dispose()` stops it: pending calls fail with an Error named
 * JSDisconnectedException, and what the page lent to it is released.
 */
export class PythonWorker {
  #runtime;
  #bridge;

  constructor(module, runtime, bridge) {
    /** The Python module the worker runs. */
    this.module = module;
    this.#runtime = runtime;
    this.#bridge = bridge;
  }

  /** Whether the worker is gone (disposed, or failed). */
  get disposed() {
    return this.#bridge.gone !== null;
  }

  /** Calls the `@js_invokable` function `identifier` of the worker's module; resolves to its result. */
  invokeMethodAsync(identifier, ...args) {
    if (this.#bridge.gone) return Promise.reject(disconnectedError(this.#bridge.gone));
    return this.#runtime.invokeMethodAsync(this.module, identifier, ...args);
  }

  /** The `@js_export` functions of the worker's module (or of `moduleName`): each returns a Promise. */
  getPythonExports(moduleName = this.module) {
    if (this.#bridge.gone) return Promise.reject(disconnectedError(this.#bridge.gone));
    return this.#bridge.pythonExports(moduleName);
  }

  /** Runs Python source in the worker (as Py.runPythonAsync). */
  runPythonAsync(code) {
    return this.#runtime.runPythonAsync(code);
  }

  /** Stops the worker; idempotent. */
  dispose() {
    if (!this.#bridge.gone) this.#bridge.terminate();
  }
}

/** What the page tells the worker about itself at boot (the worker cannot read the document). */
function pageFacts() {
  return { route: globalThis.document ? router.path() : null };
}

/**
 * The page's half of components in worker mode: Python's renderer in the worker sends each batch of
 * operations as bytes (opaque here: the DomPatcher reads them), and the page's events, animation
 * frames and navigation go back as messages. `post` sends to the worker; `host` is the page's.
 */
export function componentsOnPage(host, post) {
  const decoder = new TextDecoder();
  let patcher = null;
  let stopLinks = null;
  return {
    receive(message) {
      switch (message.op) {
        case "patcher":
          stopLinks?.();
          stopLinks = null;
          patcher = host.createDomPatcher(message.selector,
            (id, event, summary) => post({ op: "event", id, event, summary }),
            () => post({ op: "render" }));
          return;
        case "patch":
          try {
            patcher.apply(decoder.decode(message.bytes));
          } catch (e) {
            console.error("jsinterop: applying a render batch from the Python worker failed", e);
          }
          return;
        case "frame":
          patcher?.requestFrame();
          return;
        case "router": {
          const [route] = message.args;
          if (message.method === "push") router.push(route);
          else if (message.method === "load") location.assign(new URL(String(route).replace(/^\/+/, ""), router.base()));
          else if (message.method === "stop") {
            stopLinks?.();
            stopLinks = null;
          } else if (message.method === "interceptLinks" && patcher) {
            stopLinks?.();
            // The worker decides whether a route matches: a link it does not route is loaded after all.
            stopLinks = router.interceptLinks(patcher.nodes.get(CONTAINER_ID), (path, push) => {
              post({ op: "navigate", path, push });
              return true;
            });
          }
          return;
        }
        default:
      }
    },
  };
}

/**
 * Boots Python in a new module worker and returns the page's runtime (`makeRuntime(host, bridge)`),
 * reporting the worker's stages and progress through `stage` and `progress`.
 */
export async function bootInWorker(settings, { stage, progress, makeRuntime }) {
  const { app, debug, detailedErrors, maxDepth, snapshot, pyodideOptions } = settings;
  const url = assetURL("worker.mjs");
  let worker;
  try {
    worker = new Worker(url, { type: "module", name: "jsinterop" });
  } catch (e) {
    throw new BootError(`Starting the Python worker ${url.href} failed: ${e?.message ?? e}`, { url: url.href, cause: e });
  }
  const host = new InteropHost({ debug, detailedErrors, maxDepth, jspi: false });
  const bridge = new WorkerBridge(worker, host);
  const runtime = makeRuntime(host, bridge);
  const started = new Promise((resolve, reject) => {
    let ready = false;
    worker.addEventListener("error", (event) => {
      if (ready) {
        console.error("jsinterop: an error in the Python worker:", event.message);
        return;
      }
      event.preventDefault?.();
      const why = `it failed: ${event.message || "the worker script could not be loaded"}`;
      bridge.fail(why);
      reject(new BootError(`The Python worker ${url.href} ${why}`, { url: url.href }));
    });
    worker.addEventListener("message", ({ data }) => {
      switch (data.op) {
        case "stage":
          stage(data.name);
          return;
        case "progress":
          progress(data.fraction, data.label);
          return;
        case "ready":
          ready = true;
          runtime.fromSnapshot = data.fromSnapshot;
          resolve();
          return;
        case "failed":
          reject(new BootError(data.message, data.details ?? {}));
          return;
        default:
          bridge.receive(data);
      }
    });
  });
  let options;
  try {
    options = structuredClone({ app, debug, detailedErrors, maxDepth, snapshot, pyodideOptions });
  } catch (e) {
    throw new BootError(`boot(): in worker mode the options are sent to the worker, and one of them cannot be: ${e.message}`);
  }
  worker.postMessage({ op: "boot", options, page: pageFacts() });
  try {
    await started;
  } catch (e) {
    bridge.terminate();  // a worker whose boot failed keeps nothing alive
    throw e;
  }
  return runtime;
}
