// Where each file of dist/ really is, by its development path (the name it has in this repository),
// and what the build recorded about the boot files.
//
// This is the form of the module in the repository, which no build serves: `./build.sh` generates
// dist/layout.mjs with the size and sha256 of every boot file (tools/release_layout.py,
// layout_module), and `./build.sh release` its own version, which also maps e.g. "pyodide.mjs" to
// "pyodide/314.0.7/pyodide.mjs" and "app/alert_user.js" to "app/alert_user.<hash>.js" and records the
// memory snapshot. Only assets.mjs reads it.

/** Development path -> path of the file served, both relative to dist/ (the development build: none). */
export const FILES = Object.freeze({});

/**
 * Served path (relative to dist/) -> `{bytes, sha256}` of each boot file: Pyodide's runtime files and
 * the wheels. The loader refuses a boot file that does not match its record.
 */
export const BOOT_FILES = Object.freeze({});

/**
 * The memory snapshot of a release, or null: `{path, pyodide, buildId, build, packages, modules, bytes,
 * sha256}` (tools/snapshot.mjs makes it; the loader restores Pyodide from it). The development build
 * has none.
 */
export const SNAPSHOT = null;

/**
 * Bare npm specifier -> development path of its ES module bundle (`"chart.js": "npm/chart.js.mjs"`),
 * one per package of the app's [tool.jsinterop.npm] and each sub-path it documents (tools/npm.py);
 * FILES maps the path further in a release.
 */
export const NPM_MODULES = Object.freeze({});

/**
 * Python packages the build ships but boot does not install (an app's `[tool.jsinterop] lazy`), nor
 * what only they need: `Py.loadPackages()` (Python's `jsinterop.load_packages`) installs them.
 */
export const LAZY_PACKAGES = Object.freeze([]);

/**
 * Development paths of the site's JS initializers (`*.lib.module.js` at its root), in the order boot()
 * calls their `beforeStart(options)` and `afterStarted(Py)`.
 */
export const INITIALIZERS = Object.freeze([]);

/** Whether the app boots in a Web Worker by default (its `[tool.jsinterop] worker`). */
export const WORKER = false;

/**
 * The Cross-Origin-Embedder-Policy the site is served cross-origin isolated with, with COOP same-origin
 * (`"require-corp"` or `"credentialless"`, the app's `[tool.jsinterop] isolation`), or null: not isolated.
 * Every server of the build (the dev server, nginx.conf, _headers) sends what it says.
 */
export const ISOLATION = null;
