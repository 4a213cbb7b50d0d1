// One boot, timed from the frame's navigation start to the app imported, posted to the parent page.
// ?mode=ours: jsinterop's boot(). ?mode=raw: bare loadPyodide() + loadPackage() + import, the same work.
const APP = "app.bench";
const mode = new URLSearchParams(location.search).get("mode");

async function ours() {
  const { boot } = await import("../jsinterop.mjs");
  const rt = await boot({ app: APP });
  return { ready: performance.now(), stages: rt.bootTimings };
}

async function raw() {
  const base = new URL("../", import.meta.url).href;
  const { loadPyodide } = await import("../pyodide.mjs");
  const lock = await (await fetch(new URL("pyodide-lock.json", base))).json();
  const pyodide = await loadPyodide({ indexURL: base, lockFileContents: lock, packageBaseUrl: base });
  await pyodide.loadPackage(["jsinterop", "app"], { messageCallback: () => {} });
  pyodide.pyimport(APP);
  return { ready: performance.now(), stages: null };
}

try {
  const result = mode === "raw" ? await raw() : await ours();
  parent.postMessage({ bootBench: mode, ...result }, location.origin);
} catch (e) {
  parent.postMessage({ bootBench: mode, error: String(e?.message ?? e) }, location.origin);
}
