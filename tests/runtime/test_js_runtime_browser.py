"""jsinterop.JSRuntime in a real page of the built site (headless Chromium, strict CSP): identifiers
and their errors, modules, object references, errors from JavaScript, serialization both ways,
bytes, timeouts, cancellation, shutdown, and tracked counts back at baseline after each."""

from __future__ import annotations

from pathlib import Path

import pytest

from jsinterop.testing.browser import PagePythonError

pytestmark = [pytest.mark.browser, pytest.mark.engines]

FIXTURES = Path(__file__).with_name("interop_fixtures.mjs")  # also served by conftest's interop_page

PRELUDE = """
import asyncio, dataclasses, datetime as dt, enum
from typing import NamedTuple
from jsinterop import (js_runtime, JSObjectReference, JSException, JSDisconnectedException,
    JSObjectDisposedError, DeserializationError, SerializationError, UnsupportedTypeError)
from jsinterop.js_runtime import JSRuntime
from jsinterop.pyodide_transport import PyodideTransport
rt = js_runtime()
fx = await rt.import_module("./interop-fixtures.mjs")
baseline = rt.tracked_counts()
"""




def test_identifier_forms_sync_and_async(py):
    assert py("""[
        rt.invoke("Math.max", 1, 5, 3),
        rt.invoke("testLib.util.add", 2, 3),
        rt.invoke("testLib.counter.increment", 2),            # `this` is the parent object
        await rt.invoke_async("testLib.counter.increment"),
        await rt.invoke_async("Promise.resolve", "later"),
        await fx.invoke_async("addLater", 20, 22),
        fx.invoke("add", "a", "b"),
    ]""") == [5, 5, 2, 3, "later", 42, "ab"]


def test_identifier_errors_are_worded_like_blazor(py):
    assert py("""
    messages = []
    for ident in ["testLib.nope.x", "nothing.at.all", "testLib.notAFunction", "testLib.util"]:
        try:
            rt.invoke(ident)
        except JSException as e:
            messages.append(e.message)
    messages
    """) == [
        "Could not find 'testLib.nope.x' ('nope' was undefined).",
        "Could not find 'nothing.at.all' ('nothing' was undefined).",
        "The value 'testLib.notAFunction' is not a function.",
        "The value 'testLib.util' is not a function.",
    ]
    # The same through the async path, and the runtime keeps working afterwards.
    assert py("""
    try:
        await rt.invoke_async("a.b.c")
    except JSException as e:
        err = e.message
    [err, rt.invoke("Math.abs", -2)]
    """) == ["Could not find 'a.b.c' ('a' was undefined).", 2]


def test_missing_last_member_is_not_a_function_and_missing_intermediate_is_not_found(py):
    assert py("""
    out = []
    for ident in ["testLib.util.nope", "nope", "testLib.nested.a.b.c.f", "testLib.nested.a.x.c"]:
        for call in (lambda: rt.invoke(ident), lambda: rt.invoke_void(ident)):
            try:
                call()
            except JSException as e:
                out.append(e.message)
    try:
        await fx.invoke_async("missingExport")
    except JSException as e:
        out.append(e.message)
    out
    """) == [
        "The value 'testLib.util.nope' is not a function.", "The value 'testLib.util.nope' is not a function.",
        "The value 'nope' is not a function.", "The value 'nope' is not a function.",
        "The value 'testLib.nested.a.b.c.f' is not a function.", "The value 'testLib.nested.a.b.c.f' is not a function.",
        "Could not find 'testLib.nested.a.x.c' ('x' was undefined).",
        "Could not find 'testLib.nested.a.x.c' ('x' was undefined).",
        "The value 'missingExport' is not a function.",
    ]


def test_reading_and_writing_properties_check_their_descriptors_like_blazor(py):
    assert py("""
    out = []
    async def attempt(make):
        try:
            value = make()
            if asyncio.iscoroutine(value):
                value = await value
            return value
        except JSException as e:
            return e.message
    for ident in ["testLib.nope", "testLib.accessors.writeOnly", "testLib.nested.a.b.c.f", "testLib.nested.a.x.c"]:
        out.append(await attempt(lambda: rt.get_value(ident)))
        out.append(await attempt(lambda: rt.get_value_async(ident)))
    for ident in ["testLib.accessors.readOnly", "testLib.constant.fixed", "testLib.sealed.added",
                  "testLib.inherited.computed"]:
        out.append(await attempt(lambda: rt.set_value(ident, 1)))
        out.append(await attempt(lambda: rt.set_value_async(ident, 1)))
    # What may be read or written is, on the object or through its prototype chain.
    rt.set_value("testLib.accessors.writeOnly", "w")
    await rt.set_value_async("testLib.inherited.plain", 5)
    rt.set_value("testLib.sealed.kept", 2)
    with rt.get_value("testLib.inherited", returns=JSObjectReference) as inherited:
        own = rt.invoke("Object.hasOwn", inherited, "plain")
    out += [rt.get_value("testLib.accessors.readOnly"), await rt.get_value_async("testLib.accessors.written"),
            rt.get_value("testLib.inherited.computed"), rt.get_value("testLib.inherited.plain"), own,
            rt.get_value("testLib.sealed.kept"), rt.get_value("testLib.constant.fixed")]
    out
    """) == [
        "The property 'testLib.nope' is not defined or is not readable.",
        "The property 'testLib.nope' is not defined or is not readable.",
        "The property 'testLib.accessors.writeOnly' is not defined or is not readable.",
        "The property 'testLib.accessors.writeOnly' is not defined or is not readable.",
        "The property 'testLib.nested.a.b.c.f' is not defined or is not readable.",
        "The property 'testLib.nested.a.b.c.f' is not defined or is not readable.",
        "Could not find 'testLib.nested.a.x.c' ('x' was undefined).",
        "Could not find 'testLib.nested.a.x.c' ('x' was undefined).",
        "The property 'testLib.accessors.readOnly' is not writable.",
        "The property 'testLib.accessors.readOnly' is not writable.",
        "The property 'testLib.constant.fixed' is not writable.",
        "The property 'testLib.constant.fixed' is not writable.",
        "The property 'testLib.sealed.added' is not writable.",
        "The property 'testLib.sealed.added' is not writable.",
        "The property 'testLib.inherited.computed' is not writable.",
        "The property 'testLib.inherited.computed' is not writable.",
        "read", "w", 3, 5, True, 2, 7,
    ]


def test_unknown_js_object_id_is_worded_like_blazor(py):
    assert py("""
    ghost = rt.reference(999)
    out = []
    for call in (lambda: ghost.invoke("x"), lambda: ghost.get_value("x"), lambda: ghost.invoke_void("x")):
        try:
            call()
        except JSException as e:
            out.append(e.message)
    try:
        await ghost.invoke_async("x")
    except JSException as e:
        out.append(e.message)
    ghost.dispose()  # never tracked: releasing it is harmless
    out
    """) == ["JS object instance with ID 999 does not exist (has it been disposed?)."] * 4


def test_get_value_can_return_a_reference(py):
    assert py("""
    counter = await rt.get_value_async("testLib.counter", returns=JSObjectReference)
    nested = fx.get_value("Greeter", returns=JSObjectReference)
    sync = rt.get_value("testLib.nested.a", returns=JSObjectReference)
    out = [type(counter).__name__, counter.invoke("increment", 0) == rt.get_value("testLib.counter.count"),
           counter.get_value("") == {"count": rt.get_value("testLib.counter.count")},  # the object itself
           await sync.get_value_async("b.c"), nested.get_value("name"),
           rt.tracked_counts()["jsObjects"] - baseline["jsObjects"]]
    try:
        await rt.get_value_async("testLib.notAFunction", returns=JSObjectReference)
    except JSException as e:
        out.append(e.message)
    for ref in (counter, nested, sync):
        ref.dispose()
    out
    """) == ["JSObjectReference", True, True, 42, "Greeter", 3,
             "The result is 42, not an object, so it cannot be held by reference."]


def test_runtime_reads_writes_and_constructs_from_global_this_sync_and_async(py):
    assert py("""
    rt.set_value("testLib.flag", {"on": True})
    await rt.set_value_async("testLib.count2", 2)
    date = rt.invoke_constructor("Date", 0)
    url = await rt.invoke_constructor_async("URL", "https://example.org/a/b?q=1")
    greeter = fx.invoke_constructor("Greeter", "Ada")
    greeter.set_value("name", "Grace")
    out = [rt.get_value("testLib.flag"), await rt.get_value_async("testLib.count2"),
           date.invoke("getTime"), url.get_value("pathname"), await url.get_value_async("search"),
           greeter.invoke("method"), greeter.get_value("name")]
    for ref in (date, url, greeter):
        ref.dispose()
    out
    """) == [{"on": True}, 2, 0, "/a/b", "?q=1", "method Grace", "Grace"]


def test_invoke_void_is_synchronous_and_never_converts_the_result(py):
    assert py("""
    before = rt.get_value("testLib.counter.count")
    out = [rt.invoke_void("testLib.counter.increment", 5), rt.get_value("testLib.counter.count") - before,
           fx.invoke_void("cyclic"), fx.invoke_void("never"), fx.invoke_void("makeBytes", 3)]
    with fx.invoke_constructor("Greeter", "Ada") as g:
        out.append(g.invoke_void("method"))
    try:
        fx.invoke_void("throwsRangeError")
    except JSException as e:
        out.append([e.js_name, e.message])
    out
    """) == [None, 5, None, None, None, None, ["RangeError", "index out of range"]]


def test_sync_invoke_of_a_promise_says_to_use_invoke_async(py):
    assert py("""
    try:
        rt.invoke("Promise.resolve", 1)
    except JSException as e:
        msg = e.message
    msg
    """) == ("The JavaScript function 'Promise.resolve' returned a Promise, which a synchronous invoke() "
             "cannot wait for: use invoke_async().")


def test_import_is_relative_to_the_document_and_returns_a_module_reference(py):
    assert py("""
    m1 = await rt.invoke_async("import", "./interop-fixtures.mjs")
    m2 = await rt.import_module("./interop-fixtures.mjs")  # a name with no ./ is a bare npm specifier (tests/runtime/test_npm_browser.py)
    out = [type(m1).__name__, await m1.invoke_async("add", 1, 2), m2.invoke("add", 3, 4),
           rt.tracked_counts()["jsObjects"] - baseline["jsObjects"]]
    m1.dispose(); await m2.dispose_async()
    try:
        await rt.import_module("./missing-module.mjs")
    except JSException as e:
        out.append("missing-module.mjs" in e.message)
    out
    """) == ["JSObjectReference", 3, 7, 2, True]


def test_three_forms_of_class_functions_with_this_bound(py):
    assert py("""
    async with await fx.invoke_constructor_async("Greeter", "Ada") as g:
        out = [await g.invoke_async("method"), await g.invoke_async("arrow"), await g.invoke_async("plain"),
               g.invoke("method", "hello"), await g.get_value_async("name")]
        await g.set_value_async("name", "Grace")
        out.append(g.invoke("plain"))
    out
    """) == ["method Ada", "arrow Ada", "plain Ada", "hello Ada", "Ada", "plain Grace"]


def test_disposed_reference_raises_a_clear_error(py):
    assert py("""
    ref = await rt.invoke_async("document.createElement", "div", returns=JSObjectReference)
    ref.dispose()
    ref.dispose()
    try:
        await ref.invoke_async("remove")
    except JSObjectDisposedError as e:
        msg = str(e)
    msg.endswith("has been disposed; it cannot be used.")
    """) is True


def test_js_errors_become_js_exception_with_name_message_stack(py):
    assert py("""
    out = []
    for name in ["throwsRangeError", "rejectsTypeError", "throwsString", "throwsUndefined", "throwsObject"]:
        try:
            await fx.invoke_async(name)
        except JSException as e:
            out.append([e.js_name, e.message, bool(e.js_stack) and "interop-fixtures.mjs" in e.js_stack])
    try:
        fx.invoke("throwsRangeError")
    except JSException as e:
        out.append([e.js_name, e.message])
    out
    """) == [
        ["RangeError", "index out of range", True],
        ["TypeError", "async failure", True],
        ["NonError", 'JavaScript threw a value that is not an Error: "just a string"', False],
        ["NonError", "JavaScript threw a value that is not an Error: undefined", False],
        ["NonError", 'JavaScript threw a value that is not an Error: {"code":42}', False],
        ["RangeError", "index out of range"],
    ]


def test_serialization_rules_going_out(py):
    out = py("""
    class Color(enum.Enum):
        RED = "red"
    @dataclasses.dataclass
    class Person:
        first_name: str
        birth: dt.date
        color: Color
        _private: int = 0
    class Point(NamedTuple):
        x_pos: int
        y_pos: int
    [fx.invoke("echo", Person("Ada", dt.date(1815, 12, 10), Color.RED)),
     fx.invoke("echo", Point(1, 2)),
     fx.invoke("echo", [None, True, 1.5, "é✓", (1, 2)]),
     fx.invoke("inspect", {"__proto__": {"polluted": True}, "constructor": {"prototype": 1}}),
     fx.invoke("inspect", None),
     fx.invoke("echo", float("nan")) != fx.invoke("echo", float("nan")),
     repr(fx.invoke("echo", {"n": float("inf"), "m": [float("-inf")]}))]
    """)
    assert out[0] == {"firstName": "Ada", "birth": "1815-12-10", "color": "red"}
    assert out[1] == {"xPos": 1, "yPos": 2}
    assert out[2] == [None, True, 1.5, "é✓", [1, 2]]
    assert out[3]["keys"] == ["__proto__", "constructor"]
    assert out[3]["prototypeIsObject"] is True and out[3]["ownProto"] is True
    assert out[3]["objectPrototypeClean"] is True
    assert out[4]["kind"] == "null"
    assert out[5] is True
    assert out[6] == "{'n': inf, 'm': [-inf]}"


def test_serialization_rules_coming_back(py):
    assert py("""
    @dataclasses.dataclass
    class Special:
        date: dt.datetime
        nan: float
        inf: float
        big: int
        nothing: int | None = None
        missing: int | None = None
    s = fx.invoke("specialValues", returns=Special)
    plain = fx.invoke("specialValues")
    [s.date.isoformat(), str(s.nan), str(s.inf), str(s.big), s.nothing, s.missing,
     sorted(plain), plain["parsed"] == {"__proto__": {"polluted": True}, "constructor": {"prototype": 1}},
     plain["map"]]
    """) == ["2024-05-06T07:08:09+00:00", "nan", "-inf", "12345678901234567890", None, None,
             ["big", "date", "inf", "map", "nan", "nothing", "parsed"], True, {}]


def test_result_that_does_not_fit_names_the_field(py):
    assert py("""
    @dataclasses.dataclass
    class Shape:
        name: str
        data: list[int]
    try:
        fx.invoke("nestedBinary", returns=Shape)
    except DeserializationError as e:
        msg = str(e)
    msg
    """) == "result.data: expected list[int], got bytes (b'\\x01\\x02\\x03')"


def test_bad_arguments_fail_before_reaching_javascript(py):
    assert py("""
    out = []
    cycle = []; cycle.append(cycle)
    deep = "leaf"
    for _ in range(40): deep = [deep]
    for bad in [cycle, deep, {"when": object()}, 2**60]:
        try:
            fx.invoke("echo", 1, {"items": [0, 1, 2, bad]})
        except (SerializationError, OverflowError) as e:
            out.append(str(e).split(":")[0])
    out + [fx.invoke("add", 1, 1)]
    """) == ["args[1].items[3][0]", "args[1].items[3][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0]"
             "[0][0][0][0][0][0][0][0][0][0]", "args[1].items[3].when", "args[1].items[3]", 2]


def test_cyclic_result_is_a_clear_error(py):
    assert py("""
    try:
        fx.invoke("cyclic")
    except JSException as e:
        msg = [e.js_name, any(word in e.message for word in ("circular", "cyclic"))]  # V8; SpiderMonkey, JSC
    msg
    """) == ["TypeError", True]


def test_bytes_both_ways_without_base64(py):
    assert py("""
    big = bytes(range(256)) * 4096                   # 1 MiB
    out = [fx.invoke("inspect", b"\\x01\\x02\\xff"), fx.invoke("inspect", bytearray(b"ab")),
           fx.invoke("inspect", memoryview(big))]
    back = fx.invoke("makeBytes", 300)
    buf = await fx.invoke_async("makeBuffer", 4)
    nested = fx.invoke("nestedBinary")
    echo = fx.invoke("echo", {"blob": big, "parts": [b"x", b""]})
    out + [type(back).__name__, back == bytes(i % 256 for i in range(300)), repr(buf), repr(nested),
           echo["blob"] == big, repr(echo["parts"])]
    """) == [
        {"kind": "object", "constructor": "Uint8Array", "length": 3, "sum": 258, "objectPrototypeClean": True},
        {"kind": "object", "constructor": "Uint8Array", "length": 2, "sum": 195, "objectPrototypeClean": True},
        {"kind": "object", "constructor": "Uint8Array", "length": 1048576, "sum": 133693440,
         "objectPrototypeClean": True},
        "bytes", True, repr(b"\x00\x01\x02\x03"), repr({"name": "blob", "data": b"\x01\x02\x03", "parts": [b"\x02\x01"]}),
        True, repr([b"x", b""]),
    ]


def test_references_both_ways(py):
    assert py("""
    result = fx.invoke("makeReferenceResult")
    element = result["element"]
    with rt.invoke("document.querySelector", "body", returns=JSObjectReference) as body:
        out = [result["label"], type(element).__name__, await element.get_value_async("tagName"),
               fx.invoke("same", element, body)]
    element.dispose()
    out
    """) == ["the body", "JSObjectReference", "BODY", True]


def test_reference_passed_back_is_the_same_object(py):
    assert py("""
    a = await rt.invoke_async("document.createElement", "p", returns=JSObjectReference)
    b = await rt.invoke_async("document.createElement", "p", returns=JSObjectReference)
    out = [fx.invoke("same", a, a), fx.invoke("same", a, b), fx.invoke("same", {"x": [a]}, a)]
    a.dispose(); b.dispose()
    out
    """) == [True, False, False]


@pytest.mark.reliability
def test_timeout_and_cancellation_leak_nothing(py):
    assert py("""
    out = []
    try:
        await fx.invoke_async("never", timeout=0.02)
    except TimeoutError:
        out.append("timeout")
    task = asyncio.ensure_future(fx.invoke_async("never"))
    await asyncio.sleep(0)
    out.append(rt.tracked_counts()["pendingCalls"])
    task.cancel()
    try:
        await task
    except asyncio.CancelledError:
        out.append("cancelled")
    for _ in range(200):
        try:
            await fx.invoke_async("never", timeout=0)
        except TimeoutError:
            pass
    out
    """) == ["timeout", 1, "cancelled"]


@pytest.mark.reliability
def test_any_short_timeout_raises_timeout_error_and_a_negative_one_names_the_parameter(py):
    assert py("""
    outcomes = {}
    for timeout in [0.001, 0.0005, 0.0001, 1e-6, 1e-9, 0, 0.0] * 100:
        try:
            await fx.invoke_async("never", timeout=timeout)
            outcomes["returned"] = outcomes.get("returned", 0) + 1
        except TimeoutError:
            outcomes["TimeoutError"] = outcomes.get("TimeoutError", 0) + 1
        except ValueError as e:
            outcomes[f"ValueError: {e}"] = outcomes.get(f"ValueError: {e}", 0) + 1
    for form in (lambda: fx.invoke_async("never", timeout=-0.001), lambda: rt.invoke_void_async("x", timeout=-1)):
        try:
            await form()
        except ValueError as e:
            outcomes[str(e)] = "negative"
    outcomes
    """) == {"TimeoutError": 700,
             "timeout must be a number of seconds >= 0 or None, got -0.001": "negative",
             "timeout must be a number of seconds >= 0 or None, got -1": "negative"}


@pytest.mark.reliability
def test_shutdown_mid_call_fails_promptly_and_releases_everything(py):
    assert py("""
    own = JSRuntime(PyodideTransport())           # its own channel: the page's runtime lives on
    mod = await own.import_module("./interop-fixtures.mjs")
    pending = asyncio.ensure_future(mod.invoke_async("never"))
    await asyncio.sleep(0)
    before = own.tracked_counts()
    own.shutdown()
    out = [before]
    try:
        await asyncio.wait_for(pending, 1)
    except JSDisconnectedException as e:
        out.append(str(e))
    for attempt in (lambda: own.invoke("Math.abs", 1), lambda: mod.invoke_void("add")):
        try:
            attempt()
        except JSDisconnectedException:
            out.append("disconnected")
    try:
        await own.invoke_async("Math.abs", 1)
    except JSDisconnectedException:
        out.append("disconnected")
    # Disposal in teardown code after the disconnection succeeds silently, as in Blazor (.NET 11).
    other = own.reference(mod.id + 1)
    out += [mod.dispose(), mod.disposed, await other.dispose_async(), other.disposed, mod.dispose()]
    out + [own.tracked_counts(), js_runtime().invoke("Math.abs", -1)]
    """) == [{"pythonPendingCalls": 1, "jsObjects": 1, "pendingCalls": 1, "pendingPulls": 0,
              "pendingPyCalls": 0, "pyStreams": 0, "pyObjects": 0, "persistentCallbacks": 0},
             "The JavaScript runtime has been shut down; no more calls can be made.",
             "disconnected", "disconnected", "disconnected", None, True, None, True, None,
             {"pythonPendingCalls": 0}, 1]


def test_python_errors_in_a_snippet_surface_with_traceback(interop_page):
    with pytest.raises(PagePythonError, match="ZeroDivisionError"):
        interop_page.run_python("1 / 0")


@pytest.mark.reliability
def test_page_going_away_disconnects_every_runtime(jsinterop_page, jsinterop_site):
    url = jsinterop_site({"interop-fixtures.mjs": FIXTURES})
    assert jsinterop_page.open(url).boot_state == "ready"
    jsinterop_page.run_python("""
    import asyncio
    from jsinterop import js_runtime, JSDisconnectedException
    rt = js_runtime()
    fx = await rt.import_module("./interop-fixtures.mjs")
    pending = asyncio.ensure_future(fx.invoke_async("never"))
    await asyncio.sleep(0)
    """)
    # What the browser does when the page is really left (not kept in the back/forward cache).
    jsinterop_page.run("dispatchEvent(new PageTransitionEvent('pagehide', { persisted: false }));")
    assert jsinterop_page.run_python("""
    out = [rt.disconnected]
    try:
        await asyncio.wait_for(pending, 1)
    except JSDisconnectedException:
        out.append("pending call failed")
    try:
        rt.invoke("Math.abs", 1)
    except JSDisconnectedException:
        out.append("later call failed")
    out
    """) == [True, "pending call failed", "later call failed"]
    assert jsinterop_page.run("return Py.debug.trackedCounts();") == {
        "jsObjects": 0, "pendingCalls": 0, "pendingPulls": 0, "pendingPyCalls": 0, "pyObjects": 0}


def test_large_safe_integers_cross_as_numbers(py):
    assert py("""[fx.invoke("inspect", 2**40)["kind"], fx.invoke("add", 2**53 - 2, 1) == 2**53 - 1,
                  fx.invoke("echo", [2**52]) == [2**52]]""") == ["number", True, True]
