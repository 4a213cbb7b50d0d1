// Unit tests of the loader's pure parts, run with node's test runner (no browser).
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { test } from "node:test";

import { BootError } from "../../loader/errors.mjs";
import { checkResponse, expectedTypes, fetchVerified, handOver, integrityOf } from "../../loader/fetch-assets.mjs";
import { normalizeName, packageProviding, withDependencies } from "../../loader/lockfile.mjs";
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
