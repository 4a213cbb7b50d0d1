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

try {
  const result = mode === "raw" ? await raw() : await ours();
  parent.postMessage({ bootBench: mode, ...result }, location.origin);
} catch (e) {
  parent.postMessage({ bootBench: mode, error: String(e?.message ?? e) }, location.origin);
}
