"""The dispatcher of calls from JavaScript, on CPython: what is reachable, argument counts and
conversion by annotations, sync/async rules, the object table, and error shapes."""

from __future__ import annotations

import asyncio
import dataclasses
import sys
import textwrap
import types
from typing import Generic, NewType, TypeVar

import pytest

from jsinterop import (DuplicateIdentifierError, InvocationError, InvokableDefinitionError, JSObjectReference,
                       PyObjectDisposedError, PyObjectReference, PyObjectReferenceError, js_invokable)
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


# --- issue 17: annotations, private names, stale lookups, references across runtimes, generics ----------------


def load_module(name: str, source: str, monkeypatch: pytest.MonkeyPatch) -> types.ModuleType:
    """Run ``source`` as the module ``name`` (registered in sys.modules, as an import does)."""
    module = types.ModuleType(name)
    monkeypatch.setitem(sys.modules, name, module)
    exec(compile(textwrap.dedent(source), f"<{name}>", "exec"), module.__dict__)
    return module


TYPE_CHECKING_ONLY = """
    from __future__ import annotations
    from typing import TYPE_CHECKING
    from jsinterop import js_invokable
    if TYPE_CHECKING:
        from decimal import Decimal
"""


def test_an_unresolvable_annotation_fails_at_decoration_naming_the_parameter(dispatcher, monkeypatch):
    with pytest.raises(InvokableDefinitionError) as info:
        load_module("pay_module", TYPE_CHECKING_ONLY + """
    @js_invokable
    def pay(amount: int, rate: Decimal) -> str:
        return type(amount).__name__
    """, monkeypatch)
    assert isinstance(info.value, TypeError)
    assert str(info.value) == ("js_invokable: the annotation of parameter 'rate' of 'pay' could not be resolved "
                               "(name 'Decimal' is not defined); import the names annotations use at run time, "
                               "not only under TYPE_CHECKING")
    with pytest.raises(InvocationError, match="does not contain a public invokable method"):
        call(dispatcher, "pay", {"not": "an int"}, 1, module="pay_module")  # never registered


def test_an_unresolvable_method_annotation_fails_when_its_class_is_first_lent(dispatcher, monkeypatch):
    module = load_module("wallet_module", TYPE_CHECKING_ONLY + """
    class Wallet:
        @js_invokable
        def pay(self, amount: int, rate: Decimal) -> str:
            return type(amount).__name__
    """, monkeypatch)
    with pytest.raises(InvokableDefinitionError) as info:
        PyObjectReference.create(module.Wallet())
    assert str(info.value) == ("js_invokable: the annotation of parameter 'rate' of 'Wallet.pay' could not be "
                               "resolved (name 'Decimal' is not defined); import the names annotations use at run "
                               "time, not only under TYPE_CHECKING")
    # Nor can it be sent some other way and then called unchecked.
    ref = PyObjectReference(module.Wallet())
    with pytest.raises(InvokableDefinitionError, match="parameter 'rate' of 'Wallet.pay'"):
        ref.track_in(dispatcher)
    object_id = dispatcher.track(module.Wallet())
    with pytest.raises(InvocationError, match="parameter 'rate' of 'Wallet.pay' could not be resolved"):
        call(dispatcher, "pay", {"not": "an int"}, 1, target=object_id)


def test_forward_references_to_the_enclosing_class_and_later_classes_resolve(dispatcher, monkeypatch):
    module = load_module("geometry_module", """
    from __future__ import annotations
    import dataclasses
    from jsinterop import js_invokable

    @dataclasses.dataclass
    class Point:
        x: int
        y: int

        @js_invokable
        def plus(self, other: Point) -> Point:  # the class itself: resolved when the class is created
            return Point(self.x + other.x, self.y + other.y)

        @js_invokable
        def scaled(self, scale: Scale) -> Point:  # a class defined later: resolved when first lent
            return Point(self.x * scale.factor, self.y * scale.factor)

    @dataclasses.dataclass
    class Scale:
        factor: int
    """, monkeypatch)
    with PyObjectReference.create(module.Point(1, 2)) as ref:
        object_id = ref.track_in(dispatcher)
        assert call(dispatcher, "plus", {"x": 10, "y": 20}, target=object_id) == module.Point(11, 22)
        assert call(dispatcher, "scaled", {"factor": 3}, target=object_id) == module.Point(3, 6)
        with pytest.raises(InvocationError, match=r"parameter 'other' of 'plus': other.y: expected int"):
            call(dispatcher, "plus", {"x": 1, "y": "two"}, target=object_id)
        with pytest.raises(InvocationError, match=r"parameter 'scale' of 'scaled': scale.factor: expected int"):
            call(dispatcher, "scaled", {"factor": "x"}, target=object_id)


@pytest.mark.parametrize(("source", "name"), [
    ("@js_invokable\ndef _helper() -> None: ...", "_helper"),
    ("@js_invokable('Helper')\ndef _helper() -> None: ...", "_helper"),
    ("class Box:\n    @js_invokable\n    def __private(self) -> None: ...", "Box.__private"),
    ("class Box:\n    @js_invokable\n    def __call__(self) -> None: ...", "Box.__call__"),
    ("class Box:\n    @js_invokable\n    @staticmethod\n    def _hidden() -> None: ...", "Box._hidden"),
])
def test_a_marked_private_name_is_refused_at_decoration(source, name, monkeypatch):
    with pytest.raises(InvokableDefinitionError) as info:
        load_module("private_names_module", "from jsinterop import js_invokable\n" + source, monkeypatch)
    assert isinstance(info.value, TypeError)
    assert str(info.value) == (f"js_invokable: '{name}' has a private name (it starts with '_'): only public "
                               "functions and methods can be invoked from JavaScript; give it a public name")


def test_a_private_identifier_is_refused_at_decoration():
    with pytest.raises(InvokableDefinitionError) as info:
        js_invokable("_Hidden")
    assert str(info.value) == ("js_invokable: the identifier '_Hidden' starts with '_': identifiers JavaScript "
                               "calls must be public names")


class Mutable:
    @js_invokable
    def ping(self) -> str:
        return "pong"

    @js_invokable("Echo")
    def echo(self, value: int) -> int:
        return value

    _alias = ping  # the same function under a private attribute name: not a second method, not reachable


def test_a_method_deleted_or_replaced_after_the_first_call_is_no_longer_callable(dispatcher, monkeypatch):
    object_id = dispatcher.track(Mutable())
    assert call(dispatcher, "ping", target=object_id) == "pong"
    assert call(dispatcher, "Echo", 7, target=object_id) == 7
    assert invokable_methods(Mutable) == {"ping": "ping", "Echo": "echo"}
    monkeypatch.delattr(Mutable, "ping")
    with pytest.raises(InvocationError, match="The type 'Mutable' does not contain a public invokable method with "
                                              "identifier 'ping'"):
        call(dispatcher, "ping", target=object_id)
    monkeypatch.setattr(Mutable, "echo", lambda self, value: "unmarked replacement")
    with pytest.raises(InvocationError, match="identifier 'Echo'"):
        call(dispatcher, "Echo", 7, target=object_id)
    monkeypatch.undo()
    assert call(dispatcher, "ping", target=object_id) == "pong"  # put back: callable again
    added_later.__qualname__ = "Mutable.added_later"
    monkeypatch.setattr(Mutable, "added_later", js_invokable("AddedLater")(added_later), raising=False)
    assert call(dispatcher, "AddedLater", 2, target=object_id) == "added 2"  # added after the first calls


def added_later(self: Mutable, n: int) -> str:
    return f"added {n}"


# Blazor's DotNetDispatcherTest: the same identifier twice in one type is refused.
DUPLICATE_MESSAGE = ("The type '{type}' contains more than one @js_invokable method with identifier '{identifier}' "
                     "({first} and {second}). All @js_invokable methods within the same type must have different "
                     "identifiers. You can pass a custom identifier as a parameter to @js_invokable.")


def test_two_methods_under_one_identifier_are_refused_at_class_creation(monkeypatch):
    with pytest.raises(DuplicateIdentifierError) as info:
        load_module("twice_module", """
        from jsinterop import js_invokable
        class Twice:
            @js_invokable("Ping")
            def ping(self) -> str:
                return "first"

            @js_invokable("Ping")
            def ping_again(self) -> str:
                return "second"
        """, monkeypatch)
    assert str(info.value) == DUPLICATE_MESSAGE.format(type="Twice", identifier="Ping", first="'Twice.ping'",
                                                       second="'Twice.ping_again'")


def test_a_subclass_method_under_an_inherited_identifier_is_refused_at_class_creation(monkeypatch):
    with pytest.raises(DuplicateIdentifierError) as info:
        load_module("inherit_module", """
        from jsinterop import js_invokable
        class Base:
            @js_invokable
            def ping(self) -> str:
                return "base"

        class Derived(Base):
            @js_invokable("ping")
            def other(self) -> str:
                return "derived"
        """, monkeypatch)
    assert str(info.value) == DUPLICATE_MESSAGE.format(type="Derived", identifier="ping", first="'Base.ping'",
                                                       second="'Derived.other'")


def test_an_identifier_from_two_bases_is_refused_when_first_lent(monkeypatch):
    module = load_module("mixin_module", """
    from jsinterop import js_invokable
    class Left:
        @js_invokable("Name")
        def left_name(self) -> str:
            return "left"

    class Right:
        @js_invokable("Name")
        def right_name(self) -> str:
            return "right"

    class Both(Left, Right):
        pass

    class Overrides(Left):
        @js_invokable("Name")
        def left_name(self) -> str:  # the same attribute: an override, not a second method
            return "overridden"
    """, monkeypatch)
    with pytest.raises(DuplicateIdentifierError) as info:
        PyObjectReference.create(module.Both())
    assert str(info.value) == DUPLICATE_MESSAGE.format(type="Both", identifier="Name", first="'Right.right_name'",
                                                       second="'Left.left_name'")
    assert invokable_methods(module.Overrides) == {"Name": "left_name"}


def test_a_reference_tracked_by_one_runtime_is_refused_by_another():
    first, second = PyDispatcher(), PyDispatcher()
    ref = PyObjectReference.create(HelloHelper("Ada"))
    object_id = ref.track_in(first)
    with pytest.raises(PyObjectReferenceError) as info:
        ref.track_in(second)
    assert str(info.value) == (
        "This PyObjectReference to HelloHelper is already being tracked by a different JSRuntime. A common cause "
        "is caching a PyObjectReference globally. Consider creating instances of PyObjectReference at the "
        "JSInterop call site.")
    assert second.objects == {} and ref.track_in(first) == object_id  # still the first runtime's, once
    first.release(object_id)  # released there (the JS wrapper was garbage-collected): the other may lend it
    assert second.tracked(ref.track_in(second)) is ref.value
    assert first.objects == {}


def test_a_reference_disposed_by_javascript_is_disposed_in_python(dispatcher):
    # Blazor's DotNetObjectReferencesCanBeDisposed and CannotUseDotNetObjectRefAfterReleaseDotNetObject.
    ref = PyObjectReference.create(HelloHelper("Ada"))
    object_id = ref.track_in(dispatcher)
    assert ref.disposed is False
    assert dispatcher.release(object_id, True) is True  # what PyObjectRef.dispose() in JS does
    assert ref.disposed is True
    assert repr(ref) == "<PyObjectReference disposed to HelloHelper>"
    with pytest.raises(InvocationError, match=f"There is no tracked object with id '{object_id}'"):
        call(dispatcher, "say_hello", target=object_id)
    with pytest.raises(PyObjectDisposedError) as info:
        ref.track_in(dispatcher)
    assert isinstance(info.value, ValueError)
    assert str(info.value) == ("This PyObjectReference to HelloHelper was disposed by JavaScript "
                               "(PyObjectRef.dispose()); it cannot be sent to JavaScript again: create a new one "
                               "with PyObjectReference.create().")
    ref.dispose()  # disposing again from Python is harmless
    python_side = PyObjectReference.create(HelloHelper("Grace"))
    python_side.dispose()
    with pytest.raises(PyObjectDisposedError, match="^This PyObjectReference has been disposed; it cannot be sent"):
        python_side.track_in(dispatcher)


T = TypeVar("T")
U = TypeVar("U")
N = TypeVar("N", bound=int)
UserId = NewType("UserId", int)


class Box(Generic[T]):
    @js_invokable
    def put(self, value: T) -> str:
        return type(value).__name__

    @js_invokable
    def put_all(self, values: list[T]) -> list[str]:
        return [type(v).__name__ for v in values]

    @js_invokable
    def echo(self, text: str) -> str:  # not generic: Blazor's CanInvokeNonGenericInstanceMethodOnGenericType
        return text


class IntBox(Box[int]):
    pass


class Relabelled(Box[U], Generic[U]):
    pass


class OrderBox(Relabelled[Order]):
    pass


class Numbered(Generic[N]):
    @js_invokable
    def put(self, value: N) -> str:
        return type(value).__name__


class Unconvertible(Generic[T]):
    @js_invokable
    def put(self, value: T) -> str:
        return "unreachable"


@js_invokable
def by_user_id(user: UserId) -> int:
    return user


def test_typevar_parameters_are_converted_by_the_instance_type_argument(dispatcher):
    order = {"orderId": 1, "itemNames": ["pen"]}
    cases = [  # (instance, value, the type the method received)
        (Box[int](), 5, "int"),                      # __orig_class__
        (Box[Order](), order, "Order"),
        (IntBox(), 5, "int"),                        # the class's __orig_bases__
        (OrderBox(), order, "Order"),                # through a base that renames the parameter
        (Relabelled[Order](), order, "Order"),
        (Box(), order, "dict"),                      # no type argument, no bound: Any
        (Numbered(), 3, "int"),                      # the TypeVar's bound
    ]
    for instance, value, received in cases:
        object_id = dispatcher.track(instance)
        assert call(dispatcher, "put", value, target=object_id) == received, instance
    box = dispatcher.track(Box[Order]())
    assert call(dispatcher, "put_all", [order, order], target=box) == ["Order", "Order"]
    assert call(dispatcher, "echo", "hello world", target=box) == "hello world"
    # Blazor's CannotInvokeMethodsWithGenericParameters_IfTypesDoNotMatch
    for instance in (Box[int](), IntBox(), Numbered()):
        with pytest.raises(InvocationError) as info:
            call(dispatcher, "put", "hello world", target=dispatcher.track(instance))
        assert str(info.value) == ("Invalid argument for parameter 'value' of 'put': value: expected int, got string "
                                   "('hello world')")
    with pytest.raises(InvocationError, match=r"parameter 'values' of 'put_all': values\[1\].order_id: expected int"):
        call(dispatcher, "put_all", [order, {"orderId": "x", "itemNames": []}], target=box)


def test_an_annotation_that_cannot_be_converted_is_an_invocation_error_naming_the_parameter(dispatcher):
    with pytest.raises(InvocationError) as info:
        call(dispatcher, "put", 1, target=dispatcher.track(Unconvertible[UserId]()))
    assert str(info.value) == (f"The parameter 'value' of 'put' cannot be converted from JavaScript: its annotation "
                               f"({MODULE}.UserId) is not a type that arguments can be converted to.")
    with pytest.raises(InvocationError) as info:
        call(dispatcher, "by_user_id", 1)
    assert str(info.value) == (f"The parameter 'user' of 'by_user_id' cannot be converted from JavaScript: its "
                               f"annotation ({MODULE}.UserId) is not a type that arguments can be converted to.")


def test_methods_stay_plain_methods_with_decorators_stacked_around_the_mark(dispatcher, monkeypatch):
    module = load_module("stacked_module", """
    import abc, functools
    from jsinterop import js_invokable

    def logged(func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            return func(*args, **kwargs)
        return wrapper

    class Shape(abc.ABC):
        @logged
        @js_invokable
        def double(self, x: int) -> int:
            return 2 * x

        @abc.abstractmethod
        @js_invokable
        def area(self, scale: int) -> int: ...

        @staticmethod
        @js_invokable
        def version(major: int) -> str:
            return f"v{major}"

        @js_invokable("Outer")
        @js_invokable("Inner")
        def named(self) -> str:
            return "named"

    class Square(Shape):
        @js_invokable
        def area(self, scale: int) -> int:
            return 4 * scale
    """, monkeypatch)
    assert module.Shape.__abstractmethods__ == frozenset({"area"})
    assert type(vars(module.Shape)["area"]) is types.FunctionType and module.Shape.version(1) == "v1"
    assert invokable_methods(module.Square) == {"double": "double", "area": "area", "version": "version",
                                                "Outer": "named"}
    square = PyObjectReference.create(module.Square()).track_in(dispatcher)
    assert [call(dispatcher, "double", 3, target=square), call(dispatcher, "area", 2, target=square),
            call(dispatcher, "version", 3, target=square), call(dispatcher, "Outer", target=square)] == [6, 8, "v3",
                                                                                                         "named"]
    for identifier in ("double", "version"):
        with pytest.raises(InvocationError, match="expected int, got string"):
            call(dispatcher, identifier, "x", target=square)
