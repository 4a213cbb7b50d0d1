"""The columnar fast path of typed records on CPython: which annotations get a plan, that encode then
decode gives the value back exactly (hypothesis), and that every value the general path would treat
differently is refused (NotColumnar), so the fast path never changes a result."""

from __future__ import annotations

import dataclasses
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jsinterop import columns
from jsinterop.columns import NotColumnar


@dataclasses.dataclass
class Row:
    row_id: int
    label: str
    score: float
    tags: list[str]
    note: str | None
    weights: dict[str, float]


@dataclasses.dataclass
class Table:
    name: str
    rows: list[Row]


@dataclasses.dataclass
class Tree:
    value: int
    children: list[Tree]


@dataclasses.dataclass
class Private:
    value: int
    _cache: int = 0


def test_plans_cover_records_and_refuse_the_rest():
    assert columns.plan_of(list[Row]).shape == ["l", ["r", 6, [
        ["rowId", "p"], ["label", "p"], ["score", "p"], ["tags", ["c", "list"]], ["note", "p"], ["weights", ["c", "dict"]]]]]
    assert columns.plan_of(Table) is not None
    for tp in (Tree, Private, list[bytes], dict[int, int], int | str, list[list[Row]]):
        assert columns.plan_of(tp) is None, tp


safe_ints = st.integers(-(2**53 - 1), 2**53 - 1)
finite = st.floats(allow_nan=False, allow_infinity=False)
rows = st.builds(Row, safe_ints, st.text(), finite, st.lists(st.text(), max_size=3), st.none() | st.text(),
                 st.dictionaries(st.text(), finite, max_size=3))


@settings(max_examples=200, deadline=None)
@given(st.builds(Table, st.text(), st.lists(rows, max_size=30)))
def test_encode_then_decode_gives_the_value_back(table):
    plan = columns.plan_of(Table)
    text, buffers = columns.encode(plan, table)
    assert columns.decode(plan, text, buffers) == table


@pytest.mark.parametrize("bad", [
    Row(2**53, "x", 1.0, [], None, {}),            # past the safe range: the general path raises OverflowError
    Row(True, "x", 1.0, [], None, {}),             # a bool is not an int
    Row(1, "x", math.nan, [], None, {}),           # a lone NaN (JSON cannot carry it)
    Row(1, "x", 1.0, ["a", 2], None, {}),          # a wrong element type
    Row(1, "x", 1.0, ("a",), None, {}),            # a tuple where a list is annotated
    Row(1, "x", 1.0, [], None, {1: 2.0}),          # a non-str key
])
def test_values_the_general_path_treats_differently_are_refused(bad):
    with pytest.raises(NotColumnar):
        columns.encode(columns.plan_of(list[Row]), [bad])


def test_numeric_columns_travel_as_float64_buffers():
    plan = columns.plan_of(list[Row])
    value = [Row(i, "x", i / 3, [], None, {}) for i in range(20)]
    text, buffers = columns.encode(plan, value)
    assert [b.typecode for b in buffers] == ["d", "d"] and "0.333" not in text
    # Coming back, an int field accepts only integral floats in the safe range.
    buffers[0][3] = 2.5
    with pytest.raises(NotColumnar):
        columns.decode(plan, text, buffers)


def test_decoding_checks_ints_as_encoding_does():
    """A short int column arrives as JSON: an int past 2**53 there is refused too (JSON.stringify
    writes 1e20 as digits), so the general path decides."""
    plan = columns.plan_of(list[Row])
    text = '[[1],[1,[%d],["x"],[1.5],[[]],[null],[{}]]]' % 10**20
    with pytest.raises(NotColumnar):
        columns.decode(plan, text)
    assert columns.decode(plan, text.replace(str(10**20), "7")) == [Row(7, "x", 1.5, [], None, {})]
