// A module worker for the tests: boots jsinterop inside a Web Worker and posts what Python sees.
import { boot } from "./jsinterop.mjs";

const progress = [];
try {
  const rt = await boot({ onProgress: (f, label) => progress.push([f, label]) });
  const checks = rt.pyodide.runPython(
    "import jsinterop; [jsinterop.is_browser(), jsinterop.is_worker(), jsinterop.is_node(), jsinterop.host().value]",
  );
  const [isBrowser, isWorker, isNode, host] = checks.toJs();
  checks.destroy();
  postMessage({ ok: true, isBrowser, isWorker, isNode, host, progressEnd: progress[progress.length - 1] });
} catch (e) {
  postMessage({ ok: false, error: String(e?.message ?? e) });
}
