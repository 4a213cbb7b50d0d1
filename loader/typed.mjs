// The JavaScript half of the typed interop's fast paths (typed_interop.py): a signature of up to
// three primitives (bool, int, float, str) is called without JSON and without a Python wrapper,
// behind checks specialised to its arity, in both directions:
//   - JS -> Python: the function of an `@js_export` (exportFunction; Py.getPythonExports);
//   - Python -> JS: the guarded call of an `@js_import` (guardCall; InteropHost.guardCall).
// Both directions read the one table of kinds (KINDS) and share one specialisation per arity
// (fastPath): the checks are made once, when the function is made, never looped over per call.

import { asJSError, pythonCall } from "./errors.mjs";

const isSafeInteger = Number.isSafeInteger;
const isNumber = (v) => typeof v === "number";
const isFraction = (v) => typeof v === "number" && !Number.isInteger(v);
const isString = (v) => typeof v === "string";
const isBoolean = (v) => typeof v === "boolean";
const isUndefined = (v) => v === undefined;
const isAnything = () => true;

/**
 * The primitive kinds of the fast paths, one row a kind (Python's annotation, as typed_interop.py
 * names it), each with the three checks of a crossing:
 * - `toPython`: a JS value that a Python function receives as this kind when passed as it is (an
 *   `@js_export` argument). Pyodide makes an integral number an int, so a float takes only a
 *   non-integral one; an int must be safe (past 2**53 it is not exact);
 * - `toStub`: a JS result an `@js_import` stub takes as it is: as `toPython`, but the stub itself
 *   makes an integral number a float; a void function's result is dropped, whatever it is;
 * - `fromPython`: what Pyodide makes of a Python value of this kind, usable as it is (an `@js_export`
 *   result, an `@js_import` argument): an int past 2**53 arrives as a BigInt, None as undefined.
 */
export const KINDS = Object.freeze({
  int: Object.freeze({ toPython: isSafeInteger, toStub: isSafeInteger, fromPython: isNumber }),
  float: Object.freeze({ toPython: isFraction, toStub: isNumber, fromPython: isNumber }),
  str: Object.freeze({ toPython: isString, toStub: isString, fromPython: isString }),
  bool: Object.freeze({ toPython: isBoolean, toStub: isBoolean, fromPython: isBoolean }),
  void: Object.freeze({ toPython: null, toStub: isAnything, fromPython: isUndefined }),
});

const passThrough = (e) => e;

/**
 * The one arity-specialised fast path (0 to 3 arguments) of both directions: a function that calls
 * `target` with its arguments when each passes its check in `checks`, and returns the value when it
 * passes `resultOk` (undefined instead when not `keepResult`), else `resultRefused(value)`. An
 * argument refused goes to `refused` (with the same arguments); an error `target` throws is thrown as
 * `failed(error)`. With `wrongCount`, a call with another number of arguments throws
 * `wrongCount(count)`. Nothing is looped over or allocated per call, and the common case makes no
 * call besides the checks and `target`.
 */
export function fastPath({
  arity, checks, target, resultOk, keepResult = true, resultRefused, refused, failed = passThrough, wrongCount = null,
}) {
  const [c0, c1, c2] = checks;
  const counted = wrongCount !== null;
  switch (arity) {
    case 0:
      return function () {
        if (counted && arguments.length !== 0) throw wrongCount(arguments.length);
        let value;
        try {
          value = target();
        } catch (e) {
          throw failed(e);
        }
        return resultOk(value) ? (keepResult ? value : undefined) : resultRefused(value);
      };
    case 1:
      return function (a) {
        if (counted && arguments.length !== 1) throw wrongCount(arguments.length);
        if (!c0(a)) return refused(a);
        let value;
        try {
          value = target(a);
        } catch (e) {
          throw failed(e);
        }
        return resultOk(value) ? (keepResult ? value : undefined) : resultRefused(value);
      };
    case 2:
      return function (a, b) {
        if (counted && arguments.length !== 2) throw wrongCount(arguments.length);
        if (!(c0(a) && c1(b))) return refused(a, b);
        let value;
        try {
          value = target(a, b);
        } catch (e) {
          throw failed(e);
        }
        return resultOk(value) ? (keepResult ? value : undefined) : resultRefused(value);
      };
    case 3:
      return function (a, b, c) {
        if (counted && arguments.length !== 3) throw wrongCount(arguments.length);
        if (!(c0(a) && c1(b) && c2(c))) return refused(a, b, c);
        let value;
        try {
          value = target(a, b, c);
        } catch (e) {
          throw failed(e);
        }
        return resultOk(value) ? (keepResult ? value : undefined) : resultRefused(value);
      };
    default:
      throw new RangeError(`fastPath: ${arity} parameters (at most 3)`);
  }
}

/**
 * The JS function of one `@js_export`. It checks the argument count; a primitive-only signature
 * (`direct`: [paramKinds, resultKind, fn, finish]) is then called straight through its PyProxy when
 * every argument has the annotated kind, and its result is returned as is when it has the annotated
 * kind: no Python wrapper runs. Anything else goes through `entry`, which converts or raises the
 * error naming the parameter (and `finish`, which converts a result).
 */
export function exportFunction(name, arity, entry, direct) {
  const wrongCount = (count) => {
    const error = new Error(`${name}() takes ${arity} argument(s) but ${count} were given`);
    error.name = "TypeError";
    return error;
  };
  // Its `length` is the export's arity, whatever form it takes (worker mode tells the page so).
  const withArity = (fn) => Object.defineProperty(fn, "length", { value: arity, configurable: true });
  if (!direct) {
    return withArity(function (...args) {
      if (args.length !== arity) throw wrongCount(args.length);
      return pythonCall(entry, args);
    });
  }
  const [paramKinds, resultKind, fn, finish] = direct;
  return withArity(fastPath({
    arity,
    checks: paramKinds.map((kind) => KINDS[kind].toPython),
    target: fn,
    resultOk: KINDS[resultKind].fromPython,
    resultRefused(value) {
      try {
        return pythonCall(finish, [value]);
      } finally {
        value?.destroy?.(); // a Python object came back as a PyProxy: only its conversion is kept
      }
    },
    refused: (...args) => pythonCall(entry, args),
    failed: asJSError,
    wrongCount,
  }));
}

/**
 * The `@js_export` functions of a Python module, from its entries
 * `[[name, isAsync, entry, arity, direct], ...]`: flat (`ex.add`) and in the full dotted layout
 * (`ex.app.calc.add`). Sync exports return values; `async def` ones return Promises.
 */
export function exportsObject(moduleName, entries) {
  // Own data properties only (never assignment): a name like "__proto__" is a key, not a prototype.
  const define = (target, key, value) =>
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  const flat = {};
  for (const [name, , fn, arity, direct] of entries) define(flat, name, exportFunction(name, arity, fn, direct));
  const exports = { ...flat };
  let level = exports;
  for (const part of String(moduleName).split(".")) {
    const next = Object.hasOwn(level, part) && typeof level[part] === "object" ? level[part] : {};
    define(level, part, next);
    level = next;
  }
  for (const [name, fn] of Object.entries(flat)) define(level, name, fn);
  return exports;
}

/**
 * `fn` (with `this` = `thisArg`) behind the checks of the `@js_import` fast path (typed_interop.py):
 * an argument it refuses throws an Error named `argumentRefused` before `fn` runs (Python then takes
 * its general path); a result it refuses throws one named `resultRefusedName` carrying it as `value`
 * (Python converts it or raises the error naming the result). A void result is dropped.
 */
export function guardCall(fn, thisArg, paramKinds, resultKind, argumentRefused, resultRefusedName) {
  const refusal = new Error("an argument needs the general path");
  refusal.name = argumentRefused;
  return fastPath({
    arity: paramKinds.length,
    // Python has checked each argument's type: these check what Pyodide made of it.
    checks: paramKinds.map((kind) => KINDS[kind].fromPython),
    target: thisArg === undefined ? fn : fn.bind(thisArg),
    resultOk: KINDS[resultKind].toStub,
    keepResult: resultKind !== "void",
    resultRefused(value) {
      const error = new Error("the result needs the general path");
      error.name = resultRefusedName;
      error.value = value;
      throw error;
    },
    refused() {
      throw refusal;
    },
  });
}
