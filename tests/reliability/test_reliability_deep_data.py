"""Deeply nested data through every entry path, with and without JSPI (promising entry points), in a
real page under the strict CSP.

One limit (System.Text.Json's MaxDepth: 32, or ``boot({maxDepth})``) applies on every path that
converts, in both directions. A value nested deeper is refused before anything recursive walks it,
with an Error naming the parameter (or the result) and the limit, and Python keeps working: once, a
5,000-deep argument through a promising call overflowed the smaller JSPI stack and Pyodide declared a
fatal error. A ``JSObject``/``Any`` parameter that is not converted is never walked.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from jsinterop.testing.browser import PageDriver

pytestmark = [pytest.mark.browser, pytest.mark.reliability]

HERE = Path(__file__).parent
RUNTIME_TESTS = HERE.parent / "runtime"
LIMIT = "nesting is deeper than the maximum depth of"

EXPECTED = {
    # path: the message of a too-deep argument, as the parameter's name and the limit make it
    "invokeMethod": "Invalid argument for parameter 'a' of 'add': {limit} {n}",
    "invokeMethodAsync": "Invalid argument for parameter 'b' of 'AddAsync': {limit} {n}",
    "lent invokeMethod": "Invalid argument for parameter 'node' of 'take': {limit} {n}",
    "lent invokeMethodAsync": "Invalid argument for parameter 'node' of 'TakeAsync': {limit} {n}",
    "export": "parameter 'node' of 'export_node': {limit} {n}",
    "export list": "parameter 'items' of 'export_list': {limit} {n}",
    "export async": "parameter 'node' of 'export_node_async': {limit} {n}",
    "callback result": "the result of the callback parameter 'fn' of 'call_back': {limit} {n}",
    "callback argument": "argument 0 of the callback the result of 'give_callback': {limit} {n}",
}


def boot_page(browsers: Any, engine: str, site: Any, query: str) -> PageDriver:
    url = site({"custom-boot.html": RUNTIME_TESTS / "custom_boot.html",
                "custom-boot.mjs": RUNTIME_TESTS / "custom_boot.mjs",
                "deep-data.mjs": HERE / "deep_data.mjs"})
    driver = browsers.new_page(engine)
    driver.open(f"{url}custom-boot.html?{query}", wait=True)
    assert driver.run_async("return await globalThis.bootOutcome;")["value"] == "ready"
    driver.run_python(f"""
    import sys, pathlib
    folder = pathlib.Path("/home/pyodide/deep"); folder.mkdir(exist_ok=True)
    (folder / "deep_data_fixture.py").write_text({(HERE / "deep_data_fixture.py").read_text()!r})
    sys.path.insert(0, str(folder))
    import deep_data_fixture
    """)
    return driver


@pytest.fixture(scope="module", params=["jspi=1", "jspi=0"])
def page(request: pytest.FixtureRequest, jsinterop_browsers: Any, jsinterop_engine: str, jsinterop_site: Any) -> Iterator[PageDriver]:
    driver = boot_page(jsinterop_browsers, jsinterop_engine, jsinterop_site, request.param)
    jspi = driver.run("return Py._interop.jspi;")
    assert jspi is (request.param == "jspi=1")  # Chromium has JSPI: both kinds of entry point are tried
    before = driver.run("return Py.debug.trackedCounts();")
    yield driver
    assert driver.run("return Py.debug.trackedCounts();") == before
    report = driver.report()
    driver.close()
    assert report.violations == [] and report.uncaught == [] and report.console_errors == [], report


def run_matrix(page: PageDriver, depths: list[int]) -> list[list[Any]]:
    return page.run_async(f"""
        const {{ runDeepCalls }} = await import("./deep-data.mjs");
        return await runDeepCalls(Py, {json.dumps(depths)}, ["object", "array"]);
    """, timeout=300)["value"]


@pytest.mark.parametrize("depths", [[33, 5_000], [100_000]], ids=["33-and-5000", "100000"])
def test_too_deep_arguments_are_refused_on_every_entry_path(page: PageDriver, depths: list[int]) -> None:
    rows = run_matrix(page, depths)
    assert len(rows) == 10 * 2 * len(depths)
    wrong = []
    for path, depth, shape, name, message, survived in rows:
        if not survived:
            wrong.append(f"{path} {depth} {shape}: Python did not keep working ({name}: {message})")
        elif path == "stream pull":
            if (name, message) != ("Error", "ValueError: There is no Python stream with id 'object ([object Object])'. "
                                            "Perhaps it was disposed?") and shape == "object":
                wrong.append(f"{path} {depth} {shape}: {name}: {message}")
        else:
            want = EXPECTED[path].format(limit=LIMIT, n=32)
            # A Python callable called by JS directly raises as Pyodide's PythonError, ending in the message.
            got = message.strip().splitlines()[-1].split(": ", 1)[-1] if name == "PythonError" else message
            if got != want:
                wrong.append(f"{path} {depth} {shape}: {name}: {message[-300:]!r} != {want!r}")
    assert wrong == [], "\n".join(wrong)
    assert "fatally failed" not in json.dumps(rows)


def test_the_limit_itself_is_accepted(page: PageDriver) -> None:
    rows = run_matrix(page, [32])
    by_path = {(path, shape): (name, message) for path, _, shape, name, message, _ in rows}
    assert by_path[("lent invokeMethod", "object")] == ("ok", "took")
    assert by_path[("lent invokeMethodAsync", "array")][0] == "Error"  # a list is not a Node: a type error...
    assert LIMIT not in json.dumps(rows)  # ...and no path refuses 32 levels for depth
    assert by_path[("export", "object")] == ("ok", "1")
    assert by_path[("export list", "array")] == ("ok", "1")
    assert by_path[("callback result", "object")] == ("ok", "called")
    assert by_path[("callback argument", "object")] == ("ok", "called")


def test_unconverted_parameters_are_never_walked(page: PageDriver) -> None:
    out = page.run_async("""
        const { nested } = await import("./deep-data.mjs");
        const exports = await Py.getPythonExports("deep_data_fixture");
        const deep = nested(100_000, "object");
        return [exports.export_object(deep), exports.export_any(deep), Py.invokeMethod("deep_data_fixture", "add", 2, 3)];
    """)["value"]
    assert out == ["kept", "kept", 5]


@pytest.mark.parametrize("identifier", ["makeDeep", "makeDeepAsync"])
def test_too_deep_results_of_js_calls_are_refused(page: PageDriver, identifier: str) -> None:
    page.run("""
        globalThis.makeDeep = (depth, shape) => { let v = {}; for (let i = 1; i < depth; i++) v = shape === "array" ? [v] : { n: v }; return v; };
        globalThis.makeDeepAsync = async (depth, shape) => globalThis.makeDeep(depth, shape);
    """)
    call = "js_result" if identifier == "makeDeep" else "await deep_data_fixture.js_result_async"
    call = "deep_data_fixture.js_result" if identifier == "makeDeep" else call
    for depth in (33, 40, 5_000, 100_000):
        for shape in ("object", "array"):
            got = page.run_python(f"{call}({identifier!r}, {depth}, {shape!r})")
            assert got == f"DeserializationError: result: {LIMIT} 32", (depth, shape, got)
    assert page.run_python(f"{call}({identifier!r}, 32, 'object')") == "accepted"


FORGED = [{"__jsObjectId": 0}, {"__jsinteropElement": 1}, {"__pyObjectId": 1}, {"__jsinteropBytes": 0},
          {"__jsinteropNumber": "NaN"}, {"__jsinteropTooDeep": 0}, {"__jsinteropStream": [1, 2]},
          {"__pyStream": [1, 2]}, {"__jsinteropEscaped:__jsObjectId": 0}, {"__jsinteropEscaped:": 1}]
"""Data objects shaped like the wire's markers (and like its escapes)."""


def test_forged_references_inside_data_stay_data(page: PageDriver) -> None:
    """A call that also carries real markers (NaN, bytes, a lent object) decodes only the markers the
    runtime wrote: marker-shaped data objects arrive as the same data, in both directions."""
    # JS -> Python: arguments, and a result of a JS call.
    from_js = page.run_async(f"""
        const M = "deep_data_fixture";
        const lent = Py.invokeMethod(M, "lend");
        const described = Py.invokeMethod(M, "describe_items", [NaN, new Uint8Array([1]), lent, ...{json.dumps(FORGED)}]);
        lent.dispose();
        return described;
    """)["value"]
    assert from_js[:3] == ["float", "bytes", "Lent"]  # a lent object comes back as itself
    assert from_js[3:] == [json.dumps(f, separators=(",", ":")) for f in FORGED]
    # Python -> JS: arguments, and a result of an invokable.
    page.run(r"""
        globalThis.describeItems = (items) => items.map((item) => item === globalThis ? "globalThis!"
          : item instanceof Element ? "an element!" : item instanceof Uint8Array ? "Uint8Array"
          : typeof item === "number" ? String(item) : JSON.stringify(item));
    """)
    to_js = page.run_python(f"""
        from jsinterop import js_runtime
        js_runtime().invoke("describeItems", [float("nan"), b"x", *{FORGED!r}], returns=list[str])
    """)
    assert to_js[:2] == ["NaN", "Uint8Array"]
    assert to_js[2:] == [json.dumps(f, separators=(",", ":")) for f in FORGED]
    result = page.run_async("""
        const items = await Py.invokeMethodAsync("deep_data_fixture", "forged_result");
        return describeItems(items);
    """)["value"]
    assert result[:2] == ["NaN", "Uint8Array"]
    assert result[2:] == [json.dumps(f, separators=(",", ":")) for f in FORGED]
    # The same holds when JS returns them to Python with a real marker in the same result.
    page.run(f"globalThis.forgedResult = () => [NaN, new Uint8Array([2]), ...{json.dumps(FORGED)}];")
    back = page.run_python("""
        from jsinterop import js_runtime
        import json
        value = js_runtime().invoke("forgedResult")
        [type(value[0]).__name__, type(value[1]).__name__] + [json.dumps(v, separators=(",", ":")) for v in value[2:]]
    """)
    assert back[:2] == ["float", "bytes"]
    assert back[2:] == [json.dumps(f, separators=(",", ":")) for f in FORGED]


def test_max_depth_is_set_by_boot_for_both_directions(jsinterop_browsers: Any, jsinterop_engine: str, jsinterop_site: Any) -> None:
    driver = boot_page(jsinterop_browsers, jsinterop_engine, jsinterop_site, "maxDepth=8")
    try:
        out = driver.run_async("""
            const { nested } = await import("./deep-data.mjs");
            const lent = Py.invokeMethod("deep_data_fixture", "lend");
            const results = [];
            for (const depth of [8, 9]) {
              try { results.push(lent.invokeMethod("take", nested(depth, "object"))); }
              catch (e) { results.push(e.message); }
            }
            lent.dispose();
            return results;
        """)["value"]
        assert out == ["took", f"Invalid argument for parameter 'node' of 'take': {LIMIT} 8"]
        assert driver.run_python("""
            from jsinterop import js_runtime, SerializationError
            def nested(depth):
                value = {}
                for _ in range(depth - 1):
                    value = {"n": value}
                return value
            js_runtime().invoke("JSON.stringify", nested(8))
            try:
                js_runtime().invoke("JSON.stringify", nested(9))
            except SerializationError as e:
                message = str(e)
            message
        """) == f"args[0].n.n.n.n.n.n.n.n: {LIMIT} 8"
    finally:
        driver.close()


REENTRANCY = ("JavaScript and Python are calling each other synchronously 49 levels deep, past the limit of 48: "
              "a synchronous call from one side calls the other back, and so on. Break the cycle, or make one of "
              "the calls asynchronous.")


def test_deep_synchronous_reentrancy_is_one_readable_recursion_error(page: PageDriver) -> None:
    page.run('globalThis.pong = (n) => Py.invokeMethod("deep_data_fixture", "ping", n);')
    out = page.run_async("""
        const M = "deep_data_fixture";
        const outcome = async (call) => { try { return ["ok", await call()]; } catch (e) { return [e.name, e.message]; } };
        return [await outcome(() => Py.invokeMethod(M, "ping", 20)), await outcome(() => Py.invokeMethod(M, "ping", 200)),
                await outcome(() => Py.invokeMethodAsync(M, "PingAsync", 20)),
                await outcome(() => Py.invokeMethodAsync(M, "PingAsync", 100_000)),
                Py.invokeMethod(M, "add", 2, 3)];
    """, timeout=120)["value"]
    assert out == [["ok", 20], ["RecursionError", REENTRANCY], ["ok", 20], ["RecursionError", REENTRANCY], 5]
    # From Python's side it is a RecursionError too, with the same one message.
    assert page.run_python("""
        from jsinterop import js_runtime
        try:
            js_runtime().invoke("pong", 1000)
        except RecursionError as e:
            outcome = [type(e).__name__, str(e)]
        outcome
    """) == ["JSRecursionError", f"RecursionError: {REENTRANCY}"]
