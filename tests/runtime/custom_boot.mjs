// A test page's script: boots with the options in the query string
// (?app=...&debug=1&detailedErrors=0&jspi=0&maxDepth=8).
import { boot } from "./jsinterop.mjs";

const params = new URLSearchParams(location.search);
const flag = (name) => (params.has(name) ? params.get(name) === "1" : undefined);
const number = (name) => (params.has(name) ? Number(params.get(name)) : undefined);
globalThis.bootOutcome = boot({
  app: params.get("app"), debug: flag("debug"), detailedErrors: flag("detailedErrors"), jspi: flag("jspi"),
  maxDepth: number("maxDepth"),
}).then(() => "ready", (e) => `failed: ${e.message}`);
