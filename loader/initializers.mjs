// JS initializers, as Blazor's: a `<name>.lib.module.js` at the root of the site (the app's static
// folder, or a library's files put there) may export `beforeStart(options)` and `afterStarted(Py)`.
// The build lists them in layout.mjs (INITIALIZERS), so the loader imports exactly those: no request
// that could 404. boot() awaits every beforeStart, in name order, before Pyodide loads (it gets the boot
// options and may change them, e.g. set loadBootResource), and every afterStarted once the app started.

import { BootError } from "./errors.mjs";

/** The hooks an initializer may export, in the order boot() calls them. */
export const HOOKS = Object.freeze(["beforeStart", "afterStarted"]);

/**
 * Calls `hook` of each initializer (`{url, module}`, in order) with `argument`, awaiting each before
 * the next. An initializer without that export is skipped; one whose export is not a function, or
 * that throws or rejects, fails the boot with a BootError naming its URL.
 */
export async function runInitializers(initializers, hook, argument) {
  for (const { url, module } of initializers) {
    const fn = module[hook];
    if (fn === undefined) continue;
    if (typeof fn !== "function") {
      throw new BootError(`The JS initializer ${url} exports '${hook}' as a ${typeof fn}: it must be a function.`, { url });
    }
    try {
      await fn.call(module, argument);
    } catch (e) {
      throw new BootError(`The JS initializer ${url} failed in ${hook}(): ${e?.message ?? e}`, { url, cause: e });
    }
  }
}
