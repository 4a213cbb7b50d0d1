// Boots the built dist/'s Pyodide under Node.js, installs jsinterop from its lock file, and prints
// what the environment checks and capabilities() answer there, as JSON. Usage: node node_environment_probe.mjs DIST
import path from "node:path";
import { pathToFileURL } from "node:url";

const dist = path.resolve(process.argv[2]);
const { loadPyodide } = await import(pathToFileURL(path.join(dist, "pyodide.mjs")).href);
const pyodide = await loadPyodide({ indexURL: dist + path.sep, stdout: () => {}, stderr: () => {} });
await pyodide.loadPackage("jsinterop", { messageCallback: () => {} });
// The last two: what capabilities() says of the engine and of JSPI, then what this Node.js itself says.
const answers = pyodide.runPython(
  "import json, jsinterop; caps = jsinterop.capabilities(); json.dumps([jsinterop.is_browser(), jsinterop.is_worker(), "
    + "jsinterop.is_node(), jsinterop.host().value, caps.engine, caps.jspi, "
    + `${"Suspending" in WebAssembly ? "True" : "False"}, caps.missing])`,
);
console.log(answers);
