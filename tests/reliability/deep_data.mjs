// Deeply nested data sent through every entry path from JavaScript into Python (and back as results):
// each call must end in an Error naming the parameter (or result) and the limit, and Python must keep
// working afterwards. Returns rows for the test to judge.

const M = "deep_data_fixture";

/** `depth` nested containers: {n: {n: ... {}}} or [[...[]]]. */
export function nested(depth, shape) {
  let value = shape === "array" ? [] : {};
  for (let i = 1; i < depth; i++) value = shape === "array" ? [value] : { n: value };
  return value;
}

/** The entry paths, each a function of the deep value returning its outcome (maybe a Promise). */
export async function entryPaths(Py) {
  const exports = await Py.getPythonExports(M);
  // In worker mode (Py.worker) Python cannot be called synchronously: the lent object is made asynchronously.
  const lent = Py.worker ? await Py.invokeMethodAsync(M, "lend") : Py.invokeMethod(M, "lend");
  const paths = {
    "invokeMethod": (deep) => Py.invokeMethod(M, "add", deep, 1),
    "invokeMethodAsync": (deep) => Py.invokeMethodAsync(M, "AddAsync", 1, deep),
    "lent invokeMethod": (deep) => lent.invokeMethod("take", deep),
    "lent invokeMethodAsync": (deep) => lent.invokeMethodAsync("TakeAsync", deep),
    "export": (deep) => exports.export_node(deep),
    "export list": (deep) => exports.export_list(deep),
    "export async": (deep) => exports.export_node_async(deep),
    "callback result": (deep) => exports.call_back(() => deep),
    "callback argument": async (deep) => (await exports.give_callback())(deep),  // in worker mode exports return Promises
    "stream pull": (deep) => Py._interop.main.pullPython(deep, deep),
  };
  return { paths, dispose: () => lent.dispose() };
}

/** Runs each path with each depth and shape; returns [path, depth, shape, "ok"|errorName, message]. */
export async function runDeepCalls(Py, depths, shapes) {
  const { paths, dispose } = await entryPaths(Py);
  const rows = [];
  for (const [name, call] of Object.entries(paths)) {
    for (const depth of depths) {
      for (const shape of shapes) {
        const deep = nested(depth, shape);
        let row;
        try {
          const value = await call(deep);
          row = [name, depth, shape, "ok", String(value)];
        } catch (e) {
          row = [name, depth, shape, String(e?.name), String(e?.message ?? e).slice(-600)];
        }
        // Python survived: a sync (in worker mode, a second async) and an async call still work after each one.
        const sync = Py.worker ? await Py.invokeMethodAsync(M, "add", 2, 3) : Py.invokeMethod(M, "add", 2, 3);
        const later = await Py.invokeMethodAsync(M, "AddAsync", 2, 3);
        row.push(sync === 5 && later === 5);
        rows.push(row);
      }
    }
  }
  dispose();
  return rows;
}
