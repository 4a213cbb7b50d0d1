"""Shared pieces of the reliability suite: hypothesis settings that suit CI, strategies for hostile
wire data (unicode with lone surrogates, NaN and infinities, ints at and past 2**53), a NaN-aware
deep comparison, a model of what a JS round trip does to numbers, and the path notation of the
runtime's error messages (``args[0].items[3]``, ``value['a b']``), written independently of it."""

from __future__ import annotations

import dataclasses
import enum
import json
import math
import re
from collections.abc import Sequence
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

MAX_SAFE = 2**53 - 1


def reliable(max_examples: int) -> settings:
    """Deterministic (the same examples on every run, as CI wants), no deadline, no example database."""
    return settings(max_examples=max_examples, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


# --- values ------------------------------------------------------------------------------------

lone_surrogates = st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF)
"""Half of a UTF-16 pair, alone: valid in a JS string and a Python str, not in UTF-8."""

hostile_chars = st.one_of(
    st.characters(),                                   # any code point but surrogates
    lone_surrogates,
    st.sampled_from("\x00\n\"'\\\u2028\u2029\ufeff\U0001f600."),  # separators, quotes, escapes, astral
)
texts = st.text(hostile_chars, max_size=12)
"""Unicode text, lone surrogates and control characters included."""

safe_ints = st.integers(-MAX_SAFE, MAX_SAFE)
boundary_ints = st.sampled_from([MAX_SAFE, -MAX_SAFE, MAX_SAFE + 1, -MAX_SAFE - 1, 2**53 + 2, 2**63, -(2**64), 10**30])
any_ints = st.one_of(safe_ints, boundary_ints, st.integers())
"""Ints inside and outside JavaScript's safe range (abs(x) <= 2**53 - 1), the boundary itself included."""

floats = st.one_of(st.floats(), st.sampled_from([math.nan, math.inf, -math.inf, -0.0, 5e-324, 1.7976931348623157e308,
                                                  2.0**53, 1e21, 1e-7]))
"""Every float: NaN, the infinities, -0.0, subnormals, the largest, integral ones past 2**53."""


def json_like(ints: st.SearchStrategy[int] = safe_ints, max_leaves: int = 25) -> st.SearchStrategy[Any]:
    """Nested dicts (str keys) and lists of None, bools, ints, floats (NaN and infinities too) and text."""
    scalars = st.one_of(st.none(), st.booleans(), ints, floats, texts)
    return st.recursive(
        scalars,
        lambda children: st.lists(children, max_size=4) | st.dictionaries(texts, children, max_size=4),
        max_leaves=max_leaves,
    )


# --- comparison --------------------------------------------------------------------------------

def same(expected: Any, actual: Any, strict: bool = True) -> bool:
    """Deep equality where NaN equals NaN. ``strict`` also requires the same types everywhere (a float
    stays a float); without it an int may stand for an equal float, as after a trip through JS."""
    if isinstance(expected, float) and isinstance(actual, (int, float)) and not isinstance(actual, bool):
        if strict and type(actual) is not float:
            return False
        if math.isnan(expected):
            return isinstance(actual, float) and math.isnan(actual)
        return expected == actual
    if isinstance(expected, enum.Enum):
        return expected is actual
    if strict or not (isinstance(expected, int) and not isinstance(expected, bool)):
        if type(expected) is not type(actual):
            return False
    if dataclasses.is_dataclass(expected) and not isinstance(expected, type):
        return all(same(getattr(expected, f.name), getattr(actual, f.name), strict) for f in dataclasses.fields(expected))
    if isinstance(expected, (list, tuple)):
        return len(expected) == len(actual) and all(same(e, a, strict) for e, a in zip(expected, actual, strict=True))
    if isinstance(expected, dict):
        return expected.keys() == actual.keys() and all(same(expected[k], actual[k], strict) for k in expected)
    return expected == actual


# --- the boundary, modelled ----------------------------------------------------------------------

def through_json(wire: Any) -> Any:
    """Wire data written as JSON text and read back (non-finite floats kept, as the transports mark them)."""
    return json.loads(json.dumps(wire, allow_nan=True))


def through_js(wire: Any) -> Any:
    """What JSON.stringify and JSON.parse in JavaScript make of wire data: a float with an integral value
    is written without a fraction (JSON.stringify(1.0) is "1", JSON.stringify(-0) is "0"), so Python
    reads it back as an int; past 1e21 JavaScript writes an exponent, and Python reads a float."""
    if isinstance(wire, float):
        return int(wire) if math.isfinite(wire) and wire.is_integer() and abs(wire) < 1e21 else wire
    if isinstance(wire, list):
        return [through_js(v) for v in wire]
    if isinstance(wire, dict):
        return {k: through_js(v) for k, v in wire.items()}
    return wire


# --- paths -------------------------------------------------------------------------------------

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def path_text(root: str, steps: Sequence[str | int]) -> str:
    """The documented path notation: ``root.name`` for an identifier-like key or field, ``root['k y']``
    for any other key (its repr), ``root[3]`` for an index."""
    out = root
    for step in steps:
        if isinstance(step, int):
            out += f"[{step}]"
        elif _IDENTIFIER.fullmatch(step):
            out += f".{step}"
        else:
            out += f"[{step!r}]"
    return out


def path_within(error_path: str, location: str) -> bool:
    """True when ``error_path`` is ``location`` or one of the places that contain it."""
    return location == error_path or (location.startswith(error_path) and location[len(error_path)] in ".[")
