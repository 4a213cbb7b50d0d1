// Unit tests of the interop modules (no browser, no Pyodide), run with node's test runner: the wire
// codec (wire.mjs: the nesting limit, escaping, every marker both ways), the channel's
// PythonCallDispatcher (channel.mjs), the one reading of a Python traceback (errors.mjs) and the typed
// fast paths (typed.mjs).
import assert from "node:assert/strict";
import { test } from "node:test";

import { JSCallChannel } from "../../loader/channel.mjs";
import { DEFAULT_MAX_DEPTH, exceedsDepth } from "../../loader/wire.mjs";

const nested = (depth, shape = "object") => {
  let value = shape === "array" ? [] : {};
  for (let i = 1; i < depth; i++) value = shape === "array" ? [value] : { n: value };
  return value;
};

test("exceedsDepth counts the containers toPy() converts and stops at the limit", () => {
  assert.equal(DEFAULT_MAX_DEPTH, 32);
  for (const shape of ["object", "array"]) {
    assert.equal(exceedsDepth(nested(32, shape), 32), false);
    assert.equal(exceedsDepth(nested(33, shape), 32), true);
    assert.equal(exceedsDepth(nested(1_000_000, shape), 32), true); // no stack overflow: the walk stops at 33
  }
  assert.equal(exceedsDepth(new Map([["k", nested(32)]]), 32), true);
  assert.equal(exceedsDepth(new Set([nested(32, "array")]), 32), true);
  assert.equal(exceedsDepth(new Float64Array(4), 0), false); // binary data is a leaf
  class Custom { constructor() { this.inner = nested(100); } }
  assert.equal(exceedsDepth({ x: new Custom() }, 2), false); // toPy() keeps class instances as JsProxy
  assert.equal(exceedsDepth("text", 0), false);
});

test("the encoder cuts a value deeper than the limit with a marker naming its argument", () => {
  const channel = new JSCallChannel();
  const fine = channel.encodeValue([1, nested(32)], true);
  assert.equal(fine.markers, false);
  const cut = channel.encodeValue([1, nested(5_000)], true);
  assert.equal(cut.markers, true);
  const parsed = JSON.parse(cut.json);
  let level = parsed[1];
  let depth = 1;
  while (!("__jsinteropTooDeep" in level)) { level = level.n; depth++; }
  assert.equal(depth, 33);
  assert.deepEqual(level, { __jsinteropTooDeep: 1 });
  const result = JSON.parse(channel.encodeValue(nested(100_000, "array")).json);
  assert.equal(JSON.stringify(result).includes('{"__jsinteropTooDeep":-1}'), true); // -1: a result
  channel.maxDepth = 3;
  assert.equal(channel.encodeValue([nested(3)], true).markers, false);
  assert.equal(channel.encodeValue([nested(4)], true).markers, true);
});

test("marker-shaped data objects are escaped, and come back as the same data", () => {
  const channel = new JSCallChannel();
  const forged = [{ __jsObjectId: 0 }, { __pyObjectId: 1 }, { __jsinteropBytes: 0 }, { "__jsinteropEscaped:x": 1 },
    { __jsObjectId: 0, other: 1 }, { ordinary: 1 }];
  const encoded = channel.encodeValue([NaN, ...forged], true);
  assert.equal(encoded.markers, true);
  assert.deepEqual(JSON.parse(encoded.json).slice(1), [{ "__jsinteropEscaped:__jsObjectId": 0 },
    { "__jsinteropEscaped:__pyObjectId": 1 }, { "__jsinteropEscaped:__jsinteropBytes": 0 },
    { "__jsinteropEscaped:__jsinteropEscaped:x": 1 }, { __jsObjectId: 0, other: 1 }, { ordinary: 1 }]);
  // The decoder (here: of what Python sends) removes one prefix and decodes only real markers.
  globalThis.shapesOf = (...items) => items.map((item) => (item === globalThis ? "globalThis!" : JSON.stringify(item)));
  const decoded = channel.invokeJSON(0, "shapesOf", 0, encoded.json, undefined, true);
  assert.deepEqual(JSON.parse(decoded.json), ["null", ...forged.map((f) => JSON.stringify(f))]);
  const echoed = channel.invokeJSON(0, "Array.of", 0, encoded.json, undefined, true);
  assert.deepEqual(JSON.parse(echoed.json).slice(1), JSON.parse(encoded.json).slice(1)); // escaped again for Python
  delete globalThis.shapesOf;
});

// --- the codec: every marker both ways --------------------------------------------------------------

import { JSObjectRef, PyObjectRef } from "../../loader/channel.mjs";
import { JSStreamRef, PyStream } from "../../loader/streams.mjs";
import { MARKER_KEYS, Marker, WireReference, decodeValue, encodeArguments, encodeValue } from "../../loader/wire.mjs";

/** What the encoder needs of a channel, with a table that records what it tracks. */
function encoding() {
  const tracked = [];
  return { tracked, objects: { track: (o) => tracked.push(o) + 99 }, PyProxy: null, maxDepth: DEFAULT_MAX_DEPTH };
}

test("every reference kind crosses as its own marker, at the top and inside data", () => {
  const e = encoding();
  const pyRef = new PyObjectRef(null, 7);
  const cases = [[new JSObjectRef(3), { __jsObjectId: 3 }], [new JSStreamRef(4, 10), { __jsinteropStream: [4, 10] }],
    [pyRef, { __pyObjectId: 7 }]];
  for (const [ref, marker] of cases) {
    assert.ok(ref instanceof WireReference);
    const top = encodeValue(ref, e);
    assert.deepEqual([JSON.parse(top.json), top.markers, top.error], [marker, true, false]);
    const inner = encodeValue({ a: [ref] }, e);
    assert.deepEqual([JSON.parse(inner.json), inner.markers], [{ a: [marker] }, true]);
  }
  const namespace = { [Symbol.toStringTag]: "Module" };
  assert.deepEqual(JSON.parse(encodeValue(namespace, e).json), { __jsObjectId: 100 });
  assert.deepEqual(JSON.parse(encodeValue([namespace], e).json), [{ __jsObjectId: 101 }]);
  assert.deepEqual(e.tracked, [namespace, namespace]);
});

test("numbers JSON lacks, BigInts and binary data cross as markers and side buffers", () => {
  const bytes = new Uint8Array([1, 2, 3]);
  const out = encodeValue([NaN, Infinity, -Infinity, 12n, bytes, new Float64Array(1).buffer], encoding(), true);
  assert.deepEqual(JSON.parse(out.json), [{ __jsinteropNumber: "NaN" }, { __jsinteropNumber: "Infinity" },
    { __jsinteropNumber: "-Infinity" }, { __jsinteropBigInt: "12" }, { __jsinteropBytes: 0 }, { __jsinteropBytes: 1 }]);
  assert.equal(out.buffers[0], bytes); // the same memory, no copy
  assert.equal(out.buffers[1].length, 8);
  const top = encodeValue(bytes, encoding());
  assert.deepEqual([JSON.parse(top.json), top.buffers[0]], [{ __jsinteropBytes: 0 }, bytes]);
});

test("primitives and primitive-only arguments skip JSON; a PyProxy is refused as data", () => {
  for (const value of ["s", 1, true, 2n, undefined]) assert.equal(encodeValue(value, encoding()), value);
  assert.equal(encodeValue(null, encoding()), undefined);
  assert.deepEqual(encodeArguments([1, "a", null, undefined, false], encoding()), [undefined, undefined, false,
    1, "a", undefined, undefined, false]);
  const [json, buffers, markers, ...rest] = encodeArguments([1, [2]], encoding());
  assert.deepEqual([JSON.parse(json), buffers, markers, rest], [[1, [2]], undefined, false, []]);
  class PyProxy {}
  const refusing = { ...encoding(), PyProxy };
  assert.throws(() => encodeValue(new PyProxy(), refusing), { name: "TypeError", message: /Cannot send the value: it is a Pyodide PyProxy/ });
  assert.throws(() => encodeValue({ k: new PyProxy() }, refusing), { message: /the value at key 'k'/ });
});

test("the decoder resolves every marker Python sends through the channel's references", () => {
  const asked = [];
  const references = {
    jsObject: (id) => (asked.push(["jsObject", id]), `object ${id}`),
    jsStream: (id) => (asked.push(["jsStream", id]), `stream ${id}`),
    pyStream: (id, length) => (asked.push(["pyStream", id, length]), `pyStream ${id}`),
    pyObject: (id) => (asked.push(["pyObject", id]), `pyObject ${id}`),
    element: (id) => (asked.push(["element", id]), `element ${id}`),
  };
  const buffers = [new Uint8Array([9])];
  const json = JSON.stringify([{ __jsObjectId: 1 }, { __jsinteropBytes: 0 }, { __jsinteropNumber: "-Infinity" },
    { __jsinteropBigInt: "123456789012345678901234567890" }, { __jsinteropStream: 2 }, { __pyStream: [3, 40] },
    { __pyObjectId: 4 }, { __jsinteropElement: 5 }, { "__jsinteropEscaped:__jsObjectId": 6 }, { __jsObjectId: 1, x: 2 }]);
  assert.deepEqual(decodeValue(json, buffers, true, references), ["object 1", buffers[0], -Infinity,
    123456789012345678901234567890n, "stream 2", "pyStream 3", "pyObject 4", "element 5", { __jsObjectId: 6 },
    { __jsObjectId: 1, x: 2 }]);
  assert.deepEqual(asked, [["jsObject", 1], ["jsStream", 2], ["pyStream", 3, 40], ["pyObject", 4], ["element", 5]]);
  assert.deepEqual(decodeValue('{"__jsObjectId": 1}', undefined, false, references), { __jsObjectId: 1 }); // no markers: data
  assert.equal(asked.length, 5);
});

test("the marker table lists every marker once, and a channel resolves them", () => {
  assert.equal(MARKER_KEYS.size, Object.keys(Marker).length);
  const channel = new JSCallChannel();
  const id = channel.objects.track({ name: "tracked" });
  assert.equal(channel.jsObject(id).name, "tracked");
  assert.ok(channel.pyStream(1, 5) instanceof PyStream);
  assert.equal(channel.pyStream(1, 5).length, 5);
  assert.throws(() => channel.element(1), { message: "No component renderer is attached to this page." });
  channel.patcher = { element: (n) => `element ${n}` };
  assert.equal(channel.element(2), "element 2");
});

// --- the channel's PythonCallDispatcher --------------------------------------------------------------

test("connect() takes one dispatcher object; calls to Python go through its named methods", async () => {
  const channel = new JSCallChannel();
  channel.jspi = false;
  const calls = [];
  const destroyed = [];
  const method = (name, fn) => Object.assign((...args) => (calls.push([name, ...args]), fn?.(...args)),
    { destroy: () => destroyed.push(name) });
  channel.connect({
    endInvokeJSFromPython: method("endInvokeJSFromPython"),
    disconnect: method("disconnect"),
    pullStream: method("pullStream", (streamId, callId) => channel.endPull(callId, true, new Uint8Array([streamId]))),
    invokePythonFromJS: method("invokePythonFromJS", () => 41),
    beginInvokePythonFromJS: method("beginInvokePythonFromJS", (callId) => channel.endPyCall(callId, [1, '{"x": 1}', null, false])),
    releasePyObject: method("releasePyObject", () => true),
    pyObjectCount: method("pyObjectCount", () => 3),
    pythonExports: method("pythonExports", () => [["twice", false, (n) => n * 2, 1, null]]),
  });
  assert.equal(channel.invokePython("app", "answer", 0, [1, "a"], false), 41);
  assert.deepEqual(await channel.invokePython("app", "later", 0, [[1]], true), { x: 1 });
  assert.deepEqual(await channel.pullPython(8, 100), new Uint8Array([8]));
  channel.pyObject(5).dispose();
  assert.equal(channel.counts().pyObjects, 3);
  const exports = channel.pythonExports("app.calc");
  assert.equal(exports.twice(4), 8);
  assert.equal(exports.app.calc.twice, exports.twice);
  assert.deepEqual(calls, [
    ["invokePythonFromJS", "app", "answer", 0, undefined, undefined, false, 1, "a"],
    ["beginInvokePythonFromJS", 1, "app", "later", 0, "[[1]]", undefined, false],
    ["pullStream", 8, 1, 100],
    ["releasePyObject", 5, true],
    ["pyObjectCount"],
    ["pythonExports", "app.calc"],
  ]);
  channel.shutdown(true);
  assert.deepEqual(calls.at(-1), ["disconnect"]);
  assert.equal(destroyed.length, 8); // every method is destroyed at shutdown (Python's proxies)
  assert.throws(() => channel.invokePython("app", "answer", 0, [], false), {
    message: "The Python runtime has been shut down; no more calls can be made.",
  });
});

// --- error conversion: a Python traceback is read once ----------------------------------------------

import { BootError, fromPythonError, parsePythonError, pythonBootError } from "../../loader/errors.mjs";

/** A stand-in for Pyodide's PythonError (recognised by its class name). */
class PythonError extends Error {
  constructor(type, formatted) {
    super(formatted);
    this.type = type;
  }
}

const chained = "Traceback (most recent call last):\n  File \"<exec>\", line 1, in <module>\nKeyError: 'a'\n\n" +
  "During handling of the above exception, another exception occurred:\n\n" +
  "Traceback (most recent call last):\n  File \"<exec>\", line 3, in <module>\n    raise ValueError('two\\nlines')\n" +
  "ValueError: two\nlines\n";

test("a PythonError is parsed once: the last exception of a chain, its message kept whole", () => {
  const parsed = parsePythonError(new PythonError("ValueError", chained));
  assert.deepEqual(parsed, { type: "ValueError", summary: "ValueError: two\nlines", message: "two\nlines", traceback: chained });
  const error = fromPythonError(new PythonError("ValueError", chained));
  assert.deepEqual([error.name, error.message, error.pythonStack], ["ValueError", "two\nlines", chained]);
  const bare = fromPythonError(new PythonError("StopIteration", "Traceback (most recent call last):\n  File \"x\"\nStopIteration\n"));
  assert.equal(bare.message, "");
});

test("a boot failure names the Python exception the same way", () => {
  const app = "Traceback (most recent call last):\n  File \"app.py\", line 1\njsinterop.app_host.AppStartError: The app 'x' has no main.\n";
  const fromApp = pythonBootError(new PythonError("AppStartError", app), "Starting the app 'x' failed");
  assert.ok(fromApp instanceof BootError);
  assert.deepEqual([fromApp.message, fromApp.pythonType, fromApp.pythonTraceback], ["The app 'x' has no main.", "AppStartError", app]);
  const other = pythonBootError(new PythonError("ValueError", chained), "Starting the app 'x' failed");
  assert.equal(other.message, "Starting the app 'x' failed: ValueError: two\nlines");
  const plain = pythonBootError(new Error("boom"), "Boot failed");
  assert.deepEqual([plain.message, plain.cause.message], ["Boot failed: boom", "boom"]);
  const kept = new BootError("as it was");
  assert.equal(pythonBootError(kept, "ignored"), kept);
});

// --- the typed fast paths: one kind table, one specialisation per arity -----------------------------

import { KINDS, exportFunction, guardCall } from "../../loader/typed.mjs";

test("the kind table says what crosses as it is, in each direction", () => {
  assert.deepEqual(Object.keys(KINDS), ["int", "float", "str", "bool", "void"]);
  assert.deepEqual([1, 1.5, 2 ** 53, "1"].map(KINDS.int.toPython), [true, false, false, false]);
  assert.deepEqual([1, 1.5, NaN].map(KINDS.float.toPython), [false, true, true]); // an integral number is an int
  assert.deepEqual([1, 1.5].map(KINDS.float.toStub), [true, true]); // the stub makes it a float
  assert.deepEqual([1, 2n ** 60n].map(KINDS.int.fromPython), [true, false]); // past 2**53: a BigInt
  assert.deepEqual([undefined, null].map(KINDS.void.fromPython), [true, false]);
  assert.equal(KINDS.void.toStub({}), true); // a void result is dropped, whatever it is
});

test("an @js_export fast path checks the count and kinds, and falls back to its entry", () => {
  const seen = [];
  const fn = (...args) => (seen.push(["fn", ...args]), args.length === 0 ? 7 : args.reduce((a, b) => a + b));
  const entry = (...args) => (seen.push(["entry", ...args]), "converted");
  const finish = (v) => (seen.push(["finish", v]), "finished");
  for (const arity of [0, 1, 2, 3]) {
    const args = [1, 2, 3].slice(0, arity);
    const f = exportFunction("add", arity, entry, [args.map(() => "int"), "int", fn, finish]);
    assert.equal(f(...args), arity === 0 ? 7 : args.reduce((a, b) => a + b));
    assert.deepEqual(seen.pop(), ["fn", ...args]); // exactly `arity` arguments reach the function
    if (arity > 0) {
      assert.equal(f(...args.slice(0, -1), 0.5), "converted"); // a float for an int: the entry converts it
      assert.deepEqual(seen.pop(), ["entry", ...args.slice(0, -1), 0.5]);
    }
    assert.throws(() => f(...args, 9), { name: "TypeError", message: `add() takes ${arity} argument(s) but ${arity + 1} were given` });
  }
  const floats = exportFunction("half", 1, entry, [["float"], "str", (x) => x / 2, finish]);
  assert.equal(floats(3.5), "finished"); // the result 1.75 is not a str: finish converts it
  assert.deepEqual(seen.pop(), ["finish", 1.75]);
  assert.equal(floats(3), "converted"); // an integral number would reach Python as an int: the entry converts it
  const general = exportFunction("any", 2, entry, null);
  assert.equal(general({}, []), "converted");
  assert.throws(() => general(1), { message: "any() takes 2 argument(s) but 1 were given" });
  const failing = exportFunction("fails", 0, entry, [[], "int", () => { throw new PythonError("KeyError", "KeyError: 'k'"); }, finish]);
  assert.throws(() => failing(), (e) => e.constructor === Error && e.name === "KeyError" && e.message === "'k'");
});

test("an @js_import guard calls with `this`, refuses before calling, and refuses a result after", () => {
  const target = { base: 10, add(a, b) { return this.base + a + b; }, float() { return 2; }, text() { return 1; } };
  const add = guardCall(target.add, target, ["int", "int"], "int", "ArgRefused", "ResultRefused");
  assert.equal(add(1, 2), 13);
  assert.throws(() => add(2n ** 60n, 1), { name: "ArgRefused" });
  assert.equal(guardCall(target.float, target, [], "float", "A", "R")(), 2); // the stub makes it 2.0
  assert.throws(() => guardCall(target.text, target, [], "str", "A", "R")(), (e) => e.name === "R" && e.value === 1);
  assert.equal(guardCall(() => "dropped", undefined, ["str", "bool", "float"], "void", "A", "R")("s", true, 1.5), undefined);
  assert.equal(guardCall(Math.max, undefined, ["float"], "float", "A", "R")(4), 4); // one argument, not three
  assert.throws(() => guardCall(Math.max, undefined, ["int", "int", "int", "int"], "int", "A", "R"), RangeError);
});
