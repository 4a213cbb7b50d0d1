// Unit tests of the loader's pure parts, run with node's test runner (no browser).
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { test } from "node:test";

import { BootError } from "../../loader/errors.mjs";
import { checkResponse, expectedTypes, fetchVerified, handOver, integrityOf } from "../../loader/fetch-assets.mjs";
import { normalizeName, packageProviding, withDependencies, withoutLazyDependencies } from "../../loader/lockfile.mjs";
import { Sha256, WasmSha256, fallbackHasher, hasSubtleCrypto, sha256Hex } from "../../loader/sha256.mjs";
import { pyodideSnapshot, snapshotBuild, snapshotProblem, wrapSnapshot } from "../../loader/snapshot-file.mjs";

const response = (status, type, statusText = "") =>
  new Response(status === 204 ? null : "x", { status, statusText, headers: type ? { "Content-Type": type } : {} });

test("expected MIME types by extension", () => {
  assert.deepEqual(expectedTypes("http://h/a/pyodide.asm.wasm"), ["application/wasm"]);
  assert.equal(expectedTypes("http://h/x.mjs?v=1")[0], "text/javascript");
  assert.deepEqual(expectedTypes("http://h/pyodide-lock.json"), ["application/json"]);
  assert.equal(expectedTypes("http://h/python_stdlib.zip"), null);
});

test("a 404 names the URL and the status", () => {
  const url = "http://h/p/pyodide.asm.wasm";
  assert.throws(() => checkResponse(url, response(404, "text/html", "Not Found")), (e) => {
    assert.ok(e instanceof BootError);
    assert.equal(e.message, `Failed to load ${url}: HTTP 404 Not Found`);
    assert.equal(e.url, url);
    return true;
  });
});

test("a wrong MIME type names the URL, the type served and the type expected", () => {
  const url = "http://h/pyodide.asm.wasm";
  assert.throws(
    () => checkResponse(url, response(200, "text/html; charset=utf-8")),
    { name: "BootError", message: `Failed to load ${url}: it is served as 'text/html', expected application/wasm` },
  );
  assert.throws(
    () => checkResponse("http://h/pyodide.mjs", response(200, "text/plain")),
    { message: "Failed to load http://h/pyodide.mjs: it is served as 'text/plain', expected text/javascript" },
  );
  assert.throws(
    () => checkResponse("http://h/pyodide.mjs", response(200, null)),
    /served as 'no Content-Type'|served as 'text\/plain/,
  );
  checkResponse(url, response(200, "application/wasm"));
  checkResponse("http://h/a.mjs", response(200, "application/javascript; charset=utf-8"));
  checkResponse("http://h/a.whl", response(200, "application/octet-stream"));
});

const lock = {
  packages: {
    app: { name: "app", imports: ["app"], depends: ["jsinterop"], file_name: "wheels/app.whl" },
    jsinterop: { name: "jsinterop", imports: ["jsinterop"], depends: [], file_name: "wheels/j.whl" },
    "my-lib": { name: "my-lib", imports: ["mylib"], depends: ["missing-dep"], file_name: "wheels/m.whl" },
    pytest: { name: "pytest", imports: ["pytest", "_pytest"], depends: ["pluggy"], file_name: "wheels/p.whl" },
    pluggy: { name: "pluggy", imports: ["pluggy"], depends: [], file_name: "wheels/pl.whl" },
  },
};

test("package names are normalised as PEP 503 says", () => {
  assert.equal(normalizeName("My_Lib.Extra"), "my-lib-extra");
});

test("the package providing a module is found by its import names", () => {
  assert.equal(packageProviding(lock, "app.broken").name, "app");
  assert.equal(packageProviding(lock, "mylib").name, "my-lib");
  assert.equal(packageProviding(lock, "_pytest.main").name, "pytest");
  assert.equal(packageProviding(lock, "json"), null);
});

test("dependencies are resolved once each", () => {
  assert.deepEqual(withDependencies(lock, ["app", "jsinterop"]).map((e) => e.name), ["app", "jsinterop"]);
  assert.deepEqual(withDependencies(lock, ["pytest"]).map((e) => e.name), ["pytest", "pluggy"]);
});

test("a missing package or dependency is named", () => {
  assert.throws(() => withDependencies(lock, ["nope"]), { message: "The package 'nope' is not in pyodide-lock.json." });
  assert.throws(() => withDependencies(lock, ["my-lib"]), {
    message: "The package 'missing-dep' (a dependency of 'my-lib') is not in pyodide-lock.json.",
  });
});

test("a boot skips the lazy packages and what only they need, and keeps what others need too", () => {
  const shop = {
    packages: {
      app: { name: "app", depends: ["jsinterop", "chart", "Pluggy"], file_name: "wheels/app.whl" },
      jsinterop: { name: "jsinterop", depends: [], file_name: "wheels/j.whl" },
      chart: { name: "chart", depends: ["colors", "pluggy"], file_name: "wheels/c.whl" },
      colors: { name: "colors", depends: [], file_name: "wheels/co.whl" },
      pluggy: { name: "pluggy", depends: [], file_name: "wheels/pl.whl" },
    },
  };
  assert.deepEqual(withDependencies(shop, ["jsinterop", "app"], ["Chart"]).map((e) => e.name), ["jsinterop", "app", "pluggy"]);
  assert.deepEqual(withDependencies(shop, ["chart"], ["chart"]).map((e) => e.name), ["chart", "colors", "pluggy"]);
  const forPyodide = withoutLazyDependencies(shop, ["Chart"]);
  assert.deepEqual(forPyodide.packages.app.depends, ["jsinterop", "Pluggy"]);
  assert.deepEqual(forPyodide.packages.chart.depends, ["colors", "pluggy"]);
  assert.deepEqual(shop.packages.app.depends, ["jsinterop", "chart", "Pluggy"], "the lock itself is unchanged");
  assert.equal(withoutLazyDependencies(shop, []), shop);
});

// --- resolving identifiers and running calls (Blazor's findObjectMember and CallDispatcher tests) --

import { JSCallChannel, ObjectTable, findObjectMember } from "../../loader/channel.mjs";
import { CallKind, WireResult } from "../../loader/wire.mjs";

/** A channel whose completions land in a map of promises, and helpers that call through it. */
function dispatcher() {
  const channel = new JSCallChannel();
  const waiting = new Map();
  let nextCall = 1;
  const unwrap = (out) => {
    if (!(out instanceof WireResult)) return out;
    const data = JSON.parse(out.json);
    if (out.error) throw Object.assign(new Error(data.message), { jsName: data.name });
    return data;
  };
  const unused = () => assert.fail("this test calls no Python");
  channel.connect({
    endInvokeJSFromPython(callId, succeeded, result) {
      const { resolve, reject } = waiting.get(callId);
      waiting.delete(callId);
      try {
        resolve(unwrap(result));
      } catch (e) {
        reject(e);
      }
    },
    disconnect() {},
    pullStream: unused,
    invokePythonFromJS: unused,
    beginInvokePythonFromJS: unused,
    releasePyObject: unused,
    pyObjectCount: () => 0,
    pythonExports: unused,
  });
  return {
    channel,
    track: (object) => channel.objects.track(object),
    invoke: (target, identifier, kind, ...args) => unwrap(channel.invoke(target, identifier, kind, ...args)),
    invokeAsync: (target, identifier, kind, ...args) => new Promise((resolve, reject) => {
      const callId = nextCall++;
      waiting.set(callId, { resolve, reject });
      channel.beginInvoke(callId, target, identifier, kind, ...args);
    }),
  };
}

test("findObjectMember resolves data, function, constructor and property members", () => {
  const root = { a: { b: { c: 42, d() { return "hello"; }, e: class {} } } };
  assert.deepEqual(findObjectMember(root, "a.b.c"), { parent: root.a.b, name: "c" });
  assert.deepEqual(findObjectMember(root, "a.b.d"), { parent: root.a.b, name: "d" });
  assert.deepEqual(findObjectMember(root, "a.b.e"), { parent: root.a.b, name: "e" });
  assert.deepEqual(findObjectMember(root, "a.b"), { parent: root.a, name: "b" });
});

test("findObjectMember leaves a missing last member to the call, and names a missing intermediate one", () => {
  const root = { a: { b: { c: 42 } } };
  assert.deepEqual(findObjectMember(root, "a.b.c.f"), { parent: 42, name: "f" });
  assert.deepEqual(findObjectMember(globalThis, "nonExistentMember"), { parent: globalThis, name: "nonExistentMember" });
  assert.throws(() => findObjectMember(root, "a.x.c"), { message: "Could not find 'a.x.c' ('x' was undefined)." });
  assert.throws(() => findObjectMember(root, "a.b.c.f.g"), { message: "Could not find 'a.b.c.f.g' ('f' was undefined)." });
  assert.throws(() => findObjectMember(root, "a..b"), { message: "Could not find 'a..b' ('' was undefined)." });
});

test("an unknown JS object id is worded like Blazor", () => {
  assert.throws(() => new ObjectTable().get(999), {
    message: "JS object instance with ID 999 does not exist (has it been disposed?).",
  });
  const { invoke, invokeAsync } = dispatcher();
  assert.throws(() => invoke(999, "a.b.c", CallKind.INVOKE), {
    message: "JS object instance with ID 999 does not exist (has it been disposed?).",
  });
  return assert.rejects(invokeAsync(999, "a", CallKind.GET_VALUE), {
    message: "JS object instance with ID 999 does not exist (has it been disposed?).",
  });
});

test("FunctionCall: a function is invoked with its arguments, sync and async, with `this` bound", async () => {
  const { track, invoke, invokeAsync } = dispatcher();
  const calls = [];
  const id = track({ testFunc(a, b) { calls.push([this === undefined, a, b]); return (a ?? 1) + (b ?? 0); } });
  assert.equal(invoke(id, "testFunc", CallKind.INVOKE), 1);
  assert.equal(invoke(id, "testFunc", CallKind.INVOKE, 1, 2), 3);
  assert.equal(await invokeAsync(id, "testFunc", CallKind.INVOKE, 1, 2), 3);
  assert.deepEqual(calls, [[false, undefined, undefined], [false, 1, 2], [false, 1, 2]]);
});

test("FunctionCall: a non-function or missing last member is not a function, sync and async", async () => {
  const { track, invoke, invokeAsync } = dispatcher();
  const id = track({ x: 1, a: { b: { c: 42 } } });
  for (const kind of [CallKind.INVOKE, CallKind.INVOKE_VOID, CallKind.INVOKE_REF]) {
    assert.throws(() => invoke(id, "x", kind), { message: "The value 'x' is not a function." });
    assert.throws(() => invoke(id, "a.b.c.f", kind), { message: "The value 'a.b.c.f' is not a function." });
    assert.throws(() => invoke(id, "missing", kind), { message: "The value 'missing' is not a function." });
    assert.throws(() => invoke(id, "a.x.c", kind), { message: "Could not find 'a.x.c' ('x' was undefined)." });
  }
  await assert.rejects(invokeAsync(id, "x", CallKind.INVOKE), { message: "The value 'x' is not a function." });
  await assert.rejects(invokeAsync(id, "a.b.c.f", CallKind.INVOKE_VOID), { message: "The value 'a.b.c.f' is not a function." });
});

test("FunctionCall: a function that throws passes its error on", () => {
  const { track, invoke } = dispatcher();
  const id = track({ testFunc() { throw new Error("Test error"); } });
  assert.throws(() => invoke(id, "testFunc", CallKind.INVOKE), { message: "Test error" });
});

test("FunctionCall: a void call never converts its result, and discards a Promise", () => {
  const { track, invoke } = dispatcher();
  const cyclic = {};
  cyclic.self = cyclic;
  const id = track({ cyclic: () => cyclic, later: () => Promise.resolve(1) });
  assert.throws(() => invoke(id, "cyclic", CallKind.INVOKE), /circular/);
  assert.equal(invoke(id, "cyclic", CallKind.INVOKE_VOID), undefined);
  assert.equal(invoke(id, "later", CallKind.INVOKE_VOID), undefined);
  assert.throws(() => invoke(id, "later", CallKind.INVOKE), /returned a Promise, which a synchronous invoke\(\) cannot wait for/);
});

test("NewCall: a constructor function or class is invoked and the instance comes back by reference", () => {
  const { channel, track, invoke } = dispatcher();
  globalThis.testCtor = function testCtor() { this.a = 10; };
  try {
    const fromGlobal = invoke(0, "testCtor", CallKind.CONSTRUCT);
    assert.equal(channel.objects.get(fromGlobal).a, 10);
  } finally {
    delete globalThis.testCtor;
  }
  const TestClass = class { constructor() { this.a = 20; } f() { return 30; } };
  const id = track({ TestClass });
  const instance = invoke(id, "TestClass", CallKind.CONSTRUCT);
  assert.equal(typeof instance, "number");
  assert.equal(invoke(instance, "a", CallKind.GET_VALUE), 20);
  assert.equal(invoke(instance, "f", CallKind.INVOKE), 30);
  assert.throws(() => invoke(id, "Missing", CallKind.CONSTRUCT), { message: "The value 'Missing' is not a constructor." });
});

test("GetValue: simple, nested and inherited properties are read", () => {
  const { track, invoke } = dispatcher();
  assert.equal(invoke(track({ a: 10 }), "a", CallKind.GET_VALUE), 10);
  assert.equal(invoke(track({ a: { b: 20 } }), "a.b", CallKind.GET_VALUE), 20);
  const inherited = Object.create(Object.create({ a: 30 }));
  assert.equal(invoke(track(inherited), "a", CallKind.GET_VALUE), 30);
  assert.equal(invoke(track({ get a() { return 40; } }), "a", CallKind.GET_VALUE), 40);
  assert.equal(invoke(track({ s: "text" }), "s.length", CallKind.GET_VALUE), 4);
  assert.equal(invoke(track({ u: undefined }), "u", CallKind.GET_VALUE), undefined);
});

test("GetValue: an undefined or setter-only property is not defined or not readable", async () => {
  const { track, invoke, invokeAsync } = dispatcher();
  const id = track({ a: 10, n: null, c: 42, set w(_) {} });
  assert.throws(() => invoke(id, "b", CallKind.GET_VALUE), { message: "The property 'b' is not defined or is not readable." });
  assert.throws(() => invoke(id, "w", CallKind.GET_VALUE), { message: "The property 'w' is not defined or is not readable." });
  assert.throws(() => invoke(id, "c.f", CallKind.GET_VALUE), { message: "The property 'c.f' is not defined or is not readable." });
  assert.throws(() => invoke(id, "n.f", CallKind.GET_VALUE), { message: "The property 'n.f' is not defined or is not readable." });
  assert.throws(() => invoke(id, "x.y", CallKind.GET_VALUE), { message: "Could not find 'x.y' ('x' was undefined)." });
  await assert.rejects(invokeAsync(id, "b", CallKind.GET_VALUE_REF), { message: "The property 'b' is not defined or is not readable." });
});

test("GetValue: an object comes back by reference when asked, and the target itself for an empty identifier", () => {
  const { channel, track, invoke } = dispatcher();
  const testObject = { a: { b: 20 } };
  const id = track(testObject);
  const ref = invoke(id, "a", CallKind.GET_VALUE_REF);
  assert.equal(typeof ref, "number");
  assert.equal(channel.objects.get(ref), testObject.a);
  assert.deepEqual(invoke(id, "", CallKind.GET_VALUE), testObject);
  assert.throws(() => invoke(id, "a.b", CallKind.GET_VALUE_REF), {
    message: "The result is 20, not an object, so it cannot be held by reference.",
  });
});

test("SetValue: simple, nested, new and setter properties are written", () => {
  const { track, invoke } = dispatcher();
  const simple = { a: 10 };
  invoke(track(simple), "a", CallKind.SET_VALUE, 20);
  assert.equal(simple.a, 20);
  const nested = { a: { b: 10 } };
  invoke(track(nested), "a.b", CallKind.SET_VALUE, 20);
  assert.equal(nested.a.b, 20);
  const open = { a: 10 };
  invoke(track(open), "b", CallKind.SET_VALUE, 30);
  assert.equal(open.b, 30);
  const withSetter = { set a(v) { this.seen = v; } };
  invoke(track(withSetter), "a", CallKind.SET_VALUE, 5);
  assert.equal(withSetter.seen, 5);
  const shadowing = Object.create({ a: 1 });
  invoke(track(shadowing), "a", CallKind.SET_VALUE, 2);
  assert.ok(Object.hasOwn(shadowing, "a") && Object.getPrototypeOf(shadowing).a === 1);
});

test("SetValue: a getter-only, read-only or non-extensible property is not writable", () => {
  const { track, invoke } = dispatcher();
  const cases = [
    [{ get a() { return 10; } }, "a"],
    [Object.create({}, { a: { value: 10, writable: false } }), "a"],
    [Object.create({ get a() { return 1; } }), "a"],
    [Object.freeze({ a: 1 }), "a"],
    [Object.preventExtensions({ b: 1 }), "a"],
  ];
  for (const [object, name] of cases) {
    assert.throws(() => invoke(track(object), name, CallKind.SET_VALUE, 20), { message: `The property '${name}' is not writable.` });
  }
  const id = track({ n: null, x: { y: 1 } });
  assert.throws(() => invoke(id, "q.r", CallKind.SET_VALUE, 1), { message: "Could not find 'q.r' ('q' was undefined)." });
  assert.throws(() => invoke(id, "n.r", CallKind.SET_VALUE, 1), { message: "Could not set 'n.r': its parent is null." });
});

test("SetValue + GetValue: an updated primitive or object value is read back", () => {
  const { channel, track, invoke } = dispatcher();
  const id = track({ a: 10 });
  invoke(id, "a", CallKind.SET_VALUE, 20);
  assert.equal(invoke(id, "a", CallKind.GET_VALUE), 20);
  const objA = {};
  const objB = { x: 30 };
  const idA = track(objA);
  invoke(idA, "b", CallKind.SET_VALUE, channel.objects.get(track(objB)));
  assert.equal(invoke(idA, "", CallKind.GET_VALUE).b.x, 30);
  assert.equal(objA.b, objB);
});

test("GetValue: a Promise value is awaited by an async read and refused by a sync one", async () => {
  const { track, invoke, invokeAsync } = dispatcher();
  const id = track({ ready: Promise.resolve(5) });
  assert.equal(await invokeAsync(id, "ready", CallKind.GET_VALUE), 5);
  assert.throws(() => invoke(id, "ready", CallKind.GET_VALUE), {
    message: "The value of 'ready' is a Promise, which a synchronous get_value() cannot wait for: use get_value_async().",
  });
});

// --- sha256 without crypto.subtle, verified downloads, handing bytes to Pyodide, snapshot files ----

/** Runs `body` with `crypto.subtle` missing, as on a plain-HTTP origin other than localhost. */
async function withoutSubtleCrypto(body) {
  const descriptor = Object.getOwnPropertyDescriptor(globalThis, "crypto");
  Object.defineProperty(globalThis, "crypto", { value: {}, configurable: true, writable: true });
  try {
    assert.equal(hasSubtleCrypto(), false);
    return await body();
  } finally {
    Object.defineProperty(globalThis, "crypto", descriptor);
  }
}

const bytes = (text) => new TextEncoder().encode(text);
const nodeSha256 = (data) => createHash("sha256").update(data).digest("hex");

test("sha256 without crypto.subtle gives the FIPS 180-4 test vectors", async () => {
  await withoutSubtleCrypto(async () => {
    assert.equal(await sha256Hex(bytes("")), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    assert.equal(await sha256Hex(bytes("abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    assert.equal(await sha256Hex(bytes("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")),
      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    const million = new Uint8Array(1_000_000).fill(0x61);  // a million times "a"
    assert.equal(await sha256Hex(million), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  });
});

test("sha256 of every length around the block boundaries, whole and in chunks, is node's (JS and wasm)", async () => {
  assert.ok((await fallbackHasher()) instanceof WasmSha256, "WebAssembly compiles here");
  const big = Uint8Array.from({ length: 300_000 }, (_, i) => (i * 2654435761) >>> 24);  // more than one copy-in
  for (const data of [big, big.subarray(1)]) {
    assert.equal((await WasmSha256.create()).update(data).hex(), nodeSha256(data));
    assert.equal(new Sha256().update(data).hex(), nodeSha256(data));
  }
  for (let n = 0; n <= 200; n++) {
    const data = Uint8Array.from({ length: n }, (_, i) => (i * 131 + n) & 0xff);
    for (const make of [() => new Sha256(), () => WasmSha256.create()]) {
      const chunked = await make();
      for (let i = 0; i < n; i += 13) chunked.update(data.subarray(i, i + 13));
      assert.equal((await make()).update(data).hex(), nodeSha256(data), `length ${n}`);
      assert.equal(chunked.hex(), nodeSha256(data), `length ${n} in chunks`);
    }
  }
});

test("where WebAssembly cannot compile, the JavaScript sha256 stands in", async () => {
  const descriptor = Object.getOwnPropertyDescriptor(globalThis, "WebAssembly");
  Object.defineProperty(globalThis, "WebAssembly", { value: undefined, configurable: true, writable: true });
  try {
    const hasher = await fallbackHasher();
    assert.ok(hasher instanceof Sha256);
    await withoutSubtleCrypto(async () => {
      assert.equal(await sha256Hex(bytes("abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    });
  } finally {
    Object.defineProperty(globalThis, "WebAssembly", descriptor);
  }
});

/** Replaces fetch() for `body`: `routes` maps URLs to functions returning a Response. */
async function withFetch(routes, body) {
  const original = globalThis.fetch;
  const calls = [];
  globalThis.fetch = async (input, init) => {
    const url = String(input?.url ?? input);
    calls.push(url);
    if (!(url in routes)) return new Response("no such file", { status: 404, statusText: "Not Found" });
    return routes[url](init);
  };
  try {
    return await body(calls);
  } finally {
    globalThis.fetch = original;
  }
}

const file = Uint8Array.from({ length: 5000 }, (_, i) => (i * 7) & 0xff);
const fileRecord = { bytes: file.byteLength, sha256: nodeSha256(file) };
const WHEEL = "http://h/wheels/x-1.0-py3-none-any.whl";
const served = (data) => () => new Response(data, { headers: { "Content-Type": "application/octet-stream" } });

/** A response whose body delivers `head` and then fails, as a connection dropped mid-file. */
const cutOff = (head) => () => new Response(new ReadableStream({
  start(controller) {
    controller.enqueue(head);
    controller.error(new TypeError("network error"));
  },
}), { headers: { "Content-Type": "application/octet-stream" } });

for (const subtle of [true, false]) {
  const run = subtle ? (body) => body() : withoutSubtleCrypto;
  const how = subtle ? "with crypto.subtle" : "without crypto.subtle";

  test(`a verified download checks size and sha256 (${how})`, async () => {
    await run(async () => {
      const corrupt = file.slice();
      corrupt[2500] ^= 0xff;
      await withFetch({
        [WHEEL]: served(file),
        "http://h/short.whl": served(file.subarray(0, 3000)),
        "http://h/long.whl": served(new Uint8Array(6000)),
        "http://h/corrupt.whl": served(corrupt),
        "http://h/cut.whl": cutOff(file.subarray(0, 1000)),
      }, async () => {
        let seen = 0;
        const data = await fetchVerified(WHEEL, fileRecord, { onBytes: (n) => { seen = n; } });
        assert.deepEqual(data, file);
        assert.equal(seen, file.byteLength);
        await assert.rejects(fetchVerified("http://h/short.whl", fileRecord), {
          name: "BootError",
          message: "Failed to load http://h/short.whl: it has 3000 bytes, the build recorded 5000 (corrupt or truncated)",
        });
        await assert.rejects(fetchVerified("http://h/long.whl", fileRecord), {
          message: "Failed to load http://h/long.whl: it has more than the 5000 bytes the build recorded (corrupt)",
        });
        await assert.rejects(fetchVerified("http://h/corrupt.whl", fileRecord), {
          message: `Failed to load http://h/corrupt.whl: its sha256 is ${nodeSha256(corrupt)}, the build recorded ${fileRecord.sha256} (corrupt)`,
        });
        await assert.rejects(fetchVerified("http://h/cut.whl", fileRecord), {
          message: "Failed to load http://h/cut.whl: the download broke off (network error)",
        });
        await assert.rejects(fetchVerified("http://h/missing.whl", fileRecord), (e) => {
          assert.equal(e.message, "Failed to load http://h/missing.whl: HTTP 404 Not Found");
          assert.equal(e.url, "http://h/missing.whl");
          return true;
        });
        await assert.rejects(fetchVerified(WHEEL, null), {
          message: `Failed to load ${WHEEL}: the build recorded no size and sha256 for it, so it cannot be verified (rebuild dist/ with ./build.sh)`,
        });
        await assert.rejects(fetchVerified(WHEEL, fileRecord, { inspect: () => "it is not what we want" }), {
          message: `Failed to load ${WHEEL}: it is not what we want`,
        });
      });
    });
  });
}

test("handOver answers fetch() for the handed files from memory, the rest from the network", async () => {
  await withFetch({ "http://h/other.txt": served(bytes("from the network")) }, async (calls) => {
    const undo = handOver([["http://h/pyodide.asm.wasm", { data: file, sha256: fileRecord.sha256 }],
      [WHEEL, { data: file, sha256: fileRecord.sha256 }]]);
    try {
      const wasm = await fetch(new URL("http://h/pyodide.asm.wasm"));
      assert.equal(wasm.status, 200);
      assert.equal(wasm.headers.get("Content-Type"), "application/wasm");
      assert.deepEqual(new Uint8Array(await wasm.arrayBuffer()), file);
      const again = await fetch("http://h/pyodide.asm.wasm");  // a second loadPyodide (a failed restore)
      assert.equal((await again.arrayBuffer()).byteLength, file.byteLength);
      // Pyodide asks for wheels with their integrity: the handed bytes are those.
      const wheel = await fetch(WHEEL, { integrity: integrityOf(fileRecord.sha256) });
      assert.deepEqual(new Uint8Array(await wheel.arrayBuffer()), file);
      assert.equal(await (await fetch("http://h/other.txt")).text(), "from the network");
      assert.deepEqual(calls, ["http://h/other.txt"]);
      // Another integrity than the handed file's: the network decides.
      await fetch(WHEEL, { integrity: integrityOf(nodeSha256(bytes("x"))) });
      assert.deepEqual(calls, ["http://h/other.txt", WHEEL]);
    } finally {
      undo();
    }
    await fetch("http://h/pyodide.asm.wasm");
    assert.equal(calls.at(-1), "http://h/pyodide.asm.wasm", "after undo() everything goes to the network");
  });
  assert.equal(integrityOf(nodeSha256(bytes("abc"))), "sha256-ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=");
});

test("a snapshot file carries the build digest; another build's or a tampered one is refused", async () => {
  const build = nodeSha256(bytes("build A"));
  const pyodide = new Uint8Array(1024);
  const view = new DataView(pyodide.buffer);
  view.setUint32(0, 1886286592, true);
  const buildId = "ab".repeat(32);
  for (let i = 0; i < 8; i++) view.setUint32(16 + i * 4, parseInt(buildId.slice(i * 8, i * 8 + 8), 16), true);
  const data = wrapSnapshot(pyodide, build);
  assert.equal(data.byteLength, 64 + 1024);
  assert.equal(new TextDecoder().decode(data.subarray(0, 16)), "jsinterop-snap01");
  assert.equal(snapshotBuild(data), build);
  assert.deepEqual(pyodideSnapshot(data), pyodide);
  const record = { build, buildId, bytes: data.byteLength, sha256: nodeSha256(data) };
  assert.equal(snapshotProblem(data, record), null);
  const other = nodeSha256(bytes("build B"));
  assert.equal(snapshotProblem(wrapSnapshot(pyodide, other), record),
    `it was made by another build (${other}), this release's is ${build}`);
  assert.equal(snapshotProblem(data, { ...record, buildId: "cd".repeat(32) }),
    `Snapshot build id mismatch: it was made by Pyodide build ${buildId}, the release's is ${"cd".repeat(32)}`);
  const notOurs = data.slice();
  notOurs[0] = 0;
  assert.equal(snapshotProblem(notOurs, record), "it is not a jsinterop memory snapshot (wrong magic number)");
  assert.throws(() => wrapSnapshot(pyodide, "nope"), /64 hex digits/);
  // Edited in place (same size, headers intact), where crypto.subtle is missing: the sha256 still tells.
  const edited = data.slice();
  edited[700] ^= 0xff;
  const url = "http://h/snapshot.0123456789.bin";
  await withoutSubtleCrypto(() => withFetch({ [url]: served(edited) }, async () => {
    await assert.rejects(fetchVerified(url, record, { inspect: (d) => snapshotProblem(d, record) }), {
      message: `Failed to load ${url}: its sha256 is ${nodeSha256(edited)}, the build recorded ${record.sha256} (corrupt)`,
    });
  }));
});
