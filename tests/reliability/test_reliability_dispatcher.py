"""Property-based tests of the dispatcher of calls from JavaScript (PyDispatcher, on CPython):
random module names, identifiers, targets (object ids), argument counts and payloads, sync and async.

A model written from the documented rules (the registry of this module, Blazor's error wordings)
says what each call must give: the function's result, exactly, or an InvocationError with the exact
message naming what was wrong (the module and identifier, the object id, the expected and received
argument counts, the parameter and what its value should have been), or the documented
OverflowError of a result past 2**53. Any other exception fails the test. After every call the
dispatcher still serves a normal call and holds the same objects."""

from __future__ import annotations

import asyncio
import collections
import dataclasses
import enum
import math
import re
from collections.abc import Callable
from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from reliability_support import any_ints, floats, json_like, reliable, same, texts

from jsinterop import DeserializationError, InvocationError, PyObjectReference, js_invokable
from jsinterop.py_dispatcher import PyDispatcher
from jsinterop.serialization import deserialize, serialize

MODULE = __name__


@dataclasses.dataclass
class Point:
    x: float
    y: float


class Shade(enum.Enum):
    LIGHT = "light"
    DARK = "dark"


@js_invokable
def add(a: int, b: int = 10) -> int:
    return a + b


@js_invokable
def join(parts: list[str], sep: str = ",") -> str:
    return sep.join(parts)


@js_invokable
def norm(p: Point) -> float:
    return math.hypot(p.x, p.y)


@js_invokable("ShadeName")
def shade_name(shade: Shade, loud: bool) -> str:
    return shade.value.upper() if loud else shade.value


@js_invokable
def maybe(n: int | None) -> int:
    return -1 if n is None else n


@js_invokable
def scale(values: dict[str, float], factor: float) -> dict[str, float]:
    return {k: v * factor for k, v in values.items()}


@js_invokable
def total(*values: float) -> float:
    return sum(values, 0.0)


@js_invokable
def pair(t: tuple[int, str]) -> list[Any]:
    return [t[1], t[0]]


@js_invokable
def size(data: bytes) -> int:
    return len(data)


@js_invokable
def echo(value):  # noqa: ANN001, ANN201 (no annotation: plain values, as they arrived)
    return value


@js_invokable("EchoAsync")
async def echo_async(value: Any) -> Any:
    await asyncio.sleep(0)
    return value


def unmarked(value: Any) -> Any:
    return value


class Scaler:
    """A lent object: two invokable methods, and attributes JavaScript must not reach."""

    def __init__(self, factor: int) -> None:
        self.factor = factor

    @js_invokable
    def times(self, n: int) -> int:
        return self.factor * n

    @js_invokable("FactorAsync")
    async def factor_async(self) -> int:
        await asyncio.sleep(0)
        return self.factor

    def reset(self) -> None:
        self.factor = 0


@dataclasses.dataclass(frozen=True)
class Signature:
    """What the model knows of an invokable: its parameters (name, annotation), how many are required,
    the *args parameter, whether it is async, and the function itself."""

    params: tuple[tuple[str, Any], ...]
    required: int
    variadic: tuple[str, Any] | None
    is_async: bool
    func: Callable[..., Any]


FUNCTIONS = {
    "add": Signature((("a", int), ("b", int)), 1, None, False, add),
    "join": Signature((("parts", list[str]), ("sep", str)), 1, None, False, join),
    "norm": Signature((("p", Point),), 1, None, False, norm),
    "ShadeName": Signature((("shade", Shade), ("loud", bool)), 2, None, False, shade_name),
    "maybe": Signature((("n", int | None),), 1, None, False, maybe),
    "scale": Signature((("values", dict[str, float]), ("factor", float)), 2, None, False, scale),
    "total": Signature((), 0, ("values", float), False, total),
    "pair": Signature((("t", tuple[int, str]),), 1, None, False, pair),
    "size": Signature((("data", bytes),), 1, None, False, size),
    "echo": Signature((("value", Any),), 1, None, False, echo),
    "EchoAsync": Signature((("value", Any),), 1, None, True, echo_async),
}
METHODS = {
    "times": Signature((("n", int),), 1, None, False, Scaler.times),
    "FactorAsync": Signature((), 0, None, True, Scaler.factor_async),
}

# Names that exist in this module or on the lent object but are not invokable by these names.
UNREACHABLE = ["unmarked", "shade_name", "echo_async", "Scaler", "Point", "Shade", "asyncio", "math", "MODULE",
               "factor", "reset", "factor_async", "__init__", "__class__", "__dict__", "__globals__", "__module__",
               "__call__", "__code__", "__subclasses__", "__import__", "__builtins__", "_private", "eval", "exec",
               "open", "getattr", "print", "add.__globals__", "Scaler.times", "times.__func__"]


# --- payloads ----------------------------------------------------------------------------------

def wire_for(annotation: Any) -> st.SearchStrategy[Any]:
    """Wire data that fits ``annotation`` most of the time (as JavaScript would send it)."""
    strategies: dict[Any, st.SearchStrategy[Any]] = {
        int: any_ints,
        float: floats | any_ints,
        str: texts,
        bool: st.booleans(),
        bytes: st.binary(max_size=8),
        list[str]: st.lists(texts, max_size=3),
        dict[str, float]: st.dictionaries(texts, floats, max_size=3),
        tuple[int, str]: st.tuples(any_ints, texts).map(list),
        int | None: st.none() | any_ints | floats,
        Point: st.fixed_dictionaries({st.sampled_from(["x", "X"]): floats, "y": floats}),
        Shade: st.sampled_from(["light", "dark", "LIGHT", "Dark", "purple", ""]),
        Any: json_like(any_ints, max_leaves=6),
    }
    return strategies[annotation]


random_values = json_like(any_ints, max_leaves=6) | st.binary(max_size=4)


def weighted(draw: st.DrawFn, *choices: tuple[int, st.SearchStrategy[Any]]) -> Any:
    """Draw from one of ``choices`` (weight, strategy); the first shrinks best."""
    pick = draw(st.integers(0, sum(w for w, _ in choices) - 1))
    for weight, strategy in choices:
        if pick < weight:
            return draw(strategy)
        pick -= weight
    raise AssertionError


@st.composite
def arguments(draw: st.DrawFn, identifier: Any, table: dict[str, Signature]) -> list[Any]:
    """Arguments for ``identifier``: well typed, of a random count, or random values."""
    signature = table.get(identifier) if isinstance(identifier, str) else None
    if signature is None or draw(st.integers(0, 5)) == 0:
        return draw(st.lists(random_values, max_size=4))
    params = [a for _, a in signature.params] + ([signature.variadic[1]] * 3 if signature.variadic else [])
    count = weighted(draw, (5, st.integers(signature.required, len(params))),
                     (1, st.integers(max(0, signature.required - 1), len(params) + 1)))
    return [draw(wire_for(params[i])) if i < len(params) and draw(st.integers(0, 7)) else draw(random_values)
            for i in range(count)]


not_strings = st.one_of(st.integers(-3, 3), st.lists(st.integers(), max_size=1), st.just(b"add"), st.floats())
other_modules = st.sampled_from([f"{MODULE}.add", f"{MODULE}.Scaler", "builtins", "os", "sys", "jsinterop", "__main__",
                                 "", None])


@st.composite
def calls(draw: st.DrawFn, live: int, hostile_targets: st.SearchStrategy[Any]) -> tuple[Any, Any, Any, list[Any], bool]:
    """(module, identifier, target, args, synchronous): mostly well-formed, often not."""
    target = weighted(draw, (6, st.just(0)), (2, st.just(live)), (2, hostile_targets))
    table = METHODS if target else FUNCTIONS
    module = weighted(draw, (7, st.just(MODULE)), (1, other_modules), (1, texts), (1, not_strings))
    identifier = weighted(draw, (7, st.sampled_from(sorted(table))), (1, st.sampled_from(UNREACHABLE)), (1, texts),
                          (1, not_strings))
    return module, identifier, target, draw(arguments(identifier, table)), draw(st.booleans())


# --- the model -----------------------------------------------------------------------------------

def described(value: Any) -> str:
    """How an error message shows a value of the wrong type: its type, and its repr cut to 60 characters."""
    shown = value[:61] if isinstance(value, (str, bytes)) else value
    return f"{type(value).__name__} ({repr(shown)[:60]})"


def expected_outcome(module: Any, identifier: Any, target: Any, args: list[Any], synchronous: bool,
                     objects: dict[int, Any], run: Callable[[Any], Any]) -> tuple[str, Any]:
    """("error", message) for an InvocationError, ("overflow", message) for a result past 2**53, or
    ("result", value) with the result of calling the function directly."""
    if not isinstance(identifier, str) or not (module is None or isinstance(module, str)):
        return "error", f"The identifier and module name must be strings, got {described(identifier)} and {described(module)}."
    if target:
        if type(target) is not int or target not in objects:
            return "error", f"There is no tracked object with id '{target}'. Perhaps the object was disposed?"
        obj = objects[target]
        signature = METHODS.get(identifier)
        if signature is None:
            return "error", (f"The type '{type(obj).__name__}' does not contain a public invokable method with "
                             f"identifier '{identifier}'.")
        bound: list[Any] = [obj]
    else:
        signature = FUNCTIONS.get(identifier) if module == MODULE else None
        if signature is None:
            return "error", (f"The module '{module}' does not contain a public invokable method with identifier "
                             f"'{identifier}'.")
        bound = []
    total_params = len(signature.params)
    if len(args) < signature.required or (len(args) > total_params and signature.variadic is None):
        expected = (str(signature.required) if signature.required == total_params and signature.variadic is None
                    else f"at least {signature.required}" if signature.variadic is not None
                    else f"{signature.required} to {total_params}")
        return "error", (f"The method '{identifier}' expects {expected} argument{'' if expected == '1' else 's'} "
                         f"but received {len(args)}.")
    converted = []
    for i, value in enumerate(args):
        if i < total_params:
            name, annotation = signature.params[i]
            where = name
        else:
            name, annotation = signature.variadic  # type: ignore[misc]
            where = f"{name}[{i - total_params}]"
        try:
            converted.append(deserialize(value, annotation, where))
        except DeserializationError as e:
            return "error", f"Invalid argument for parameter '{name}' of '{identifier}': {e}"
    if synchronous and signature.is_async:
        return "error", f"The method '{identifier}' is async (async def): call it with invokeMethodAsync."
    value = run(signature.func(*bound, *converted))
    try:
        serialize(value, "result")
    except OverflowError as e:  # its wording and path are the serializer tests' concern
        return "overflow", str(e)
    return "result", value


def settle(result: Any, loop: asyncio.AbstractEventLoop) -> Any:
    return loop.run_until_complete(result) if asyncio.iscoroutine(result) else result


def check_call(dispatcher: PyDispatcher, loop: asyncio.AbstractEventLoop, module: Any, identifier: Any, target: Any,
               args: list[Any], synchronous: bool) -> tuple[str, Any]:
    """Make the call; check it ended as the model says (and in no other exception); return the model's answer."""
    kind, expected = expected_outcome(module, identifier, target, args, synchronous, dispatcher.objects,
                                      lambda r: settle(r, loop))
    try:
        value = settle(dispatcher.call(module, identifier, target, list(args), synchronous), loop)
        wire = dispatcher.result(value)
    except InvocationError as e:
        assert kind == "error", f"unexpected InvocationError: {e}"
        assert str(e) == expected
        assert dispatcher.error_info(e) == {"name": "Error", "message": expected}
    except OverflowError as e:
        assert kind == "overflow", f"unexpected OverflowError: {e}"
        assert str(e) == expected and str(e).startswith("result")
    else:
        assert kind == "result", f"expected {kind}: {expected}, got the result {value!r}"
        assert same(expected, value)
        assert same(serialize(expected, "result"), wire)
    return kind, expected


def test_random_calls_end_in_a_result_or_a_clear_error() -> None:
    dispatcher = PyDispatcher()
    scaler = PyObjectReference.create(Scaler(3))
    live = scaler.track_in(dispatcher)
    gone = PyObjectReference.create(Scaler(4))
    disposed = gone.track_in(dispatcher)
    gone.dispose()
    loop = asyncio.new_event_loop()
    hostile_targets = st.sampled_from([disposed, 999_999, -1, True, 1.0, "1", None, "", [], [live], math.nan, 2**70])
    outcomes: collections.Counter[str] = collections.Counter()

    @reliable(600)
    @given(st.data())
    def call(data: st.DataObject) -> None:
        module, identifier, target, args, synchronous = data.draw(calls(live, hostile_targets), label="call")
        kind, expected = check_call(dispatcher, loop, module, identifier, target, args, synchronous)
        outcomes[kind if kind != "error" else FAMILIES.search(expected).group(0)] += 1
        # Whatever happened, the dispatcher still serves and holds exactly what it held.
        assert dispatcher.call(MODULE, "add", 0, [1, 2], True) == 3
        assert dispatcher.call(None, "times", live, [5], True) == 15
        assert list(dispatcher.objects) == [live]

    try:
        call()
    finally:
        loop.close()
    # The payloads reached every outcome, not only the errors.
    assert outcomes["result"] >= 50 and outcomes["overflow"] >= 3, outcomes
    assert len(outcomes) == 9 and min(outcomes.values()) >= 3, outcomes


FAMILIES = re.compile(r"^The identifier and module|^There is no tracked object|^The type|^The module|expects|"
                      r"^Invalid argument|is async")
"""The kinds of InvocationError: what a payload got wrong."""


def test_well_typed_calls_give_the_function_result() -> None:
    """Every invokable, called with wire data of the right types, gives what the function gives."""
    loop = asyncio.new_event_loop()
    dispatcher = PyDispatcher()

    @reliable(200)
    @given(st.sampled_from(sorted(FUNCTIONS)), st.data())
    def call(identifier: str, data: st.DataObject) -> None:
        signature = FUNCTIONS[identifier]
        params = [a for _, a in signature.params] + ([signature.variadic[1]] * 2 if signature.variadic else [])
        count = data.draw(st.integers(signature.required, len(params)), label="count")
        args = [data.draw(wire_for(params[i]), label=f"args[{i}]") for i in range(count)]
        kind, expected = expected_outcome(MODULE, identifier, 0, args, False, {}, lambda r: settle(r, loop))
        try:
            value = settle(dispatcher.call(MODULE, identifier, 0, args, synchronous=False), loop)
        except InvocationError as e:
            assert (kind, expected) == ("error", str(e))
            return
        assert kind in ("result", "overflow") and (kind == "overflow" or same(expected, value))

    try:
        call()
    finally:
        loop.close()


def test_random_payloads_for_every_invokable() -> None:
    """Each invokable and each method of the lent object, called with random values of random count."""
    loop = asyncio.new_event_loop()
    dispatcher = PyDispatcher()
    live = PyObjectReference.create(Scaler(2)).track_in(dispatcher)
    names = [(MODULE, name, 0) for name in sorted(FUNCTIONS)] + [(None, name, live) for name in sorted(METHODS)]

    @reliable(300)
    @given(st.sampled_from(names), st.lists(random_values, max_size=4), st.booleans())
    def call(where: tuple[Any, str, int], args: list[Any], synchronous: bool) -> None:
        check_call(dispatcher, loop, *where, args, synchronous)
        assert list(dispatcher.objects) == [live]

    try:
        call()
    finally:
        loop.close()
