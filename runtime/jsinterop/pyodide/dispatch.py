"""Where a call from JavaScript arrives: :class:`PythonCallDispatcher`, the Python side of the
loader's ``PythonCallDispatcher`` interface (``loader/channel.mjs``), as Blazor's TypeScript side names
the host direction ``DotNetCallDispatcher``.

Each entry decodes the wire message (:mod:`jsinterop.pyodide.wire`), hands the call to the
transport-neutral :class:`~jsinterop.interop.dispatcher.PyDispatcher` (which resolves, binds, calls),
and encodes the result or the error back. Nothing else in Python is called by the channel.
"""

from __future__ import annotations

import asyncio
import inspect
import json
from collections.abc import Callable
from typing import Any, Protocol

from pyodide.ffi import create_proxy, jsnull, to_js

from ..errors import DeserializationError, JSException
from ..interop.call_depth import sync_nesting
from ..interop.dispatcher import PyDispatcher
from ..interop.runtime import JSRuntime
from ..interop.serialization import is_plain, max_depth
from ..interop.streams import PyStreamRegistry
from ..interop.values import describe
from ..typed.exports import exports_of
from .host import resume_now
from .wire import ArgumentTooDeep

__all__ = ["CallSite", "PythonCallDispatcher"]


class CallSite(Protocol):
    """What the dispatcher needs of the transport it serves (:class:`~jsinterop.pyodide.transport.PyodideTransport`)."""

    channel: Any
    """The loader's JSCallChannel (a JsProxy)."""
    runtime: JSRuntime
    dispatcher: PyDispatcher
    streams: PyStreamRegistry

    def decode(self, text: str | None, js_buffers: Any, markers: bool) -> Any:
        """Wire data from a channel message (raises :class:`~jsinterop.pyodide.wire.ArgumentTooDeep`)."""
        ...

    def decode_result(self, result: Any) -> Any:
        """What a call to JavaScript returned, as wire data (an error result raises :class:`JSException`)."""
        ...

    def encoded(self, data: Any) -> tuple[str, Any, bool]:
        """``(json, buffers as JS, markers)`` of wire data."""
        ...


def _no_null(value: Any) -> Any:
    """JavaScript's null as None, as undefined already arrives (a call's module, identifier, object id)."""
    return None if value is jsnull else value


class PythonCallDispatcher:
    """Receives what the channel asks of Python: calls (sync and async), completions of Python's calls
    to JavaScript, stream pulls, releases of lent objects, the typed exports, and the disconnect."""

    def __init__(self, site: CallSite) -> None:
        self._site = site
        self._channel = site.channel
        self._dispatcher = site.dispatcher
        self._export_proxies: dict[str, list[tuple[str, bool, Any, int, list[Any] | None]]] = {}

    def js_methods(self) -> dict[str, Callable[..., Any]]:
        """The methods by the names of the JS interface (channel.mjs's ``PythonCallDispatcher``)."""
        return {
            "invokePythonFromJS": self.invoke_python_from_js,
            "beginInvokePythonFromJS": self.begin_invoke_python_from_js,
            "endInvokeJSFromPython": self.end_invoke_js_from_python,
            "pullStream": self.pull_stream,
            "releasePyObject": self._dispatcher.release,
            "pyObjectCount": lambda: len(self._dispatcher.objects),
            "pythonExports": self.python_exports,
            "disconnect": self.disconnect,
        }

    # --- calls from JavaScript -----------------------------------------------------------------

    def _arguments(self, module: Any, identifier: Any, target: Any, text: str | None, js_buffers: Any,
                   markers: bool, plain: tuple[Any, ...]) -> list[Any]:
        if text is None:
            return [None if a is jsnull else a for a in plain]
        try:
            return self._site.decode(text, js_buffers, markers)
        except ArgumentTooDeep as e:
            # JavaScript cut the argument at the nesting limit: the error names its parameter.
            self._dispatcher.refuse_argument(module, identifier, target, e.index, e.count,
                                             f"nesting is deeper than the maximum depth of {max_depth()}")
        except RecursionError:
            raise DeserializationError("The arguments of the call are nested too deeply to convert "
                                       "(beyond Python's recursion limit).") from None

    def _result_for_js(self, value: Any) -> Any:
        """A result as JavaScript receives it: a primitive, or an envelope array [ok, json, buffers, markers]."""
        if value is None:
            return jsnull
        if is_plain((value,)):
            return value
        text, buffers, markers = self._site.encoded(self._dispatcher.result(value))
        return to_js([1, text, buffers, markers])

    def _error_for_js(self, error: BaseException) -> Any:
        return to_js([0, json.dumps(self._dispatcher.error_info(error)), None, False])

    def invoke_python_from_js(self, module: Any, identifier: Any, target: int, text: str | None, js_buffers: Any,
                              markers: bool, *plain: Any) -> Any:
        """``Py.invokeMethod`` and a lent object's ``invokeMethod``: call now, answer with the result."""
        try:
            with sync_nesting:
                module, identifier, target = _no_null(module), _no_null(identifier), _no_null(target)
                args = self._arguments(module, identifier, target, text, js_buffers, markers, plain)
                return self._result_for_js(self._dispatcher.call(module, identifier, target, args, synchronous=True))
        except Exception as e:
            return self._error_for_js(e)

    def begin_invoke_python_from_js(self, call_id: int, module: Any, identifier: Any, target: int, text: str | None,
                                    js_buffers: Any, markers: bool, *plain: Any) -> None:
        """``Py.invokeMethodAsync``: start the call; its outcome goes back with ``channel.endPyCall``."""
        try:
            module, identifier, target = _no_null(module), _no_null(identifier), _no_null(target)
            args = self._arguments(module, identifier, target, text, js_buffers, markers, plain)
            result = self._dispatcher.call(module, identifier, target, args, synchronous=False)
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
                if not self._site.runtime.disconnected:
                    self._channel.endPyCall(call_id, self._error_for_js(e))
                return
            self._finish(call_id, value)

        resume_now(asyncio.ensure_future, run())  # its first step runs now, not after two event-loop hops

    def _finish(self, call_id: int, value: Any) -> None:
        if self._site.runtime.disconnected:
            return
        try:
            encoded = self._result_for_js(value)
        except Exception as e:
            encoded = self._error_for_js(e)
        self._channel.endPyCall(call_id, encoded)

    # --- completions of Python's asynchronous calls to JavaScript --------------------------------

    def end_invoke_js_from_python(self, call_id: int, succeeded: bool, result: Any) -> None:
        """A call Python started with ``invoke_async`` settled: complete its future."""
        try:
            outcome: Any = self._site.decode_result(result)
            if not succeeded:
                outcome = JSException(str(outcome))
        except Exception as e:  # an error result, or a result that cannot be decoded
            succeeded, outcome = False, e
        resume_now(self._site.runtime.end_invoke, call_id, succeeded, outcome)

    # --- Python streams read by JavaScript -----------------------------------------------------

    def pull_stream(self, stream_id: int, call_id: int, max_bytes: int) -> None:
        """JavaScript reads the next chunk of a :class:`~jsinterop.PyStreamReference` (0 bytes: cancel)."""
        resume_now(asyncio.ensure_future, self._send_chunk(stream_id, call_id, max_bytes))

    async def _send_chunk(self, stream_id: int, call_id: int, max_bytes: int) -> None:
        stream = self._site.streams.get(stream_id)
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
            if not self._site.runtime.disconnected:
                self._channel.endPull(call_id, False, f"{type(e).__name__}: {e}")
            return
        if chunk is None and stream is not None:
            stream.dispose()  # read to the end, or cancelled (max_bytes == 0)
        if not self._site.runtime.disconnected:
            self._channel.endPull(call_id, True, to_js(chunk) if chunk is not None else None)

    # --- typed exports (@js_export) ------------------------------------------------------------

    def python_exports(self, module: Any) -> Any:
        """[[name, isAsync, entry, arity, direct], ...] for the @js_export functions of ``module``:
        ``entry`` converts and checks everything; ``direct`` is null or [paramKinds, resultKind,
        function, finish], for the JS fast path that checks primitive kinds itself."""
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

    # --- lifetime ------------------------------------------------------------------------------

    def release_all(self) -> None:
        """Release everything held for JavaScript: streams, lent objects, the exports' proxies."""
        self._site.streams.release_all()
        self._dispatcher.release_all()
        for entries in self._export_proxies.values():
            for _, _, proxy, _, direct in entries:
                proxy.destroy()
                if direct is not None:
                    direct[2].destroy()
                    direct[3].destroy()
        self._export_proxies.clear()

    def disconnect(self) -> None:
        """The page is going away (the JS side released everything already): release and fail what is pending."""
        self.release_all()
        self._site.runtime.disconnect()
