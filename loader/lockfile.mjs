// Reads pyodide-lock.json: which wheels a set of packages needs, and which package provides a module.

/** Pyodide's package-name normalisation (PEP 503): lower case, runs of -_. become one dash. */
export function normalizeName(name) {
  return name.toLowerCase().replace(/[-_.]+/g, "-");
}

/** The lock entry of the package that provides the top-level module of `moduleName`, or null. */
export function packageProviding(lock, moduleName) {
  const top = moduleName.split(".")[0];
  const direct = lock.packages[normalizeName(top)];
  if (direct && (direct.imports || []).includes(top)) return direct;
  for (const entry of Object.values(lock.packages)) {
    if ((entry.imports || []).includes(top)) return entry;
  }
  return null;
}

/**
 * Every lock entry `names` need, dependencies included, each once. Unknown names throw. Packages
 * named in `skip` (and what only they need) are left out, unless `names` names them.
 */
export function withDependencies(lock, names, skip = []) {
  const seen = new Map();
  const skipped = new Set(skip.map(normalizeName));
  for (const name of names) skipped.delete(normalizeName(name));
  const visit = (name, neededBy) => {
    const key = normalizeName(name);
    if (seen.has(key) || skipped.has(key)) return;
    const entry = lock.packages[key];
    if (!entry) {
      const by = neededBy ? ` (a dependency of '${neededBy}')` : "";
      throw new Error(`The package '${name}'${by} is not in pyodide-lock.json.`);
    }
    seen.set(key, entry);
    for (const dep of entry.depends || []) visit(dep, entry.name);
  };
  for (const name of names) visit(name, null);
  return [...seen.values()];
}

/**
 * The lock as Pyodide gets it at boot: the same packages, with the lazy ones (`lazy`) left out of every
 * other package's `depends`, so that `loadPackage` installs them only when asked for by name
 * (`Py.loadPackages`); what the lazy packages need is still listed in their own entries.
 */
export function withoutLazyDependencies(lock, lazy) {
  if (!lazy.length) return lock;
  const skipped = new Set(lazy.map(normalizeName));
  const packages = {};
  for (const [key, entry] of Object.entries(lock.packages)) {
    packages[key] = skipped.has(key) ? entry
      : { ...entry, depends: (entry.depends || []).filter((dep) => !skipped.has(normalizeName(dep))) };
  }
  return { ...lock, packages };
}
