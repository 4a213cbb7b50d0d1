// One boot, timed from the frame's navigation start to the app imported, posted to the parent page.
// ?mode=ours: jsinterop's boot(). ?mode=worker: jsinterop's boot({worker: true}) (Python in a Web Worker).
// ?mode=raw: bare loadPyodide() + loadPackage() + import, the same work.
// ?probe=MS (ours and worker): after the boot, the worker-mode cases' measures (see probe()), MS being
// the length of the Python loop; ?min=SECONDS is how long each call timing runs at least.
const APP = "app.bench";
const params = new URLSearchParams(location.search);
const mode = params.get("mode");

async function ours(worker) {
  const { boot } = await import("../jsinterop.mjs");
  const rt = await boot({ app: APP, worker });
  return { rt, ready: performance.now(), stages: rt.bootTimings };
}

async function raw() {
  // Where the files are (the development names, or a release's hashed and versioned ones).
  const { DIST, assetURL } = await import("../assets.mjs");
  const { loadPyodide } = await import(assetURL("pyodide.mjs").href);
  const lock = await (await fetch(assetURL("pyodide-lock.json"))).json();
  const indexURL = new URL("./", assetURL("pyodide.mjs")).href;
  const pyodide = await loadPyodide({ indexURL, lockFileContents: lock, packageBaseUrl: DIST.href });
  await pyodide.loadPackage(["jsinterop", "app"], { messageCallback: () => {} });
  pyodide.pyimport(APP);
  return { ready: performance.now(), stages: null };
}

/**
 * The long tasks (PerformanceObserver "longtask") of this page's thread while `work()` runs: their
 * count and total ms; null where the engine reports none (only Chromium does).
 */
async function longTasksDuring(work) {
  if (!PerformanceObserver.supportedEntryTypes?.includes("longtask")) return null;
  const entries = [];
  const observer = new PerformanceObserver((list) => entries.push(...list.getEntries()));
  observer.observe({ type: "longtask" });
  const start = performance.now();
  await work();
  const end = performance.now();
  await new Promise((resolve) => setTimeout(resolve, 100)); // an entry is queued after its task ends
  entries.push(...observer.takeRecords());
  observer.disconnect();
  const during = entries.filter((e) => e.startTime < end && e.startTime + e.duration > start);
  return { count: during.length, ms: during.reduce((total, e) => total + e.duration, 0) };
}

/**
 * What the worker-mode cases compare, measured in this frame (booted on the page's thread or in a
 * worker): the long tasks during a `loopMs` Python loop, and the microseconds per read of
 * document.title from Python, synchronous and awaited (app.bench's title_calls).
 */
async function probe(rt, loopMs, minSeconds) {
  const longTasks = await longTasksDuring(() => rt.invokeMethodAsync(APP, "busy", loopMs));
  const calls = await rt.invokeMethodAsync(APP, "title_calls", minSeconds);
  return { longTasks, calls, isolated: globalThis.crossOriginIsolated === true };
}

try {
  const { rt, ...result } = mode === "raw" ? await raw() : await ours(mode === "worker");
  const loopMs = Number(params.get("probe"));
  if (rt && loopMs > 0) result.probe = await probe(rt, loopMs, Number(params.get("min") ?? 0.05));
  parent.postMessage({ bootBench: mode, ...result }, location.origin);
} catch (e) {
  parent.postMessage({ bootBench: mode, error: String(e?.message ?? e) }, location.origin);
}
