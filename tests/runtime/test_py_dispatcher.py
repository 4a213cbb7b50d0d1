"""The dispatcher of calls from JavaScript, on CPython: what is reachable, argument counts and
conversion by annotations, sync/async rules, the object table, and error shapes."""

from __future__ import annotations

import asyncio
import dataclasses
import sys

import pytest

from jsinterop import InvocationError, JSObjectReference, PyObjectReference, js_invokable
from jsinterop.py_dispatcher import PyDispatcher, invokable_methods

MODULE = __name__


@dataclasses.dataclass
class Order:
    order_id: int
    item_names: list[str]


@js_invokable
def add(a: int, b: int = 10) -> int:
    return a + b


@js_invokable("ReturnArrayAsync")
async def return_array() -> list[int]:
    await asyncio.sleep(0)
    return [1, 2, 3]


@js_invokable
def describe(order: Order, data: bytes, ref: JSObjectReference | None = None) -> str:
    return f"{order.order_id}:{','.join(order.item_names)}:{data.hex()}:{ref is None}"


@js_invokable
def fails() -> None:
    raise KeyError("missing thing")


@js_invokable
def total(*values: float) -> float:
    return sum(values)


@dataclasses.dataclass
class Node:
    value: int
    next: Node | None = None


@js_invokable
def chain_length(node: Node) -> int:
    return 1 if node.next is None else 1 + chain_length(node.next)


def not_marked() -> str:
    return "secret"


class HelloHelper:
    def __init__(self, name: str) -> None:
        self.name = name

    @js_invokable
    def say_hello(self) -> str:
        return f"Hello, {self.name}!"

    @js_invokable("Rename")
    def rename(self, name: str) -> None:
        self.name = name

    def private_helper(self) -> str:
        return "unreachable"


class LoudHelper(HelloHelper):
    @js_invokable
    def say_hello(self) -> str:
        return super().say_hello().upper()


@pytest.fixture
def dispatcher() -> PyDispatcher:
    return PyDispatcher()


def call(d: PyDispatcher, identifier: str, *args, module: str = MODULE, target: int = 0, sync: bool = True):
    result = d.call(module, identifier, target, list(args), synchronous=sync)
    if not sync and asyncio.iscoroutine(result):
        result = asyncio.run(result)
    return result


def test_module_functions_by_name_and_by_identifier(dispatcher):
    assert call(dispatcher, "add", 1, 2) == 3
    assert call(dispatcher, "add", 5) == 15
    assert call(dispatcher, "ReturnArrayAsync", sync=False) == [1, 2, 3]
    assert call(dispatcher, "total", 1.5, 2, 3) == 6.5


@pytest.mark.parametrize(("module", "identifier"), [
    (MODULE, "not_marked"), (MODULE, "return_array"), (MODULE, "__name__"), (MODULE, "HelloHelper"),
    (MODULE, "sys"), ("os", "system"), ("builtins", "eval"), ("", "add"), (None, "add"),
    (MODULE, "add.__globals__"), (MODULE, "_private"),
])
def test_only_marked_functions_are_reachable(dispatcher, module, identifier):
    with pytest.raises(InvocationError) as info:
        call(dispatcher, identifier, module=module)
    assert str(info.value) == (f"The module '{module}' does not contain a public invokable method with "
                               f"identifier '{identifier}'.")


def test_module_names_are_never_imported(dispatcher):
    assert "this_module_does_not_exist_xyz" not in sys.modules
    with pytest.raises(InvocationError, match="does not contain a public invokable method"):
        call(dispatcher, "anything", module="this_module_does_not_exist_xyz")
    assert "this_module_does_not_exist_xyz" not in sys.modules


def test_argument_counts(dispatcher):
    with pytest.raises(InvocationError, match=r"^The method 'add' expects 1 to 2 arguments but received 3\.$"):
        call(dispatcher, "add", 1, 2, 3)
    with pytest.raises(InvocationError, match=r"^The method 'add' expects 1 to 2 arguments but received 0\.$"):
        call(dispatcher, "add")
    with pytest.raises(InvocationError, match=r"^The method 'ReturnArrayAsync' expects 0 arguments but received 1\.$"):
        call(dispatcher, "ReturnArrayAsync", 1, sync=False)


def test_arguments_are_converted_by_annotations(dispatcher):
    wire = {"OrderId": 7, "item_names": ["pen", "ink"]}
    assert call(dispatcher, "describe", wire, b"\x01\xff") == "7:pen,ink:01ff:True"
    with pytest.raises(InvocationError) as info:
        call(dispatcher, "describe", {"orderId": "seven", "itemNames": []}, b"")
    assert str(info.value) == ("Invalid argument for parameter 'order' of 'describe': "
                               "order.order_id: expected int, got string ('seven')")
    with pytest.raises(InvocationError, match=r"parameter 'a' of 'add': a: expected int, got string \('x'\)"):
        call(dispatcher, "add", "x")
    with pytest.raises(InvocationError, match=r"parameter 'ref' of 'describe': ref: expected "):
        call(dispatcher, "describe", wire, b"", {"not": "a reference"})


def test_sync_call_of_async_method_says_use_invoke_method_async(dispatcher):
    with pytest.raises(InvocationError) as info:
        call(dispatcher, "ReturnArrayAsync")
    assert str(info.value) == "The method 'ReturnArrayAsync' is async (async def): call it with invokeMethodAsync."


def test_python_exceptions_propagate_and_are_shaped(dispatcher):
    with pytest.raises(KeyError) as info:
        call(dispatcher, "fails")
    assert dispatcher.error_info(info.value) == {"name": "KeyError", "message": "'missing thing'"}
    dispatcher.detailed_errors = True
    detailed = dispatcher.error_info(info.value)
    assert detailed["pythonStack"].startswith("Traceback (most recent call last)")
    assert 'raise KeyError("missing thing")' in detailed["pythonStack"]
    invocation = dispatcher.error_info(InvocationError("The module 'm' ..."))
    assert invocation == {"name": "Error", "message": "The module 'm' ..."}


def test_object_references_reach_only_invokable_methods(dispatcher):
    helper = HelloHelper("Ada")
    ref = PyObjectReference.create(helper)
    object_id = ref.track_in(dispatcher)
    assert call(dispatcher, "say_hello", target=object_id) == "Hello, Ada!"
    assert call(dispatcher, "Rename", "Grace", target=object_id) is None
    assert helper.name == "Grace"
    for name in ("private_helper", "__init__", "name", "rename", "__class__", "__dict__"):
        with pytest.raises(InvocationError, match=f"The type 'HelloHelper' does not contain a public invokable "
                                                  f"method with identifier '{name}'"):
            call(dispatcher, name, target=object_id)
    assert invokable_methods(LoudHelper) == {"say_hello": "say_hello", "Rename": "rename"}
    with PyObjectReference.create(LoudHelper("x")) as loud:
        assert call(dispatcher, "say_hello", target=loud.track_in(dispatcher)) == "HELLO, X!"
    assert len(dispatcher.objects) == 1


def test_disposed_and_unknown_ids(dispatcher):
    ref = PyObjectReference.create(HelloHelper("Ada"))
    object_id = ref.track_in(dispatcher)
    ref.dispose()
    ref.dispose()
    for bad in (object_id, 999, "1", None):
        with pytest.raises(InvocationError) as info:
            call(dispatcher, "say_hello", target=bad) if bad else dispatcher.tracked(bad)
        assert str(info.value) == f"There is no tracked object with id '{bad}'. Perhaps the object was disposed?"
    with pytest.raises(ValueError, match="has been disposed; it cannot be sent"):
        ref.track_in(dispatcher)
    assert dispatcher.objects == {}


def test_a_reference_released_by_javascript_is_tracked_again_when_resent(dispatcher):
    ref = PyObjectReference.create(HelloHelper("Ada"))
    first = ref.track_in(dispatcher)
    assert ref.track_in(dispatcher) == first  # the same while tracked
    dispatcher.release(first)  # what a JS wrapper's finalizer does
    second = ref.track_in(dispatcher)
    assert second != first and dispatcher.tracked(second) is ref.value


def test_decorator_rules():
    with pytest.raises(TypeError, match="must be a Python-style identifier string"):
        js_invokable("not valid")
    with pytest.raises(TypeError, match="can only mark functions and methods"):
        js_invokable()(42)

    def outer():
        @js_invokable
        def inner() -> None:
            pass

    with pytest.raises(TypeError, match="is defined inside a function"):
        outer()
    with pytest.raises(TypeError, match="needs an object with invokable methods"):
        PyObjectReference.create("text")


def test_duplicate_identifier_in_a_module_is_rejected():
    def first() -> int:
        return 1

    def second() -> int:
        return 2

    for func, qualname in ((first, "dup_one"), (second, "dup_two")):
        func.__qualname__ = qualname
        func.__name__ = qualname
        func.__module__ = "dup_module_for_test"
    js_invokable("Same")(first)
    with pytest.raises(ValueError, match="The module 'dup_module_for_test' already has an invokable method with "
                                         "identifier 'Same'"):
        js_invokable("Same")(second)


def test_deep_arguments_and_huge_names_get_clear_errors(dispatcher):
    deep: dict = {"value": 0}
    for i in range(20_000):
        deep = {"value": i, "next": deep}
    with pytest.raises(InvocationError) as info:
        call(dispatcher, "chain_length", deep)
    assert str(info.value) == ("Invalid argument for parameter 'node' of 'chain_length': it is nested too deeply "
                               "to convert (beyond Python's recursion limit)")
    with pytest.raises(InvocationError) as info:
        call(dispatcher, "x" * 10_000)
    assert str(info.value) == (f"The module '{MODULE}' does not contain a public invokable method with identifier "
                               f"'{'x' * 100}... (10000 characters)'.")
    assert call(dispatcher, "chain_length", {"value": 1, "next": {"value": 2}}) == 2  # still serving


def test_a_required_keyword_only_parameter_is_refused_when_marked():
    def needs_flag(a: int, *, flag: bool) -> int:
        return a

    needs_flag.__qualname__ = "needs_flag"  # as if at module level
    with pytest.raises(TypeError) as info:
        js_invokable(needs_flag)
    assert str(info.value) == ("js_invokable: parameter 'flag' of 'needs_flag' is keyword-only and has no default; "
                               "JavaScript passes arguments by position, so it could never be given")
