// Live reload (development only): the page listens to the dev server's event stream and updates
// itself when `jsinterop serve` rebuilt the site (runtime/jsinterop/tool/watch.py says what each
// event means).
//
// It connects only when the page carries `<meta name="jsinterop-live-reload" content="<URL>">`, which
// only the watching dev server adds; a release never has it. The stream is same-origin: the strict
// CSP (default-src 'self', so connect-src 'self') allows it unchanged.
//
// A change of the app's Python code ("python") is applied without booting Python again: the app's new
// wheel is downloaded and verified like every boot file (size and sha256 from the rebuilt layout.mjs),
// then jsinterop.live_reload.reload_app puts it in place, re-imports the app and runs its main().

import { DIST } from "./assets.mjs";
import { fetchJSON, fetchVerified } from "./fetch-assets.mjs";
import { packageProviding } from "./lockfile.mjs";

/** The event stream's URL the dev server put in the page, or null (no live reload). */
export function liveReloadURL() {
  const meta = globalThis.document?.querySelector?.('meta[name="jsinterop-live-reload"]');
  return meta?.content ? new URL(meta.content, globalThis.location.href).href : null;
}

function report(detail) {
  globalThis.dispatchEvent?.(new CustomEvent("jsinterop:live-reload", { detail }));
}

/** Points every stylesheet link of the page whose file is in `paths` (site paths) at its new content. */
export function swapStylesheets(paths, stamp) {
  const wanted = new Set(paths.map((p) => new URL(p, DIST).href));
  for (const link of document.querySelectorAll('link[rel~="stylesheet"][href]')) {
    const url = new URL(link.href);
    url.search = "";
    if (!wanted.has(url.href)) continue;
    url.searchParams.set("live-reload", String(stamp));
    link.href = url.href;
  }
}

/**
 * Re-imports the app from its rebuilt wheel; reloads the page instead when a changed wheel is not the
 * app's (jsinterop's, a dependency's). Resolves to the timings in ms: `download` (the fresh layout,
 * lock and wheel, verified) and `reimport` (unpacking, importing, main()).
 */
async function reimportApp(runtime, app, wheels, stamp) {
  const started = performance.now();
  const lock = await fetchJSON(new URL(`pyodide-lock.json?live-reload=${stamp}`, DIST).href);
  const entry = app ? packageProviding(lock, app) : null;
  if (!entry || wheels.some((w) => w !== entry.file_name)) return null;
  const layout = await import(new URL(`layout.mjs?live-reload=${stamp}`, DIST).href);
  const wheelURL = new URL(entry.file_name, DIST).href;
  const wheel = await fetchVerified(wheelURL, layout.BOOT_FILES[entry.file_name] ?? null);
  const downloaded = performance.now();
  const module = runtime.pyodide.pyimport("jsinterop.live_reload");
  try {
    await module.reload_app(app, wheel);
  } finally {
    module.destroy();
  }
  return { download: downloaded - started, reimport: performance.now() - downloaded };
}

/**
 * Connects the page to the dev server's event stream, when the page says there is one. `runtime` is
 * the booted `Py`, `app` the app's module name. Returns the EventSource, or null. Each update is
 * reported as a `jsinterop:live-reload` event (`detail`: `{kind, ...timings}` or `{kind: "failed", message}`)
 * and recorded in `runtime.liveReloads`.
 */
export function connectLiveReload(runtime, app) {
  const url = liveReloadURL();
  if (url === null || typeof EventSource !== "function") return null;
  const source = new EventSource(url);
  let run = null;
  let stamp = 0;
  let queue = Promise.resolve();  // one update at a time, in the order the server sent them
  const updates = [];
  Object.defineProperty(runtime, "liveReloads", { value: updates, configurable: true });
  const done = (detail) => {
    updates.push(detail);
    report(detail);
  };
  const reload = () => globalThis.location.reload();
  source.addEventListener("hello", (event) => {
    const hello = JSON.parse(event.data);
    if (run !== null && hello.run !== run) reload();  // the server restarted: rebuilds may have been missed
    run = hello.run;
  });
  source.addEventListener("reload", reload);
  source.addEventListener("css", (event) => {
    swapStylesheets(JSON.parse(event.data).stylesheets, ++stamp);
    done({ kind: "css" });
  });
  source.addEventListener("build-failed", (event) => {
    const { message } = JSON.parse(event.data);
    console.error(`jsinterop: the rebuild failed; the page keeps running the last build.\n${message}`);
    done({ kind: "build-failed", message });
  });
  source.addEventListener("python", (event) => {
    const { wheels, rebuildMs } = JSON.parse(event.data);
    const mine = ++stamp;
    queue = queue.then(async () => {
      try {
        const timings = await reimportApp(runtime, app, wheels, mine);
        if (timings === null) return reload();
        console.info(`jsinterop: live reload of '${app}': rebuild ${rebuildMs} ms, download ${Math.round(timings.download)} ms, `
          + `re-import ${Math.round(timings.reimport)} ms`);
        done({ kind: "python", rebuild: rebuildMs, ...timings });
      } catch (e) {
        console.error(`jsinterop: live reload of '${app}' failed: ${e?.message ?? e}`);
        done({ kind: "failed", message: String(e?.message ?? e) });
      }
    });
  });
  return source;
}
