"""Calls from JavaScript into Python in a real page (headless Chromium, strict CSP): every error
message, sync and async forms, references both ways, detailed errors on and off, and finalization of
forgotten references (100,000 create/call/dispose cycles: tests/reliability/test_reliability_leaks.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from jsinterop.testing.browser import PageDriver

pytestmark = [pytest.mark.browser, pytest.mark.engines]

HERE = Path(__file__).parent
M = "invokables_fixture"


def site_files() -> dict[str, Path]:
    return {"custom-boot.html": HERE / "custom_boot.html", "custom-boot.mjs": HERE / "custom_boot.mjs"}


def boot_custom(page: PageDriver, url: str, query: str) -> None:
    page.open(f"{url}custom-boot.html?{query}", wait=True)
    assert page.run_async("return await globalThis.bootOutcome;")["value"] == "ready"
    source = (HERE / "invokables_fixture.py").read_text()
    page.run_python(f"""
    import sys, pathlib
    folder = pathlib.Path("/home/pyodide/fixtures"); folder.mkdir(exist_ok=True)
    (folder / "invokables_fixture.py").write_text({source!r})
    sys.path.insert(0, str(folder))
    import invokables_fixture
    """)


@pytest.fixture(scope="module")
def site(jsinterop_site):
    return jsinterop_site(site_files())


@pytest.fixture(scope="module")
def page(jsinterop_browsers, jsinterop_engine, site):
    """A page booted with the dev server's defaults (detailed errors on), with the fixture module."""
    driver = jsinterop_browsers.new_page(jsinterop_engine)
    boot_custom(driver, site, "")
    yield driver
    report = driver.report()
    driver.close()
    assert report.violations == [] and report.uncaught == [], report


def js(page: PageDriver, body: str):
    """Run async JS in the page; returns the value, or {"error", "name"} when it threw."""
    out = page.run_async(body)
    return out["value"] if "value" in out else {"error": out["error"], "name": out["name"]}


def counts(page: PageDriver) -> dict:
    return page.run("return Py.debug.trackedCounts();")


def test_static_functions_sync_and_async(page):
    assert js(page, f"""return [
        Py.invokeMethod("{M}", "add", 1, 2),
        Py.invokeMethod("{M}", "add", 5),
        await Py.invokeMethodAsync("{M}", "add", 1, 1),
        await Py.invokeMethodAsync("{M}", "AddAsync", 20, 22),
    ];""") == [3, 15, 2, 42]


def test_error_messages(page):
    cases = [
        (f'Py.invokeMethod("{M}", "nope")',
         f"The module '{M}' does not contain a public invokable method with identifier 'nope'."),
        ('Py.invokeMethod("os", "system", "ls")',
         "The module 'os' does not contain a public invokable method with identifier 'system'."),
        (f'Py.invokeMethod("{M}", "Helper")',
         f"The module '{M}' does not contain a public invokable method with identifier 'Helper'."),
        (f'Py.invokeMethod("{M}", "add", 1, 2, 3)', "The method 'add' expects 1 to 2 arguments but received 3."),
        (f'Py.invokeMethod("{M}", "add")', "The method 'add' expects 1 to 2 arguments but received 0."),
        (f'Py.invokeMethod("{M}", "add", "one")',
         "Invalid argument for parameter 'a' of 'add': a: expected int, got string ('one')"),
        (f'Py.invokeMethod("{M}", "describe", {{orderId: 1, itemNames: [2]}}, new Uint8Array(1))',
         "Invalid argument for parameter 'order' of 'describe': order.item_names[0]: expected str, got number (2)"),
        (f'Py.invokeMethod("{M}", "AddAsync", 1, 2)',
         "The method 'AddAsync' is async (async def): call it with invokeMethodAsync."),
        (f'Py._interop.main.invokePython(undefined, "ping", 424242, [], false)',
         "There is no tracked object with id '424242'. Perhaps the object was disposed?"),
    ]
    for call, message in cases:
        error = {"error": message, "name": "Error"}
        assert js(page, f"return {call};") == error, call
        asynchronous = call.replace("invokeMethod(", "invokeMethodAsync(").replace(", false)", ", true)")
        # The async form rejects with the same error, except where only the sync form is wrong.
        expected = 3 if "AddAsync" in call else error
        assert js(page, f"return await {asynchronous};") == expected, asynchronous
    assert js(page, f'return Py.invokeMethod("{M}", "add", 2, 2);') == 4  # still serving


def test_python_exceptions_become_errors_with_traceback_in_detailed_mode(page):
    out = js(page, f"""
        const results = [];
        for (const call of [() => Py.invokeMethod("{M}", "fails"), () => Py.invokeMethodAsync("{M}", "fails_async")]) {{
            try {{ await call(); }} catch (e) {{ results.push([e.name, e.message, e.pythonStack ?? null]); }}
        }}
        return [Py.detailedErrors, results];
    """)
    detailed, results = out
    assert detailed is True  # the dev server's default
    assert [r[:2] for r in results] == [["KeyError", "'missing thing'"], ["ValueError", "async failure"]]
    assert all(r[2].startswith("Traceback (most recent call last)") for r in results)
    assert 'raise KeyError("missing thing")' in results[0][2]


def test_detailed_errors_off(jsinterop_page, site):
    boot_custom(jsinterop_page, site, "detailedErrors=0")
    out = js(jsinterop_page, f"""
        try {{ Py.invokeMethod("{M}", "fails"); }} catch (e) {{ return [Py.detailedErrors, e.name, e.message, "pythonStack" in e]; }}
    """)
    assert out == [False, "KeyError", "'missing thing'", False]


def test_arguments_and_results_by_the_serialization_rules(page):
    out = js(page, f"""
        const r = Py.invokeMethod("{M}", "describe", {{ ORDERID: 7, item_names: ["pen"], extra: 1 }}, new Uint8Array([1, 2, 3]));
        const e = Py.invokeMethod("{M}", "echo", JSON.parse('{{"__proto__": {{"polluted": 1}}, "constructor": 2}}'));
        return [r.order, Array.from(r.data), r.data.constructor.name, r.dataType,
                Object.keys(e.value), e.type, ({{}}).polluted === undefined,
                Py.invokeMethod("{M}", "echo", null), Py.invokeMethod("{M}", "echo", [1, "a", true])];
    """)
    assert out == [{"orderId": 7, "itemNames": ["pen"], "note": None}, [3, 2, 1], "Uint8Array", "bytes",
                   ["__proto__", "constructor"], "dict", True, {"type": "NoneType", "value": None},
                   {"type": "list", "value": [1, "a", True]}]


def test_references_both_ways(page):
    base = counts(page)
    out = js(page, f"""
        const helper = Py.invokeMethod("{M}", "make_helper", "Ada");
        const out = [helper.constructor.name, helper.invokeMethod("ping"), await helper.invokeMethodAsync("WaitAsync", 1),
                     Py.invokeMethod("{M}", "helper_name", helper),
                     await Py.invokeMethodAsync("{M}", "element_tag", Py.createJSObjectReference(document.body))];
        try {{ helper.invokeMethod("WaitAsync", 1); }} catch (e) {{ out.push(e.message); }}
        try {{ helper.invokeMethod("__init__", "x"); }} catch (e) {{ out.push(e.message); }}
        helper.dispose();
        try {{ helper.invokeMethod("ping"); }} catch (e) {{ out.push(e.message); }}
        return out;
    """)
    assert out[:5] == ["PyObjectRef", "pong from Ada", "Ada waited", "Helper Ada", "BODY"]
    assert out[5] == "The method 'WaitAsync' is async (async def): call it with invokeMethodAsync."
    assert out[6] == "The type 'Helper' does not contain a public invokable method with identifier '__init__'."
    assert out[7].startswith("There is no tracked object with id '") and out[7].endswith("Perhaps the object was disposed?")
    assert counts(page) == base


def test_python_lends_an_object_to_a_js_call(page):
    assert page.run_python(f"""
    from jsinterop import js_runtime, PyObjectReference
    from {M} import Helper
    rt = js_runtime()
    with PyObjectReference.create(Helper("Grace")) as ref:
        echoed = rt.invoke("Array.of", ref)  # JS gets a wrapper; coming back, Python gets the original
        counted = rt.tracked_counts()["pyObjects"]
    from jsinterop import debug
    [counted, type(echoed[0]).__name__, echoed[0].name, rt.tracked_counts()["pyObjects"],
     debug.tracked_counts() == rt.tracked_counts()]
    """) == [1, "Helper", "Grace", 0, True]


@pytest.mark.engines("chromium")  # gc() (--js-flags=--expose-gc) and the browser log: Chromium's only
def test_forgotten_reference_is_finalized_and_reported_in_debug_mode(jsinterop_page, site):
    boot_custom(jsinterop_page, site, "debug=1")
    assert js(jsinterop_page, f"""
        (() => {{ Py.invokeMethod("{M}", "make_helper", "forgotten"); }})();
        return Py.debug.trackedCounts().pyObjects;
    """) == 1
    for _ in range(20):
        jsinterop_page.run_async("gc(); await new Promise((r) => setTimeout(r, 20));")
        if jsinterop_page.run("return Py.debug.trackedCounts().pyObjects;") == 0:
            break
    assert jsinterop_page.run("return Py.debug.trackedCounts().pyObjects;") == 0
    logs = jsinterop_page.driver.get_log("browser")
    warnings = [e["message"] for e in logs if "garbage-collected without dispose()" in e["message"]]
    assert warnings and "created here" in warnings[0]


def test_a_reference_disposed_by_javascript_is_disposed_in_python(page):
    """Blazor's DotNetObjectReferencesCanBeDisposed: JS's dispose() disposes the Python reference, and
    sending it again raises instead of lending the object anew."""
    page.run("globalThis.disposeLent = (ref) => { ref.dispose(); return ref.constructor.name; };")
    assert page.run_python(f"""
    from jsinterop import js_runtime, PyObjectReference
    from {M} import Helper
    rt = js_runtime()
    ref = PyObjectReference.create(Helper("Ada"))
    out = [ref.disposed, rt.invoke("disposeLent", ref), ref.disposed, rt.tracked_counts()["pyObjects"]]
    try:
        rt.invoke("Array.of", ref)
    except Exception as e:
        out += [type(e).__name__, str(e)]
    out + [rt.tracked_counts()["pyObjects"]]
    """) == [False, "PyObjectRef", True, 0, "PyObjectDisposedError",
             "This PyObjectReference to Helper was disposed by JavaScript (PyObjectRef.dispose()); it cannot be sent "
             "to JavaScript again: create a new one with PyObjectReference.create().", 0]


def test_a_reference_lent_through_one_runtime_is_refused_by_another(page):
    """Blazor's TrackObjectReference_ThrowsIfDifferentJSRuntimeInstancesAreUsed, with two real channels."""
    assert page.run_python(f"""
    from jsinterop import JSRuntime, js_runtime, PyObjectReference
    from jsinterop.pyodide_transport import PyodideTransport
    from {M} import Helper
    rt, own = js_runtime(), JSRuntime(PyodideTransport())
    out = []
    with PyObjectReference.create(Helper("Grace")) as ref:
        out.append(rt.invoke("Array.of", ref)[0].name)
        try:
            own.invoke("Array.of", ref)
        except Exception as e:
            out += [type(e).__name__, str(e)]
        out += [rt.tracked_counts()["pyObjects"], own.tracked_counts()["pyObjects"]]
    out += [rt.tracked_counts()["pyObjects"]]
    own.shutdown()
    out
    """) == ["Grace", "PyObjectReferenceError",
             "This PyObjectReference to Helper is already being tracked by a different JSRuntime. A common cause is "
             "caching a PyObjectReference globally. Consider creating instances of PyObjectReference at the JSInterop "
             "call site.", 1, 0, 0]


LAZY_ANNOTATIONS = '''
import dataclasses
from typing import TYPE_CHECKING
from jsinterop import js_invokable
if TYPE_CHECKING:
    from decimal import Decimal

@dataclasses.dataclass
class Point:
    x: int

    @js_invokable
    def plus(self, other: Point) -> Point:  # its own class, not defined yet when decorated
        return Point(self.x + other.x)

    @js_invokable
    def scaled(self, scale: Scale) -> int:  # defined further down the module
        return self.x * scale.factor

@dataclasses.dataclass
class Scale:
    factor: int

class Wallet:
    @js_invokable
    def pay(self, amount: int, rate: Decimal) -> str:
        return type(amount).__name__

class Box[T]:
    @js_invokable
    def put(self, value: T) -> str:
        return type(value).__name__

class Bounded[N: int]:
    @js_invokable
    def put(self, value: N) -> str:
        return type(value).__name__
'''

UNRESOLVABLE = '''
from typing import TYPE_CHECKING
from jsinterop import js_invokable
if TYPE_CHECKING:
    from decimal import Decimal

@js_invokable
def pay(amount: int, rate: Decimal) -> str:
    return type(amount).__name__
'''


def test_annotations_resolve_under_pyodides_lazy_annotations(page):
    """Pyodide's Python evaluates annotations lazily (PEP 649, no __future__ import): a method naming
    its own class or a later one still converts; a name imported only under TYPE_CHECKING, and PEP 695
    type parameters, behave as on CPython with postponed annotations."""
    out = page.run_python(f"""
    import pathlib, sys
    folder = pathlib.Path("/home/pyodide/fixtures"); folder.mkdir(exist_ok=True)
    (folder / "lazy_annotations.py").write_text({LAZY_ANNOTATIONS!r})
    (folder / "unresolvable_annotations.py").write_text({UNRESOLVABLE!r})
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))
    from jsinterop import js_runtime, PyObjectReference
    out = []
    try:
        import unresolvable_annotations
    except Exception as e:
        out.append([type(e).__name__, str(e)])
    import lazy_annotations as m
    try:
        PyObjectReference.create(m.Wallet())
    except Exception as e:
        out.append([type(e).__name__, str(e)])
    point = PyObjectReference.create(m.Point(1))
    js_runtime().invoke("Array.of", point)  # lent, so that JavaScript can call it by id
    box, bounded = PyObjectReference.create(m.Box[int]()), PyObjectReference.create(m.Bounded())
    js_runtime().invoke("Array.of", box, bounded)
    [sys.version_info[:2] >= (3, 14), out, point.id, box.id, bounded.id]
    """)
    lazy, errors, point, box, bounded = out
    assert lazy is True  # what this test is about: Pyodide's Python is 3.14 or later
    assert errors == [
        ["InvokableDefinitionError", "js_invokable: the annotation of parameter 'rate' of 'pay' could not be resolved "
         "(name 'Decimal' is not defined); import the names annotations use at run time, not only under TYPE_CHECKING"],
        ["InvokableDefinitionError", "js_invokable: the annotation of parameter 'rate' of 'Wallet.pay' could not be "
         "resolved (name 'Decimal' is not defined); import the names annotations use at run time, not only under "
         "TYPE_CHECKING"]]
    call = 'Py._interop.main.invokePython(undefined, "{0}", {1}, [{2}], false)'
    results = js(page, "const out = [];" + "".join(
        f"try {{ out.push({call.format(identifier, target, args)}); }} catch (e) {{ out.push(e.message); }}"
        for identifier, target, args in [
            ("plus", point, "{x: 2}"), ("plus", point, '{x: "two"}'), ("scaled", point, "{factor: 3}"),
            ("put", box, "4"), ("put", box, '"four"'), ("put", bounded, '"four"')]) + "return out;")
    assert results == [{"x": 3}, "Invalid argument for parameter 'other' of 'plus': other.x: expected int, got string "
                       "('two')", 3, "int", "Invalid argument for parameter 'value' of 'put': value: expected int, got "
                       "string ('four')", "Invalid argument for parameter 'value' of 'put': value: expected int, got "
                       "string ('four')"]
    page.run_python("for ref in (point, box, bounded): ref.dispose()")
