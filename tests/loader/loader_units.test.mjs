// Unit tests of the loader's pure parts, run with node's test runner (no browser).
import assert from "node:assert/strict";
import { test } from "node:test";

import { BootError } from "../../loader/errors.mjs";
import { checkResponse, expectedTypes } from "../../loader/fetch-assets.mjs";
import { normalizeName, packageProviding, withDependencies } from "../../loader/lockfile.mjs";

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
