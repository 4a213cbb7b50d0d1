// Installs Python packages after boot: those the build shipped and boot left out (the app's lazy
// ones, layout.mjs's LAZY_PACKAGES), from the site's own pyodide-lock.json. `Py.loadPackages()` and
// Python's `jsinterop.load_packages()` come here.

import { DIST, bootRecord } from "./assets.mjs";
import { PackageLoadError, describe } from "./errors.mjs";
import { fetchVerified, handOver } from "./fetch-assets.mjs";
import { normalizeName, withDependencies } from "./lockfile.mjs";

/** The names, quoted and joined, for messages: `'a'`, `'a', 'b'`. */
const quoted = (names) => names.map((n) => `'${n}'`).join(", ");

/**
 * Installs the packages `names` (and what they need) with `pyodide.loadPackage`, from `lock` (the
 * site's pyodide-lock.json as the build wrote it); resolves to the names of the packages it installed,
 * none when all were installed already. Each wheel is downloaded once and checked against the size
 * and sha256 the build recorded (layout.mjs), then handed to Pyodide, as at boot.
 *
 * @throws {PackageLoadError} naming the package that is not in the lock, failed to download or verify,
 *   or failed to install.
 */
export async function loadPackages(pyodide, lock, names) {
  if (!Array.isArray(names) || names.some((n) => typeof n !== "string" || n === "")) {
    throw new TypeError(`loadPackages() needs a list of package names, got ${describe(names)}.`);
  }
  const unknown = names.filter((n) => !Object.hasOwn(lock.packages, normalizeName(n)));
  if (unknown.length) {
    throw new PackageLoadError(
      `The Python package${unknown.length > 1 ? "s" : ""} ${quoted(unknown)} ${unknown.length > 1 ? "are" : "is"} not in `
      + "this site's pyodide-lock.json: the build did not ship it. List it in [project] dependencies of the app's "
      + "pyproject.toml (and in [tool.jsinterop] lazy to install it only when it is asked for).",
      { packages: names },
    );
  }
  let needed;
  try {
    needed = withDependencies(lock, names).filter((e) => !Object.hasOwn(pyodide.loadedPackages, e.name));
  } catch (e) {
    throw new PackageLoadError(`Loading the Python packages ${quoted(names)} failed: ${e.message}`, { packages: names, cause: e });
  }
  if (!needed.length) return [];
  const urls = needed.map((e) => new URL(e.file_name, DIST).href);
  const data = await Promise.all(urls.map((url, i) => fetchVerified(url, bootRecord(url)).catch((e) => {
    throw new PackageLoadError(`Loading the Python package '${needed[i].name}' failed: ${e.message}`,
      { packages: names, cause: e });
  })));
  const undoHandOver = handOver(urls.map((url, i) => [url, { data: data[i], sha256: bootRecord(url).sha256 }]));
  const errors = [];
  try {
    await pyodide.loadPackage(needed.map((e) => e.name), {
      messageCallback: () => {},
      errorCallback: (message) => errors.push(message),
    });
  } finally {
    undoHandOver();
  }
  const failed = needed.find((e) => !Object.hasOwn(pyodide.loadedPackages, e.name));
  if (failed) {
    throw new PackageLoadError(`Installing the Python package '${failed.name}' failed: ${errors.join("; ") || "unknown error"}`,
      { packages: names });
  }
  return needed.map((e) => e.name);
}
