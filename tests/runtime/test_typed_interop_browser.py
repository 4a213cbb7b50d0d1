"""@js_import / @js_export in a real page: every row of the marshalling table both ways, the errors,
module dedupe, callback identity and lifetimes, can_run_sync() and blocking calls."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.engines]

NO_JSPI = {"webkit": "WebKit has no JSPI: a blocking call raises the clear 'has no JSPI' error (blocking there "
                     "comes with worker mode); tests/runtime/test_capabilities_browser.py asserts that error"}

HERE = Path(__file__).parent

PRELUDE = f"""
import array, asyncio, dataclasses, datetime as dt, sys, pathlib
from collections.abc import Awaitable, Callable
from typing import Any
from jsinterop import (js_import, js_export, import_module, load_js_module, can_run_sync, js_runtime, JSObject,
    JSBigInt, Persistent, Once, Blocking, release_callback, JSException, JSModuleNotLoadedError)
rt = js_runtime()
baseline = rt.tracked_counts()
module = await load_js_module("typed.js", "./typed-fixtures.mjs")
again = await import_module("typed.js", "./typed-fixtures.mjs")  # the deprecated name: the same module
folder = pathlib.Path("/home/pyodide/typed"); folder.mkdir(exist_ok=True)
(folder / "exports_fixture.py").write_text({(HERE / "exports_fixture.py").read_text()!r})
sys.path.insert(0, str(folder))
import exports_fixture

@dataclasses.dataclass
class Order:
    order_id: int
    item_names: list[str]

@js_import("add", "typed.js")
def add(a: int, b: int) -> int: ...
@js_import("typeOf", "typed.js")
def type_of(value: Any) -> str: ...
@js_import("echo", "typed.js")
def echo_bool(value: bool) -> bool: ...
@js_import("echo", "typed.js")
def echo_str(value: str) -> str: ...
@js_import("echo", "typed.js")
def echo_none(value: None) -> None: ...
@js_import("echo", "typed.js")
def echo_float(value: float) -> float: ...
@js_import("square", "typed.js")
def square_big(value: JSBigInt) -> JSBigInt: ...
@js_import("nextDay", "typed.js")
def next_day(when: dt.datetime) -> dt.datetime: ...
@js_import("sum", "typed.js")
def sum_bytes(data: bytes) -> int: ...
@js_import("keepView", "typed.js")
def keep_view(view: memoryview) -> int: ...
@js_import("makeBytes", "typed.js")
def make_bytes(n: int) -> bytes: ...
@js_import("echo", "typed.js")
def echo_array(values: array.array) -> array.array: ...
@js_import("typeOf", "typed.js")
def tag_of_array(values: array.array) -> str: ...
@js_import("echo", "typed.js")
def echo_orders(orders: list[Order]) -> list[Order]: ...
@js_import("echo", "typed.js")
def pass_through(value: Any) -> Any: ...
@js_import("describeOrder", "typed.js")
def describe_order(order: Order) -> str: ...
@js_import("makeOrder", "typed.js")
def make_order() -> Order: ...
@js_import("echo", "typed.js")
def echo_nested(value: dict[str, list[tuple[int, str]]]) -> dict[str, list[tuple[int, str]]]: ...
@js_import("echo", "typed.js")
def echo_object(value: JSObject) -> JSObject: ...
@js_import("call", "typed.js")
def call(fn: Callable[[int, int], int], a: int, b: int) -> int: ...
@js_import("addListener", "typed.js")
def add_listener(fn: Persistent[Callable[[int], int]]) -> int: ...
@js_import("removeListener", "typed.js")
def remove_listener(fn: Persistent[Callable[[int], int]]) -> int: ...
@js_import("fire", "typed.js")
def fire(value: int) -> list[int]: ...
@js_import("callTwice", "typed.js")
def call_twice(fn: Once[Callable[[int], int]]) -> list[Any]: ...
@js_import("later", "typed.js")
def later(x: int) -> Awaitable[int]: ...
@js_import("later", "typed.js")
def later_blocking(x: int) -> Blocking[int]: ...
@js_import("plusOne", "typed.js")
def plus_one(value: Awaitable[int]) -> Awaitable[int]: ...
@js_import("makeError", "typed.js")
def make_error(message: str) -> Exception: ...
@js_import("describeError", "typed.js")
def describe_error(error: Exception) -> str: ...
@js_import("throwsTypeError", "typed.js")
def throws_type_error() -> None: ...
@js_import("globalThis.Math.max")
def math_max(a: float, b: float) -> float: ...
@js_import("getMessage", "not-imported.js")
def not_imported() -> str: ...
@js_import("nope", "typed.js")
def missing() -> None: ...
"""


@pytest.fixture(scope="module")
def page(jsinterop_browsers, jsinterop_engine, jsinterop_site):
    from jsinterop.testing.browser import PageDriver

    url = jsinterop_site({"typed-fixtures.mjs": HERE / "typed_fixtures.mjs"})
    driver = jsinterop_browsers.new_page(jsinterop_engine)
    assert driver.open(url).boot_state == "ready"
    driver.run_python(PRELUDE)
    yield driver
    report = driver.report()
    driver.close()
    assert report.violations == [] and report.uncaught == [], report


def test_primitives_both_ways(page):
    assert page.run_python("""[
        add(2, 3), type_of(1), type_of(1.5), type_of("s"), type_of(None), type_of(True),
        echo_bool(True), echo_str("é✓"), echo_none(None), echo_float(2.5), math_max(1, 7.5),
        add(2**53 - 2, 1) == 2**53 - 1, type_of(2**40)]""") == [5, "number", "number", "string", "undefined",
                                    "boolean", True, "é✓", None, 2.5, 7.5, True, "number"]


def test_int_overflow_and_bigint(page):
    assert page.run_python("""
    out = []
    try:
        add(2**53, 1)
    except OverflowError as e:
        out.append(str(e))
    out + [str(square_big(2**70)), type_of(5) ]
    """) == ["parameter 'a' of 'add': 9007199254740992 is outside JavaScript's safe integer range "
             "(abs <= 2**53 - 1); annotate it JSBigInt to send a BigInt", str(2**140), "number"]


def test_wrong_types_name_parameter_expected_and_got(page):
    assert page.run_python("""
    out = []
    for call_ in (lambda: add("2", 3), lambda: echo_bool(1), lambda: add(1)):
        try:
            call_()
        except TypeError as e:
            out.append(str(e))
    out
    """) == ["parameter 'a' of 'add': expected int, got str ('2')",
             "parameter 'value' of 'echo_bool': expected bool, got int (1)",
             "add() missing 1 required positional argument: 'b'"]


def test_datetime_aware_only(page):
    assert page.run_python("""
    when = dt.datetime(2024, 2, 28, 12, 0, tzinfo=dt.timezone.utc)
    out = [next_day(when).isoformat()]
    try:
        next_day(dt.datetime(2024, 1, 1))
    except ValueError as e:
        out.append(str(e).split(";")[0])
    out
    """) == ["2024-02-29T12:00:00+00:00", "parameter 'when' of 'next_day': a naive datetime has no time zone, so it "
             "does not name an instant"]


def test_bytes_copy_and_memoryview_zero_copy(page):
    out = page.run_python("""
    data = bytearray(b"\\x01\\x02\\x03")
    [sum_bytes(bytes(range(256)) * 10), repr(make_bytes(5)), keep_view(memoryview(data)), repr(bytes(data))]
    """)
    assert out == [326400, repr(b"\x00\x01\x02\x03\x04"), 3, repr(b"\xff\x02\x03")]


def test_array_array_is_the_typed_array_of_its_typecode(page):
    out = page.run_python("""
    out = []
    for code, values in (("d", [1.5, -2.25, 1e300]), ("f", [0.5, 2.0]), ("i", [-7, 2**31 - 1]), ("B", [0, 255]),
                         ("q", [-(2**63), 2**63 - 1]), ("H", [65535])):
        back = echo_array(array.array(code, values))
        out.append([tag_of_array(array.array(code, values)), back.typecode, back.tolist() == values])
    for bad in ([1.0, 2.0], array.array("u", "ab")):
        try:
            echo_array(bad)
        except TypeError as e:
            out.append(str(e))
    out
    """)
    assert out == [["Float64Array", "d", True], ["Float32Array", "f", True], ["Int32Array", "i", True],
                   ["Uint8Array", "B", True], ["BigInt64Array", "q", True], ["Uint16Array", "H", True],
                   "parameter 'values' of 'echo_array': expected array.array, got list ([1.0, 2.0])",
                   "parameter 'values' of 'echo_array': an array.array of typecode 'u' (characters) has no TypedArray"]


def test_containers_dataclasses_any_depth(page):
    assert page.run_python("""
    nested = {"a": [(1, "x"), (2, "y")], "b": []}
    [describe_order(Order(7, ["pen", "ink"])), repr(make_order()), echo_nested(nested) == nested]
    """) == ["7:pen+ink:orderId,itemNames", "Order(order_id=9, item_names=['a', 'b'])", True]


def test_records_cross_as_columns_and_fall_back_exactly(page):
    """Lists of dataclasses take the columnar path both ways; values it does not carry (NaN, a
    missing or differently spelled key, a wrong type, __proto__ as data) get the general path's result."""
    out = page.run_python("""
    @dataclasses.dataclass
    class Reading:
        sensor_id: int
        value: float
        label: str | None
        tags: list[str]

    @js_import("echo", "typed.js")
    def echo_readings(readings: list[Reading]) -> list[Reading]: ...
    @js_import("echo", "typed.js")
    def readings_from(value: Any) -> list[Reading]: ...

    many = [Reading(i, i / 7, None if i % 3 else f"r{i}", ["t"] * (i % 4)) for i in range(50)]
    out = [echo_readings(many) == many, echo_orders([Order(1, ["a"])]) == [Order(1, ["a"])]]
    nan = echo_readings([Reading(1, float("nan"), None, [])] * 20)
    out.append([math.isnan(r.value) for r in nan] == [True] * 20)
    import js
    js_value = js.JSON.parse
    # Keys in snake_case or another case, and a missing optional: the general path matches them.
    out.append(readings_from(js_value('[{"sensor_id": 1, "VALUE": 2, "label": null, "tags": []}]')) ==
               [Reading(1, 2.0, None, [])])
    for bad in ('[{"sensorId": 2.5, "value": 1, "label": null, "tags": []}]',
                '[{"sensorId": 1, "value": "x", "label": null, "tags": []}]',
                '[{"sensorId": 1, "value": 1, "label": null, "tags": [1]}]'):
        try:
            readings_from(js_value(bad))
        except Exception as e:
            out.append(type(e).__name__ + ": " + str(e))
    proto = readings_from(js_value('[{"sensorId": 1, "value": 1, "label": "x", "tags": [], "__proto__": {"polluted": 1}}]'))
    out.append([proto == [Reading(1, 1.0, "x", [])], js.Object.prototype.polluted is None if hasattr(js.Object.prototype, "polluted") else True])
    out
    """.replace("math.isnan", "__import__('math').isnan"))
    assert out[:4] == [True, True, True, True]
    assert out[4].startswith("DeserializationError") and "sensorId" in out[4] or "sensor_id" in out[4], out[4]
    assert out[5].startswith("DeserializationError") and "value" in out[5], out[5]
    assert out[6].startswith("DeserializationError") and "tags" in out[6], out[6]
    assert out[7] == [True, True]


def test_js_object_by_reference(page):
    assert page.run_python("""
    import js
    body = js.document.body
    echo_object(body) is not None and echo_object(body).tagName
    """) == "BODY"


def test_callbacks_identity_and_lifetimes(page):
    assert page.run_python("""
    def double(x: int) -> int:
        return 2 * x
    out = [call(lambda a, b: a * b, 6, 7)]
    out.append(add_listener(double))
    out.append(add_listener(double))       # the same JS function: the set does not grow
    out.append(fire(21))
    out.append(remove_listener(double))    # removeEventListener-style removal works
    out.append(release_callback(double))
    out.append(release_callback(double))
    out.append(call_twice(lambda x: x + 100))
    out
    """) == [42, 1, 1, [42], 0, True, False, [101, "second call failed: OnceProxy can only be called once"]]


def test_awaitables_and_promises(page):
    assert page.run_python("""
    async def seven():
        await asyncio.sleep(0)
        return 7
    [await later(21), await plus_one(seven())]
    """) == [42, 8]


def test_exceptions_both_ways(page):
    assert page.run_python("""
    out = [repr(make_error("too far")), describe_error(ValueError("bad value"))]
    try:
        throws_type_error()
    except JSException as e:
        out.append([e.js_name, e.message, "typed-fixtures.mjs" in (e.js_stack or "")])
    out
    """) == ["JSException('too far')", "ValueError: bad value", ["TypeError", "bad input", True]]


def test_module_errors_and_dedupe(page):
    assert page.run_python("""
    out = [module is again]
    for stub in (not_imported, missing):
        try:
            stub()
        except JSModuleNotLoadedError as e:  # issue 18: a Python-side misuse, no longer a JSException
            out.append(str(e))
        except JSException as e:
            out.append(e.message)
    out
    """) == [True, "The JS module 'not-imported.js' is not imported: call await jsinterop.import_module("
             "'not-imported.js', <its URL>) first.", "The value 'nope' is not a function."]


@pytest.mark.engines(xfail=NO_JSPI)
def test_can_run_sync_and_blocking_call(page):
    # Code entered through runPythonAsync can block on a Promise where the browser has JSPI.
    assert page.run_python("[can_run_sync(), later_blocking(5)]") == [True, 10]


@pytest.mark.engines(xfail=NO_JSPI)
def test_a_task_resumed_by_an_async_call_can_still_block(page):
    # invoke_async resumes the awaiting task as soon as JS completes (no event-loop hop), through a
    # promising entry point: code after the await can still block on a Promise, in a task too.
    assert page.run_python("""
    async def after_awaits():
        both = await asyncio.gather(rt.invoke_async("Promise.resolve", 2), later(3))
        last = await rt.invoke_async("Promise.resolve", 1)  # the task resumes from this call's completion
        return [last, both, can_run_sync(), later_blocking(5)]
    [await after_awaits(), await asyncio.create_task(after_awaits()), rt.tracked_counts()["pendingCalls"]]
    """) == [[1, [2, 6], True, 10], [1, [2, 6], True, 10], 0]


def test_exports_called_from_javascript(page):
    out = page.run_async("""
        const ex = await Py.getPythonExports("exports_fixture");
        const results = [ex.add(1, 2), ex.exports_fixture.add(3, 4), await ex.greet("Ada"),
            ex.total({ orderId: 2, itemNames: ["a", "b", "c"] }), Array.from(ex.reverse(new Uint8Array([1, 2, 3]))),
            ex.tomorrow(new Date(Date.UTC(2024, 1, 28))).toISOString(), String(ex.big(2n ** 70n)),
            ex.greet("x") instanceof Promise];
        try { ex.fails("nope"); } catch (e) { results.push([e.name, e.message]); }
        try { await Py.getPythonExports("no_such_module"); } catch (e) { results.push([e.name, e.message]); }
        return results;
    """)
    assert out["value"] == [3, 7, "Hello, Ada!", 6.0, [3, 2, 1], "2024-02-29T00:00:00.000Z", str(2**71), True,
                            ["ValueError", "nope"],
                            ["LookupError", "The module 'no_such_module' has no @js_export functions (it must be "
                             "imported first: exports are registered when their module is imported)."]]


def test_direct_export_path_checks_kinds_and_results(page):
    """Primitive-only exports are called straight from JS; every argument or result of another kind
    still gets the general path's conversion or error, and nothing is left tracked."""
    before = page.run_python("rt.tracked_counts()")
    out = page.run_async("""
        const ex = await Py.getPythonExports("exports_fixture");
        const errorOf = (f) => { try { f(); return null; } catch (e) { return [e.name, e.message]; } };
        const results = [ex.half(3), ex.half(2.5), ex.half(-0.5), ex.shout("ab", 2, true), ex.shout("ab", 3, false),
            ex.add(2 ** 40, 1), ex.add(2 ** 53 - 2, 1)];
        results.push(errorOf(() => ex.add(1.5, 2)), errorOf(() => ex.add("1", 2)), errorOf(() => ex.add(true, 2)),
            errorOf(() => ex.add(1)), errorOf(() => ex.shout("a", 1, 1)),
            errorOf(() => ex.lies_about_int("str")), errorOf(() => ex.lies_about_int("bool")),
            errorOf(() => ex.lies_about_int("list")), errorOf(() => ex.lies_about_int("big")));
        results.push(ex.returns_object());
        for (let i = 0; i < 1000; i++) ex.returns_object();
        return results;
    """)
    assert out.get("value") == [
        1.5, 1.25, -0.25, "ABAB", "ababab", 2**40 + 1, 2**53 - 1,
        # issue 18: conversion errors are ConversionErrors (still TypeErrors in Python), named so in JS
        ["DeserializationError", "parameter 'a' of 'add': expected int, got float (1.5)"],
        ["DeserializationError", "parameter 'a' of 'add': expected int, got str ('1')"],
        ["DeserializationError", "parameter 'a' of 'add': expected int, got bool (True)"],
        ["TypeError", "add() takes 2 argument(s) but 1 were given"],
        ["DeserializationError", "parameter 'loud' of 'shout': expected bool, got int (1)"],
        ["UnsupportedTypeError", "the result of 'lies_about_int': expected int, got str ('seven')"],
        ["UnsupportedTypeError", "the result of 'lies_about_int': expected int, got bool (True)"],
        ["UnsupportedTypeError", "the result of 'lies_about_int': expected int, got list ([1, 2])"],
        ["IntegerRangeError", f"the result of 'lies_about_int': {2**60} is outside JavaScript's safe integer range "
                          "(abs <= 2**53 - 1); annotate it JSBigInt to send a BigInt"],
        None], out
    assert page.run_python("rt.tracked_counts()") == before


def test_fast_path_guard_refusals_take_the_general_path(page):
    # Primitive signatures call JS through a guard: what it refuses (an int past int32 that Pyodide would
    # send as a BigInt, a result of the wrong kind) gets exactly the general path's conversion or error.
    assert page.run_python("""
    @js_import("echo", "typed.js")
    def echo_as_int(value: str) -> int: ...
    @js_import("echo", "typed.js")
    def half_as_int(value: float) -> int: ...
    @js_import("square", "typed.js")
    def square_int(value: int) -> int: ...
    @js_import("echo", "typed.js")
    def ignore(value: str) -> None: ...
    @js_import("throwsTypeError", "typed.js")
    def throws(value: int) -> int: ...
    @js_import("typeOf", "typed.js")
    def kind_of_int(value: int) -> str: ...
    before = rt.tracked_counts()
    out = [kind_of_int(2**40), kind_of_int(7), add(2**40, 2**31), square_int(2**30) == 2**60, type(echo_float(3.0)).__name__, ignore("kept?")]
    for call_ in (lambda: echo_as_int("x"), lambda: half_as_int(1.5), lambda: throws(1), lambda: kind_of_int(2**60)):
        try:
            call_()
        except (TypeError, JSException, OverflowError) as e:
            out.append(f"{type(e).__name__}: {str(e).splitlines()[0]}")
    out + [add(1, 2), rt.tracked_counts() == before]
    """) == ["number", "number", 2**40 + 2**31, True, "float", None,
             "DeserializationError: the result of 'echo_as_int': expected int, got str ('x')",  # issue 18: was TypeError
             "DeserializationError: the result of 'half_as_int': expected int, got float (1.5)",
             "JSException: TypeError: bad input",
             "IntegerRangeError: parameter 'value' of 'kind_of_int': 1152921504606846976 is outside JavaScript's safe "
             "integer range (abs <= 2**53 - 1); annotate it JSBigInt to send a BigInt", 3, True]


def test_an_export_named_proto_is_a_key_not_a_prototype(page):
    page.run_python("""
    proto_folder = pathlib.Path("/home/pyodide/proto"); proto_folder.mkdir(exist_ok=True)
    (proto_folder / "proto_exports.py").write_text(
        "from jsinterop import js_export\\n@js_export('__proto__')\\ndef seven() -> int:\\n    return 7\\n")
    sys.path.insert(0, str(proto_folder))
    import proto_exports
    """)
    out = page.run_async("""
        const ex = await Py.getPythonExports("proto_exports");
        return [Object.getPrototypeOf(ex) === Object.prototype, Object.hasOwn(ex, "__proto__"), ex.__proto__(),
                Object.getPrototypeOf(ex.proto_exports) === Object.prototype, ex.proto_exports.__proto__(),
                ({}).seven === undefined];
    """)
    assert out["value"] == [True, True, 7, True, 7, True]


def test_js_function_is_looked_up_once(page):
    # Replacing the global after the first call does not change what a cached stub calls.
    assert page.run_python("""
    import js
    js.globalThis.swappable = js.Math.max
    @js_import("globalThis.swappable")
    def swappable(a: float, b: float) -> float: ...
    before = swappable(1, 9)
    js.globalThis.swappable = js.Math.min
    [before, swappable(1, 9)]
    """) == [9, 9]


def test_callables_and_typed_dicts_from_javascript(page):
    out = page.run_async("""
        const ex = await Py.getPythonExports("exports_fixture");
        return [ex.apply((x) => x * 10, 4), ex.older({ title: "Alien", year: 1989 })];
    """)
    assert out["value"] == [80, {"title": "ALIEN", "year": 1979}]


@pytest.mark.engines(xfail=NO_JSPI)
def test_blocking_needs_jspi_and_an_async_entry_point(page):
    # runPythonAsync is an async entry point: it can block.
    assert page.run_python("""
    import js
    js.globalThis.later = module.later
    rt.invoke("later", 4, blocking=True)
    """) == 8
    # A synchronous entry point (runPython) cannot: the error says what is missing.
    out = page.run_async("""
        try { Py.pyodide.runPython("from exports_fixture import blocking_wait; blocking_wait(3)"); }
        catch (e) { return String(e.message).trim().split("\\n").pop(); }
    """)
    assert out["value"].startswith("RuntimeError: Waiting synchronously for 'later' needs JSPI (WebAssembly stack "
                                   "switching) in the browser and a Python entry point started with runPythonAsync")
