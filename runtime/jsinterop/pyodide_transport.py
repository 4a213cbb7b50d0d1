"""The transport of the page: calls go to the loader's ``JSCallChannel`` through Pyodide's FFI.

Arguments that are all primitives are passed as they are (one FFI call); anything else goes as JSON
text (System.Text.Json's rules, see :mod:`jsinterop.serialization`) with binary buffers beside it,
so bytes never pass through Base64 and are copied once. Results come back the same way.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import math
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from pyodide.ffi import JsProxy, create_proxy, jsnull, to_js

from .call_depth import sync_nesting
from .components.component import ElementReference
from .errors import DeserializationError, JSException, JSRecursionError
from .js_runtime import CallKind, JSObjectReference, JSTransport, _all_plain
from .marshalling import describe, persistent_callback_count
from .py_dispatcher import PyDispatcher, PyObjectReference
from .serialization import WireReference, max_depth, set_max_depth, too_deep_message
from .streams import JSStreamReference, PyStreamReference

if TYPE_CHECKING:
    from .js_runtime import JSRuntime

__all__ = ["PyodideTransport", "interop_host"]

_REF = "__jsObjectId"
_BYTES = "__jsinteropBytes"
_NUMBER = "__jsinteropNumber"
_BIGINT = "__jsinteropBigInt"
_JS_STREAM = "__jsinteropStream"
_PY_STREAM = "__pyStream"
_PY_OBJECT = "__pyObjectId"
_ELEMENT = "__jsinteropElement"
_TOO_DEEP = "__jsinteropTooDeep"
_ESCAPED = "__jsinteropEscaped:"
_SMALL_INT = 2**31


def _is_id(value: Any) -> bool:
    return type(value) is int and value > 0


_MARKERS: dict[str, Callable[[Any, int], bool]] = {
    _REF: lambda v, n: _is_id(v),
    _BYTES: lambda v, n: type(v) is int and 0 <= v < n,
    _NUMBER: lambda v, n: v in ("NaN", "Infinity", "-Infinity"),
    _BIGINT: lambda v, n: type(v) is str and v.lstrip("-").isdigit() and v.isascii(),
    _JS_STREAM: lambda v, n: (type(v) is list and len(v) == 2 and _is_id(v[0])
                              and (v[1] is None or (type(v[1]) is int and v[1] >= 0))),
    _PY_OBJECT: lambda v, n: _is_id(v),
    _TOO_DEEP: lambda v, n: type(v) is int and v >= -1,
}
"""The wire markers JavaScript writes (single-key objects), each with the check of its value. The
encoder escapes data objects that look like one (see _escaped), so a marker with an invalid value is
a forged wire message and gets a clear error."""

_MARKER_KEYS = frozenset({*_MARKERS, _PY_STREAM, _ELEMENT})
"""Every key that makes a single-key object a marker, in either direction (interop.mjs's MARKER_KEYS)."""

class ArgumentTooDeep(Exception):
    """Argument ``index`` of ``count`` of a call from JavaScript (-1: a result) was cut at the nesting
    limit by the JS encoder."""

    def __init__(self, index: int, count: int) -> None:
        super().__init__(index, count)
        self.index = index
        self.count = count


def _escaped(data: Any) -> Any:
    """Wire data with every data object whose single key reads as a marker escaped (``{"__jsObjectId": 0}``
    -> ``{"__jsinteropEscaped:__jsObjectId": 0}``), and NaN and the infinities marked: the receiver
    decodes as references only the markers the encoder itself wrote."""
    if type(data) is float:
        if math.isfinite(data):
            return data
        return {_NUMBER: "NaN" if math.isnan(data) else ("Infinity" if data > 0 else "-Infinity")}
    if isinstance(data, list):
        return [_escaped(v) for v in data]
    if isinstance(data, dict):
        if len(data) == 1:
            ((key, value),) = data.items()
            if key in _MARKER_KEYS or key.startswith(_ESCAPED):
                return {_ESCAPED + key: _escaped(value)}
        return {k: _escaped(v) for k, v in data.items()}
    return data


def _too_deep_result() -> DeserializationError:
    return DeserializationError(too_deep_message("result"), path="result")


def _resume_now(settle: Callable[..., Any], *args: Any) -> None:
    """``settle(*args)`` completes a future (or starts a task); the task then resumes (or starts) here
    and now.

    Pyodide's event loop would schedule the task's wake-up as a new browser task, and run it through
    a JSPI-capable (promising) entry point, which costs a second browser task: two hops of the event
    loop for every awaited call or started coroutine. JavaScript calls the entry points that use this
    (``end_invoke``, ``call_async``, ``pull_stream``) through such an entry point already
    (``callPromising`` where JSPI exists, see startPython in interop.mjs), so running the task right
    away keeps what it may do (block on a Promise with ``run_sync``) and saves hops. When a task is
    already running (one suspended by ``run_sync``, or the caller's own), it is scheduled as usual.
    """
    loop = asyncio.get_event_loop()
    if asyncio.current_task(loop) is not None:
        settle(*args)
        return
    ready: list[asyncio.Handle] = []

    def collect(callback: Callable[..., Any], *cb_args: Any, context: Any = None) -> asyncio.Handle:
        handle = asyncio.Handle(callback, cb_args, loop, context=context)
        ready.append(handle)
        return handle

    loop.call_soon = collect  # type: ignore[method-assign]
    try:
        settle(*args)
    finally:
        del loop.call_soon
    if not ready:
        return
    if asyncio._get_running_loop() is not loop:
        asyncio._set_running_loop(loop)  # as Pyodide's loop does before each callback
    for handle in ready:
        if not handle.cancelled():
            handle._run()


def interop_host() -> Any:
    """The loader's InteropHost (``globalThis.Py._interop``); a clear error when jsinterop is not booted."""
    import js

    py = getattr(js, "Py", None)
    host = getattr(py, "_interop", None) if py is not None else None
    if host is None:
        raise RuntimeError("jsinterop's JavaScript side is not loaded in this page: "
                           "boot the page with boot() from jsinterop.mjs")
    return host


def _probe(value: Any) -> None:
    """json.dumps' ``default`` of a first pass: it only notes that markers will be needed."""
    raise _NeedsMarkers


class _NeedsMarkers(Exception):
    """Raised by :func:`_probe`: the data holds a value JSON cannot write (bytes, a reference)."""


class _Encoder:
    """JSON encoding of wire data, collecting the side buffers and noting markers."""

    __slots__ = ("buffers", "markers", "transport")

    def __init__(self, transport: PyodideTransport) -> None:
        self.buffers: list[Any] = []
        self.markers = False
        self.transport = transport

    def default(self, value: Any) -> Any:
        if isinstance(value, (bytes, bytearray, memoryview)):
            self.markers = True
            self.buffers.append(value)
            return {_BYTES: len(self.buffers) - 1}
        if isinstance(value, WireReference):
            self.markers = True
            if isinstance(value, JSObjectReference):
                return {_REF: value._target()}
            if isinstance(value, JSStreamReference):
                return {_JS_STREAM: value._source._target()}
            if isinstance(value, PyStreamReference):
                return {_PY_STREAM: [self.transport.register_stream(value), value.length]}
            if isinstance(value, PyObjectReference):
                return {_PY_OBJECT: value.track_in(self.transport.dispatcher)}
            if isinstance(value, ElementReference):
                if value.node_id is None:
                    raise ValueError("This ElementReference has not been rendered yet: use it after the first render "
                                     "(on_after_render)")
                return {_ELEMENT: value.node_id}
        raise TypeError(f"cannot send {type(value).__name__} to JavaScript")

    def encode(self, data: Any) -> str:
        """JSON text of ``data``. Plain data (the common case) is written in one pass. Data that needs
        markers (bytes, references, NaN) is written again, with its marker-like data objects escaped
        (the first pass, which has no side effects, only finds out)."""
        try:
            return json.dumps(data, default=_probe, allow_nan=False, separators=(",", ":"))
        except (_NeedsMarkers, ValueError):  # ValueError: NaN or an infinity, which JSON cannot write
            pass
        self.markers = True
        return json.dumps(_escaped(data), default=self.default, allow_nan=False, separators=(",", ":"))


def _no_null(value: Any) -> Any:
    """JavaScript's null as None, as undefined already arrives (a call's module, identifier, object id)."""
    return None if value is jsnull else value


class PyodideTransport(JSTransport):
    """Carries a :class:`~jsinterop.JSRuntime`'s calls to a channel of the loader's InteropHost.

    ``channel=None`` opens a new channel (its own object table); ``js_runtime()`` uses the main one,
    which ``Py.createJSObjectReference`` shares.
    """

    def __init__(self, channel: Any = None) -> None:
        self._channel = channel if channel is not None else interop_host().createChannel()
        # Bound once: looking a method up on a JsProxy costs an FFI round trip per call.
        self._invoke_plain = self._channel.invoke
        self._invoke_json = self._channel.invokeJSON
        self._begin_plain = self._channel.beginInvoke
        self._begin_json = self._channel.beginInvokeJSON
        self._runtime: JSRuntime | None = None
        self._proxies: list[Any] = []
        self._streams: dict[int, PyStreamReference] = {}
        self._stream_ids = 0
        self.dispatcher = PyDispatcher()
        """Runs the calls JavaScript makes to Python through this channel."""
        self._export_proxies: dict[str, list[tuple[str, bool, Any, int, list[Any] | None]]] = {}

    def connect(self, runtime: JSRuntime) -> None:
        self._runtime = runtime
        host = interop_host()
        self.dispatcher.detailed_errors = bool(getattr(host, "detailedErrors", False))
        depth = getattr(host, "maxDepth", None)
        if type(depth) is int:
            set_max_depth(depth)  # boot({maxDepth}): one limit, both directions, every path
        import js  # the page's globals: present only in Pyodide, as in interop_host()

        # The channel's PythonCallDispatcher (loader/channel.mjs): one named method per callback.
        methods = {
            "endInvokeJSFromPython": self._end_invoke,
            "disconnect": self._disconnect,
            "pullStream": self._pull_stream,
            "invokePythonFromJS": self._call_sync,
            "beginInvokePythonFromJS": self._call_async,
            "releasePyObject": self.dispatcher.release,
            "pyObjectCount": lambda: len(self.dispatcher.objects),
            "pythonExports": self._python_exports,
        }
        self._proxies = [create_proxy(f) for f in methods.values()]
        self._channel.connect(to_js(dict(zip(methods, self._proxies)), dict_converter=js.Object.fromEntries))

    # --- typed exports (@js_export) ------------------------------------------------------------

    def _python_exports(self, module: Any) -> Any:
        """[[name, isAsync, entry, arity, direct], ...] for the @js_export functions of ``module``:
        ``entry`` converts and checks everything; ``direct`` is null or [paramKinds, resultKind,
        function, finish], for the JS fast path that checks primitive kinds itself."""
        from .typed_interop import exports_of

        exports = exports_of(module) if isinstance(module, str) else {}
        if not exports:
            raise LookupError(f"The module '{module}' has no @js_export functions (it must be imported first: "
                              "exports are registered when their module is imported).")
        entries = self._export_proxies.get(module)
        if entries is None:
            entries = [(name, export.is_async, create_proxy(export.call_from_js), export.arity,
                        None if export.fast_kinds is None else
                        [*export.fast_kinds, create_proxy(export.func), create_proxy(export.finish)])
                       for name, export in exports.items()]
            self._export_proxies[module] = entries
        return to_js([list(entry) for entry in entries], create_pyproxies=False)

    def _disconnect(self) -> None:
        self._release_streams()
        self.dispatcher.release_all()
        self._release_exports()
        self._runtime.disconnect()

    def _release_exports(self) -> None:
        for entries in self._export_proxies.values():
            for _, _, proxy, _, direct in entries:
                proxy.destroy()
                if direct is not None:
                    direct[2].destroy()
                    direct[3].destroy()
        self._export_proxies.clear()

    # --- calls from JavaScript -----------------------------------------------------------------

    def _arguments(self, module: Any, identifier: Any, target: Any, text: str | None, js_buffers: Any,
                   markers: bool, plain: tuple[Any, ...]) -> list[Any]:
        if text is None:
            return [None if a is jsnull else a for a in plain]
        try:
            return self._decode_json(text, js_buffers, markers)
        except ArgumentTooDeep as e:
            # JavaScript cut the argument at the nesting limit: the error names its parameter.
            self.dispatcher.refuse_argument(module, identifier, target, e.index, e.count,
                                            f"nesting is deeper than the maximum depth of {max_depth()}")
        except RecursionError:
            raise DeserializationError("The arguments of the call are nested too deeply to convert "
                                       "(beyond Python's recursion limit).") from None

    def _result_for_js(self, value: Any) -> Any:
        """A result (or, with ok=False, error info) as JavaScript receives it: a primitive, or an
        envelope array [ok, json, buffers, markers]."""
        if value is None:
            return jsnull
        if _all_plain((value,)):
            return value
        wire = self.dispatcher.result(value)
        text, buffers, markers = self._encoded(wire)
        return to_js([1, text, buffers, markers])

    def _error_for_js(self, error: BaseException) -> Any:
        return to_js([0, json.dumps(self.dispatcher.error_info(error)), None, False])

    def _call_sync(self, module: Any, identifier: Any, target: int, text: str | None, js_buffers: Any,
                   markers: bool, *plain: Any) -> Any:
        try:
            with sync_nesting:
                module, identifier, target = _no_null(module), _no_null(identifier), _no_null(target)
                args = self._arguments(module, identifier, target, text, js_buffers, markers, plain)
                return self._result_for_js(self.dispatcher.call(module, identifier, target, args, synchronous=True))
        except Exception as e:
            return self._error_for_js(e)

    def _call_async(self, call_id: int, module: Any, identifier: Any, target: int, text: str | None,
                    js_buffers: Any, markers: bool, *plain: Any) -> None:
        try:
            module, identifier, target = _no_null(module), _no_null(identifier), _no_null(target)
            args = self._arguments(module, identifier, target, text, js_buffers, markers, plain)
            result = self.dispatcher.call(module, identifier, target, args, synchronous=False)
        except Exception as e:
            self._channel.endPyCall(call_id, self._error_for_js(e))
            return
        if not inspect.isawaitable(result):  # a plain function: answer now, no event-loop round trip
            self._finish(call_id, result)
            return

        async def run() -> None:
            try:
                value = await result
            except Exception as e:
                if not self._runtime.disconnected:
                    self._channel.endPyCall(call_id, self._error_for_js(e))
                return
            self._finish(call_id, value)

        _resume_now(asyncio.ensure_future, run())  # its first step runs now, not after two event-loop hops

    def _finish(self, call_id: int, value: Any) -> None:
        if self._runtime.disconnected:
            return
        try:
            encoded = self._result_for_js(value)
        except Exception as e:
            encoded = self._error_for_js(e)
        self._channel.endPyCall(call_id, encoded)

    # --- Python streams read by JavaScript -----------------------------------------------------

    def register_stream(self, stream: PyStreamReference) -> int:
        """Keep ``stream`` readable from JavaScript under a new id until it ends or is released."""
        self._stream_ids += 1
        stream_id = self._stream_ids
        stream.attach(lambda: self._streams.pop(stream_id, None))
        self._streams[stream_id] = stream
        return stream_id

    def _pull_stream(self, stream_id: int, call_id: int, max_bytes: int) -> None:
        _resume_now(asyncio.ensure_future, self._send_chunk(stream_id, call_id, max_bytes))

    async def _send_chunk(self, stream_id: int, call_id: int, max_bytes: int) -> None:
        stream = self._streams.get(stream_id) if type(stream_id) is int else None
        try:
            if stream is None:
                shown = stream_id if type(stream_id) is int else describe(stream_id)
                raise ValueError(f"There is no Python stream with id '{shown}'. Perhaps it was disposed?")
            if type(max_bytes) not in (int, float) or max_bytes != max_bytes:
                raise TypeError(f"A stream pull needs a number of bytes, got {describe(max_bytes)}.")
            chunk = await stream.read_chunk(int(max_bytes)) if max_bytes > 0 else None
        except Exception as e:
            if stream is not None:
                stream.dispose()
            if not self._runtime.disconnected:
                self._channel.endPull(call_id, False, f"{type(e).__name__}: {e}")
            return
        if chunk is None and stream is not None:
            stream.dispose()  # read to the end, or cancelled (max_bytes == 0)
        if not self._runtime.disconnected:
            self._channel.endPull(call_id, True, to_js(chunk) if chunk is not None else None)

    def _release_streams(self) -> None:
        for stream in list(self._streams.values()):
            stream.dispose()
        self._streams.clear()

    # --- encoding ------------------------------------------------------------------------------

    @staticmethod
    def _js_args(args: Sequence[Any]) -> Sequence[Any]:
        """Plain arguments as JavaScript gets them: None is null (System.Text.Json writes null), and an
        int beyond 32 bits is a number (Pyodide would make it a BigInt; the runtime checked the range)."""
        if all(a is not None and (type(a) is not int or -_SMALL_INT <= a < _SMALL_INT) for a in args):
            return args
        return [jsnull if a is None else float(a) if type(a) is int else a for a in args]

    def _encoded(self, args: list[Any]) -> tuple[str, Any, bool]:
        encoder = _Encoder(self)
        text = encoder.encode(args)
        buffers = None
        if encoder.buffers:
            buffers = to_js([bytes(b) if not isinstance(b, bytes) else b for b in encoder.buffers])
        return text, buffers, encoder.markers

    def decode(self, result: Any) -> Any:
        """Turn what the channel returned into wire data; an error result raises JSException."""
        if not isinstance(result, JsProxy):
            return None if result is jsnull else result
        if result.error:
            info = json.loads(result.json)
            if info["name"] == "RecursionError":  # nested synchronous calls went too deep, further in
                raise JSRecursionError(info["message"], info["name"], info.get("stack"))
            raise JSException(info["message"], info["name"], info.get("stack"))
        try:
            return self._decode_json(result.json, result.buffers, result.markers)
        except ArgumentTooDeep:
            raise _too_deep_result() from None

    def _decode_json(self, text: str | None, js_buffers: Any, markers: bool) -> Any:
        """Wire data from JSON text; raises :class:`ArgumentTooDeep` when JavaScript cut a value at the
        nesting limit (after the whole text is read, so a call's argument count is known)."""
        if text is None:
            return None
        if not markers:
            return json.loads(text)
        buffers = [b.to_bytes() for b in js_buffers] if js_buffers is not None else []
        cut: list[int] = []
        data = json.loads(text, object_hook=lambda d: self._revive(d, buffers, cut))
        if cut:
            raise ArgumentTooDeep(cut[0], len(data) if isinstance(data, list) else 1)
        return data

    def _revive(self, obj: dict[str, Any], buffers: list[bytes], cut: list[int]) -> Any:
        if len(obj) != 1:
            return obj
        key, value = next(iter(obj.items()))
        if key not in _MARKERS:
            return {key[len(_ESCAPED):]: value} if key.startswith(_ESCAPED) else obj
        if not _MARKERS[key](value, len(buffers)):
            raise DeserializationError(
                f"A value from JavaScript has the reserved key '{key}' with an invalid value ({describe(value)}): "
                "an object with this single key is jsinterop's wire format and cannot be sent as data.")
        if key == _REF:
            return self._runtime.reference(value)
        if key == _BYTES:
            return buffers[value]
        if key == _NUMBER:
            return float(value.replace("Infinity", "inf"))
        if key == _BIGINT:
            return int(value)
        if key == _JS_STREAM:
            return JSStreamReference(self._runtime.reference(value[0]), value[1])
        if key == _TOO_DEEP:
            cut.append(value)
            return None
        return self.dispatcher.tracked(value)  # _PY_OBJECT

    # --- JSTransport ---------------------------------------------------------------------------

    def invoke(self, target: int, identifier: str, kind: CallKind, args: Sequence[Any], plain: bool) -> Any:
        with sync_nesting:
            if plain:
                result = self._invoke_plain(target, identifier, kind.value, *self._js_args(args))
            else:
                result = self._invoke_json(target, identifier, kind.value, *self._encoded(args))
        return self.decode(result)

    def begin_invoke(self, call_id: int, target: int, identifier: str, kind: CallKind, args: Sequence[Any],
                     plain: bool) -> None:
        if plain:
            self._begin_plain(call_id, target, identifier, kind.value, *self._js_args(args))
        else:
            self._begin_json(call_id, target, identifier, kind.value, *self._encoded(args))

    def _end_invoke(self, call_id: int, succeeded: bool, result: Any) -> None:
        try:
            outcome: Any = self.decode(result)
            if not succeeded:
                outcome = JSException(str(outcome))
        except Exception as e:  # an error result, or a result that cannot be decoded
            succeeded, outcome = False, e
        _resume_now(self._runtime.end_invoke, call_id, succeeded, outcome)

    def abandon(self, call_id: int) -> None:
        self._channel.abandon(call_id)

    def release(self, object_id: int) -> None:
        self._channel.release(object_id)

    def shutdown(self) -> None:
        self._release_streams()
        self.dispatcher.release_all()
        self._release_exports()
        self._channel.shutdown()
        self._proxies = []

    def tracked_counts(self) -> dict[str, int]:
        counts = self._channel.counts()
        return {"jsObjects": counts.jsObjects, "pendingCalls": counts.pendingCalls,
                "pendingPulls": counts.pendingPulls, "pendingPyCalls": counts.pendingPyCalls,
                "pyStreams": len(self._streams), "pyObjects": len(self.dispatcher.objects),
                "persistentCallbacks": persistent_callback_count()}
