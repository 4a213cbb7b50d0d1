"""The transport of the page: the core's calls go to the loader's ``JSCallChannel`` through Pyodide's FFI.

Arguments that are all primitives are passed as they are (one FFI call); anything else goes as JSON
text (System.Text.Json's rules, see :mod:`jsinterop.interop.serialization`) with binary buffers beside
it (:mod:`jsinterop.pyodide.wire`), so bytes never pass through Base64 and are copied once. Results come
back the same way. Calls the other way arrive at :class:`~jsinterop.pyodide.dispatch.PythonCallDispatcher`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import js
from pyodide.ffi import JsProxy, create_proxy, jsnull, to_js

from ..errors import DeserializationError, JSException, JSRecursionError, SynchronousCallUnavailableError
from ..interop.call_depth import sync_nesting
from ..interop.dispatcher import PyDispatcher, PyObjectReference
from ..interop.runtime import CallKind, JSObjectReference, JSRuntime, JSTransport
from ..interop.serialization import set_max_depth, too_deep_message
from ..interop.streams import PyStreamReference, PyStreamRegistry
from ..typed.marshalling import persistent_callback_count
from .dispatch import PythonCallDispatcher
from .host import interop_host
from .wire import AWAIT_FLAG, FFI_SMALL_INT, ArgumentTooDeep, decode, encode

__all__ = ["PyodideTransport"]


class PyodideTransport(JSTransport):
    """Carries a :class:`~jsinterop.JSRuntime`'s calls to a channel of the loader's InteropHost.

    ``channel=None`` opens a new channel (its own object table); ``js_runtime()`` uses the main one,
    which ``Py.createJSObjectReference`` shares.
    """

    def __init__(self, channel: Any = None) -> None:
        self.channel = channel if channel is not None else interop_host().createChannel()
        """The loader's JSCallChannel."""
        # Bound once: looking a method up on a JsProxy costs an FFI round trip per call.
        self._invoke_plain = self.channel.invoke
        self._invoke_json = self.channel.invokeJSON
        self._begin_plain = self.channel.beginInvoke
        self._begin_json = self.channel.beginInvokeJSON
        self.runtime: JSRuntime
        self.dispatcher = PyDispatcher()
        """Runs the calls JavaScript makes to Python through this channel."""
        self.streams = PyStreamRegistry()
        """The Python streams JavaScript may read."""
        self.calls_from_js = PythonCallDispatcher(self)
        """Where the channel's calls into Python arrive."""
        self._proxies: list[Any] = []

    def connect(self, runtime: JSRuntime) -> None:
        self.runtime = runtime
        host = interop_host()
        self.dispatcher.detailed_errors = bool(getattr(host, "detailedErrors", False))
        depth = getattr(host, "maxDepth", None)
        if type(depth) is int:
            set_max_depth(depth)  # boot({maxDepth}): one limit, both directions, every path
        methods = {name: create_proxy(method) for name, method in self.calls_from_js.js_methods().items()}
        self._proxies = list(methods.values())
        self.channel.connect(to_js(methods, dict_converter=js.Object.fromEntries))

    # --- WireContext: references both ways ------------------------------------------------------

    def reference(self, object_id: int) -> JSObjectReference:
        """A reference to the JS object under ``object_id``."""
        return self.runtime.reference(object_id)

    def tracked(self, object_id: Any) -> Any:
        """The Python object lent to JavaScript under ``object_id``."""
        return self.dispatcher.tracked(object_id)

    def track(self, reference: PyObjectReference) -> int:
        """The id of the object ``reference`` lends, in this channel's dispatcher."""
        return reference.track_in(self.dispatcher)

    def register_stream(self, stream: PyStreamReference) -> int:
        """Keep ``stream`` readable from JavaScript under a new id until it ends or is released."""
        return self.streams.register(stream)

    # --- encoding ------------------------------------------------------------------------------

    @staticmethod
    def _js_args(args: Sequence[Any]) -> Sequence[Any]:
        """Plain arguments as JavaScript gets them: None is null (System.Text.Json writes null), and an
        int beyond 32 bits is a number (Pyodide would make it a BigInt; the runtime checked the range)."""
        if all(a is not None and (type(a) is not int or -FFI_SMALL_INT <= a < FFI_SMALL_INT) for a in args):
            return args
        return [jsnull if a is None else float(a) if type(a) is int else a for a in args]

    def encoded(self, data: Any) -> tuple[str, Any, bool]:
        """``(json, buffers as JS Uint8Arrays or None, markers)`` of wire data."""
        text, buffers, markers = encode(data, self)
        js_buffers = None
        if buffers:
            js_buffers = to_js([bytes(b) if not isinstance(b, bytes) else b for b in buffers])
        return text, js_buffers, markers

    def decode(self, text: str | None, js_buffers: Any, markers: bool) -> Any:
        """Wire data from a channel message; raises :class:`~jsinterop.pyodide.wire.ArgumentTooDeep`."""
        if not markers:
            return decode(text, [], False, self)
        buffers = [b.to_bytes() for b in js_buffers] if js_buffers is not None else []
        return decode(text, buffers, True, self)

    def decode_result(self, result: Any) -> Any:
        """Turn what the channel returned into wire data; an error result raises JSException."""
        if not isinstance(result, JsProxy):
            return None if result is jsnull else result
        if result.error:
            info = json.loads(result.json)
            if info["name"] == "RecursionError":  # nested synchronous calls went too deep, further in
                raise JSRecursionError(info["message"], info["name"], info.get("stack"))
            if info["name"] == "SynchronousCallUnavailableError":  # worker mode, the page not isolated
                raise SynchronousCallUnavailableError(info["message"], info["name"], info.get("stack"))
            raise JSException(info["message"], info["name"], info.get("stack"))
        try:
            return self.decode(result.json, result.buffers, result.markers)
        except ArgumentTooDeep:
            raise DeserializationError(too_deep_message("result"), path="result") from None

    # --- JSTransport ---------------------------------------------------------------------------

    def invoke(self, target: int, identifier: str, kind: CallKind, args: Sequence[Any], plain: bool) -> Any:
        return self._invoke(target, identifier, kind.value, args, plain)

    def _invoke(self, target: int, identifier: str, kind: int, args: Sequence[Any], plain: bool) -> Any:
        with sync_nesting:
            if plain:
                result = self._invoke_plain(target, identifier, kind, *self._js_args(args))
            else:
                result = self._invoke_json(target, identifier, kind, *self.encoded(args))
        return self.decode_result(result)

    def awaits_on_page(self) -> bool:
        """Whether this channel is worker mode's and can wait for the page to await a Promise (Atomics)."""
        return getattr(self.channel, "canAwaitOnPage", None) is True

    def invoke_awaited(self, target: int, identifier: str, kind: CallKind, args: Sequence[Any], plain: bool) -> Any:
        return self._invoke(target, identifier, kind.value | AWAIT_FLAG, args, plain)

    def begin_invoke(self, call_id: int, target: int, identifier: str, kind: CallKind, args: Sequence[Any],
                     plain: bool) -> None:
        if plain:
            self._begin_plain(call_id, target, identifier, kind.value, *self._js_args(args))
        else:
            self._begin_json(call_id, target, identifier, kind.value, *self.encoded(args))

    def abandon(self, call_id: int) -> None:
        self.channel.abandon(call_id)

    def release(self, object_id: int) -> None:
        self.channel.release(object_id)

    def shutdown(self) -> None:
        self.calls_from_js.release_all()
        self.channel.shutdown()
        self._proxies = []

    def tracked_counts(self) -> dict[str, int]:
        counts = self.channel.counts()
        return {"jsObjects": counts.jsObjects, "pendingCalls": counts.pendingCalls,
                "pendingPulls": counts.pendingPulls, "pendingPyCalls": counts.pendingPyCalls,
                "pyStreams": len(self.streams), "pyObjects": len(self.dispatcher.objects),
                "persistentCallbacks": persistent_callback_count()}
