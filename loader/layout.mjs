// Where each file of dist/ really is, by its development path (the name it has in this repository).
//
// The development build serves every file under its own name, so this map is empty. `./build.sh
// release` writes its own version of this module, mapping e.g. "pyodide.mjs" to
// "pyodide/314.0.7/pyodide.mjs" and "app/alert_user.js" to "app/alert_user.<hash>.js". Only
// assets.mjs reads it.

/** Development path -> path of the file served, both relative to dist/. */
export const FILES = Object.freeze({});

/**
 * The memory snapshot of a release, or null: `{path, pyodide, buildId, packages, modules, bytes,
 * sha256}` (tools/snapshot.mjs makes it; the loader restores Pyodide from it). The development build
 * has none.
 */
export const SNAPSHOT = null;
