"""Property-based tests of the serializer (CPython, hypothesis): generated dataclass, NamedTuple and
enum TYPES with nested, Optional, list, dict and tuple fields, and their values; plain dicts and
lists; unicode with lone surrogates; NaN and the infinities; ints at and past 2**53.

Each value either crosses and comes back exactly (NaN as NaN) — through JSON text, through what
JavaScript's JSON makes of numbers, and through the fake runtime's call path — or raises the
runtime's documented error (OverflowError, SerializationError, UnsupportedTypeError,
DeserializationError) whose message starts with the path of the place inside the value that is
wrong. Data from JavaScript that does not fit a type fails the same way and never with another
exception type."""

from __future__ import annotations

import dataclasses
import decimal
import enum
import functools
import itertools
import keyword
import math
import typing
from collections.abc import Callable
from typing import Any, NamedTuple, Optional, Union

import pytest
from hypothesis import given
from hypothesis import strategies as st
from reliability_support import (
    MAX_SAFE,
    any_ints,
    floats,
    json_like,
    path_text,
    path_within,
    reliable,
    safe_ints,
    same,
    texts,
    through_js,
    through_json,
)

from jsinterop import DeserializationError, SerializationError, UnsupportedTypeError
from jsinterop.serialization import MAX_DEPTH, camel_case, deserialize, serialize
from jsinterop.testing import ANY, FakeJSRuntime

# --- generated types -----------------------------------------------------------------------------

_counter = itertools.count()

# Field names from a small alphabet, so that names which collide once camelCased (a_b and aB) or
# once folded for case-insensitive matching (aB and ab, a_ and a) come up often.
field_names = st.from_regex(r"[ab][abB_1]{0,3}", fullmatch=True) | st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True)
usable_field_names = field_names.filter(lambda s: s.isidentifier() and not keyword.iskeyword(s))
snake_names = st.from_regex(r"[a-z]{1,3}_[a-z]{1,3}", fullmatch=True)
renames = st.none() | field_names


@st.composite
def enum_types(draw: st.DrawFn) -> type[enum.Enum]:
    n = next(_counter)
    if draw(st.booleans()):
        values: list[Any] = draw(st.lists(texts, min_size=1, max_size=4, unique=True))
        base: type[enum.Enum] = enum.Enum
    else:
        values = draw(st.lists(safe_ints, min_size=1, max_size=4, unique=True))
        base = draw(st.sampled_from([enum.Enum, enum.IntEnum]))
    return base(f"GenEnum{n}", {f"M{i}": v for i, v in enumerate(values)})  # type: ignore[return-value]


leaf_types = st.sampled_from([int, float, str, bool]) | enum_types()


@st.composite
def record_types(draw: st.DrawFn, child: st.SearchStrategy[Any], collide: bool = False) -> type:
    """A dataclass (frozen or not, some fields renamed with js_name) or a NamedTuple; with ``collide``,
    two of its fields go out under the same JS name (by camelCase, or by a js_name)."""
    n = next(_counter)
    names = draw(st.lists(usable_field_names, min_size=1, max_size=4, unique=True))
    js_names: list[str | None] = [draw(renames) for _ in names]
    tuple_kind = draw(st.integers(0, 3)) == 0
    if collide:
        snake = draw(snake_names.filter(lambda s: s not in names))
        if tuple_kind:  # NamedTuple fields have no js_name: collide by camelCase
            names += [snake, camel_case(snake)] if camel_case(snake) not in names else [snake]
            js_names += [None, None]
        else:
            i = draw(st.integers(0, len(names) - 1))
            names.append(snake)
            js_names.append(js_names[i] or camel_case(names[i]))
    hints = [draw(child) for _ in names]
    if tuple_kind:
        return NamedTuple(f"GenTuple{n}", list(zip(names, hints, strict=True)))  # type: ignore[return-value]
    fields = [(name, hint, dataclasses.field(metadata={"js_name": renamed} if renamed else {}))
              for name, hint, renamed in zip(names, hints, js_names, strict=True)]
    return dataclasses.make_dataclass(f"GenRecord{n}", fields, frozen=draw(st.booleans()))


@st.composite
def annotations(draw: st.DrawFn, depth: int = 3) -> Any:
    """A type annotation: a leaf, or Optional/list/dict/tuple/record of smaller annotations."""
    if depth == 0 or draw(st.integers(0, 3)) == 0:
        return draw(leaf_types)
    child = _ANNOTATIONS[depth - 1]
    kind = draw(st.sampled_from(["optional", "list", "dict", "tuple...", "tuple2", "record", "record"]))
    if kind == "optional":
        return Optional[draw(child)]  # noqa: UP045 (the spelling under test)
    if kind == "list":
        return list[draw(child)]
    if kind == "dict":
        return dict[str, draw(child)]
    if kind == "tuple...":
        return tuple[draw(child), ...]
    if kind == "tuple2":
        return tuple[draw(child), draw(child)]
    return draw(_RECORDS[depth - 1])


# Strategies built once: building them inside each draw costs more than the tests themselves.
_ANNOTATIONS = [annotations(0)]
_RECORDS = [record_types(_ANNOTATIONS[0])]
for _depth in (1, 2, 3):
    _ANNOTATIONS.append(annotations(_depth))
    _RECORDS.append(record_types(_ANNOTATIONS[_depth]))


def _is_record(tp: Any) -> bool:
    return isinstance(tp, type) and (dataclasses.is_dataclass(tp) or (issubclass(tp, tuple) and hasattr(tp, "_fields")))


def record_fields(tp: type) -> list[tuple[str, str, Any]]:
    """(Python name, JS name, annotation) of each field of a generated record."""
    hints = typing.get_type_hints(tp)
    if dataclasses.is_dataclass(tp):
        return [(f.name, f.metadata.get("js_name", camel_case(f.name)), hints[f.name]) for f in dataclasses.fields(tp)]
    return [(name, camel_case(name), hints[name]) for name in tp._fields]


@functools.lru_cache(maxsize=None)
def values_of(tp: Any, unsafe_ints: bool) -> st.SearchStrategy[Any]:
    """Values of the annotation ``tp``; with ``unsafe_ints`` ints may be past 2**53 - 1."""
    if tp is int:
        return any_ints if unsafe_ints else safe_ints
    if tp is float:
        return floats
    if tp is str:
        return texts
    if tp is bool:
        return st.booleans()
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return st.sampled_from(list(tp))
    if _is_record(tp):
        return st.builds(tp, **{name: values_of(hint, unsafe_ints) for name, _, hint in record_fields(tp)})
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin is Union:
        return st.none() | values_of(args[0], unsafe_ints)
    if origin is list:
        return st.lists(values_of(args[0], unsafe_ints), max_size=3)
    if origin is dict:
        return st.dictionaries(texts, values_of(args[1], unsafe_ints), max_size=3)
    if origin is tuple and args[-1] is Ellipsis:
        return st.lists(values_of(args[0], unsafe_ints), max_size=3).map(tuple)
    if origin is tuple:
        return st.tuples(*(values_of(a, unsafe_ints) for a in args))
    raise AssertionError(f"no strategy for {tp!r}")


# --- the model of what must go wrong, written without the serializer ------------------------------

Steps = list[str | int]


def collision(tp: type) -> tuple[str, str] | None:
    """Two fields of a record that would go out under the same JS name, if any."""
    seen: dict[str, str] = {}
    for name, js_name, _ in record_fields(tp):
        if js_name in seen:
            return seen[js_name], name
        seen[js_name] = name
    return None


def first_fault(value: Any, steps: Steps, level: int, ancestors: set[int]) -> tuple[str, Steps, Any] | None:
    """The first thing, in the order the serializer visits it, that cannot be sent: (kind, steps, detail)."""
    if value is None or isinstance(value, (bool, str, float)):
        return None
    if isinstance(value, enum.Enum):
        return first_fault(value.value, steps, level, ancestors)
    if isinstance(value, int):
        return None if -MAX_SAFE <= value <= MAX_SAFE else ("overflow", steps, value)
    if not isinstance(value, (list, tuple, dict, set, frozenset)) and not dataclasses.is_dataclass(value):
        return ("unsupported", steps, type(value))
    if level > MAX_DEPTH:
        return ("depth", steps, None)
    if id(value) in ancestors:
        return ("cycle", steps, None)
    inner = ancestors | {id(value)}
    if _is_record(type(value)):
        clash = collision(type(value))
        if clash:
            return ("collision", steps, clash)
        for name, _, _ in record_fields(type(value)):
            fault = first_fault(getattr(value, name), [*steps, name], level + 1, inner)
            if fault:
                return fault
        return None
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                return ("key", steps, key)
            fault = first_fault(item, [*steps, key], level + 1, inner)
            if fault:
                return fault
        return None
    for i, item in enumerate(value):
        fault = first_fault(item, [*steps, i], level + 1, inner)
        if fault:
            return fault
    return None


def check_refused(error: BaseException, fault: tuple[str, Steps, Any], root: str) -> None:
    """``error`` is the documented one for ``fault``, and its message starts with the fault's path."""
    kind, steps, detail = fault
    path = path_text(root, steps)
    expected = {
        "overflow": (OverflowError, f"{path}: the int {detail} is outside JavaScript's safe integer range"),
        "depth": (SerializationError, f"{path}: nesting is deeper than the maximum depth of {MAX_DEPTH}"),
        "cycle": (SerializationError, f"{path}: reference cycle"),
        "unsupported": (UnsupportedTypeError, f"{path}: cannot send a value of type "),
        "key": (UnsupportedTypeError, f"{path}: dict keys must be str, got a key of type {type(detail).__name__}"),
        "collision": (UnsupportedTypeError, f"{path}: "),
    }[kind]
    assert isinstance(error, expected[0]), f"{kind} at {path}: got {type(error).__name__}: {error}"
    assert str(error).startswith(expected[1]), f"{kind} at {path}: got {error}"
    if isinstance(error, SerializationError):
        assert error.path == path
    if kind == "collision":
        first, second = detail
        assert f"'{first}'" in str(error) and f"'{second}'" in str(error), str(error)


def echo_runtime() -> FakeJSRuntime:
    """A fake runtime whose JS function ``echo`` returns its argument: a full trip out and back."""
    fake = FakeJSRuntime()
    fake.setup("echo", ANY, returns=lambda value: value)
    return fake


# --- generated records: out and back -------------------------------------------------------------

@reliable(300)
@given(st.data())
def test_generated_records_round_trip_or_name_the_fault(data: st.DataObject) -> None:
    tp = data.draw(_ANNOTATIONS[3], label="type")
    unsafe = data.draw(st.booleans(), label="unsafe ints")
    value = data.draw(values_of(tp, unsafe), label="value")
    fault = first_fault(value, [], 1, set())
    try:
        wire = serialize(value, "value")
    except (OverflowError, SerializationError) as e:
        assert fault is not None, f"refused a value that can be sent: {e!r}"
        check_refused(e, fault, "value")
        with pytest.raises((OverflowError, SerializationError)) as info:
            echo_runtime().invoke("echo", value, returns=tp)
        check_refused(info.value, fault, "args[0]")
        return
    assert fault is None, f"sent a value with a fault: {fault}"
    assert same(value, deserialize(through_json(wire), tp, "result"))
    assert same(value, deserialize(through_js(wire), tp, "result"))
    assert same(value, echo_runtime().invoke("echo", value, returns=tp))


_COLLIDING = record_types(leaf_types, collide=True)


@reliable(150)
@given(st.data())
def test_records_whose_fields_collide_are_refused_both_ways(data: st.DataObject) -> None:
    tp = data.draw(_COLLIDING, label="type")
    assert collision(tp) is not None
    value = data.draw(values_of(tp, False))
    with pytest.raises(UnsupportedTypeError) as info:
        serialize({"items": [value]}, "args[0]")
    check_refused(info.value, ("collision", ["items", 0], collision(tp)), "args[0]")
    wire = {name: None for _, name, _ in record_fields(tp)}
    with pytest.raises(UnsupportedTypeError) as info:
        deserialize([wire], list[tp], "result")
    check_refused(info.value, ("collision", [0], collision(tp)), "result")


# --- plain values, with one planted fault ----------------------------------------------------------

class _Opaque:
    pass


def _unsupported() -> st.SearchStrategy[Any]:
    return st.sampled_from([decimal.Decimal("1.5"), 1j, _Opaque(), len, int, b"x".hex, range(2), Ellipsis])


def _containers(value: Any, steps: Steps, chain: list[Any]) -> list[tuple[Any, Steps, list[Any]]]:
    """Every list and dict inside ``value`` with its steps and the containers above it (itself included)."""
    if not isinstance(value, (list, dict)):
        return []
    here = [*chain, value]
    found = [(value, steps, here)]
    items = value.items() if isinstance(value, dict) else enumerate(value)
    for key, item in items:
        found += _containers(item, [*steps, key], here)
    return found


_PLAIN_CONTAINERS = st.lists(json_like(any_ints), max_size=3) | st.dictionaries(texts, json_like(any_ints), max_size=3)
_UNSUPPORTED = _unsupported()
_BAD_KEYS = st.sampled_from([1, None, (1, 2), 1.5, True])


@st.composite
def planted(draw: st.DrawFn) -> Any:
    """A JSON-like value (ints past 2**53 too) with, sometimes, one planted fault: an unsupported object,
    a non-str key, a reference to one of its own containers (a cycle), or nesting past the depth limit."""
    value = draw(_PLAIN_CONTAINERS)
    how = draw(st.sampled_from(["none", "unsupported", "key", "cycle", "deep"]))
    if how == "none":
        return value
    holder, _, chain = draw(st.sampled_from(_containers(value, [], [])))
    if how == "unsupported":
        poison: Any = draw(_UNSUPPORTED)
    elif how == "key":
        poison = {draw(_BAD_KEYS): "x"}
    elif how == "cycle":
        poison = draw(st.sampled_from(chain))
    else:
        poison = "leaf"
        for _ in range(draw(st.integers(MAX_DEPTH - 8, MAX_DEPTH + 8))):
            poison = [poison] if draw(st.booleans()) else {"k": poison}
    if isinstance(holder, list):
        holder.insert(draw(st.integers(0, len(holder))), poison)
    else:
        holder[draw(texts)] = poison
    return value


@reliable(400)
@given(planted())
def test_plain_values_round_trip_or_name_the_fault(value: Any) -> None:
    fault = first_fault(value, [], 1, set())
    try:
        wire = serialize(value, "value")
    except (OverflowError, SerializationError) as e:
        assert fault is not None, f"refused a value that can be sent: {e!r}"
        check_refused(e, fault, "value")
        with pytest.raises((OverflowError, SerializationError)) as info:
            echo_runtime().invoke("echo", value)
        check_refused(info.value, fault, "args[0]")
        return
    assert fault is None, f"sent a value with a fault: {fault}"
    assert same(value, wire)
    assert same(value, deserialize(through_json(wire), Any))
    assert same(value, deserialize(through_json(wire), type(value)))
    assert same(value, deserialize(through_js(wire), type(value)), strict=False)
    assert same(value, echo_runtime().invoke("echo", value))


@reliable(200)
@given(st.one_of(texts, floats, any_ints, st.booleans(), st.none()))
def test_scalars_cross_exactly_or_are_refused(value: Any) -> None:
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_SAFE:
        with pytest.raises(OverflowError, match=r"^args\[2\]: the int -?\d+ is outside JavaScript's safe integer range"):
            serialize(value, "args[2]")
        return
    assert same(value, serialize(value))
    assert same(value, deserialize(through_json([serialize(value)]), list[type(value)])[0])
    assert same(value, echo_runtime().invoke("echo", value))


def test_the_safe_integer_boundary_exactly() -> None:
    for ok in (2**53 - 1, -(2**53 - 1)):
        assert serialize({"n": ok}) == {"n": ok}
        assert deserialize(through_js([float(ok)]), list[int]) == [ok]
    for bad in (2**53, -(2**53)):
        with pytest.raises(OverflowError, match=r"^value\.n: the int "):
            serialize({"n": bad})


# --- data from JavaScript that does not fit ---------------------------------------------------------

Place = tuple[Steps, Callable[[Any], Any], Any, bool, Any]


def _mutations(wire: Any, tp: Any, steps: Steps) -> list[Place]:
    """Places to damage in ``wire`` (of type ``tp``): (Python steps of the place, how to reach the
    container in the wire, the key in that container, whether that container is a record, the
    annotation of the place)."""
    found: list[Place] = []

    def walk(node: Any, tp: Any, steps: Steps, reach: Callable[[Any], Any]) -> None:
        origin, args = typing.get_origin(tp), typing.get_args(tp)
        if origin is Union:
            if node is not None:
                walk(node, args[0], steps, reach)
            return
        if _is_record(tp) and isinstance(node, dict):
            for name, js_name, hint in record_fields(tp):
                if js_name in node:
                    found.append(([*steps, name], reach, js_name, True, hint))
                    walk(node[js_name], hint, [*steps, name], lambda w, r=reach, k=js_name: r(w)[k])
        elif origin is dict and isinstance(node, dict):
            for key in node:
                found.append(([*steps, key], reach, key, False, args[1]))
                walk(node[key], args[1], [*steps, key], lambda w, r=reach, k=key: r(w)[k])
        elif origin in (list, tuple) and isinstance(node, list):
            for i, item in enumerate(node):
                item_tp = args[0] if origin is list or args[-1] is Ellipsis else args[i]
                found.append(([*steps, i], reach, i, False, item_tp))
                walk(item, item_tp, [*steps, i], lambda w, r=reach, k=i: r(w)[k])

    walk(wire, tp, steps, lambda w: w)
    return found


_REPLACEMENTS = json_like(any_ints, max_leaves=4)
def _collides(tp: Any, seen: frozenset[int] = frozenset()) -> bool:
    """Whether a record anywhere in ``tp`` (inside an Optional, a list, a dict, a record) has two fields
    that cross under one JS name: such a type cannot be sent at all, even as None."""
    if id(tp) in seen:
        return False
    seen = seen | {id(tp)}
    if _is_record(tp):
        return collision(tp) is not None or any(_collides(t, seen) for _, _, t in record_fields(tp))
    return any(_collides(t, seen) for t in typing.get_args(tp))


_FITTING_TYPES = _ANNOTATIONS[3].filter(lambda t: not _collides(t))


@reliable(300)
@given(st.data())
def test_data_that_does_not_fit_names_the_place(data: st.DataObject) -> None:
    tp = data.draw(_FITTING_TYPES, label="type")
    value = data.draw(values_of(tp, False), label="value")
    if first_fault(value, [], 1, set()) is not None:  # a nested record with colliding fields
        return
    wire = [through_js(serialize(value))]
    places = _mutations(wire, list[tp], [])
    if not places:
        return
    steps, reach, key, in_record, hint = data.draw(st.sampled_from(places), label="place")
    how = data.draw(st.sampled_from(["replace", "delete", "recase", "extra", "array"]), label="how")
    container = reach(wire)
    if how == "array" and isinstance(container[key], dict):
        # A record sent as an array of its field values (what a NamedTuple accepts), of any length.
        values = list(container[key].values())
        container[key] = data.draw(st.sampled_from([values, values[:-1], [*values, 0], []]), label="array")
    elif how == "replace":
        container[key] = data.draw(_REPLACEMENTS, label="replacement")
    elif how == "delete" and isinstance(container, dict):
        del container[key]
    elif how == "recase" and isinstance(container, dict) and isinstance(key, str):
        container[data.draw(st.sampled_from([key.upper(), key.lower(), "_".join(key)]))] = container.pop(key)
    elif how == "extra" and in_record:
        container["unknownExtraKey"] = 1  # ignored, as System.Text.Json ignores unknown members
    # A renamed key may land on another field of the same record: the error is then inside the record.
    location = path_text("result", steps if how != "recase" else steps[:-1])
    try:
        out = deserialize(wire, list[tp], "result")
    except DeserializationError as e:
        assert str(e).startswith(f"{e.path}: "), str(e)
        # The error is at the damaged place, around it (an Optional, a record missing a field), or
        # inside the replacement.
        assert path_within(e.path, location) or path_within(location, e.path), f"{e.path} vs {location}: {e}"
        assert any(word in str(e) for word in ("expected", "missing field", "cannot make", "matches")), str(e)
        return
    assert len(out) == 1
    if how == "extra":
        assert same(value, out[0])
    else:
        assert conforms(out[0], tp), f"{out[0]!r} is not a {tp}"


@reliable(300)
@given(json_like(any_ints), st.sampled_from([int, float, str, bool, list[int], dict[str, float], tuple[int, str],
                                            Optional[float], list[Optional[str]], tuple[bool, ...]]))
def test_random_data_for_a_type_fits_or_raises_deserialization_error(data: Any, tp: Any) -> None:
    try:
        out = deserialize(data, tp, "args[0]")
    except DeserializationError as e:
        assert str(e).startswith(e.path + ": ") and path_within("args[0]", e.path), str(e)
        assert "expected" in str(e), str(e)
        return
    assert conforms(out, tp), f"{out!r} is not a {tp}"


def conforms(value: Any, tp: Any) -> bool:
    """Whether ``value`` is a value of the annotation ``tp`` (the few forms used here)."""
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin is Union:
        return value is None or conforms(value, args[0])
    if origin is list:
        return isinstance(value, list) and all(conforms(v, args[0]) for v in value)
    if origin is dict:
        return isinstance(value, dict) and all(isinstance(k, str) and conforms(v, args[1]) for k, v in value.items())
    if origin is tuple and args[-1] is Ellipsis:
        return isinstance(value, tuple) and all(conforms(v, args[0]) for v in value)
    if origin is tuple:
        return isinstance(value, tuple) and len(value) == len(args) and all(map(conforms, value, args))
    if _is_record(tp):
        return type(value) is tp and all(conforms(getattr(value, name), hint) for name, _, hint in record_fields(tp))
    return type(value) is tp


def test_a_key_that_matches_two_fields_case_insensitively_is_named() -> None:
    @dataclasses.dataclass
    class TwoNames:
        a_b: int
        ab: int

    assert serialize(TwoNames(1, 2)) == {"aB": 1, "ab": 2}
    assert deserialize({"aB": 1, "ab": 2}, TwoNames) == TwoNames(1, 2)
    assert deserialize({"ab": 2, "a_b": 1}, TwoNames) == TwoNames(1, 2)
    with pytest.raises(DeserializationError, match=r"^result: the key 'AB' matches more than one field"):
        deserialize({"AB": 1, "ab": 2}, TwoNames)


def test_paths_quote_keys_that_are_not_plain_identifiers() -> None:
    for key in ("a\n", "a b", "", "1a", "\ud800", "é"):
        with pytest.raises(OverflowError) as info:
            serialize({key: [2**60]})
        assert str(info.value).startswith(f"value[{key!r}][0]: "), str(info.value)


def test_nan_and_infinities_keep_their_identity() -> None:
    for x in (math.nan, math.inf, -math.inf):
        out = deserialize(through_json(serialize({"x": [x]})), dict[str, list[float]])["x"][0]
        assert same(x, out)


def test_a_namedtuple_from_an_array_of_the_wrong_length_is_refused() -> None:
    class Pair(NamedTuple):
        left: int
        right: str = "r"

    assert deserialize([1, "x"], Pair) == Pair(1, "x") and deserialize([1], Pair) == Pair(1, "r")
    for data in ([], [1, "x", 3]):
        with pytest.raises(DeserializationError, match=rf"^result: expected .*Pair \(1 to 2 items\), got an array of {len(data)}$"):
            deserialize(data, Pair)
