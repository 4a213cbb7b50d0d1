// A test page's script: boots with the options in the query string (?app=...&debug=1&detailedErrors=0).
import { boot } from "./jsinterop.mjs";

const params = new URLSearchParams(location.search);
const flag = (name) => (params.has(name) ? params.get(name) === "1" : undefined);
globalThis.bootOutcome = boot({ app: params.get("app"), debug: flag("debug"), detailedErrors: flag("detailedErrors") })
  .then(() => "ready", (e) => `failed: ${e.message}`);
