"""The wire format between Python and the loader's channel: JSON text, binary buffers beside it, and
single-key *marker* objects for what JSON cannot say (bytes, references, NaN, a value cut too deep).

Pure Python (it never touches Pyodide), so every marker is tested both ways on CPython. The JS side of
the same format is ``loader/wire.mjs`` (its ``MARKER_KEYS`` is :data:`MARKER_KEYS`).

- :func:`encode` writes wire data (what :func:`~jsinterop.interop.serialization.serialize` made) as
  JSON; each reference kind brings its own encoder (:func:`register_encoder`), as Blazor's JSRuntime
  registers one JSON converter per reference kind.
- :func:`decode` reads JSON text back, turning the markers JavaScript wrote into Python values through
  a :class:`WireContext` (the runtime's object references, the dispatcher's lent objects).
- A data object that looks like a marker is escaped by the encoder (``{"__jsObjectId": 0}`` ->
  ``{"__jsinteropEscaped:__jsObjectId": 0}``) and unescaped by the decoder, so only markers the
  encoder itself wrote are read as references; a marker with an invalid value is a forged message.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from typing import Any, Protocol

from ..errors import DeserializationError
from ..interop.dispatcher import PyObjectReference
from ..interop.runtime import JSObjectReference
from ..interop.streams import JSStreamReference, PyStreamReference
from ..interop.values import describe

__all__ = [
    "BIGINT", "BYTES", "ELEMENT", "ESCAPED", "FFI_SMALL_INT", "JS_STREAM", "MARKER_KEYS", "NUMBER", "PY_OBJECT",
    "PY_STREAM", "REF", "TOO_DEEP", "ArgumentTooDeep", "WireContext", "decode", "encode", "escaped", "register_encoder",
]

REF = "__jsObjectId"
"""A JS object held by reference: its id in the channel's object table."""
BYTES = "__jsinteropBytes"
"""Binary data: the index of its buffer beside the JSON text."""
NUMBER = "__jsinteropNumber"
"""NaN, Infinity or -Infinity, which JSON cannot write."""
BIGINT = "__jsinteropBigInt"
"""A JS BigInt, as its decimal digits."""
JS_STREAM = "__jsinteropStream"
"""A JS stream: ``[source id, length or null]``."""
PY_STREAM = "__pyStream"
"""A Python stream JavaScript reads: ``[stream id, length or null]``."""
PY_OBJECT = "__pyObjectId"
"""A Python object lent to JavaScript: its id in the dispatcher's table."""
ELEMENT = "__jsinteropElement"

AWAIT_FLAG = 0x100
"""Set in a synchronous call's kind (wire.mjs's AWAIT_FLAG) when worker mode's worker waits, with Atomics,
for the page to await the Promise the call returns (``Blocking[T]``, ``invoke(..., blocking=True)``)."""
"""A rendered component element: its node id in the DOM patcher."""
TOO_DEEP = "__jsinteropTooDeep"
"""A value JavaScript cut at the nesting limit: the index of the argument (-1: a result)."""
ESCAPED = "__jsinteropEscaped:"
"""The prefix of an escaped data key that would otherwise read as a marker."""

FFI_SMALL_INT = 2**31
"""Ints below this in absolute value cross Pyodide's FFI as JS numbers by Pyodide's own conversion;
larger (safe) ints are sent as floats, which Pyodide would otherwise make BigInts."""


def _is_id(value: Any) -> bool:
    return type(value) is int and value > 0


_CHECKS: dict[str, Callable[[Any, int], bool]] = {
    REF: lambda v, n: _is_id(v),
    BYTES: lambda v, n: type(v) is int and 0 <= v < n,
    NUMBER: lambda v, n: v in ("NaN", "Infinity", "-Infinity"),
    BIGINT: lambda v, n: type(v) is str and v.lstrip("-").isdigit() and v.isascii(),
    JS_STREAM: lambda v, n: (type(v) is list and len(v) == 2 and _is_id(v[0])
                             and (v[1] is None or (type(v[1]) is int and v[1] >= 0))),
    PY_OBJECT: lambda v, n: _is_id(v),
    TOO_DEEP: lambda v, n: type(v) is int and v >= -1,
}
"""The markers JavaScript writes, each with the check of its value (``n``: the number of buffers)."""

MARKER_KEYS = frozenset({*_CHECKS, PY_STREAM, ELEMENT})
"""Every key that makes a single-key object a marker, in either direction (wire.mjs's MARKER_KEYS)."""


class ArgumentTooDeep(Exception):
    """Argument ``index`` of ``count`` of a call from JavaScript (-1: a result) was cut at the nesting
    limit by the JS encoder."""

    def __init__(self, index: int, count: int) -> None:
        super().__init__(index, count)
        self.index = index
        self.count = count


class WireContext(Protocol):
    """What the codec needs from the runtime it serves: references both ways."""

    def reference(self, object_id: int) -> JSObjectReference:
        """The :class:`JSObjectReference` of an id of the JS side's object table."""
        ...

    def tracked(self, object_id: Any) -> Any:
        """The Python object lent to JavaScript under ``object_id`` (raises when there is none)."""
        ...

    def track(self, reference: PyObjectReference) -> int:
        """The id under which the dispatcher holds the object ``reference`` lends (tracked on first send)."""
        ...

    def register_stream(self, stream: PyStreamReference) -> int:
        """Keep ``stream`` readable from JavaScript under a new id."""
        ...


Encoder = Callable[[Any, WireContext], dict[str, Any]]
"""How one reference kind is written: the value and the context -> its marker object."""

_encoders: dict[type, Encoder] = {}


def register_encoder(kind: type, encoder: Encoder) -> None:
    """Write values of ``kind`` (a :class:`~jsinterop.interop.references.WireReference` subclass) with
    ``encoder``: each reference kind brings its own, as Blazor registers one JSON converter per kind."""
    _encoders[kind] = encoder


register_encoder(JSObjectReference, lambda ref, ctx: {REF: ref.live_id()})
register_encoder(JSStreamReference, lambda ref, ctx: {JS_STREAM: ref.live_id()})
register_encoder(PyStreamReference, lambda ref, ctx: {PY_STREAM: [ctx.register_stream(ref), ref.length]})
register_encoder(PyObjectReference, lambda ref, ctx: {PY_OBJECT: ctx.track(ref)})


def escaped(data: Any) -> Any:
    """Wire data with every data object whose single key reads as a marker escaped (``{"__jsObjectId": 0}``
    -> ``{"__jsinteropEscaped:__jsObjectId": 0}``), and NaN and the infinities marked: the receiver
    decodes as references only the markers the encoder itself wrote."""
    if type(data) is float:
        if math.isfinite(data):
            return data
        return {NUMBER: "NaN" if math.isnan(data) else ("Infinity" if data > 0 else "-Infinity")}
    if isinstance(data, list):
        return [escaped(v) for v in data]
    if isinstance(data, dict):
        if len(data) == 1:
            ((key, value),) = data.items()
            if key in MARKER_KEYS or key.startswith(ESCAPED):
                return {ESCAPED + key: escaped(value)}
        return {k: escaped(v) for k, v in data.items()}
    return data


def _probe(value: Any) -> None:
    """json.dumps' ``default`` of a first pass: it only notes that markers will be needed."""
    raise _NeedsMarkers


class _NeedsMarkers(Exception):
    """Raised by :func:`_probe`: the data holds a value JSON cannot write (bytes, a reference)."""


class _Encoder:
    """JSON encoding of wire data, collecting the side buffers."""

    __slots__ = ("buffers", "context")

    def __init__(self, context: WireContext) -> None:
        self.buffers: list[Any] = []
        self.context = context

    def default(self, value: Any) -> Any:
        if isinstance(value, (bytes, bytearray, memoryview)):
            self.buffers.append(value)
            return {BYTES: len(self.buffers) - 1}
        for kind in type(value).__mro__:
            encoder = _encoders.get(kind)
            if encoder is not None:
                return encoder(value, self.context)
        raise TypeError(f"cannot send {type(value).__name__} to JavaScript")


def encode(data: Any, context: WireContext) -> tuple[str, list[Any], bool]:
    """``(json text, buffers, markers)`` of wire data. Plain data (the common case) is written in one
    pass; data that needs markers (bytes, references, NaN) is written again, with its marker-like data
    objects escaped (the first pass, which has no side effects, only finds out). ``markers`` tells the
    receiver whether it must look for markers at all."""
    try:
        return json.dumps(data, default=_probe, allow_nan=False, separators=(",", ":")), [], False
    except (_NeedsMarkers, ValueError):  # ValueError: NaN or an infinity, which JSON cannot write
        pass
    encoder = _Encoder(context)
    text = json.dumps(escaped(data), default=encoder.default, allow_nan=False, separators=(",", ":"))
    return text, encoder.buffers, True


def decode(text: str | None, buffers: list[bytes], markers: bool, context: WireContext) -> Any:
    """Wire data from JSON text (``buffers``: the binary data beside it). Raises :class:`ArgumentTooDeep`
    when JavaScript cut a value at the nesting limit (after the whole text is read, so a call's argument
    count is known), and :class:`DeserializationError` for a marker with an invalid value."""
    if text is None:
        return None
    if not markers:
        return json.loads(text)
    cut: list[int] = []
    data = json.loads(text, object_hook=lambda d: _revive(d, buffers, cut, context))
    if cut:
        raise ArgumentTooDeep(cut[0], len(data) if isinstance(data, list) else 1)
    return data


def _revive(obj: dict[str, Any], buffers: list[bytes], cut: list[int], context: WireContext) -> Any:
    if len(obj) != 1:
        return obj
    key, value = next(iter(obj.items()))
    if key not in _CHECKS:
        return {key[len(ESCAPED):]: value} if key.startswith(ESCAPED) else obj
    if not _CHECKS[key](value, len(buffers)):
        raise DeserializationError(
            f"A value from JavaScript has the reserved key '{key}' with an invalid value ({describe(value)}): "
            "an object with this single key is jsinterop's wire format and cannot be sent as data.")
    if key == REF:
        return context.reference(value)
    if key == BYTES:
        return buffers[value]
    if key == NUMBER:
        return float(value.replace("Infinity", "inf"))
    if key == BIGINT:
        return int(value)
    if key == JS_STREAM:
        return JSStreamReference(context.reference(value[0]), value[1])
    if key == TOO_DEEP:
        cut.append(value)
        return None
    return context.tracked(value)  # PY_OBJECT
