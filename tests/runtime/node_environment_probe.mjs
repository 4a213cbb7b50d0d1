// Boots the built dist/'s Pyodide under Node.js, installs jsinterop from its lock file, and prints
// what the environment checks answer there, as JSON. Usage: node node_environment_probe.mjs DIST
import path from "node:path";
import { pathToFileURL } from "node:url";

const dist = path.resolve(process.argv[2]);
const { loadPyodide } = await import(pathToFileURL(path.join(dist, "pyodide.mjs")).href);
const pyodide = await loadPyodide({ indexURL: dist + path.sep, stdout: () => {}, stderr: () => {} });
await pyodide.loadPackage("jsinterop", { messageCallback: () => {} });
const answers = pyodide.runPython(
  "import json, jsinterop; json.dumps([jsinterop.is_browser(), jsinterop.is_worker(), jsinterop.is_node(), jsinterop.host().value])",
);
console.log(answers);
