// Makes the memory snapshot of a release (run by tools/build.py release, under node):
//
//   node snapshot.mjs <stage folder> <out file> <build digest> <package>... -- <module>...
//
// <stage folder> is a development build (Pyodide's files, pyodide-lock.json, wheels/): the same Pyodide
// files the release serves. The script boots Pyodide with `_makeSnapshot`, installs the packages (with
// their dependencies, from the lock), imports the modules, and writes `pyodide.makeMemorySnapshot()`
// to <out file>, behind jsinterop's header holding <build digest> (64 hex digits: the sha256 of what
// the snapshot is made from, which tells the snapshots of two builds apart; snapshot-file.mjs of the loader, read from the stage). It runs no app code beyond the imports (no main(), no connection to a page), so
// Python holds no JavaScript object at snapshot time except by a path from globalThis; Pyodide
// refuses anything else ("Can't serialize object at index N").
//
// On success it prints one JSON line: {"bytes": ..., "buildId": ..., "build": ..., "version": ...,
// "modules": [...]}.

import { readFile, writeFile } from "node:fs/promises";
import { pathToFileURL } from "node:url";
import path from "node:path";


function fail(message) {
  console.error(`snapshot.mjs: ${message}`);
  process.exit(1);
}

const args = process.argv.slice(2);
const split = args.indexOf("--");
if (args.length < 4 || split < 3) {
  fail("usage: node snapshot.mjs <stage folder> <out file> <build digest> <package>... -- <module>...");
}
const [stage, out, build, ...packages] = args.slice(0, split);
if (!/^[0-9a-f]{64}$/.test(build)) fail(`the build digest must be 64 hex digits, got ${JSON.stringify(build)}`);
const modules = args.slice(split + 1);
const indexURL = pathToFileURL(path.resolve(stage) + path.sep).href;

const { loadPyodide } = await import(new URL("pyodide.mjs", indexURL).href);
// The loader's snapshot file format, from the stage: the same module the release serves.
const { wrapSnapshot } = await import(new URL("snapshot-file.mjs", indexURL).href);
// The lazy packages (layout.mjs's LAZY_PACKAGES) stay out of the snapshot, as they stay out of a boot:
// the lock Pyodide gets has them out of every other package's dependencies (lockfile.mjs, as the loader).
const { LAZY_PACKAGES } = await import(new URL("layout.mjs", indexURL).href);
const { withoutLazyDependencies } = await import(new URL("lockfile.mjs", indexURL).href);
const lock = withoutLazyDependencies(JSON.parse(await readFile(path.join(stage, "pyodide-lock.json"), "utf8")),
  LAZY_PACKAGES);
let pyodide;
try {
  pyodide = await loadPyodide({
    indexURL: path.resolve(stage) + path.sep,
    lockFileContents: lock,
    packageBaseUrl: path.resolve(stage) + path.sep,
    _makeSnapshot: true,
    stdout: () => {},
    stderr: (line) => console.error(line),
  });
} catch (e) {
  fail(`loadPyodide failed: ${e.message}`);
}
const errors = [];
await pyodide.loadPackage(packages, { messageCallback: () => {}, errorCallback: (m) => errors.push(m) });
const installed = { ...pyodide.loadedPackages };
for (const name of packages) {
  if (!(name in installed)) fail(`installing '${name}' failed: ${errors.join("; ") || "unknown error"}`);
}
for (const name of modules) {
  try {
    pyodide.pyimport(name).destroy?.();
  } catch (e) {
    fail(`importing '${name}' failed: ${e.message}`);
  }
}
// Pyodide checks that every JS value Python's runtime holds is the one a fresh boot has; one of them
// is `loadedPackages`, which a fresh boot has empty. The files and modules stay in the snapshot; the
// loader calls loadPackage() again after a restore, which installs the wheels' files again (the file
// system is JavaScript state that a snapshot does not hold) and fills `loadedPackages`.
for (const name of Object.keys(pyodide.loadedPackages)) delete pyodide.loadedPackages[name];
let snapshot;
try {
  snapshot = pyodide.makeMemorySnapshot();
} catch (e) {
  fail(`makeMemorySnapshot failed (Python holds a JavaScript object not reachable from globalThis?): ${e.message}`);
}
const file = wrapSnapshot(snapshot, build);
await writeFile(out, file);
console.log(JSON.stringify({
  bytes: file.byteLength,
  buildId: pyodide._api?.config?.BUILD_ID ?? null,
  build,
  version: pyodide.version,
  modules,
}));
