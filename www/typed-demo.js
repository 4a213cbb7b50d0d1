// The page module of typed-interop.html (imported by Python as "main.js", .NET's JSHost.ImportAsync).

/** Imported by Python with @js_import("getMessage", "main.js"). */
export function getMessage() {
  return `JavaScript in ${navigator.userAgent.includes("Headless") ? "a headless" : "a"} browser`;
}

/** Called by Python's main(): reads the Python exports (types in ./types/app.typed_demo.d.ts). */
export async function showGreeting() {
  /** @type {import("./types/app.typed_demo").AppTypedDemoExports} */
  const exports = await Py.getPythonExports("app.typed_demo");
  document.getElementById("greeting").textContent = exports.greeting();
  document.getElementById("sum").textContent = String(exports.app.typed_demo.add(40, 2));
}
