// The one place that knows where the files of dist/ are: a development path ("pyodide.mjs",
// "pyodide-lock.json", "app/alert_user.js") becomes the URL of the file this build serves. In the
// development build that is the path itself; in a release (./build.sh release) the build's
// layout.mjs maps it to a content-hashed or versioned path.

import { BOOT_FILES, FILES, INITIALIZERS, LAZY_PACKAGES, NPM_MODULES, SNAPSHOT } from "./layout.mjs";

/** The development paths of the site's JS initializers (`*.lib.module.js` at its root), in call order. */
export const INITIALIZER_MODULES = INITIALIZERS;

/** The record of the release's memory snapshot (its `path` relative to dist/, the Pyodide `buildId`
 * and `pyodide` version it belongs to, the `build` it was made from, the `packages` and `modules` it
 * holds, its `bytes` and `sha256`), or null. */
export const MEMORY_SNAPSHOT = SNAPSHOT ?? null;

/** The Python packages boot leaves out (the app's lazy ones), for `Py.loadPackages()` to install. */
export const LAZY = LAZY_PACKAGES ?? [];

/** The app's `[tool.jsinterop] worker` (boot in a Web Worker by default) and `isolation` (the COEP the site
 * is served cross-origin isolated with, or null), as the build recorded them. */
export { ISOLATION, WORKER } from "./layout.mjs";

/** The folder this module was loaded from: the root of dist/. */
export const DIST = new URL("./", import.meta.url);

/** What the build recorded about the boot file at `url` (absolute): `{bytes, sha256}`, or null. */
export function bootRecord(url) {
  const target = new URL(url);
  if (target.origin !== DIST.origin || !target.pathname.startsWith(DIST.pathname)) return null;
  const path = decodeURIComponent(target.pathname.slice(DIST.pathname.length));
  return Object.hasOwn(BOOT_FILES, path) ? BOOT_FILES[path] : null;
}

/** The path this build serves the file with development path `path` at, relative to dist/. */
export function servedPath(path) {
  return Object.hasOwn(FILES, path) ? FILES[path] : path;
}

/** The URL of the file of dist/ whose development path is `path`. */
export function assetURL(path) {
  return new URL(servedPath(path), DIST);
}

/**
 * `url` (absolute), mapped to the file this build serves when it names a file of dist/ by its
 * development path (a module Python imports by URL, such as a collocated component module); any
 * other URL is returned unchanged. Query and fragment are kept.
 */
export function servedURL(url) {
  const target = new URL(url);
  if (target.origin !== DIST.origin || !target.pathname.startsWith(DIST.pathname)) return target;
  const path = decodeURIComponent(target.pathname.slice(DIST.pathname.length));
  if (!Object.hasOwn(FILES, path)) return target;
  const served = new URL(FILES[path], DIST);
  served.search = target.search;
  served.hash = target.hash;
  return served;
}

/** Whether `specifier` is a bare npm specifier ("chart.js", "chart.js/auto", "@scope/name"): not
 * `./`, `../` or `/`, and no URL scheme. */
export function isBareSpecifier(specifier) {
  return !/^(?:\.{0,2}\/|[A-Za-z][A-Za-z0-9+.-]*:)/.test(specifier);
}

/**
 * The URL of the ES module `specifier` names, as Python's import_module() and load_js_module() give it:
 * a bare npm specifier is the bundle the build made of it ([tool.jsinterop.npm]; layout.mjs's
 * NPM_MODULES), anything else a URL relative to `base` (the document), mapped by servedURL(). A bare
 * specifier the build did not bundle is an error naming it.
 */
export function moduleURL(specifier, base) {
  const name = String(specifier);
  if (!isBareSpecifier(name)) return servedURL(new URL(name, base));
  if (!Object.hasOwn(NPM_MODULES, name)) {
    const known = Object.keys(NPM_MODULES);
    throw new Error(`The JavaScript module '${name}' is a bare npm specifier that this build did not bundle: add ` +
      `the package to [tool.jsinterop.npm] in pyproject.toml and build again, or import a file by a path ` +
      `starting with ./, ../ or / (the build bundled: ${known.length ? known.join(", ") : "no npm packages"}).`);
  }
  return assetURL(NPM_MODULES[name]);
}
