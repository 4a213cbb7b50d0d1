// The benchmark page: boots app.bench, runs every case (warm-up, then the median of 5 repetitions),
// and shows a table and a bar chart of the ratios, then a table of the worker-mode cases (WORKER_CASES).
// ?autorun=1 runs on load (./build.sh bench); ?quick=1 uses short timings (the test suite checks that
// every case runs, not how fast); ?cases=page,worker chooses the groups to run (default: both).
import { boot } from "../jsinterop.mjs";

export const CASES = [
  { id: "py-js-sync-import", label: "Python -> JS sync call, @js_import (int, int) -> int", baseline: "cached JsProxy call", target: 1.5 },
  { id: "js-py-sync-export", label: "JS -> Python sync call, @js_export (int, int) -> int", baseline: "cached PyProxy call", target: 1.5 },
  { id: "rt-invoke", label: 'rt.invoke("fn", 1, 2)', baseline: "js.fn(1, 2)", target: 3 },
  { id: "invoke-async", label: "await rt.invoke_async(...) round trip", baseline: "await js.asyncFn()", target: 1 },
  { id: "invoke-method-async", label: "Py.invokeMethodAsync round trip", baseline: "JS awaiting a Python async def", target: 1 },
  { id: "bytes-py-js", label: "16 MB bytes Python -> JS", baseline: "to_js(memoryview)", target: 1.2 },
  { id: "bytes-js-py", label: "16 MB bytes JS -> Python", baseline: "Uint8Array.to_bytes()", target: 1.2 },
  { id: "floats-py-js", label: "1,000,000 floats array('d') -> Float64Array", baseline: "to_js(array('d'))", target: 1.2 },
  { id: "floats-js-py", label: "1,000,000 floats Float64Array -> array('d')", baseline: "assign_to(array('d'))", target: 1.2 },
  { id: "records-to-js", label: "10,000 dataclass records -> JS objects", baseline: "JSON.parse(json.dumps(...))", target: 0.7 },
  { id: "records-from-js", label: "10,000 records JS -> dataclasses", baseline: "json.loads(JSON.stringify(...))", target: 1 },
  { id: "boot", label: "boot to ready (app imported), warm HTTP cache", baseline: "bare loadPyodide() + loadPackage() + import", target: 150, delta: true },
  { id: "component-first-render", label: "components: first render of a 1,000-row keyed table", baseline: "full re-render (every row new)", target: 1 },
  { id: "component-keyed-update", label: "components: keyed update of 10 rows in the 1,000-row table", baseline: "full re-render (every row new)", target: 0.2 },
  { id: "component-first-render-ffi", label: "components: first render of the 1,000-row table", baseline: "same DOM built by hand through the FFI", target: 1 },
];

/**
 * Worker mode (boot({worker: true})) against the page's thread, each from frames of boot.html booted
 * both ways in the same run (see boot-page.mjs). `needs` names what the engine and page must give for
 * the case to be measured: "longtask" entries (Chromium) or synchronous calls from the worker
 * (cross-origin isolation and SharedArrayBuffer).
 */
export const WORKER_CASES = [
  { id: "worker-long-tasks-ms", label: "long tasks on the page's thread during a 2 s Python loop (ms), worker mode", baseline: "the loop on the page's thread", target: 0, unit: "ms", needs: "longtask" },
  { id: "worker-long-tasks-count", label: "long tasks on the page's thread during a 2 s Python loop (count), worker mode", baseline: "the loop on the page's thread", target: 0, unit: "count", needs: "longtask" },
  { id: "worker-sync-call", label: 'worker -> page sync rt.get_value("document.title") (Atomics) vs awaited', baseline: "await rt.get_value_async(...) in the worker", target: 1, unit: "us", needs: "sync" },
  { id: "worker-sync-call-main", label: 'worker -> page sync rt.get_value("document.title") (Atomics) vs main thread', baseline: "rt.get_value(...) on the page's thread", target: 10, unit: "us", needs: "sync" },
  { id: "worker-boot", label: "boot to ready in worker mode, warm HTTP cache", baseline: "boot on the page's thread", target: 1.1, unit: "ms" },
];

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
const quick = params.get("quick") === "1";
const minMs = quick ? 2 : 50;
const repetitions = quick ? 1 : 5;
const loopMs = quick ? 200 : 2000; // the long-task case's Python loop
const groups = new Set((params.get("cases") ?? "page,worker").split(","));

async function timeJs(operation) {
  await operation();
  let count = 0;
  const start = performance.now();
  for (;;) {
    const batch = Math.max(1, count);
    for (let i = 0; i < batch; i++) await operation();
    count += batch;
    const elapsed = performance.now() - start;
    if (elapsed >= minMs) return elapsed / count;
  }
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** One boot of boot.html in a frame (a fresh Pyodide each time): what the frame posts back. */
function bootInFrame(mode, probe = false) {
  return new Promise((resolve, reject) => {
    const frame = document.createElement("iframe");
    frame.hidden = true;
    const timer = setTimeout(() => finish(new Error(`the ${mode} boot did not finish in 120 s`)), 120_000);
    const onMessage = (event) => {
      if (event.source === frame.contentWindow && event.data?.bootBench === mode) finish(null, event.data);
    };
    const finish = (error, data) => {
      clearTimeout(timer);
      removeEventListener("message", onMessage);
      frame.remove();
      if (error || data.error) reject(error ?? new Error(`the ${mode} boot failed: ${data.error}`));
      else resolve(data);
    };
    addEventListener("message", onMessage);
    frame.src = `./boot.html?mode=${mode}${probe ? `&probe=${loopMs}&min=${minMs / 1000}` : ""}`;
    document.body.append(frame);
  });
}

/** `modes` with "ours" and "worker" in each other's place (when both are there). */
function swapped(modes) {
  if (!modes.includes("ours") || !modes.includes("worker")) return modes;
  return modes.map((m) => (m === "ours" ? "worker" : m === "worker" ? "ours" : m));
}

/**
 * Boots in frames `count` times in each of `modes` ("raw": bare Pyodide, "ours": our loader, "worker":
 * our loader in worker mode), alternately, after one warm-up of each; "ours" and "worker" swap places
 * every other run, so neither always follows the other. With `probe`, the "ours" and "worker" frames
 * also measure the worker-mode cases after their boot. One {mode: posted data} a run.
 */
async function boots(count, modes, probe) {
  for (const mode of modes) await bootInFrame(mode);
  const runs = [];
  for (let i = 0; i < count; i++) {
    $("status").textContent = `Booting (${i + 1}/${count})…`;
    const order = i % 2 === 0 ? modes : swapped(modes);
    const run = {};
    for (const mode of order) run[mode] = await bootInFrame(mode, probe && mode !== "raw");
    runs.push(run);
  }
  return runs;
}

/** The median ms of each stage of the boots of `mode` ("ours" or "worker") in the runs of boots(). */
function stagesOf(runs, mode) {
  const stages = {};
  for (const name of ["download", "start", "install", "app"]) stages[name] = median(runs.map((r) => r[mode].stages[name]));
  return stages;
}

/** The boot case, from the runs of boots(): our boot against bare Pyodide's, and our stages. */
function bootFigures(runs) {
  return { ours: median(runs.map((r) => r.ours.ready)), raw: median(runs.map((r) => r.raw.ready)), stages: stagesOf(runs, "ours") };
}

/** Why a worker case cannot be measured in this run (from one run's probes), or null. */
function unmeasurable(c, run) {
  if (c.needs === "longtask" && run.worker.probe.longTasks === null) {
    return "this engine reports no 'longtask' entries (PerformanceObserver)";
  }
  if (c.needs === "sync" && run.worker.probe.calls.sync === null) return run.worker.probe.calls.problem;
  return null;
}

/** The [ours, baseline] of a worker case in one run of boots() with probes. */
function workerFigures(id, { ours, worker }) {
  switch (id) {
    case "worker-long-tasks-ms":
      return [worker.probe.longTasks.ms, ours.probe.longTasks.ms];
    case "worker-long-tasks-count":
      return [worker.probe.longTasks.count, ours.probe.longTasks.count];
    case "worker-sync-call":
      return [worker.probe.calls.sync, worker.probe.calls.async];
    case "worker-sync-call-main":
      return [worker.probe.calls.sync, ours.probe.calls.sync];
    case "worker-boot":
      return [worker.ready, ours.ready];
    default:
      throw new Error(`unknown worker case ${id}`);
  }
}

/**
 * The worker cases from the runs of boots() with probes: medians over the runs, each a ratio; a case
 * the engine or the page cannot measure is left out, with why, in `skipped`.
 */
function workerResults(runs) {
  const results = [];
  const skipped = [];
  for (const c of WORKER_CASES) {
    const why = unmeasurable(c, runs[0]);
    if (why) {
      skipped.push({ id: c.id, why });
      continue;
    }
    const figures = runs.map((run) => workerFigures(c.id, run));
    const [ours, raw] = [median(figures.map((f) => f[0])), median(figures.map((f) => f[1]))];
    if (!(raw > 0)) throw new Error(`${c.id}: the baseline (${c.baseline}) measured ${raw}, so no ratio can be made`);
    const ratio = ours / raw;
    results.push({ ...c, group: "worker", ours, raw, ratio, verdict: ratio <= c.target ? "meets" : "misses",
      ...(c.needs === "longtask" ? { loopMs } : {}), ...(c.id === "worker-boot" ? { stages: stagesOf(runs, "worker") } : {}) });
  }
  return { results, skipped };
}

async function once(rt) {
  const exports = await rt.getPythonExports("app.bench");
  const rawAdd = rt.pyodide.runPython("lambda a, b: a + b");
  const rawAsync = rt.pyodide.runPython("async def add_async(a, b):\n    return a + b\nadd_async");
  try {
    const timings = JSON.parse(await exports.python_cases(minMs / 1000));
    timings["js-py-sync-export"] = [await timeJs(() => exports.add(1, 2)), await timeJs(() => rawAdd(1, 2))];
    timings["invoke-method-async"] = [
      await timeJs(() => rt.invokeMethodAsync("app.bench", "add_async", 1, 2)),
      await timeJs(() => rawAsync(1, 2)),
    ];
    return timings;
  } finally {
    rawAdd.destroy();
    rawAsync.destroy();
  }
}

function show(results) {
  const body = $("results").tBodies[0];
  body.replaceChildren(
    ...results.map((r) => {
      const row = document.createElement("tr");
      const [ratio, target] = r.delta
        ? [`${r.ours - r.raw >= 0 ? "+" : ""}${(r.ours - r.raw).toFixed(0)} ms`, `<= +${r.target} ms`]
        : [`${r.ratio.toFixed(2)}x`, `<= ${r.target}x`];
      for (const text of [r.label, r.ours.toFixed(4), r.raw.toFixed(4), ratio, target, r.verdict]) {
        row.append(Object.assign(document.createElement("td"), { textContent: text }));
      }
      return row;
    }),
  );
  const svg = "http://www.w3.org/2000/svg";
  const chart = document.createElementNS(svg, "svg");
  const rowHeight = 22;
  const width = 640;
  const charted = results.filter((r) => !r.delta);
  const max = Math.max(...charted.map((r) => Math.max(r.ratio, r.target)), 1);
  chart.setAttribute("viewBox", `0 0 ${width} ${charted.length * rowHeight + 10}`);
  chart.setAttribute("width", String(width));
  charted.forEach((r, i) => {
    const y = i * rowHeight + 5;
    const bar = document.createElementNS(svg, "rect");
    for (const [k, v] of Object.entries({ x: 200, y, height: rowHeight - 6, width: (r.ratio / max) * (width - 260) })) {
      bar.setAttribute(k, String(v));
    }
    bar.setAttribute("fill", r.verdict === "meets" ? "#2e7d32" : "#c0392b");
    const target = document.createElementNS(svg, "line");
    const tx = 200 + (r.target / max) * (width - 260);
    for (const [k, v] of Object.entries({ x1: tx, x2: tx, y1: y - 2, y2: y + rowHeight - 4 })) target.setAttribute(k, String(v));
    target.setAttribute("stroke", "currentColor");
    const label = document.createElementNS(svg, "text");
    label.setAttribute("x", "0");
    label.setAttribute("y", String(y + 12));
    label.setAttribute("font-size", "11");
    label.textContent = r.id;
    const value = document.createElementNS(svg, "text");
    value.setAttribute("x", String(205 + (r.ratio / max) * (width - 260)));
    value.setAttribute("y", String(y + 12));
    value.setAttribute("font-size", "11");
    value.textContent = `${r.ratio.toFixed(2)}x`;
    chart.append(bar, target, label, value);
  });
  const boot = results.find((r) => r.id === "boot");
  const breakdown = document.createElement("p");
  breakdown.textContent = `Our boot, median ms per stage: ${Object.entries(boot.stages)
    .map(([name, ms]) => `${name} ${ms.toFixed(0)}`).join(", ")}; ready at ${boot.ours.toFixed(0)} ms ` +
    `(bare Pyodide: ${boot.raw.toFixed(0)} ms).`;
  $("chart").replaceChildren(chart, breakdown);
}

/** The worker cases' table: a value in its unit, the ratio, the verdict; and the cases left out. */
function showWorker({ results, skipped }) {
  const value = (r, v) => (r.unit === "count" ? String(v) : `${v.toFixed(r.unit === "us" ? 1 : 0)} ${r.unit === "us" ? "µs" : r.unit}`);
  $("worker-results").tBodies[0].replaceChildren(
    ...results.map((r) => {
      const row = document.createElement("tr");
      for (const text of [r.label, value(r, r.ours), value(r, r.raw), `${r.ratio.toFixed(r.ratio < 0.01 ? 4 : 2)}x`,
        `<= ${r.target}x`, r.verdict]) {
        row.append(Object.assign(document.createElement("td"), { textContent: text }));
      }
      return row;
    }),
  );
  $("worker-skipped").textContent = skipped.map((s) => `${s.id} not measured: ${s.why}`).join(" ");
}

async function run(rt) {
  $("run").disabled = true;
  const runs = [];
  const page = groups.has("page");
  const worker = groups.has("worker");
  for (let i = 0; page && i < repetitions; i++) {
    $("status").textContent = `Running (${i + 1}/${repetitions})…`;
    runs.push(await once(rt));
  }
  const bootRuns = await boots(repetitions, [...(page ? ["raw"] : []), "ours", ...(worker ? ["worker"] : [])], worker);
  const boot = page ? bootFigures(bootRuns) : null;
  const results = page ? CASES.map((c) => {
    const ours = c.id === "boot" ? boot.ours : median(runs.map((t) => t[c.id][0]));
    const raw = c.id === "boot" ? boot.raw : median(runs.map((t) => t[c.id][1]));
    const ratio = ours / raw;
    const meets = c.delta ? ours - raw <= c.target : ratio <= c.target;
    return { ...c, ours, raw, ratio, verdict: meets ? "meets" : "misses", ...(c.id === "boot" ? { stages: boot.stages } : {}) };
  }) : [];
  const workerMode = worker ? workerResults(bootRuns) : { results: [], skipped: [] };
  if (page) show(results);
  showWorker(workerMode);
  const all = [...results, ...workerMode.results];
  $("status").textContent = `Done: ${all.filter((r) => r.verdict === "meets").length} of ${all.length} cases meet their target.`;
  $("run").disabled = false;
  globalThis.benchWorker = workerMode;
  globalThis.benchResults = results;
  return results;
}

/** Runs the bench; a failure is shown, and left in globalThis.benchError for ./build.sh bench. */
async function runOrShowError(rt) {
  try {
    await run(rt);
  } catch (e) {
    globalThis.benchError = String(e?.message ?? e);
    $("status").textContent = `The bench failed: ${globalThis.benchError}`;
    $("run").disabled = false;
  }
}

const rt = await boot({ app: "app.bench" });
$("status").textContent = "Ready.";
$("run").disabled = false;
$("run").addEventListener("click", () => runOrShowError(rt));
if (params.get("autorun") === "1") runOrShowError(rt);
