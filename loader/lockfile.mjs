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

/** Every lock entry `names` need, dependencies included, each once. Unknown names throw. */
export function withDependencies(lock, names) {
  const seen = new Map();
  const visit = (name, neededBy) => {
    const key = normalizeName(name);
    if (seen.has(key)) return;
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
