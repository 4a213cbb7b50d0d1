"""Columnar transfer of records: the fast path of the typed marshalling table for dataclasses and
lists of them.

The general path (:mod:`jsinterop.serialization`) walks every value in Python, which costs a few
microseconds per record in WebAssembly. Here a value of a supported type crosses as *columns*: one
list per field, gathered and checked with C-level operations (``map(attrgetter(...))``, ``set(map(type,
...))``, ``min``/``max``), sent as one JSON text, and turned into objects by a JavaScript loop (and back:
JavaScript gathers columns, Python checks them and builds the dataclasses with ``map(cls, *columns)``).

A *plan* is compiled once per annotation. Supported: dataclasses whose fields are all plain
``__init__`` parameters without converters, holding int, float, str, bool, ``X | None`` of those,
lists and str-keyed dicts of those, nested such dataclasses and lists of them. Any other type has
no plan, and any value the checks do not accept (a wrong type, NaN, an int past 2**53, a missing
key) makes :func:`encode`/:func:`decode` raise :class:`NotColumnar`: the caller then takes the
general path, which converts it or raises the error naming the path inside the value. So the fast
path never changes a result, it only skips work.

Numeric columns (int or float fields, more than 8 values) travel as Float64Array buffers, referred
to in the JSON by their index: no number is written or parsed as text.

The JavaScript side is ``loader/columns.mjs``; both read the same *shape*, the plan as JSON:
``null`` (JSON values as they are), ``["r", n_fields, [[key, shape], ...]]`` (records),
``["l", shape]`` (lists of a structured shape).
"""

from __future__ import annotations

import array
import dataclasses
import itertools
import json
import types
import typing
from operator import attrgetter
from typing import Any, Union, get_args, get_origin

from ..errors import NotColumnar
from ..interop.serialization import fields_of, has_converters, is_safe_integer

__all__ = ["NotColumnar", "Plan", "decode", "encode", "plan_of"]


_PRIMITIVES = {int: frozenset({int}), float: frozenset({float, int}), str: frozenset({str}),
               bool: frozenset({bool})}


@dataclasses.dataclass(frozen=True)
class Plan:
    """How one annotation crosses as columns."""

    kind: str
    """``"prim"``, ``"list"`` (of primitives), ``"dict"`` (str keys, primitive values), ``"records"``
    (a dataclass), ``"nested"`` (a list of a structured plan)."""
    allowed: frozenset[type] = frozenset()
    """For prim: the Python types a value may have (NoneType when optional)."""
    inner: Plan | None = None
    cls: type | None = None
    fields: tuple[tuple[str, str, Plan], ...] = ()
    """For records: (attribute name, JS key, plan) per field."""

    @property
    def shape(self) -> Any:
        """The plan as the JavaScript side reads it."""
        if self.kind == "records":
            return ["r", len(self.fields), [[key, plan.shape] for _, key, plan in self.fields]]
        if self.kind == "nested":
            assert self.inner is not None
            return ["l", self.inner.shape]
        if self.kind == "prim":
            return "p"
        return ["c", self.kind]


def plan_of(tp: Any) -> Plan | None:
    """The columnar plan of ``tp``, or None when it has none (the general path serves it)."""
    try:
        return _plan(tp, ())
    except NotColumnar:
        return None


def _plan(tp: Any, seen: tuple[type, ...]) -> Plan:
    origin, args = get_origin(tp), get_args(tp)
    if tp in _PRIMITIVES:
        return Plan("prim", _PRIMITIVES[tp])
    if origin in (Union, types.UnionType):
        rest = [a for a in args if a is not type(None)]
        if len(rest) == 1 and len(args) == 2 and rest[0] in _PRIMITIVES:
            return Plan("prim", _PRIMITIVES[rest[0]] | {type(None)})
        raise NotColumnar
    if origin is list and len(args) == 1:
        inner = _plan(args[0], seen)
        if inner.kind == "prim":
            return Plan("list", inner=inner)
        if inner.kind == "records":
            return Plan("nested", inner=inner)
        raise NotColumnar
    if origin is dict and len(args) == 2 and args[0] is str:
        inner = _plan(args[1], seen)
        if inner.kind == "prim":
            return Plan("dict", inner=inner)
        raise NotColumnar
    if isinstance(tp, type) and dataclasses.is_dataclass(tp) and tp not in seen:
        fields = dataclasses.fields(tp)
        plans = fields_of(tp)
        if (len(plans) != len(fields) or any(not f.init or f.kw_only for f in fields)
                or any(p.converter is not None for p in plans)):
            raise NotColumnar
        return Plan("records", cls=tp, fields=tuple(
            (p.name, p.js_name, _plan(p.annotation, (*seen, tp))) for p in plans))
    raise NotColumnar


# --- Python -> JS ------------------------------------------------------------------------------

def encode(plan: Plan, value: Any) -> tuple[str, list[array.array]]:
    """``value`` as the JSON text of its columns (a column of one value) and the numeric columns it
    refers to by index (float64 buffers: no number is formatted or parsed as text); NotColumnar when
    a value does not fit the plan."""
    if has_converters():  # a registered converter may apply anywhere: only the general path knows
        raise NotColumnar
    buffers: list[array.array] = []
    try:
        return json.dumps(_encode(plan, [value], buffers), allow_nan=False, separators=(",", ":")), buffers
    except ValueError:  # NaN or an infinity outside a numeric column: the general path marks them
        raise NotColumnar from None


def _check(allowed: frozenset[type], column: list[Any]) -> set[type]:
    """The types in ``column``; NotColumnar unless they are ``allowed`` and every int is a safe integer."""
    kinds = set(map(type, column))
    if not kinds <= allowed:
        raise NotColumnar
    if int in kinds:
        numbers = [v for v in column if v is not None] if type(None) in kinds else column
        if float in kinds:
            numbers = [v for v in numbers if type(v) is int]
        if numbers and not (is_safe_integer(min(numbers)) and is_safe_integer(max(numbers))):
            raise NotColumnar
    return kinds


_NUMERIC = (frozenset({int}), frozenset({float, int}))


def _encode(plan: Plan, column: list[Any], buffers: list[array.array]) -> Any:
    kind = plan.kind
    if kind == "prim":
        _check(plan.allowed, column)
        if plan.allowed in _NUMERIC and len(column) > 8:
            buffers.append(array.array("d", column))  # exact: ints were checked to be safe integers
            return len(buffers) - 1
        return column
    if kind == "list":
        if set(map(type, column)) - {list}:
            raise NotColumnar
        assert plan.inner is not None
        _check(plan.inner.allowed, list(itertools.chain.from_iterable(column)))
        return column
    if kind == "dict":
        if set(map(type, column)) - {dict}:
            raise NotColumnar
        if set(map(type, itertools.chain.from_iterable(column))) - {str}:
            raise NotColumnar
        assert plan.inner is not None
        _check(plan.inner.allowed, list(itertools.chain.from_iterable(map(dict.values, column))))
        return column
    if kind == "nested":
        if set(map(type, column)) - {list}:
            raise NotColumnar
        assert plan.inner is not None
        return [list(map(len, column)), _encode(plan.inner, list(itertools.chain.from_iterable(column)), buffers)]
    # records
    if set(map(type, column)) - {plan.cls}:
        raise NotColumnar
    return [len(column), *[_encode(field, list(map(attrgetter(name), column)), buffers)
                           for name, _, field in plan.fields]]


# --- JS -> Python ------------------------------------------------------------------------------

def decode(plan: Plan, text: str, buffers: list[array.array] = ()) -> Any:  # type: ignore[assignment]
    """The value whose columns JavaScript sent as ``text`` (a column of one value), numeric columns
    as float64 ``buffers`` referred to by index."""
    return _decode(plan, json.loads(text), buffers)[0]


def _decode(plan: Plan, data: Any, buffers: list[array.array]) -> list[Any]:
    kind = plan.kind
    if kind == "prim":
        if type(data) is int:  # a numeric column, sent as a float64 buffer
            values = buffers[data]
            if float in plan.allowed:
                return values.tolist()
            if int not in plan.allowed or not all(map(float.is_integer, values)):
                raise NotColumnar
            if values and not (is_safe_integer(min(values)) and is_safe_integer(max(values))):
                raise NotColumnar
            return list(map(int, values))
        return _numbers(plan.allowed, data)
    if kind == "list":
        assert plan.inner is not None
        flat = list(itertools.chain.from_iterable(data))
        if _numbers(plan.inner.allowed, flat) is not flat:  # floats that came as ints: rebuild each list
            return [_numbers(plan.inner.allowed, items) for items in data]
        return data
    if kind == "dict":
        assert plan.inner is not None
        values = list(itertools.chain.from_iterable(map(dict.values, data)))
        if _numbers(plan.inner.allowed, values) is not values:
            return [dict(zip(d, _numbers(plan.inner.allowed, list(d.values())))) for d in data]
        return data
    if kind == "nested":
        assert plan.inner is not None
        lengths, inner = data
        flat = _decode(plan.inner, inner, buffers)
        out, start = [], 0
        for length in lengths:
            out.append(flat[start:start + length])
            start += length
        return out
    # records
    assert plan.cls is not None
    count, *columns = data
    if len(columns) != len(plan.fields):
        raise NotColumnar
    if not plan.fields:
        return [plan.cls() for _ in range(count)]
    return list(map(plan.cls, *[_decode(field, column, buffers)
                                for (_, _, field), column in zip(plan.fields, columns)]))


def _numbers(allowed: frozenset[type], column: list[Any]) -> list[Any]:
    """``column`` checked as on the way out; a float column's ints (JSON writes 2.0 as 2) become floats."""
    kinds = _check(allowed, column)
    if float in allowed and int in kinds:
        return [float(v) if type(v) is int else v for v in column]
    return column
