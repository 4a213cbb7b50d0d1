"""The conversion rules of the JSON path (``invoke``, ``@js_invokable``): System.Text.Json's rules, for Python.

(The typed path, ``@js_import``/``@js_export``, has its own table in :mod:`jsinterop.typed.marshalling`,
which falls back to these rules for data types.)

:func:`serialize` turns Python values into *wire data* (None, bool, int, float, str, bytes, list,
dict with str keys, and interop references, which a transport passes by reference), and
:func:`deserialize` turns wire data back into Python values, shaped by a type when one is given.
Every call path (the page's transport, the fake runtime of tests) uses these two functions.

Rules:

- dataclasses and NamedTuples go out as objects whose keys are the field names in camelCase
  (``first_name`` -> ``firstName``, or ``field(metadata={"js_name": ...})``); fields whose names start
  with ``_`` and attributes that are not fields are never sent. Coming back, keys match fields
  case-insensitively, in camelCase or snake_case; unknown keys are ignored.
- dict keys must be str and are sent unchanged; tuples, lists, sets go out as arrays.
- Enums go out as their value; datetime/date/time as ISO 8601 strings; UUIDs as strings.
- bytes, bytearray and memoryview stay binary (a transport makes them a Uint8Array, no Base64).
- ints beyond JavaScript's safe range (2**53 - 1) raise :class:`IntegerRangeError` (an OverflowError):
  they would silently lose digits.
- nesting deeper than :func:`max_depth` (System.Text.Json's default of 32) or a reference cycle raises
  :class:`SerializationError` naming the path (``args[0].items[3]``); an unsupported type raises
  :class:`UnsupportedTypeError` (a TypeError) naming the type and the path.
- custom conversion per type (:func:`register_converter`) or per field and per call
  (``Annotated[T, converter]``) through the :class:`JSConverter` protocol.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import re
import types
import typing
import uuid
from collections import abc
from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Annotated, Any, Protocol, TypeVar, Union, get_args, get_origin, runtime_checkable

from ..errors import DeserializationError, IntegerRangeError, SerializationError, UnsupportedTypeError
from .references import WireReference

__all__ = [
    "MAX_DEPTH",
    "MAX_SAFE_INTEGER",
    "JSConverter",
    "max_depth",
    "set_max_depth",
    "too_deep_message",
    "camel_case",
    "deserialize",
    "fields_of",
    "has_converters",
    "is_plain",
    "is_safe_integer",
    "register_converter",
    "serialize",
    "unregister_converter",
]

MAX_DEPTH = 32
"""The default of the deepest nesting of arrays and objects accepted, as System.Text.Json's ``MaxDepth``
(a page sets its own with ``boot({maxDepth})``: see :func:`set_max_depth`)."""

_max_depth = MAX_DEPTH


def max_depth() -> int:
    """The deepest nesting of arrays and objects that crosses now, in both directions."""
    return _max_depth


def set_max_depth(depth: int) -> None:
    """Set the nesting limit of every conversion (the page's transport sets ``boot({maxDepth})``)."""
    global _max_depth
    if type(depth) is not int or depth < 1:
        raise ValueError(f"set_max_depth: depth must be a positive int, got {depth!r}")
    _max_depth = depth


def too_deep_message(where: object) -> str:
    """The one wording of a value nested deeper than the limit, at ``where`` (a path, a parameter)."""
    return f"{where}: nesting is deeper than the maximum depth of {_max_depth}"

MAX_SAFE_INTEGER = 2**53 - 1
"""The largest integer a JavaScript number holds exactly (``Number.MAX_SAFE_INTEGER``)."""


def is_safe_integer(value: int) -> bool:
    """True when the int ``value`` crosses as a JavaScript number without losing digits (the one check
    of the safe range, for every path)."""
    return -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER


def is_plain(args: tuple[Any, ...]) -> bool:
    """True when every argument is a primitive that crosses as it is (no serialization needed): str,
    float, bool, None, and int in the safe range."""
    for a in args:
        cls = type(a)
        if cls is int:
            if not -MAX_SAFE_INTEGER <= a <= MAX_SAFE_INTEGER:
                return False
        elif cls is not str and cls is not float and cls is not bool and a is not None:
            return False
    return True

T = TypeVar("T")


@runtime_checkable
class JSConverter(Protocol[T]):
    """Custom conversion for one type: the counterpart of System.Text.Json's ``JsonConverter<T>``.

    ``to_js`` returns wire data (which is then serialized by the ordinary rules) and ``from_js``
    receives plain wire data (dicts, lists, str, numbers...) and returns the Python value. Attach a
    converter to a type with :func:`register_converter`, or to one field, parameter or result with
    ``Annotated[T, converter]``.
    """

    def to_js(self, value: T) -> Any:
        """Convert a Python value to wire data."""
        ...

    def from_js(self, data: Any) -> T:
        """Convert wire data to a Python value."""
        ...


_converters: dict[type, JSConverter] = {}


def register_converter(tp: type, converter: JSConverter) -> None:
    """Use ``converter`` for every value of type ``tp`` (and its subclasses) in both directions."""
    if not isinstance(converter, JSConverter):
        raise TypeError(f"{converter!r} is not a JSConverter: it needs to_js(value) and from_js(data) methods")
    _converters[tp] = converter
    _converter_for_type.cache_clear()


def unregister_converter(tp: type) -> None:
    """Stop using the converter registered for ``tp``."""
    _converters.pop(tp, None)
    _converter_for_type.cache_clear()


def has_converters() -> bool:
    """True when some converter is registered (one may then apply anywhere in a value)."""
    return bool(_converters)


@lru_cache(maxsize=1024)
def _converter_for_type(tp: type) -> JSConverter | None:
    for klass in tp.__mro__:
        if klass in _converters:
            return _converters[klass]
    return None


_CAMEL = re.compile(r"_+([a-zA-Z0-9])")


@lru_cache(maxsize=4096)
def camel_case(name: str) -> str:
    """``first_name`` -> ``firstName``; names without underscores are unchanged."""
    if "_" not in name:
        return name
    head, *_ = name.split("_", 1)
    if not head:  # leading underscores are private and never serialized; keep the name as is
        return name
    return _CAMEL.sub(lambda m: m.group(1).upper(), name)


@lru_cache(maxsize=4096)
def _fold(name: str) -> str:
    """The form in which incoming keys are matched to fields: no underscores, lower case."""
    return name.replace("_", "").lower()


# --- paths -------------------------------------------------------------------------------------

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class _Path:
    """A place inside a value (``args[0].items[3]``), formatted only when an error message needs it:
    building the text for every field of every record would cost more than converting them."""

    __slots__ = ("key", "parent")

    def __init__(self, parent: Any, key: str | int) -> None:
        self.parent = parent
        self.key = key

    def __str__(self) -> str:
        parts = []
        node: Any = self
        while isinstance(node, _Path):
            key = node.key
            parts.append(f"[{key}]" if type(key) is int else f".{key}" if _IDENT.fullmatch(key) else f"[{key!r}]")
            node = node.parent
        return str(node) + "".join(reversed(parts))


def _key_path(path: Any, key: str) -> _Path:
    return _Path(path, key)


# --- type plans --------------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class _FieldPlan:
    name: str
    js_name: str
    annotation: Any
    converter: JSConverter | None
    required: bool


def _split_annotated(tp: Any) -> tuple[Any, JSConverter | None]:
    """``Annotated[T, converter, ...]`` -> (T, converter); anything else -> (tp, None)."""
    if get_origin(tp) is Annotated:
        base, *extras = get_args(tp)
        for extra in extras:
            if isinstance(extra, JSConverter) and not isinstance(extra, type):
                return base, extra
        return base, None
    return tp, None


class _FieldClash(UnsupportedTypeError):
    """Two fields of a record class would cross under the same JS name (System.Text.Json refuses such a
    type too): raised without a path by :func:`fields_of`, re-raised with one by :func:`_plans_at`."""


@lru_cache(maxsize=1024)
def fields_of(cls: type) -> tuple[_FieldPlan, ...]:
    """The serialized fields of a dataclass or NamedTuple class, in order.

    Raises :class:`UnsupportedTypeError` when two fields share a JS name (``a_b`` and ``aB`` are both
    ``aB``): one of the two values would be lost on the way out.
    """
    try:
        hints = typing.get_type_hints(cls, include_extras=True)
    except Exception:  # unresolvable forward references: fall back to the raw annotations
        hints = dict(getattr(cls, "__annotations__", {}))
    plans = []
    if dataclasses.is_dataclass(cls):
        for f in dataclasses.fields(cls):
            if f.name.startswith("_"):
                continue
            tp, converter = _split_annotated(hints.get(f.name, Any))
            required = f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
            js_name = f.metadata.get("js_name", camel_case(f.name))
            plans.append(_FieldPlan(f.name, js_name, tp, converter, required and f.init))
    else:  # NamedTuple
        defaults = getattr(cls, "_field_defaults", {})
        for name in cls._fields:
            if name.startswith("_"):
                continue
            tp, converter = _split_annotated(hints.get(name, Any))
            plans.append(_FieldPlan(name, camel_case(name), tp, converter, name not in defaults))
    by_js_name: dict[str, _FieldPlan] = {}
    for plan in plans:
        other = by_js_name.setdefault(plan.js_name, plan)
        if other is not plan:
            raise _FieldClash(f"the fields '{other.name}' and '{plan.name}' of {_type_name(cls)} both cross as "
                              f"'{plan.js_name}', so one value would be lost: give one of them another name "
                              "with field(metadata={'js_name': ...})")
    return tuple(plans)


def _plans_at(cls: type, path: Any) -> tuple[_FieldPlan, ...]:
    """:func:`fields_of`, with a clash of field names reported at ``path``."""
    try:
        return fields_of(cls)
    except _FieldClash as e:
        raise UnsupportedTypeError(f"{path}: {e}", path=path) from None


_AMBIGUOUS = object()


@lru_cache(maxsize=1024)
def _field_lookup(cls: type) -> tuple[dict[str, _FieldPlan], dict[str, Any]]:
    """How incoming keys find their fields: first exactly (by JS name, then by Python name), then
    case-insensitively and without underscores, where that form names one field only (else the
    entry is ``_AMBIGUOUS``)."""
    plans = fields_of(cls)
    exact = {plan.name: plan for plan in plans}
    exact.update((plan.js_name, plan) for plan in plans)
    folded: dict[str, Any] = {}
    for plan in plans:
        for key in {_fold(plan.name), _fold(plan.js_name)}:
            folded[key] = plan if folded.get(key, plan) is plan else _AMBIGUOUS
    return exact, folded


def _is_namedtuple_class(cls: type) -> bool:
    return isinstance(cls, type) and issubclass(cls, tuple) and hasattr(cls, "_fields")


# --- Python -> wire ----------------------------------------------------------------------------

_PRIMITIVES = (str, bool, float, types.NoneType)
_EXACT = frozenset({str, bool, int, float})


def serialize(value: Any, path: str = "value", annotation: Any = None) -> Any:
    """Turn ``value`` into wire data by the rules above; ``path`` names it in error messages.

    ``annotation`` (optional) may carry a converter: ``Annotated[T, converter]``.
    """
    if annotation is not None:
        _, converter = _split_annotated(annotation)
        if converter is not None:
            return _serialize(converter.to_js(value), path, 0, set())
    return _serialize(value, path, 0, set())


def _serialize(value: Any, path: str, depth: int, active: set[int]) -> Any:
    cls = type(value)
    if cls in _PRIMITIVES:
        return value
    if cls is int:
        if -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER:  # is_safe_integer, inlined: the hot path
            return value
        raise IntegerRangeError(f"{path}: the int {value} is outside JavaScript's safe integer range "
                                f"(abs(x) <= 2**53 - 1) and would lose digits", path=path)
    if _converters:
        converter = _converter_for_type(cls)
        if converter is not None:
            return _serialize(converter.to_js(value), path, depth, active)
    if isinstance(value, WireReference):
        return value
    if isinstance(value, (bytes, bytearray, memoryview)):
        return value
    if isinstance(value, enum.Enum):
        return _serialize(value.value, path, depth, active)
    if isinstance(value, str):  # subclasses of the primitives (IntEnum and StrEnum handled above)
        return str(value)
    if isinstance(value, int):
        return _serialize(int(value), path, depth, active)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)

    # Containers: check depth and cycles.
    if depth >= _max_depth:
        raise SerializationError(too_deep_message(path), path=path)
    key = id(value)
    if key in active:
        raise SerializationError(f"{path}: reference cycle (this object contains itself)", path=path)
    active.add(key)
    try:
        depth += 1
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            return _serialize_record(value, cls, path, depth, active)
        if isinstance(value, tuple) and _is_namedtuple_class(cls):
            return _serialize_record(value, cls, path, depth, active)
        if isinstance(value, Mapping):
            out = {}
            for k, v in value.items():
                if not isinstance(k, str):
                    raise UnsupportedTypeError(
                        f"{path}: dict keys must be str, got a key of type {type(k).__name__} ({k!r})", path=path)
                out[k] = _serialize(v, _key_path(path, k), depth, active)
            return out
        if isinstance(value, (list, tuple)):
            return [_serialize(v, _Path(path, i), depth, active) for i, v in enumerate(value)]
        if isinstance(value, (set, frozenset)):
            return [_serialize(v, _Path(path, i), depth, active) for i, v in enumerate(value)]
    finally:
        active.discard(key)
    raise UnsupportedTypeError(
        f"{path}: cannot send a value of type {_type_name(cls)} to JavaScript "
        "(register a JSConverter for it, or convert it first)", path=path)


def _serialize_record(value: Any, cls: type, path: str, depth: int, active: set[int]) -> dict[str, Any]:
    out = {}
    for plan in _plans_at(cls, path):
        field_value = getattr(value, plan.name)
        if plan.converter is not None:
            field_value = plan.converter.to_js(field_value)
        out[plan.js_name] = _serialize(field_value, _key_path(path, plan.name), depth, active)
    return out


def _type_name(tp: Any) -> str:
    if isinstance(tp, type):
        return tp.__name__ if tp.__module__ == "builtins" else f"{tp.__module__}.{tp.__qualname__}"
    return repr(tp).replace("typing.", "")


# --- wire -> Python ----------------------------------------------------------------------------

def deserialize(data: Any, tp: Any = None, path: str = "result") -> Any:
    """Turn wire data into a Python value of type ``tp`` (plain values when ``tp`` is None or Any).

    Raises :class:`DeserializationError` (a TypeError) naming the path, the expected type and what
    arrived, when the data does not fit.
    """
    if tp is None or tp is Any:
        return data
    if type(data) is tp and tp in _EXACT:  # the common case, kept cheap
        return data
    return _deserialize(data, tp, path)


def _mismatch(path: str, tp: Any, data: Any) -> DeserializationError:
    shown = repr(data)
    if len(shown) > 60:
        shown = shown[:57] + "..."
    return DeserializationError(
        f"{path}: expected {_type_name(tp)}, got {_wire_type_name(data)} ({shown})", path=path)


def _wire_type_name(data: Any) -> str:
    if data is None:
        return "null"
    if isinstance(data, bool):
        return "boolean"
    if isinstance(data, (int, float)):
        return "number"
    if isinstance(data, str):
        return "string"
    if isinstance(data, list):
        return "array"
    if isinstance(data, dict):
        return "object"
    return type(data).__name__


def _deserialize(data: Any, tp: Any, path: Any) -> Any:
    if type(data) is tp and tp in _EXACT:  # the common case of a record's fields, kept cheap
        return data
    tp, converter = _split_annotated(tp)
    if converter is not None:
        return converter.from_js(data)
    if tp is Any or tp is object:
        return data
    if tp is None or tp is types.NoneType:
        if data is None:
            return None
        raise _mismatch(path, None, data)

    origin = get_origin(tp)
    if origin is None:
        return _deserialize_class(data, tp, path)
    args = get_args(tp)
    if origin in (Union, types.UnionType):
        if data is None and types.NoneType in args:
            return None
        errors = []
        for member in args:
            if member is types.NoneType:
                continue
            try:
                return _deserialize(data, member, path)
            except DeserializationError as e:
                errors.append(e)
        raise _mismatch(path, tp, data)
    if origin is typing.Literal:
        if data in args:
            return data
        raise _mismatch(path, tp, data)
    if origin in (list, set, frozenset, abc.Sequence, abc.MutableSequence, abc.Set):
        if not isinstance(data, list):
            raise _mismatch(path, tp, data)
        item = args[0] if args else Any
        items = [_deserialize(v, item, _Path(path, i)) for i, v in enumerate(data)]
        return frozenset(items) if origin is frozenset else set(items) if origin in (set, abc.Set) else items
    if origin is tuple:
        if not isinstance(data, list):
            raise _mismatch(path, tp, data)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_deserialize(v, args[0], _Path(path, i)) for i, v in enumerate(data))
        if len(args) != len(data):
            raise DeserializationError(f"{path}: expected {_type_name(tp)} ({len(args)} items), "
                                       f"got an array of {len(data)}", path=path)
        return tuple(_deserialize(v, a, _Path(path, i)) for i, (v, a) in enumerate(zip(data, args, strict=True)))
    if isinstance(origin, type) and issubclass(origin, Mapping):
        if not isinstance(data, dict):
            raise _mismatch(path, tp, data)
        value_tp = args[1] if len(args) == 2 else Any
        return {k: _deserialize(v, value_tp, _key_path(path, k)) for k, v in data.items()}
    if isinstance(origin, type):
        return _deserialize_class(data, origin, path)
    raise UnsupportedTypeError(f"{path}: cannot convert to {_type_name(tp)}", path=path)


def _deserialize_class(data: Any, tp: type, path: str) -> Any:
    if isinstance(tp, str):
        raise UnsupportedTypeError(f"{path}: the annotation {tp!r} could not be resolved to a type "
                                   "(is its class defined inside a function?)", path=path)
    if not isinstance(tp, type):
        raise UnsupportedTypeError(f"{path}: {tp!r} is not a type that results can be converted to", path=path)
    if _converters:
        converter = _converter_for_type(tp)
        if converter is not None:
            return converter.from_js(data)
    if tp is bool:
        if isinstance(data, bool):
            return data
        raise _mismatch(path, tp, data)
    if tp is int:
        if isinstance(data, int) and not isinstance(data, bool):
            return data
        if isinstance(data, float) and data.is_integer():
            return int(data)
        raise _mismatch(path, tp, data)
    if tp is float:
        if isinstance(data, (int, float)) and not isinstance(data, bool):
            return float(data)
        raise _mismatch(path, tp, data)
    if tp is str:
        if isinstance(data, str):
            return data
        raise _mismatch(path, tp, data)
    if tp in (bytes, bytearray, memoryview):
        if isinstance(data, (bytes, bytearray, memoryview)):
            return tp(data) if tp is not memoryview else memoryview(bytes(data))
        raise _mismatch(path, tp, data)
    if _is_instance(data, tp):  # already the right object: a lent Python object coming back, an enum member...
        return data
    if issubclass(tp, enum.Enum):
        return _deserialize_enum(data, tp, path)
    if tp is dt.datetime or tp is dt.date or tp is dt.time:
        return _deserialize_temporal(data, tp, path)
    if tp is uuid.UUID:
        try:
            return uuid.UUID(data)
        except (TypeError, ValueError, AttributeError):
            raise _mismatch(path, tp, data) from None
    if dataclasses.is_dataclass(tp):
        return _deserialize_record(data, tp, path, lambda kwargs: tp(**kwargs))
    if _is_namedtuple_class(tp):
        if isinstance(data, list):
            plans = _plans_at(tp, path)
            required = sum(1 for p in plans if p.required)
            if not required <= len(data) <= len(plans):
                count = f"{required}" if required == len(plans) else f"{required} to {len(plans)}"
                raise DeserializationError(f"{path}: expected {_type_name(tp)} ({count} items), "
                                           f"got an array of {len(data)}", path=path)
            return tp(*(_deserialize(v, p.annotation, _Path(path, i)) for i, (v, p) in enumerate(zip(data, plans))))
        return _deserialize_record(data, tp, path, lambda kwargs: tp(**kwargs))
    if typing.is_typeddict(tp):
        if not isinstance(data, dict):
            raise _mismatch(path, tp, data)
        hints = typing.get_type_hints(tp, include_extras=True)
        out = {}
        for key, value in data.items():
            out[key] = _deserialize(value, hints[key], _key_path(path, key)) if key in hints else value
        missing = [k for k in getattr(tp, "__required_keys__", ()) if k not in out]
        if missing:
            raise DeserializationError(f"{path}: missing key '{missing[0]}' of {_type_name(tp)}", path=path)
        return out
    if tp is list:
        return _deserialize(data, list[Any], path)
    if tp is dict:
        return _deserialize(data, dict[str, Any], path)
    if tp is tuple:
        return _deserialize(data, tuple[Any, ...], path)
    raise _mismatch(path, tp, data)


def _is_instance(data: Any, tp: type) -> bool:
    try:
        return isinstance(data, tp)
    except TypeError:  # TypedDict and some protocols refuse isinstance
        return False


def _deserialize_record(data: Any, tp: type, path: str, make: Callable[[dict], Any]) -> Any:
    if not isinstance(data, dict):
        raise _mismatch(path, tp, data)
    plans = _plans_at(tp, path)
    exact, folded = _field_lookup(tp)
    kwargs: dict[str, Any] = {}
    for key, value in data.items():
        if not isinstance(key, str):
            continue
        plan = exact.get(key)
        if plan is None:
            plan = folded.get(_fold(key))
            if plan is _AMBIGUOUS:
                matches = [p.name for p in plans if _fold(key) in (_fold(p.name), _fold(p.js_name))]
                raise DeserializationError(
                    f"{path}: the key {key!r} matches more than one field of {_type_name(tp)} "
                    f"({', '.join(map(repr, matches))}): send it by its exact name", path=path)
        if plan is None or plan.name in kwargs:
            continue  # unknown keys are ignored, as System.Text.Json does
        if plan.converter is not None:
            kwargs[plan.name] = plan.converter.from_js(value)
        else:
            kwargs[plan.name] = _deserialize(value, plan.annotation, _Path(path, plan.name))
    for plan in plans:
        if plan.required and plan.name not in kwargs:
            raise DeserializationError(
                f"{_key_path(path, plan.name)}: missing field '{plan.js_name}' "
                f"(expected {_type_name(plan.annotation)})", path=_key_path(path, plan.name))
    try:
        return make(kwargs)
    except TypeError as e:
        raise DeserializationError(f"{path}: cannot make {_type_name(tp)}: {e}", path=path) from e


def _deserialize_enum(data: Any, tp: type[enum.Enum], path: str) -> enum.Enum:
    try:
        return tp(data)
    except ValueError:
        pass
    if isinstance(data, str):
        folded = data.lower()
        for member in tp:
            if member.name.lower() == folded:
                return member
    raise DeserializationError(
        f"{path}: expected one of {_type_name(tp)} ({', '.join(repr(m.value) for m in tp)}), got {data!r}", path=path)


def _deserialize_temporal(data: Any, tp: type, path: str) -> Any:
    if isinstance(data, tp) and not (tp is dt.date and isinstance(data, dt.datetime)):
        return data
    if not isinstance(data, str):
        raise _mismatch(path, tp, data)
    text = data[:-1] + "+00:00" if data.endswith("Z") else data
    try:
        if tp is dt.date:
            return dt.datetime.fromisoformat(text).date() if "T" in text else dt.date.fromisoformat(text)
        return tp.fromisoformat(text)
    except ValueError:
        raise DeserializationError(f"{path}: expected an ISO 8601 {tp.__name__}, got {data!r}", path=path) from None
