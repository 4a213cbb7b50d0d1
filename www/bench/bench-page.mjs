// The benchmark page: boots app.bench, runs every case (warm-up, then the median of 5 repetitions),
// and shows a table and a bar chart of the ratios. ?autorun=1 runs on load (./build.sh bench);
// ?quick=1 uses short timings (the test suite checks that every case runs, not how fast).
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

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
const quick = params.get("quick") === "1";
const minMs = quick ? 2 : 50;
const repetitions = quick ? 1 : 5;

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
function bootInFrame(mode) {
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
    frame.src = `./boot.html?mode=${mode}`;
    document.body.append(frame);
  });
}

/** Boots alternately with our loader and bare Pyodide (after one warm-up of each). */
async function boots(count) {
  await bootInFrame("raw");
  await bootInFrame("ours");
  const runs = [];
  for (let i = 0; i < count; i++) {
    $("status").textContent = `Booting (${i + 1}/${count})…`;
    const raw = await bootInFrame("raw");
    const ours = await bootInFrame("ours");
    runs.push({ ours: ours.ready, raw: raw.ready, stages: ours.stages });
  }
  const stages = {};
  for (const name of ["download", "start", "install", "app"]) stages[name] = median(runs.map((r) => r.stages[name]));
  return { ours: median(runs.map((r) => r.ours)), raw: median(runs.map((r) => r.raw)), stages };
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

async function run(rt) {
  $("run").disabled = true;
  const runs = [];
  for (let i = 0; i < repetitions; i++) {
    $("status").textContent = `Running (${i + 1}/${repetitions})…`;
    runs.push(await once(rt));
  }
  const boot = await boots(repetitions);
  const results = CASES.map((c) => {
    const ours = c.id === "boot" ? boot.ours : median(runs.map((t) => t[c.id][0]));
    const raw = c.id === "boot" ? boot.raw : median(runs.map((t) => t[c.id][1]));
    const ratio = ours / raw;
    const meets = c.delta ? ours - raw <= c.target : ratio <= c.target;
    return { ...c, ours, raw, ratio, verdict: meets ? "meets" : "misses", ...(c.id === "boot" ? { stages: boot.stages } : {}) };
  });
  show(results);
  $("status").textContent = `Done: ${results.filter((r) => r.verdict === "meets").length} of ${results.length} cases meet their target.`;
  $("run").disabled = false;
  globalThis.benchResults = results;
  return results;
}

const rt = await boot({ app: "app.bench" });
$("status").textContent = "Ready.";
$("run").disabled = false;
$("run").addEventListener("click", () => run(rt));
if (params.get("autorun") === "1") run(rt);
