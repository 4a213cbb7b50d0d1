"""Typed marshalling for ``@js_import`` / ``@js_export``: the conversion of each parameter and result
is chosen once, from its annotation, when the function is decorated (.NET's JSMarshalAs).

Each annotation compiles to a :class:`Marshaller` with ``to_js`` (Python value -> what Pyodide hands
JavaScript) and ``from_js`` (what JavaScript handed Python -> Python value), plus its TypeScript
type. An annotation that cannot be marshalled, or a missing one, raises
:class:`~jsinterop.errors.InteropDefinitionError` (a ``TypeError``) at decoration time, naming the
parameter. A value that does not fit raises a :class:`~jsinterop.errors.ConversionError`:
:class:`~jsinterop.errors.UnsupportedTypeError` going to JavaScript, :class:`~jsinterop.errors.DeserializationError`
coming from it (both ``TypeError``), :class:`~jsinterop.errors.IntegerRangeError` (an ``OverflowError``).

| Python annotation | JavaScript |
| --- | --- |
| bool, float, str, None | boolean, number, string, undefined/null |
| int | number (abs <= 2**53 - 1, else IntegerRangeError); ``JSBigInt`` gives BigInt |
| datetime (timezone-aware) | Date (a naive datetime is rejected) |
| bytes / memoryview | Uint8Array (one copy) / a zero-copy view valid during the call |
| array.array | the TypedArray of its typecode (``'d'`` Float64Array, ``'i'`` Int32Array...), one copy |
| list[T], tuple[...], dict[str, T], dataclass, TypedDict | Array / plain Object (camelCase keys) |
| JSObject | the JS object itself, by reference |
| Callable[[A, B], R] (``Persistent[...]``, ``Once[...]``) | Function |
| Awaitable[T] | Promise |
| Exception | Error |
| Any | Pyodide's default conversion |
"""

from __future__ import annotations

import array
import asyncio
import collections.abc
import dataclasses
import datetime as dt
import enum
import inspect
import types
import typing
from collections.abc import Callable
from typing import Annotated, Any, get_args, get_origin

from ..errors import (DeserializationError, IntegerRangeError, InteropDefinitionError, JSException, SerializationError,
                      UnsupportedTypeError)
from ..interop.call_depth import sync_nesting
from ..interop.serialization import camel_case, is_safe_integer, deserialize, serialize, too_deep_message
from ..interop.values import describe, is_js_proxy
from ..pyodide.host import interop_host
from ..pyodide.wire import FFI_SMALL_INT
from . import columns

__all__ = [
    "register_marshaller",
    "BigInt",
    "Blocking",
    "JSBigInt",
    "JSObject",
    "Marshaller",
    "Once",
    "Persistent",
    "compile_marshaller",
    "release_callback",
]


class BigInt:
    """Marks an int to cross as a JavaScript BigInt: ``Annotated[int, BigInt]`` (or :data:`JSBigInt`)."""


JSBigInt = Annotated[int, BigInt]
"""An int that crosses as a JavaScript BigInt, at any size."""


class JSObject:
    """A JavaScript object held as it is (Pyodide's ``JsProxy``), by reference, with no conversion."""


class _Lifetime:
    def __init__(self, kind: str) -> None:
        self.kind = kind

    def __repr__(self) -> str:
        return self.kind


_PERSISTENT = _Lifetime("Persistent")
_ONCE = _Lifetime("Once")
_BLOCKING = _Lifetime("Blocking")


_T = typing.TypeVar("_T")

# Each marker is a generic alias of Annotated: ``Persistent[X]`` is ``Annotated[X, <Persistent>]`` at run
# time, and type checkers read it as ``X`` (so ``mypy --strict`` accepts it in annotations).

Persistent = Annotated[_T, _PERSISTENT]
"""``Persistent[Callable[...]]``: the JS function lives until :func:`release_callback` (and the same
Python callable always gives the same JS function, so ``removeEventListener`` works)."""

Once = Annotated[_T, _ONCE]
"""``Once[Callable[...]]``: the JS function is released after its first call."""

Blocking = Annotated[_T, _BLOCKING]
"""``-> Blocking[T]`` on an import whose JS function returns a Promise: wait for it synchronously
(JSPI), where the browser and the Python entry point allow it."""


@dataclasses.dataclass(frozen=True)
class Marshaller:
    """How one parameter or result crosses: both directions, and its TypeScript type."""

    to_js: Callable[[Any, list[Any]], Any]
    """Python -> JS. The list collects what must be released when the call ends."""
    from_js: Callable[[Any], Any]
    """JS -> Python."""
    ts: str
    """The TypeScript type."""
    blocking: bool = False
    simple: bool = False
    """True when ``to_js`` never registers a release (primitives): calls can skip that bookkeeping."""
    awaitable: bool = False
    """True for ``Awaitable[T]``: a Promise on the JS side, awaited by Python."""
    exact: type | None = None
    """A type whose values cross unchanged both ways (``to_js`` and ``from_js`` are the identity for
    them; for int, only below 2**31 in absolute value): lets a call skip the converter calls."""


def _ffi() -> Any:
    import pyodide.ffi  # only present in Pyodide: the converters that need it run only there

    return pyodide.ffi


def _is_js_object(value: Any) -> bool:
    """A JsProxy of an object (``hasattr`` on a JsProxy of a Symbol throws a JS TypeError)."""
    return is_js_proxy(value) and getattr(value, "typeof", None) in ("object", "function")


def _type_error(where: str, expected: str, value: Any) -> UnsupportedTypeError:
    """A Python value of the wrong type for its annotation, on its way to JavaScript."""
    return UnsupportedTypeError(f"{where}: expected {expected}, got {describe(value)}", path=where)


def _mismatch(where: str, expected: str, value: Any) -> DeserializationError:
    """A JS value of the wrong type for its annotation, on its way to Python."""
    return DeserializationError(f"{where}: expected {expected}, got {describe(value)}", path=where)


def _same(value: Any, calls: list[Any]) -> Any:
    return value


def _strict(tp: type, where: str, ts: str) -> Marshaller:
    """A primitive that crosses unchanged both ways, of exactly type ``tp`` (bool, str)."""
    def check_to_js(v: Any, calls: Any = None) -> Any:
        if type(v) is not tp:
            raise _type_error(where, tp.__name__, v)
        return v

    def check_from_js(v: Any) -> Any:
        if type(v) is not tp:
            raise _mismatch(where, tp.__name__, v)
        return v
    return Marshaller(check_to_js, check_from_js, ts, simple=True, exact=tp)


MarshallerFactory = Callable[[str], Marshaller]
"""Makes the marshaller of one annotation, given the ``where`` its errors name."""

_registered: dict[type, MarshallerFactory] = {}


def register_marshaller(tp: type, factory: MarshallerFactory) -> None:
    """Marshal values annotated ``tp`` with ``factory(where)``: a reference kind defined in another layer
    (a component's ``ElementReference``) brings its own typed conversion, as it brings its wire encoder."""
    _registered[tp] = factory


def compile_marshaller(tp: Any, where: str) -> Marshaller:
    """The marshaller for annotation ``tp``; ``where`` (e.g. "parameter 'x' of 'f'") names it in errors."""
    if tp is inspect.Parameter.empty:
        raise InteropDefinitionError(f"{where} has no annotation: typed interop needs one (use Any for Pyodide's default "
                        "conversion)")
    if isinstance(tp, str):
        raise InteropDefinitionError(f"{where}: the annotation {tp!r} could not be resolved to a type")
    lifetime = None
    if get_origin(tp) is Annotated:
        base, *extras = get_args(tp)
        if BigInt in extras:
            if base is not int:
                raise InteropDefinitionError(f"{where}: BigInt applies to int, not {base!r}")
            return _bigint(where)
        lifetime = next((e for e in extras if isinstance(e, _Lifetime)), None)
        if lifetime is _BLOCKING:
            inner = compile_marshaller(base, where)
            return dataclasses.replace(inner, blocking=True)
        tp = base
    origin = get_origin(tp)
    factory = _registered.get(tp) if isinstance(tp, type) else None
    if factory is not None:
        return factory(where)
    if tp is Any or tp is object:
        return Marshaller(_same, lambda v: v, "any", simple=True)
    if tp is None or tp is types.NoneType:
        return Marshaller(lambda v, calls: None, lambda v: None, "void", simple=True, exact=types.NoneType)
    if tp is bool:
        return _strict(bool, where, "boolean")
    if tp is int:
        def int_to_js(v: Any, calls: list[Any]) -> Any:
            if type(v) is not int:
                raise _type_error(where, "int", v)
            if -FFI_SMALL_INT <= v < FFI_SMALL_INT:
                return v
            if not is_safe_integer(v):
                raise IntegerRangeError(f"{where}: {v} is outside JavaScript's safe integer range (abs <= 2**53 - 1); "
                                        "annotate it JSBigInt to send a BigInt", path=where)
            return float(v)  # exact in this range, and a number, where Pyodide would make a BigInt
        def int_from_js(v: Any) -> int:
            if type(v) is int:
                return v
            if isinstance(v, int) and not isinstance(v, bool):  # a BigInt from JavaScript
                return int(v)
            if type(v) is float and v.is_integer():
                return int(v)
            raise _mismatch(where, "int", v)
        return Marshaller(int_to_js, int_from_js, "number", simple=True, exact=int)
    if tp is float:
        def float_to_js(v: Any, calls: list[Any]) -> Any:
            if type(v) is float:
                return v
            if type(v) is int and is_safe_integer(v):
                return float(v)
            raise _type_error(where, "float", v)
        def float_from_js(v: Any) -> float:
            if type(v) in (float, int):
                return float(v)
            raise _mismatch(where, "float", v)
        return Marshaller(float_to_js, float_from_js, "number", simple=True, exact=float)
    if tp is str:
        return _strict(str, where, "string")
    if tp is dt.datetime:
        return _datetime(where)
    if tp is bytes:
        return _bytes(where)
    if tp is memoryview:
        return _memoryview(where)
    if tp is array.array or origin is array.array:
        return _array(where)
    if tp is JSObject:
        def obj_to_js(v: Any, calls: list[Any]) -> Any:
            if not is_js_proxy(v):
                raise _type_error(where, "a JS object (JsProxy)", v)
            return v
        return Marshaller(obj_to_js, lambda v: v, "any")
    if isinstance(tp, type) and issubclass(tp, BaseException):
        return _exception(where)
    if origin in (collections.abc.Callable,) or tp is collections.abc.Callable:
        return _callable(tp, where, lifetime)
    if origin in (collections.abc.Awaitable, collections.abc.Coroutine):
        return _awaitable(tp, where)
    if _is_data(tp):
        return _data(tp, where)
    raise InteropDefinitionError(f"{where}: the annotation {tp!r} cannot be marshalled (see the table in jsinterop.marshalling)")


def _is_data(tp: Any) -> bool:
    origin = get_origin(tp) or tp
    if origin in (list, tuple, dict, set, frozenset):
        args = get_args(tp)
        return all(_is_data(a) or a in (str, int, float, bool, type(None), bytes, Any, Ellipsis)
                   or get_origin(a) in (typing.Union, types.UnionType) for a in args)
    if get_origin(tp) in (typing.Union, types.UnionType):
        return all(_is_data(a) or a in (str, int, float, bool, type(None), bytes) for a in get_args(tp))
    return isinstance(tp, type) and (dataclasses.is_dataclass(tp) or typing.is_typeddict(tp)
                                     or issubclass(tp, enum.Enum))


def _ts_of_data(tp: Any) -> str:
    origin = get_origin(tp)
    args = get_args(tp)
    simple = {str: "string", int: "number", float: "number", bool: "boolean", type(None): "null", bytes: "Uint8Array"}
    if tp in simple:
        return simple[tp]
    if origin in (list, set, frozenset):
        return f"{_ts_of_data(args[0]) if args else 'unknown'}[]"
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return f"{_ts_of_data(args[0])}[]"
        return "[" + ", ".join(_ts_of_data(a) for a in args) + "]"
    if origin is dict:
        return f"Record<string, {_ts_of_data(args[1]) if len(args) == 2 else 'unknown'}>"
    if origin in (typing.Union, types.UnionType):
        return " | ".join(_ts_of_data(a) for a in args)
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        hints = typing.get_type_hints(tp)
        fields = [f for f in dataclasses.fields(tp) if not f.name.startswith("_")]
        return "{ " + "; ".join(f"{f.metadata.get('js_name', camel_case(f.name))}: {_ts_of_data(hints[f.name])}"
                                for f in fields) + " }"
    if isinstance(tp, type) and typing.is_typeddict(tp):
        hints = typing.get_type_hints(tp)
        return "{ " + "; ".join(f"{k}: {_ts_of_data(v)}" for k, v in hints.items()) + " }"
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return " | ".join(repr(m.value) if isinstance(m.value, str) else str(m.value) for m in tp) or "never"
    return "unknown"


def _data(tp: Any, where: str) -> Marshaller:
    plan = columns.plan_of(tp)
    shape: list[Any] = []  # the plan's shape as a JS value, made once, in the page

    def js_shape() -> Any:
        if not shape:
            shape.append(_ffi().to_js(plan.shape))  # type: ignore[union-attr]
        return shape[0]

    def to_js(v: Any, calls: list[Any]) -> Any:
        host = _interop_host() if plan is not None else None
        if host is not None:
            try:
                text, buffers = columns.encode(plan, v)  # type: ignore[arg-type]
                return host.fromColumns(js_shape(), text, _ffi().to_js(buffers))
            except columns.NotColumnar:
                pass  # the general path converts it or names what is wrong
        wire = serialize(v, where)  # first: its checks run on CPython too (a test's fake runtime)
        return _ffi().to_js(wire, dict_converter=_object_from_entries())

    def from_js(v: Any) -> Any:
        host = _interop_host() if is_js_proxy(v) else None
        # The columnar path reads only the fields of the type's plan, so its walk is as deep as the type.
        gathered = host.toColumns(js_shape(), v) if host is not None and plan is not None else None
        if gathered is not None:
            text, js_buffers = gathered
            try:
                return columns.decode(plan, text, [_copied(b, "d") for b in js_buffers])  # type: ignore[arg-type]
            except columns.NotColumnar:
                pass
        if host is not None and host.exceedsDepth(v):
            # Refused before anything recursive (toPy) walks it: a deep value would overflow the stack.
            raise DeserializationError(too_deep_message(where), path=where)
        data = v.to_py() if is_js_proxy(v) else v
        return deserialize(_bytes_in(data), tp, where)

    return Marshaller(to_js, from_js, _ts_of_data(tp))


def _bytes_in(data: Any, null: Any = None) -> Any:
    """What to_py() gave, as wire data: JS buffers arrive as memoryviews (the table says bytes), and
    null as Pyodide's ``jsnull`` (the table says None)."""
    if null is None:
        try:
            null = _ffi().jsnull
        except (ImportError, AttributeError):
            null = object()
    if isinstance(data, memoryview):
        return data.tobytes()
    if data is null:
        return None
    if isinstance(data, list):
        return [_bytes_in(v, null) for v in data]
    if isinstance(data, dict):
        return {k: _bytes_in(v, null) for k, v in data.items()}
    return data


_from_entries: Any = None


def _copied(typed: Any, typecode: str) -> array.array:
    """A JS TypedArray copied (once) into a new array.array of ``typecode``."""
    out = array.array(typecode, [0]) * int(typed.length)
    typed.assign_to(out)
    return out


def _interop_host() -> Any:
    """The loader's JS side, or None outside a booted page (the columnar path needs it)."""
    try:
        return interop_host()
    except (ImportError, RuntimeError):
        return None


def _object_from_entries() -> Any:
    global _from_entries
    if _from_entries is None:
        import js  # only present in Pyodide

        _from_entries = js.Object.fromEntries
    return _from_entries


def _bigint(where: str) -> Marshaller:
    def to_js(v: Any, calls: list[Any]) -> Any:
        if type(v) is not int:
            raise _type_error(where, "int", v)
        import js  # only present in Pyodide

        return js.BigInt(str(v))

    def from_js(v: Any) -> int:
        if isinstance(v, int) and not isinstance(v, bool):  # Pyodide's JsBigInt is an int
            return int(v)
        raise _mismatch(where, "a BigInt", v)

    return Marshaller(to_js, from_js, "bigint")


def _datetime(where: str) -> Marshaller:
    def to_js(v: Any, calls: list[Any]) -> Any:
        if type(v) is not dt.datetime:
            raise _type_error(where, "datetime", v)
        if v.tzinfo is None or v.tzinfo.utcoffset(v) is None:
            raise SerializationError(f"{where}: a naive datetime has no time zone, so it does not name an instant; "
                                     "give it a tzinfo (e.g. datetime.now(timezone.utc))", path=where)
        import js  # only present in Pyodide

        return js.Date.new(v.timestamp() * 1000)

    def from_js(v: Any) -> dt.datetime:
        if not (_is_js_object(v) and hasattr(v, "getTime")):
            raise _mismatch(where, "a Date", v)
        ms = v.getTime()
        if ms != ms:  # NaN
            raise DeserializationError(f"{where}: an Invalid Date (its time is NaN) is not a datetime", path=where)
        try:
            return dt.datetime.fromtimestamp(ms / 1000, tz=dt.timezone.utc)
        except (ValueError, OverflowError, OSError):
            raise DeserializationError(f"{where}: the Date {v.toISOString()} is outside datetime's range "
                                       "(years 1 to 9999)", path=where) from None

    return Marshaller(to_js, from_js, "Date")


def _bytes(where: str) -> Marshaller:
    def to_js(v: Any, calls: list[Any]) -> Any:
        if not isinstance(v, (bytes, bytearray)):
            raise _type_error(where, "bytes", v)
        return _ffi().to_js(v)  # a Uint8Array: one copy

    def from_js(v: Any) -> bytes:
        if _is_js_object(v) and hasattr(v, "to_bytes"):
            return v.to_bytes()
        if isinstance(v, (bytes, bytearray, memoryview)):
            return bytes(v)
        raise _mismatch(where, "a Uint8Array", v)

    return Marshaller(to_js, from_js, "Uint8Array")


_TYPED_ARRAYS = {  # TypedArray constructor name -> array.array typecode
    "Float64Array": "d", "Float32Array": "f", "Int8Array": "b", "Uint8Array": "B", "Uint8ClampedArray": "B",
    "Int16Array": "h", "Uint16Array": "H", "Int32Array": "i", "Uint32Array": "I",
    "BigInt64Array": "q", "BigUint64Array": "Q",
}


def _array(where: str) -> Marshaller:
    """``array.array`` <-> the TypedArray of its typecode (``'d'`` <-> Float64Array...), one copy."""
    def to_js(v: Any, calls: list[Any]) -> Any:
        if type(v) is not array.array:
            raise _type_error(where, "array.array", v)
        if v.typecode in ("u", "w"):
            raise UnsupportedTypeError(f"{where}: an array.array of typecode '{v.typecode}' (characters) has no TypedArray",
                                       path=where)
        return _ffi().to_js(v)  # Pyodide copies a buffer into the TypedArray of its format

    def from_js(v: Any) -> array.array:
        if type(v) is array.array:
            return v
        name = str(getattr(getattr(v, "constructor", None), "name", "")) if is_js_proxy(v) else ""
        code = _TYPED_ARRAYS.get(name)
        if code is None:
            raise _mismatch(where, "a TypedArray (Float64Array, Int32Array...)", v)
        return _copied(v, code)

    return Marshaller(to_js, from_js, " | ".join(dict.fromkeys(_TYPED_ARRAYS)))


def _memoryview(where: str) -> Marshaller:
    def to_js(v: Any, calls: list[Any]) -> Any:
        if not isinstance(v, (memoryview, bytes, bytearray)):
            raise _type_error(where, "memoryview", v)
        proxy = _ffi().create_proxy(memoryview(v).cast("B"))
        buffer = proxy.getBuffer("u8")
        calls.append(buffer.release)  # the view dies with the call: JS must not keep it
        calls.append(proxy.destroy)
        return buffer.data  # a Uint8Array over Python's memory: no copy

    def from_js(v: Any) -> memoryview:
        return memoryview(_bytes(where).from_js(v))

    return Marshaller(to_js, from_js, "Uint8Array")


def _exception(where: str) -> Marshaller:
    def to_js(v: Any, calls: list[Any]) -> Any:
        if not isinstance(v, BaseException):
            raise _type_error(where, "an exception", v)
        import js  # only present in Pyodide

        error = js.Error.new(str(v))
        error.name = type(v).__name__
        return error

    def from_js(v: Any) -> JSException:
        if is_js_proxy(v):
            return JSException(str(getattr(v, "message", v)), str(getattr(v, "name", "Error")),
                               getattr(v, "stack", None))
        raise _mismatch(where, "an Error", v)

    return Marshaller(to_js, from_js, "Error")


# --- callables ---------------------------------------------------------------------------------

_persistent: dict[Any, Any] = {}
"""callable key -> its JS function, for Persistent callbacks (released by release_callback)."""


def _callable_key(func: Any) -> Any:
    if inspect.ismethod(func):
        return ("method", id(func.__self__), func.__func__)
    return ("function", id(func))


def release_callback(func: Callable[..., Any]) -> bool:
    """Release the JS function a ``Persistent`` callback was given; False if it had none."""
    proxy = _persistent.pop(_callable_key(func), None)
    if proxy is None:
        return False
    proxy[1].destroy()
    return True


def persistent_callback_count() -> int:
    """How many Persistent callbacks are alive (counted by the leak tracker)."""
    return len(_persistent)


def _callable(tp: Any, where: str, lifetime: _Lifetime | None) -> Marshaller:
    args = get_args(tp)
    if args and args[0] is not Ellipsis:
        params = [compile_marshaller(a, f"argument {i} of the callback {where}") for i, a in enumerate(args[0])]
    else:
        params = None
    result = compile_marshaller(args[1], f"the result of the callback {where}") if args else None
    ts_params = ", ".join(f"arg{i}: {m.ts}" for i, m in enumerate(params)) if params is not None else "...args: any[]"
    ts = f"({ts_params}) => {result.ts if result else 'any'}"

    def adapt(func: Callable[..., Any]) -> Callable[..., Any]:
        def callback(*js_args: Any) -> Any:
            with sync_nesting:
                if params is not None:
                    py_args = [m.from_js(a) for m, a in zip(params, js_args)]
                else:
                    py_args = list(js_args)
                value = func(*py_args)
                return result.to_js(value, []) if result is not None else value
        return callback

    def to_js(v: Any, calls: list[Any]) -> Any:
        if not callable(v):
            raise _type_error(where, "a callable", v)
        ffi = _ffi()
        if lifetime is _PERSISTENT:
            key = _callable_key(v)
            entry = _persistent.get(key)
            if entry is None:
                entry = (v, ffi.create_proxy(adapt(v)))
                _persistent[key] = entry
            return entry[1]
        if lifetime is _ONCE:
            return ffi.create_once_callable(adapt(v))
        proxy = ffi.create_proxy(adapt(v))
        calls.append(proxy.destroy)  # lives for the call
        return proxy

    def from_js(v: Any) -> Callable[..., Any]:
        if not callable(v):
            raise _mismatch(where, "a function", v)

        def call(*py_args: Any) -> Any:
            releases: list[Any] = []
            try:
                converted = [m.to_js(a, releases) for m, a in zip(params, py_args)] if params is not None else py_args
                value = v(*converted)
                return result.from_js(value) if result is not None else value
            finally:
                for release in releases:
                    release()
        return call

    return Marshaller(to_js, from_js, ts)


def _awaitable(tp: Any, where: str) -> Marshaller:
    args = get_args(tp)
    inner = compile_marshaller(args[-1] if args else Any, f"the awaited value of {where}")

    def to_js(v: Any, calls: list[Any]) -> Any:
        if not inspect.isawaitable(v):
            raise _type_error(where, "an awaitable", v)
        return promise_of(v, inner)

    def from_js(v: Any) -> Any:
        async def awaited() -> Any:
            return inner.from_js(await v)
        return awaited()

    return Marshaller(to_js, from_js, f"Promise<{inner.ts}>", awaitable=True)


def promise_of(awaitable: Any, inner: Marshaller) -> Any:
    """A JS Promise settled by ``awaitable`` (its value converted by ``inner``)."""
    import js  # only present in Pyodide

    ffi = _ffi()

    def executor(resolve: Any, reject: Any) -> None:
        async def settle() -> None:
            try:
                value = await awaitable
                resolve(inner.to_js(value, []))
            except Exception as e:
                reject(_exception("the rejection").to_js(e, []))
        asyncio.ensure_future(settle())

    return js.Promise.new(ffi.create_once_callable(executor))
