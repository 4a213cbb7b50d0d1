"""Serialization by System.Text.Json's rules, on CPython: every rule both ways, errors with paths,
converters, and property-based round trips."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import json
import math
import uuid
from decimal import Decimal
from typing import Annotated, Any, NamedTuple, Optional, TypedDict

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jsinterop import DeserializationError, SerializationError, UnsupportedTypeError
from jsinterop.serialization import (
    MAX_DEPTH,
    camel_case,
    deserialize,
    register_converter,
    serialize,
    unregister_converter,
)


class Color(enum.Enum):
    RED = "red"
    GREEN = "green"


class Level(enum.IntEnum):
    LOW = 1
    HIGH = 2


@dataclasses.dataclass
class Address:
    street_name: str
    zip_code: str = ""


@dataclasses.dataclass
class Person:
    first_name: str
    age: int
    address: Address | None = None
    tags: list[str] = dataclasses.field(default_factory=list)
    favourite: Color = Color.RED
    _secret: str = "hidden"


class Point(NamedTuple):
    x_pos: float
    y_pos: float = 0.0


class Movie(TypedDict):
    title: str
    year: int


@pytest.mark.parametrize(
    ("name", "expected"),
    [("first_name", "firstName"), ("name", "name"), ("url_path_2", "urlPath2"), ("a_b_c", "aBC"),
     ("already_camelCase", "alreadyCamelCase")],
)
def test_camel_case(name, expected):
    assert camel_case(name) == expected


def test_primitives_pass_unchanged():
    for value in (None, True, False, 0, -5, 2**53 - 1, 1.5, "text", "", "é✓"):
        assert serialize(value) == value


def test_dataclass_goes_out_camel_case_without_private_fields():
    person = Person("Ada", 36, Address("Main St", "123"), ["a"], Color.GREEN)
    person.extra_attribute = "not a field"  # attributes that are not fields are never sent
    assert serialize(person) == {
        "firstName": "Ada", "age": 36, "address": {"streetName": "Main St", "zipCode": "123"},
        "tags": ["a"], "favourite": "green",
    }


def test_dataclass_comes_back_from_camel_or_snake_case_any_case():
    data = {"FIRSTNAME": "Bo", "age": 3.0, "address": {"street_name": "x"}, "Tags": ["t"], "favourite": "GREEN",
            "unknown": 1, "_secret": "ignored"}
    assert deserialize(data, Person) == Person("Bo", 3, Address("x"), ["t"], Color.GREEN)


def test_js_name_metadata_renames_a_field():
    @dataclasses.dataclass
    class Renamed:
        value: int = dataclasses.field(metadata={"js_name": "val"})

    assert serialize(Renamed(1)) == {"val": 1}
    assert deserialize({"val": 2}, Renamed) == Renamed(2)


def test_namedtuple_enum_datetime_uuid_sets():
    when = dt.datetime(2024, 5, 6, 7, 8, 9, tzinfo=dt.timezone.utc)
    u = uuid.UUID("12345678-1234-5678-1234-567812345678")
    assert serialize(Point(1.0, 2.0)) == {"xPos": 1.0, "yPos": 2.0}
    assert serialize([Color.RED, Level.HIGH]) == ["red", 2]
    assert serialize(when) == "2024-05-06T07:08:09+00:00"
    assert serialize(dt.date(2024, 5, 6)) == "2024-05-06"
    assert serialize(u) == str(u)
    assert serialize(frozenset({1})) == [1]
    assert serialize((1, "a")) == [1, "a"]
    assert deserialize({"xPos": 3, "yPos": 4}, Point) == Point(3.0, 4.0)
    assert deserialize([5, 6], Point) == Point(5.0, 6.0)
    assert deserialize("2024-05-06T07:08:09Z", dt.datetime) == when
    assert deserialize("2024-05-06T07:08:09.000Z", dt.datetime) == when
    assert deserialize("2024-05-06", dt.date) == dt.date(2024, 5, 6)
    assert deserialize(2, Level) is Level.HIGH
    assert deserialize("high", Level) is Level.HIGH
    assert deserialize(str(u), uuid.UUID) == u


def test_containers_and_optionals():
    assert deserialize([1, 2], list[int]) == [1, 2]
    assert deserialize([1, "a"], tuple[int, str]) == (1, "a")
    assert deserialize([1, 2, 3], tuple[int, ...]) == (1, 2, 3)
    assert deserialize([1, 1], set[int]) == {1}
    assert deserialize({"a": [1.5]}, dict[str, list[float]]) == {"a": [1.5]}
    assert deserialize(None, Optional[int]) is None
    assert deserialize(4, int | None) == 4
    assert deserialize({"title": "T", "year": 2000}, Movie) == {"title": "T", "year": 2000}
    assert deserialize({"any": [1, {"b": None}]}) == {"any": [1, {"b": None}]}


def test_bytes_stay_binary():
    data = {"blob": b"\x00\x01", "buf": bytearray(b"x"), "view": memoryview(b"yz")}
    out = serialize(data)
    assert out["blob"] == b"\x00\x01" and bytes(out["buf"]) == b"x" and bytes(out["view"]) == b"yz"
    assert deserialize(b"abc", bytes) == b"abc"
    assert deserialize(memoryview(b"abc"), bytes) == b"abc"


def test_proto_and_constructor_keys_are_plain_data():
    data = {"__proto__": {"polluted": True}, "constructor": {"prototype": 1}}
    assert serialize(data) == data
    assert deserialize(data, dict[str, Any]) == data


@pytest.mark.parametrize("value", [2**53, -(2**53), 10**20])
def test_unsafe_integers_raise_overflow_with_path(value):
    with pytest.raises(OverflowError, match=r"args\[0\]\.big: the int .* outside JavaScript's safe integer range"):
        serialize({"big": value}, "args[0]")


def test_cycle_names_the_path():
    items: list[Any] = [1, 2]
    items.append({"back": items})
    with pytest.raises(SerializationError, match=r"^args\[0\]\.items\[2\]\.back: reference cycle"):
        serialize({"items": items}, "args[0]")


def test_depth_limit_is_32():
    ok: Any = "leaf"
    for _ in range(MAX_DEPTH):
        ok = [ok]
    assert serialize(ok) is not None
    with pytest.raises(SerializationError, match=r"deeper than the maximum depth of 32") as info:
        serialize({"a": ok}, "args[1]")
    assert info.value.path.startswith("args[1].a[0]")


def test_unsupported_type_names_type_and_path():
    with pytest.raises(UnsupportedTypeError, match=r"^args\[0\]\.items\[3\]: cannot send a value of type "
                                                   r"decimal\.Decimal to JavaScript") as info:
        serialize({"items": [1, 2, 3, Decimal("1.5")]}, "args[0]")
    assert isinstance(info.value, TypeError)
    with pytest.raises(UnsupportedTypeError, match=r"dict keys must be str, got a key of type int"):
        serialize({1: "a"})
    with pytest.raises(UnsupportedTypeError, match="type function"):
        serialize(lambda: None)


def test_result_that_does_not_fit_names_field_and_type():
    with pytest.raises(DeserializationError, match=r"^result\.tags\[1\]: expected str, got number \(2\)$"):
        deserialize({"firstName": "a", "age": 1, "tags": ["x", 2]}, Person)
    with pytest.raises(DeserializationError, match=r"^result\.age: missing field 'age' \(expected int\)$"):
        deserialize({"firstName": "a"}, Person)
    with pytest.raises(DeserializationError, match=r"^result: expected int, got string \('x'\)$"):
        deserialize("x", int)
    with pytest.raises(DeserializationError, match=r"expected int, got number \(1\.5\)"):
        deserialize(1.5, int)
    with pytest.raises(DeserializationError, match=r"expected bool, got number"):
        deserialize(1, bool)
    with pytest.raises(DeserializationError, match=r"expected one of .*Color \('red', 'green'\), got 'blue'"):
        deserialize("blue", Color)
    with pytest.raises(DeserializationError, match=r"expected an ISO 8601 datetime, got 'yesterday'"):
        deserialize("yesterday", dt.datetime)
    with pytest.raises(DeserializationError, match=r"expected tuple\[int, str\] \(2 items\), got an array of 1"):
        deserialize([1], tuple[int, str])


class DecimalAsString:
    def to_js(self, value: Decimal) -> str:
        return str(value)

    def from_js(self, data: Any) -> Decimal:
        return Decimal(data)


def test_converter_by_registration():
    register_converter(Decimal, DecimalAsString())
    try:
        assert serialize({"price": Decimal("1.10")}) == {"price": "1.10"}
        assert deserialize("2.5", Decimal) == Decimal("2.5")
    finally:
        unregister_converter(Decimal)
    with pytest.raises(UnsupportedTypeError):
        serialize(Decimal("1"))


class Upper:
    def to_js(self, value: str) -> str:
        return value.upper()

    def from_js(self, data: Any) -> str:
        return data.lower()


@dataclasses.dataclass
class Tagged:
    label: Annotated[str, Upper()]
    price: Annotated[Decimal, DecimalAsString()]


def test_converter_by_annotated_field_and_result():
    assert serialize(Tagged("abc", Decimal("3"))) == {"label": "ABC", "price": "3"}
    assert deserialize({"label": "XYZ", "price": "4.5"}, Tagged) == Tagged("xyz", Decimal("4.5"))
    assert serialize("q", annotation=Annotated[str, Upper()]) == "Q"
    assert deserialize("Q", Annotated[str, Upper()]) == "q"


def test_unresolvable_annotation_is_named():
    @dataclasses.dataclass
    class Local:
        inner: LocalInner  # noqa: F821 (a name only the function knows)

    class LocalInner:
        pass

    with pytest.raises(UnsupportedTypeError, match=r"result\.inner: the annotation 'LocalInner' could not be resolved"):
        deserialize({"inner": {}}, Local)


def test_register_rejects_non_converters():
    with pytest.raises(TypeError, match="is not a JSConverter"):
        register_converter(Decimal, object())


# --- property-based: what goes out comes back ----------------------------------------------------

json_scalars = (st.none() | st.booleans() | st.integers(-(2**53) + 1, 2**53 - 1)
                | st.floats(allow_nan=False) | st.text())
json_values = st.recursive(
    json_scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=30,
)


@settings(max_examples=300, deadline=None)
@given(json_values)
def test_plain_values_round_trip(value):
    wire = serialize(value)
    assert wire == value
    assert deserialize(json.loads(json.dumps(wire)), Any) == value


@dataclasses.dataclass
class Record:
    record_id: int
    display_name: str
    score: float
    tags: list[str]
    parent: Record | None = None


def _record(parent: st.SearchStrategy) -> st.SearchStrategy:
    return st.builds(
        Record,
        record_id=st.integers(-(2**53) + 1, 2**53 - 1),
        display_name=st.text(),
        score=st.floats(allow_nan=False, allow_infinity=False),
        tags=st.lists(st.text(max_size=5), max_size=3),
        parent=parent,
    )


# Chains of parents a few levels deep (well inside the depth limit, which has its own test).
records = st.recursive(_record(st.none()), lambda children: _record(st.none() | children), max_leaves=6)


@settings(max_examples=200, deadline=None)
@given(records)
def test_dataclasses_round_trip_through_json(record):
    wire = serialize(record)
    assert "recordId" in wire and "displayName" in wire
    assert deserialize(json.loads(json.dumps(wire)), Record) == record


@settings(max_examples=100, deadline=None)
@given(st.floats(allow_nan=True, allow_infinity=True))
def test_any_float_passes_through(x):
    out = serialize([x])[0]
    assert (math.isnan(out) and math.isnan(x)) or out == x


def test_the_depth_limit_is_one_setting():
    from jsinterop.serialization import max_depth, set_max_depth

    assert max_depth() == MAX_DEPTH == 32
    nested: Any = []
    for _ in range(7):
        nested = [nested]  # 8 levels
    try:
        set_max_depth(8)
        assert serialize(nested) is not None
        with pytest.raises(SerializationError) as info:
            serialize([nested], "args[0]")
        assert str(info.value) == "args[0][0][0][0][0][0][0][0][0]: nesting is deeper than the maximum depth of 8"
        for bad in (0, -1, 2.5, "8", True):
            with pytest.raises(ValueError, match="set_max_depth: depth must be a positive int"):
                set_max_depth(bad)  # type: ignore[arg-type]
    finally:
        set_max_depth(MAX_DEPTH)
    assert max_depth() == 32
