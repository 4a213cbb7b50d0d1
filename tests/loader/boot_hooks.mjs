// A test page's script: boots the sample app with a loadBootResource chosen by ?case=...
// (redirect: the app's wheel from a same-origin copy; wrong-bytes: a Response with one byte changed;
// cross-origin: a URL on another origin; default: nothing, every file from its default URL).
import { boot } from "./jsinterop.mjs";

const params = new URLSearchParams(location.search);
const asked = [];
globalThis.asked = asked;
const isAppWheel = (kind, name) => kind === "wheel" && name.startsWith("wheels/app-");
const cases = {
  default: (kind, name, defaultUrl) => void asked.push([kind, name, defaultUrl]),
  redirect: (kind, name) => (isAppWheel(kind, name) ? `./mirror/${name}` : undefined),
  "wrong-bytes": async (kind, name, defaultUrl) => {
    if (!isAppWheel(kind, name)) return undefined;
    const bytes = new Uint8Array(await (await fetch(defaultUrl)).arrayBuffer());
    bytes[100] ^= 1;
    return new Response(bytes);
  },
  "cross-origin": (kind, name) => (isAppWheel(kind, name) ? `http://127.0.0.1:9/${name}` : null),
};
boot({ app: "app", loadBootResource: cases[params.get("case")] })
  .then(() => "ready", (e) => `failed: ${e.message}`)
  .then((outcome) => { globalThis.bootOutcome = outcome; });
