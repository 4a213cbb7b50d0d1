// Unit tests of the wire encoding (wire.mjs, through a channel) (no browser, no Pyodide): the nesting limit and the
// escaping of marker-shaped data, run with node's test runner.
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
