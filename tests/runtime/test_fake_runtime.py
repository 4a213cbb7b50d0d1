"""JSRuntime's core and FakeJSRuntime on CPython: planned answers, matchers, strict and loose modes,
the shared serialization, references, timeouts, cancellation, shutdown, and tracked counts."""

from __future__ import annotations

import asyncio
import dataclasses

import pytest

from jsinterop import (
    DeserializationError,
    JSDisconnectedException,
    JSException,
    JSModuleNotLoadedError,
    JSObjectDisposedError,
    JSObjectReference,
    JSRuntime,
    UnsupportedTypeError,
    js_import,
    load_js_module,
)
from jsinterop.js_runtime import CallKind
from jsinterop.testing import ANY, FakeJSObject, FakeJSRuntime, UnplannedInvocationError

BASELINE = {"pythonPendingCalls": 0, "jsObjects": 0, "pendingCalls": 0, "pendingPulls": 0, "pendingPyCalls": 0,
            "pyStreams": 0, "pyObjects": 0}


def run(coro):
    return asyncio.run(coro)


@dataclasses.dataclass
class Item:
    item_name: str
    price: float


async def load_theme(rt: JSRuntime) -> str:
    """App code under test: it only knows it gets a JSRuntime."""
    theme = await rt.invoke_async("localStorage.getItem", "theme") or "light"
    await rt.invoke_void_async("console.log", f"Theme: {theme}")
    return theme


def test_app_code_runs_against_the_fake():
    fake = FakeJSRuntime()
    fake.setup("localStorage.getItem", "theme", returns="dark")
    fake.setup_void("console.log", ANY)
    assert run(load_theme(fake)) == "dark"
    assert [i.identifier for i in fake.invocations] == ["localStorage.getItem", "console.log"]
    assert fake.invocations_of("console.log")[0].args == ["Theme: dark"]
    assert fake.invocations_of("console.log")[0].kind is CallKind.INVOKE_VOID


def test_strict_mode_names_the_unplanned_call():
    fake = FakeJSRuntime()
    with pytest.raises(UnplannedInvocationError, match=r"No setup for the JS call 'alert' with arguments \['hi'\]"):
        fake.invoke("alert", "hi")
    with pytest.raises(UnplannedInvocationError, match="'prompt'"):
        run(fake.invoke_async("prompt"))


def test_loose_mode_answers_none_and_fake_objects():
    fake = FakeJSRuntime(strict=False)
    assert fake.invoke("anything", 1) is None
    ref = fake.invoke("document.createElement", "div", returns=JSObjectReference)
    assert isinstance(ref, JSObjectReference)
    assert fake.tracked_counts()["jsObjects"] == 1


def test_matchers_values_any_predicates_and_newest_wins():
    fake = FakeJSRuntime()
    fake.setup("calc", 1, ANY, returns="one-any")
    fake.setup("calc", lambda a: a > 10, returns="big")
    fake.setup("calc", 2, 2, returns="first")
    fake.setup("calc", 2, 2, returns="newest")
    assert fake.invoke("calc", 1, "x") == "one-any"
    assert fake.invoke("calc", 11) == "big"
    assert fake.invoke("calc", 2, 2) == "newest"
    with pytest.raises(UnplannedInvocationError):
        fake.invoke("calc", 5)


def test_arguments_are_recorded_as_javascript_receives_them():
    fake = FakeJSRuntime()
    fake.setup("save", returns=True)
    assert fake.invoke("save", Item("pen", 1.5), [b"\x01"]) is True
    assert fake.invocations[0].args == [{"itemName": "pen", "price": 1.5}, [b"\x01"]]


def test_shared_serialization_rejects_what_cannot_cross():
    fake = FakeJSRuntime()
    fake.setup("save")
    with pytest.raises(UnsupportedTypeError, match=r"args\[1\]\.when: cannot send a value of type object"):
        fake.invoke("save", 1, {"when": object()})
    with pytest.raises(OverflowError, match=r"args\[0\]"):
        fake.invoke("save", 2**60)
    fake.setup("bad", returns={1: "non-str key"})
    with pytest.raises(UnsupportedTypeError, match="dict keys must be str"):
        fake.invoke("bad")
    assert fake.invocations_of("save") == []  # nothing was sent


def test_results_convert_to_the_returns_type():
    fake = FakeJSRuntime()
    fake.setup("items", returns=[{"ItemName": "a", "price": 1}, {"item_name": "b", "price": 2.5}])
    assert fake.invoke("items", returns=list[Item]) == [Item("a", 1.0), Item("b", 2.5)]
    fake.setup("bad", returns=[{"itemName": "a", "price": "free"}])
    with pytest.raises(DeserializationError, match=r"^result\[0\]\.price: expected float, got string \('free'\)$"):
        fake.invoke("bad", returns=list[Item])


def test_computed_results_and_errors():
    fake = FakeJSRuntime()
    fake.setup("add", returns=lambda a, b: a + b)
    fake.setup("fail", raises="boom")
    fake.setup("typed", raises=JSException("bad arg", "TypeError", "at x"))
    assert run(fake.invoke_async("add", 2, 3)) == 5
    with pytest.raises(JSException, match="boom"):
        run(fake.invoke_async("fail"))
    with pytest.raises(JSException) as info:
        fake.invoke("typed")
    assert (info.value.js_name, info.value.message, info.value.js_stack) == ("TypeError", "bad arg", "at x")


def test_modules_and_object_references():
    fake = FakeJSRuntime()
    module = fake.setup_module("./chart.js")
    chart = FakeJSObject("chart")
    module.setup("createChart", ANY, returns=chart)
    chart.setup("render", returns="rendered")
    chart.setup("title", returns="Sales")

    async def scenario():
        async with await fake.import_module("./chart.js") as mod:
            async with await mod.invoke_async("createChart", "#c", returns=JSObjectReference) as ref:
                assert await ref.invoke_async("render") == "rendered"
                assert await ref.get_value_async("title") == "Sales"
                await ref.set_value_async("width", 300)
                assert fake.tracked_counts()["jsObjects"] == 2
            assert ref.disposed
        return mod, ref

    mod, ref = run(scenario())
    assert chart.values == {"width": 300}
    assert fake.tracked_counts() == BASELINE
    with pytest.raises(JSObjectDisposedError, match=r"The JSObjectReference #\d+ has been disposed"):
        ref.invoke("render")
    ref.dispose()  # disposing twice is harmless


def test_reference_passed_back_arrives_as_the_object():
    fake = FakeJSRuntime()
    element = FakeJSObject("div")
    fake.setup("document.createElement", returns=element)
    fake.setup("focus", returns=lambda target: target is element)
    ref = fake.invoke("document.createElement", returns=JSObjectReference)
    assert fake.invoke("focus", ref) is True
    assert fake.invocations_of("focus")[0].args == [element]


def test_constructor_and_result_not_an_object():
    fake = FakeJSRuntime()
    module = fake.setup_module("./lib.js")
    widget = FakeJSObject("widget")
    module.setup("Widget", ANY, returns=widget)
    fake.setup("notAnObject", returns=3)

    async def scenario():
        mod = await fake.import_module("./lib.js")
        instance = await mod.invoke_constructor_async("Widget", 7)
        assert isinstance(instance, JSObjectReference)
        assert module.invocations[-1].kind is CallKind.CONSTRUCT
        assert module.invocations[-1].args == [7]
        await fake.invoke_async("notAnObject", returns=JSObjectReference)

    with pytest.raises(JSException, match="not an object, so it cannot be held by reference"):
        run(scenario())


def test_timeout_and_cancellation_leave_nothing_behind():
    fake = FakeJSRuntime()
    fake.setup("never", pending=True)

    async def scenario():
        with pytest.raises(TimeoutError):
            await fake.invoke_async("never", timeout=0.01)
        task = asyncio.ensure_future(fake.invoke_async("never"))
        await asyncio.sleep(0)
        assert fake.tracked_counts()["pendingCalls"] == 1
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        return fake.tracked_counts()

    assert run(scenario()) == BASELINE


def test_bad_timeout_is_rejected():
    fake = FakeJSRuntime()
    with pytest.raises(ValueError, match=r"^timeout must be a number of seconds >= 0 or None, got -1$"):
        run(fake.invoke_async("x", timeout=-1))
    with pytest.raises(ValueError, match=r"^timeout must be a number of seconds >= 0 or None, got -0\.5$"):
        run(fake.get_value_async("x", timeout=-0.5))
    with pytest.raises(TypeError, match=r"^timeout must be a number of seconds or None, got '1'$"):
        run(fake.invoke_async("x", timeout="1"))
    with pytest.raises(TypeError, match=r"^timeout must be a number of seconds or None, got True$"):
        run(fake.invoke_async("x", timeout=True))
    assert fake.invocations == [] and fake.tracked_counts() == BASELINE  # nothing was sent


class WebLoopClock(asyncio.SelectorEventLoop):
    """An event loop that schedules like Pyodide's WebLoop (``call_at`` is ``call_later(when - time())``,
    which refuses a negative delay), on a clock that moves on between two reads, as a real one does."""

    def __init__(self, tick: float) -> None:
        super().__init__()
        self._tick = tick
        self._reads = 0

    def time(self) -> float:
        self._reads += 1
        return super().time() + self._reads * self._tick

    def call_later(self, delay, callback, *args, context=None):
        if delay < 0:
            raise ValueError("Can't schedule in the past")
        return super().call_at(self.time() + delay, callback, *args, context=context)

    def call_at(self, when, callback, *args, context=None):
        return self.call_later(when - self.time(), callback, *args, context=context)


@pytest.mark.parametrize("timeout", [0.001, 1e-6, 0.0])
def test_any_timeout_that_elapses_raises_timeout_error_even_when_the_clock_moves_on(timeout):
    fake = FakeJSRuntime()
    fake.setup("never", pending=True)
    loop = WebLoopClock(tick=timeout * 0.6 if timeout else 1e-4)
    try:
        with pytest.raises(TimeoutError, match=rf"^The JS call 'never' did not complete within {timeout} s\.$"):
            loop.run_until_complete(fake.invoke_async("never", timeout=timeout))
        assert fake.tracked_counts() == BASELINE
    finally:
        loop.close()


def test_a_zero_timeout_has_elapsed_before_any_answer_arrives():
    fake = FakeJSRuntime()
    fake.setup("ok", returns=1)

    async def scenario():
        with pytest.raises(TimeoutError, match=r"^The JS call 'ok' did not complete within 0 s\.$"):
            await fake.invoke_async("ok", timeout=0)
        await asyncio.sleep(0.01)  # the late answer is dropped
        return await fake.invoke_async("ok", timeout=5), fake.tracked_counts()

    assert run(scenario()) == (1, BASELINE)


def test_invoke_void_is_synchronous_and_never_converts_the_result():
    fake = FakeJSRuntime()
    fake.setup("makeCycle", returns=lambda *_: object())  # a result that cannot be converted
    fake.setup("later", pending=True)
    element = FakeJSObject("div")
    fake.setup("document.createElement", returns=element)
    element.setup("remove", returns=object())
    assert fake.invoke_void("makeCycle", 1) is None
    assert fake.invoke_void("later") is None          # a Promise nobody waits for
    with fake.invoke("document.createElement", returns=JSObjectReference) as ref:
        assert ref.invoke_void("remove") is None
    assert [(i.identifier, i.kind) for i in fake.invocations] == [
        ("makeCycle", CallKind.INVOKE_VOID), ("later", CallKind.INVOKE_VOID),
        ("document.createElement", CallKind.INVOKE_REF)]
    assert element.invocations[0].kind is CallKind.INVOKE_VOID
    fake.setup("fails", raises="boom")
    with pytest.raises(JSException) as info:
        fake.invoke_void("fails")
    assert info.value.message == "boom"
    assert fake.tracked_counts() == BASELINE


def test_runtime_reads_writes_and_constructs_sync_and_async():
    fake = FakeJSRuntime()
    date = FakeJSObject("date")
    fake.setup("Date", 0, returns=date)
    date.setup("getTime", returns=0)
    fake.setup("navigator.language", returns="en")

    async def scenario():
        await fake.set_value_async("app.theme", "dark")
        fake.set_value("app.count", 2)
        out = [fake.get_value("navigator.language"), await fake.get_value_async("app.theme"),
               fake.get_value("app.count")]
        made = fake.invoke_constructor("Date", 0)
        out.append(made.invoke("getTime"))
        made.set_value("label", "epoch")
        out.append(made.get_value("label"))
        made.dispose()
        async with await fake.invoke_constructor_async("Date", 0) as again:
            out.append(await again.get_value_async("label"))
        return out

    assert run(scenario()) == ["en", "dark", 2, 0, "epoch", "epoch"]
    assert fake.values == {"app.theme": "dark", "app.count": 2} and date.values == {"label": "epoch"}
    assert [i.kind for i in fake.invocations] == [CallKind.SET_VALUE, CallKind.SET_VALUE, CallKind.GET_VALUE,
                                                  CallKind.GET_VALUE, CallKind.GET_VALUE, CallKind.CONSTRUCT,
                                                  CallKind.CONSTRUCT]
    assert fake.tracked_counts() == BASELINE
    with pytest.raises(UnplannedInvocationError, match="'nothing.here'"):
        fake.get_value("nothing.here")


def test_get_value_can_return_a_reference():
    fake = FakeJSRuntime()
    body = FakeJSObject("body")
    fake.setup("document.body", returns=body)
    body.setup("tagName", returns="BODY")
    fake.setup("document.title", returns="a title")

    async def scenario():
        ref = await fake.get_value_async("document.body", returns=JSObjectReference)
        same = fake.get_value("document.body", returns=JSObjectReference)
        out = [type(ref).__name__, ref.get_value("tagName"), fake.invocations[-1].kind, same.id != ref.id]
        ref.dispose()
        same.dispose()
        return out

    assert run(scenario()) == ["JSObjectReference", "BODY", CallKind.GET_VALUE_REF, True]
    with pytest.raises(JSException, match="not an object, so it cannot be held by reference"):
        fake.get_value("document.title", returns=JSObjectReference)
    assert fake.tracked_counts() == BASELINE


def test_unknown_js_object_id_is_worded_like_blazor():
    fake = FakeJSRuntime()
    ghost = fake.reference(999)
    message = "JS object instance with ID 999 does not exist (has it been disposed?)."
    with pytest.raises(JSException) as sync_info:
        ghost.invoke("x")
    with pytest.raises(JSException) as async_info:
        run(ghost.get_value_async("x"))
    assert sync_info.value.message == async_info.value.message == message


def test_dispose_after_a_disconnection_succeeds_silently():
    fake = FakeJSRuntime()
    fake.setup("obj", returns=FakeJSObject())
    refs = [fake.invoke("obj", returns=JSObjectReference) for _ in range(3)]
    fake.shutdown()
    refs[0].dispose()
    run(refs[1].dispose_async())

    async def teardown():
        async with refs[2]:
            pass

    run(teardown())
    assert [r.disposed for r in refs] == [True, True, True]
    with pytest.raises(JSObjectDisposedError):
        refs[0].invoke("x")


def test_shutdown_fails_pending_calls_promptly_and_every_later_call():
    fake = FakeJSRuntime()
    fake.setup("never", pending=True)
    fake.setup("ok", returns=1)
    fake.setup("obj", returns=FakeJSObject())

    async def scenario():
        ref = await fake.invoke_async("obj", returns=JSObjectReference)
        pending = asyncio.ensure_future(fake.invoke_async("never"))
        await asyncio.sleep(0)
        fake.shutdown()
        with pytest.raises(JSDisconnectedException):
            await asyncio.wait_for(pending, 1)
        with pytest.raises(JSDisconnectedException):
            await fake.invoke_async("ok")
        with pytest.raises(JSDisconnectedException):
            fake.invoke("ok")
        with pytest.raises(JSDisconnectedException):
            fake.invoke_void("ok")
        ref.dispose()  # disposal in teardown code succeeds silently after the disconnection
        assert ref.disposed
        fake.shutdown()  # twice is harmless

    run(scenario())
    assert fake.tracked_counts() == {"pythonPendingCalls": 0}


def test_identifier_must_be_a_string():
    fake = FakeJSRuntime()
    with pytest.raises(TypeError, match="identifier must be a non-empty str"):
        fake.invoke("")
    with pytest.raises(TypeError, match="identifier must be a non-empty str"):
        fake.invoke(None)


def test_js_runtime_on_cpython_says_what_to_do():
    from jsinterop import js_runtime

    with pytest.raises(RuntimeError, match="pass a jsinterop.testing.FakeJSRuntime"):
        js_runtime()


# --- typed imports (@js_import stubs) served by the fake -----------------------------------------

@js_import("getMessage", "main.js")
def get_message(name: str) -> str:
    """A primitive signature: it gets the fast path."""
    ...


@js_import("globalThis.Math.max")
def js_max(a: int, b: int) -> int:
    ...


@js_import("sum", "main.js")
def js_sum(values: list[int], label: str = "") -> float:
    """Not primitive-only: the general path."""
    ...


def test_typed_imports_are_answered_by_the_fake_while_it_serves_them():
    assert getattr(get_message, "js_import", None) is not None  # the fast path
    assert getattr(js_sum, "js_import", None) is None  # the general path
    fake = FakeJSRuntime()
    fake.setup_import("getMessage", "Ada", module="main.js", returns="Hello, Ada")
    fake.setup_import("Math.max", ANY, ANY, returns=lambda a, b: max(a, b))
    fake.setup_import("sum", module="main.js", returns=6)
    with fake.serving_typed_imports():
        assert get_message("Ada") == "Hello, Ada"
        assert get_message("Ada") == "Hello, Ada"
        assert js_max(3, 9) == 9
        result = js_sum([1, 2, 3], "total")
        assert result == 6.0 and type(result) is float  # the result converted as the page converts it
    calls = [(i.module, i.identifier, i.args) for i in fake.invocations]
    assert calls == [("main.js", "getMessage", ["Ada"]), ("main.js", "getMessage", ["Ada"]),
                     (None, "globalThis.Math.max", [3, 9]), ("main.js", "sum", [[1, 2, 3], "total"])]
    assert fake.invocations_of("getMessage")[0].kind is CallKind.INVOKE
    # Served only while active: afterwards the stub looks for its module again, as on the page.
    with pytest.raises(JSModuleNotLoadedError, match="main.js"):
        get_message("Ada")


def test_strict_mode_names_an_unplanned_import_with_its_module():
    fake = FakeJSRuntime()
    with fake.serving_typed_imports():
        with pytest.raises(UnplannedInvocationError,
                           match=r"No setup for the @js_import 'getMessage' of the JS module 'main.js' "
                                 r"with arguments \['Bo'\]"):
            get_message("Bo")
        fake.setup_import("getMessage", "Ada", module="main.js", returns="hi")
        with pytest.raises(UnplannedInvocationError, match="'getMessage'"):
            get_message("Bo")  # the arguments do not match the setup
        fake.setup_import("getMessage", returns="hi")  # a global of that name is another function
        with pytest.raises(UnplannedInvocationError, match="of the JS module 'main.js'"):
            get_message("Bo")
        with pytest.raises(UnplannedInvocationError, match=r"'globalThis.Math.max' of globalThis"):
            js_max(1, 2)


def test_loose_mode_answers_the_result_types_default():
    fake = FakeJSRuntime(strict=False)
    with fake.serving_typed_imports():
        assert get_message("Bo") == ""
        assert js_max(1, 2) == 0
        assert js_sum([1]) == 0.0
    assert [i.identifier for i in fake.invocations] == ["getMessage", "globalThis.Math.max", "sum"]


def test_arguments_and_results_are_checked_as_in_the_page():
    fake = FakeJSRuntime(strict=False)
    fake.setup_import("getMessage", module="main.js", returns=5)
    with fake.serving_typed_imports():
        with pytest.raises(UnsupportedTypeError, match="parameter 'a' of 'js_max': expected int"):
            js_max("x", 2)
        with pytest.raises(UnsupportedTypeError, match="parameter 'name' of 'get_message': expected str"):
            get_message(3)
        with pytest.raises(UnsupportedTypeError, match="parameter 'values' of 'js_sum'"):
            js_sum([object()])
        with pytest.raises(TypeError, match=r"js_max\(\) missing 1 required positional argument"):
            js_max(1)
        with pytest.raises(DeserializationError, match="the result of 'get_message': expected str, got int"):
            get_message("Ada")
    assert [i.identifier for i in fake.invocations] == ["getMessage"]  # refused arguments never reach JS


def test_planned_errors_raise_js_exceptions():
    fake = FakeJSRuntime()
    fake.setup_import("getMessage", module="main.js", raises="boom")
    fake.setup_import("sum", module="main.js", raises=JSException("bad", "RangeError"))
    with fake.serving_typed_imports():
        with pytest.raises(JSException, match="boom"):
            get_message("Ada")
        with pytest.raises(JSException, match="bad") as raised:
            js_sum([1])
    assert raised.value.js_name == "RangeError"


def test_load_js_module_is_planned_with_setup_module():
    fake = FakeJSRuntime()
    module = fake.setup_module("./main.js")
    with fake.serving_typed_imports():
        assert run(load_js_module("main.js", "./main.js")) is module
        with pytest.raises(UnplannedInvocationError, match=r"'import' with arguments \['./other.js'\]"):
            run(load_js_module("other", "./other.js"))
    assert [(i.identifier, i.args, i.kind) for i in fake.invocations] == [
        ("import", ["./main.js"], CallKind.IMPORT), ("import", ["./other.js"], CallKind.IMPORT)]
    loose = FakeJSRuntime(strict=False)
    with loose.serving_typed_imports():
        assert isinstance(run(load_js_module("main.js", "./main.js")), FakeJSObject)


def test_serving_nests_and_restores_the_previous_fake():
    outer, inner = FakeJSRuntime(strict=False), FakeJSRuntime(strict=False)
    with outer.serving_typed_imports():
        with inner.serving_typed_imports():
            get_message("inner")
        get_message("outer")
    assert [i.args for i in inner.invocations] == [["inner"]]
    assert [i.args for i in outer.invocations] == [["outer"]]


@js_import("store", "main.js")
def js_store(key: str, data: bytes, item: Item) -> Item:
    ...


def test_arguments_whose_conversion_needs_pyodide_are_checked_and_recorded_as_given():
    fake = FakeJSRuntime()
    fake.setup_import("store", module="main.js", returns=Item("tea", 2.5))
    with fake.serving_typed_imports():
        assert js_store("k", b"\x00\x01", Item("milk", 1.0)) == Item("tea", 2.5)  # returned as planned
        with pytest.raises(UnsupportedTypeError, match="parameter 'data' of 'js_store': expected bytes"):
            js_store("k", "not bytes", Item("milk", 1.0))
        with pytest.raises(UnsupportedTypeError, match=r"parameter 'item' of 'js_store'.*cannot send"):
            js_store("k", b"", object())
    assert fake.invocations_of("store")[0].args == ["k", b"\x00\x01", Item("milk", 1.0)]
