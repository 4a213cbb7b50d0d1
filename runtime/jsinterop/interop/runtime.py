"""Calling JavaScript from Python: Blazor's ``IJSRuntime``, ``IJSInProcessRuntime`` and
``IJSObjectReference``, for Python.

:class:`JSRuntime` is the core: it serializes arguments (:mod:`jsinterop.serialization`), keeps
the table of pending asynchronous calls, and turns results and errors into Python values. It is
abstract over a :class:`JSTransport`, which carries calls to a JavaScript realm: the page through
Pyodide's FFI (:mod:`jsinterop.pyodide.transport`), or a fake for unit tests on CPython
(:class:`jsinterop.testing.FakeJSRuntime`).
"""

from __future__ import annotations

import asyncio
import enum
import itertools
import math
from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import Any, TypeVar, overload

from ..errors import JSDisconnectedException, JSException, JSObjectDisposedError
from .blocking import block_on
from .references import Disposable, WireReference
from .serialization import deserialize, is_plain, serialize

__all__ = ["GLOBAL_TARGET", "REFERENCE_KINDS", "CallKind", "JSObjectReference", "JSRuntime", "JSTransport"]

T = TypeVar("T")

GLOBAL_TARGET = 0
"""The id of ``globalThis``: identifiers without an object reference resolve from it."""


class CallKind(enum.IntEnum):
    """What a call asks of JavaScript, and how its result comes back."""

    INVOKE = 0
    """Call a function; the result comes back by value (a module comes back as a reference)."""
    INVOKE_VOID = 1
    """Call a function; the result is discarded."""
    INVOKE_REF = 2
    """Call a function; the result comes back as an object reference (an id)."""
    GET_VALUE = 3
    """Read the value at a path."""
    SET_VALUE = 4
    """Assign the single argument at a path."""
    CONSTRUCT = 5
    """``new`` the constructor at a path; the instance comes back as an object reference."""
    IMPORT = 6
    """``import()`` the module at the URL in the argument; it comes back as an object reference."""
    GET_VALUE_REF = 7
    """Read the value at a path; it comes back as an object reference."""


REFERENCE_KINDS = frozenset({CallKind.INVOKE_REF, CallKind.GET_VALUE_REF, CallKind.CONSTRUCT, CallKind.IMPORT})
"""The kinds whose result comes back as an object reference (an id of the JS side's table)."""


class JSTransport(ABC):
    """Carries calls to a JavaScript realm: what :class:`JSRuntime` is abstract over.

    Arguments arrive as wire data (:func:`jsinterop.serialization.serialize`); results go back as
    wire data, with object references as :class:`JSObjectReference` made by :meth:`JSRuntime.reference`
    and reference results (kinds in :data:`REFERENCE_KINDS`) as int ids. Errors are
    raised as :class:`JSException`. Asynchronous calls complete through :meth:`JSRuntime.end_invoke`.
    """

    @abstractmethod
    def connect(self, runtime: JSRuntime) -> None:
        """Attach to the runtime that completions and references belong to."""

    @abstractmethod
    def invoke(self, target: int, identifier: str, kind: CallKind, args: Sequence[Any], plain: bool) -> Any:
        """Run a call synchronously and return its wire result.

        ``plain`` says every argument is a primitive (str, int in the safe range, float, bool, None).
        """

    def awaits_on_page(self) -> bool:
        """Whether :meth:`invoke_awaited` works here: a synchronous call can wait for the Promise the
        JavaScript returns (worker mode, where the page awaits it while the worker waits with Atomics)."""
        return False

    def invoke_awaited(self, target: int, identifier: str, kind: CallKind, args: Sequence[Any], plain: bool) -> Any:
        """As :meth:`invoke`, awaiting a Promise the call returns (only where :meth:`awaits_on_page`)."""
        raise NotImplementedError("this transport cannot wait for a Promise synchronously")

    @abstractmethod
    def begin_invoke(self, call_id: int, target: int, identifier: str, kind: CallKind, args: Sequence[Any],
                     plain: bool) -> None:
        """Start a call; its outcome is reported later through ``runtime.end_invoke(call_id, ...)``."""

    @abstractmethod
    def abandon(self, call_id: int) -> None:
        """Forget a started call (cancelled or timed out): its outcome must not be reported or kept."""

    @abstractmethod
    def release(self, object_id: int) -> None:
        """Release the JS object tracked under ``object_id``."""

    @abstractmethod
    def shutdown(self) -> None:
        """Release everything the JS side tracks for this runtime; no call works afterwards."""

    @abstractmethod
    def tracked_counts(self) -> dict[str, int]:
        """What the transport tracks now: ``{"jsObjects", "pendingCalls", "pendingPulls", "pyStreams"}``."""


def _check_timeout(timeout: float | None) -> None:
    """Reject a timeout that is not None or a number of seconds >= 0, naming the parameter."""
    if timeout is None:
        return
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)):
        raise TypeError(f"timeout must be a number of seconds or None, got {timeout!r}")
    if math.isnan(timeout) or timeout < 0:
        raise ValueError(f"timeout must be a number of seconds >= 0 or None, got {timeout!r}")


def _expire(future: asyncio.Future[Any], identifier: str, timeout: float) -> None:
    """Fail a call still pending when its timeout elapsed."""
    if not future.done():
        future.set_exception(TimeoutError(f"The JS call '{identifier}' did not complete within {timeout} s."))


class _JSCalls:
    """The calls :class:`JSRuntime` (from ``globalThis``) and :class:`JSObjectReference` (from the
    object) share: Blazor's ``IJSRuntime``/``IJSInProcessRuntime`` and their extension methods."""

    __slots__ = ()

    def _caller(self) -> tuple[JSRuntime, int]:
        """The runtime that carries the call and the id identifiers resolve from."""
        raise NotImplementedError

    @overload
    async def invoke_async(self, identifier: str, *args: Any, returns: type[T], timeout: float | None = None) -> T: ...
    @overload
    async def invoke_async(self, identifier: str, *args: Any, returns: None = None, timeout: float | None = None) -> Any: ...

    async def invoke_async(self, identifier: str, *args: Any, returns: Any = None, timeout: float | None = None) -> Any:
        """Call a JS function, await it if it returns a Promise, and convert the result.

        The result is converted to ``returns`` when given (a type, ``list[Item]``, a dataclass,
        :class:`JSObjectReference`...), otherwise to plain Python values. ``timeout`` (seconds, >= 0)
        raises :class:`TimeoutError`; cancelling the awaiting task abandons the call. Neither leaks anything.
        """
        runtime, target = self._caller()
        return await runtime._call_async(target, identifier, args, returns, timeout)

    async def invoke_void_async(self, identifier: str, *args: Any, timeout: float | None = None) -> None:
        """Like :meth:`invoke_async`, with the result discarded (never converted)."""
        runtime, target = self._caller()
        await runtime._call_async(target, identifier, args, None, timeout, CallKind.INVOKE_VOID)

    def invoke_void(self, identifier: str, *args: Any) -> None:
        """Call a JS function synchronously and discard its result, which is never converted
        (``IJSInProcessRuntime.InvokeVoid``): a Promise it returns is left to run."""
        runtime, target = self._caller()
        runtime._call_sync(target, identifier, args, None, CallKind.INVOKE_VOID)

    @overload
    async def get_value_async(self, identifier: str, returns: type[T], timeout: float | None = None) -> T: ...
    @overload
    async def get_value_async(self, identifier: str, returns: None = None, timeout: float | None = None) -> Any: ...

    async def get_value_async(self, identifier: str, returns: Any = None, timeout: float | None = None) -> Any:
        """Read the value at a dotted path (awaited if it is a Promise), converted like a call's result;
        ``returns=JSObjectReference`` gives a reference to it. An empty path reads the object itself."""
        runtime, target = self._caller()
        return await runtime._call_async(target, identifier, (), returns, timeout, CallKind.GET_VALUE)

    @overload
    def get_value(self, identifier: str, returns: type[T]) -> T: ...
    @overload
    def get_value(self, identifier: str, returns: None = None) -> Any: ...

    def get_value(self, identifier: str, returns: Any = None) -> Any:
        """Read the value at a dotted path synchronously (see :meth:`get_value_async`)."""
        runtime, target = self._caller()
        return runtime._call_sync(target, identifier, (), returns, CallKind.GET_VALUE)

    async def set_value_async(self, identifier: str, value: Any, timeout: float | None = None) -> None:
        """Assign ``value`` at a dotted path."""
        runtime, target = self._caller()
        await runtime._call_async(target, identifier, (value,), None, timeout, CallKind.SET_VALUE)

    def set_value(self, identifier: str, value: Any) -> None:
        """Assign ``value`` at a dotted path synchronously."""
        runtime, target = self._caller()
        runtime._call_sync(target, identifier, (value,), None, CallKind.SET_VALUE)

    async def invoke_constructor_async(self, identifier: str, *args: Any,
                                       timeout: float | None = None) -> JSObjectReference:
        """``new`` the constructor at ``identifier`` and return a reference to the instance."""
        runtime, target = self._caller()
        return await runtime._call_async(target, identifier, args, JSObjectReference, timeout, CallKind.CONSTRUCT)

    def invoke_constructor(self, identifier: str, *args: Any) -> JSObjectReference:
        """``new`` the constructor at ``identifier`` synchronously and return a reference to the instance."""
        runtime, target = self._caller()
        return runtime._call_sync(target, identifier, args, JSObjectReference, CallKind.CONSTRUCT)


class JSRuntime(_JSCalls):
    """Calls JavaScript functions, reads and writes values and constructs objects by identifier,
    synchronously or asynchronously (Blazor's ``IJSRuntime`` and ``IJSInProcessRuntime``).

    An identifier is a dotted path from ``globalThis`` (``"console.log"``, ``"myLib.util.add"``),
    called with ``this`` bound to its parent object, as in Blazor. The special identifier
    ``"import"`` loads an ES module, relative to the document's base URI.
    """

    def __init__(self, transport: JSTransport) -> None:
        self._transport = transport
        self._pending: dict[int, asyncio.Future[Any]] = {}
        self._call_ids = itertools.count(1)
        self._disconnected = False
        transport.connect(self)

    # --- calls ---------------------------------------------------------------------------------

    def _caller(self) -> tuple[JSRuntime, int]:
        return self, GLOBAL_TARGET

    def invoke(self, identifier: str, *args: Any, returns: Any = None, blocking: bool = False) -> Any:
        """Call a JS function synchronously (Blazor's ``IJSInProcessRuntime.Invoke``).

        A function that returns a Promise raises :class:`JSException` saying to use
        :meth:`invoke_async`, instead of handing back an unusable Promise, unless ``blocking=True``
        asks to wait for it synchronously, which needs :func:`jsinterop.can_run_sync` (JSPI).
        """
        if blocking:
            return self._call_blocking(GLOBAL_TARGET, identifier, args, returns)
        return self._call_sync(GLOBAL_TARGET, identifier, args, returns)

    def _call_blocking(self, target: int, identifier: str, args: tuple[Any, ...], returns: Any) -> Any:
        """A synchronous call that waits for the Promise the function returns: in worker mode the page
        awaits it while the worker waits (Atomics); elsewhere Python blocks on it (JSPI)."""
        if self._transport.awaits_on_page():
            return self._call_sync(target, identifier, args, returns, awaited=True)
        return block_on(self._call_async(target, identifier, args, returns, None), identifier)

    async def import_module(self, path: str, timeout: float | None = None) -> JSObjectReference:
        """Load an ES module (a URL relative to the document's base URI) and return a reference to it."""
        return await self._call_async(GLOBAL_TARGET, "import", (path,), JSObjectReference, timeout, CallKind.IMPORT)

    # --- the machinery shared by the runtime and object references ----------------------------

    def _kind_for(self, identifier: str, target: int, returns: Any, kind: CallKind | None) -> CallKind:
        if type(identifier) is not str or not (identifier or kind is CallKind.GET_VALUE):
            raise TypeError(f"identifier must be a non-empty str, got {identifier!r}")
        if kind is CallKind.GET_VALUE and returns is JSObjectReference:
            return CallKind.GET_VALUE_REF
        if kind is not None:
            return kind
        if returns is JSObjectReference:
            return CallKind.INVOKE_REF
        if target == GLOBAL_TARGET and identifier == "import":
            return CallKind.IMPORT
        return CallKind.INVOKE

    @staticmethod
    def _serialized(args: tuple[Any, ...]) -> list[Any]:
        return [serialize(a, f"args[{i}]") for i, a in enumerate(args)]

    def _call_sync(self, target: int, identifier: str, args: tuple[Any, ...], returns: Any,
                   kind: CallKind | None = None, awaited: bool = False) -> Any:
        if self._disconnected:
            raise JSDisconnectedException()
        kind = self._kind_for(identifier, target, returns, kind)
        plain = is_plain(args)
        call = self._transport.invoke_awaited if awaited else self._transport.invoke
        result = call(target, identifier, kind, args if plain else self._serialized(args), plain)
        if returns is None and kind is CallKind.INVOKE:
            return result
        return self._result(result, kind, returns)

    async def _call_async(self, target: int, identifier: str, args: tuple[Any, ...], returns: Any,
                          timeout: float | None, kind: CallKind | None = None) -> Any:
        self._check_connected()
        _check_timeout(timeout)
        kind = self._kind_for(identifier, target, returns, kind)
        plain = is_plain(args)
        wire = args if plain else self._serialized(args)
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        call_id = next(self._call_ids)
        self._pending[call_id] = future
        try:
            self._transport.begin_invoke(call_id, target, identifier, kind, wire, plain)
        except BaseException:
            self._pending.pop(call_id, None)
            raise
        # A timer of our own, not asyncio.wait_for: Pyodide's loop refuses to schedule a deadline that
        # has passed by the time it reads its clock, which a short timeout reaches ("Can't schedule in
        # the past"); a delay >= 0 is always accepted.
        timer = None
        if timeout == 0:
            _expire(future, identifier, timeout)  # elapsed already, as asyncio.wait_for(..., 0) has it
        elif timeout is not None:
            timer = loop.call_later(timeout, _expire, future, identifier, timeout)
        try:
            result = await future
        except (asyncio.CancelledError, TimeoutError):
            if self._pending.pop(call_id, None) is not None and not self._disconnected:
                self._transport.abandon(call_id)
            raise
        finally:
            if timer is not None:
                timer.cancel()
        return self._result(result, kind, returns)

    def _result(self, wire: Any, kind: CallKind, returns: Any) -> Any:
        if kind is CallKind.INVOKE_VOID or kind is CallKind.SET_VALUE:
            return None
        if kind in REFERENCE_KINDS:
            return JSObjectReference(self, wire)
        if returns is None:
            return wire
        try:
            return deserialize(wire, returns, "result")
        except Exception:
            _dispose_references(wire)  # nobody can reach them once the conversion failed
            raise

    def end_invoke(self, call_id: int, succeeded: bool, result: Any) -> None:
        """Complete an asynchronous call (called by the transport)."""
        future = self._pending.pop(call_id, None)
        if future is None or future.done():
            return  # abandoned: the transport does not report those, but a race must not crash
        if succeeded:
            future.set_result(result)
        else:
            future.set_exception(result if isinstance(result, BaseException) else JSException(str(result)))

    def reference(self, object_id: int) -> JSObjectReference:
        """Wrap an id of the JS side's object table (used by transports decoding results)."""
        return JSObjectReference(self, object_id)

    # --- lifetime ------------------------------------------------------------------------------

    @property
    def disconnected(self) -> bool:
        """True once :meth:`shutdown` ran (or the page is unloading)."""
        return self._disconnected

    def _check_connected(self) -> None:
        if self._disconnected:
            raise JSDisconnectedException()

    def shutdown(self) -> None:
        """Release every JS object this runtime tracks and fail pending calls promptly with
        :class:`JSDisconnectedException`; any later call raises it too."""
        if self._disconnected:
            return
        self._disconnected = True
        try:
            self._transport.shutdown()
        finally:
            self.disconnect()

    def disconnect(self) -> None:
        """Mark the runtime disconnected and fail pending calls (the JS side is already gone)."""
        self._disconnected = True
        pending, self._pending = self._pending, {}
        for future in pending.values():
            if not future.done():
                future.set_exception(JSDisconnectedException())

    def tracked_counts(self) -> dict[str, int]:
        """Counts of what is alive across the boundary, for leak tests: the JS side's table and
        pending calls, and this side's pending calls."""
        counts = {"pythonPendingCalls": len(self._pending)}
        if not self._disconnected:
            counts.update(self._transport.tracked_counts())
        return counts


class JSObjectReference(_JSCalls, Disposable, WireReference):
    """A JavaScript object held by reference (Blazor's ``IJSObjectReference`` and
    ``IJSInProcessObjectReference``).

    Identifiers given to its methods resolve from the object. Dispose it when done
    (``dispose()``, ``await dispose_async()``, ``with`` or ``async with``); using it afterwards raises
    :class:`JSObjectDisposedError`. Passed as an argument to a JS call, it arrives as the object.
    """

    __slots__ = ("_runtime", "_id", "_disposed", "__weakref__")

    def __init__(self, runtime: JSRuntime, object_id: int) -> None:
        if not isinstance(object_id, int) or isinstance(object_id, bool) or object_id <= 0:
            raise TypeError(f"an object reference id must be a positive int, got {object_id!r}")
        self._runtime = runtime
        self._id = object_id
        self._disposed = False

    @property
    def id(self) -> int:
        """The object's id in the JS side's table."""
        return self._id

    @property
    def disposed(self) -> bool:
        """True once disposed."""
        return self._disposed

    @property
    def runtime(self) -> JSRuntime:
        """The runtime the object belongs to."""
        return self._runtime

    def __repr__(self) -> str:
        state = " (disposed)" if self._disposed else ""
        return f"<JSObjectReference #{self._id}{state}>"

    def live_id(self) -> int:
        """Its id, for sending it: raises :class:`JSObjectDisposedError` once disposed."""
        if self._disposed:
            raise JSObjectDisposedError(f"The JSObjectReference #{self._id} has been disposed; it cannot be used.")
        return self._id

    def _caller(self) -> tuple[JSRuntime, int]:
        return self._runtime, self.live_id()

    def invoke(self, identifier: str, *args: Any, returns: Any = None, blocking: bool = False) -> Any:
        """Call a function of this object (method, arrow-function field or ``function`` field) synchronously;
        ``blocking=True`` waits for a Promise it returns, as :meth:`JSRuntime.invoke` does."""
        if blocking:
            return self._runtime._call_blocking(self.live_id(), identifier, args, returns)
        return self._runtime._call_sync(self.live_id(), identifier, args, returns)

    def dispose(self) -> None:
        """Release the JS object. Idempotent; after the runtime disconnected (its JS side already
        released everything) it succeeds silently, as Blazor's does, so teardown code never raises."""
        if self._disposed:
            return
        self._disposed = True
        if not self._runtime.disconnected:
            self._runtime._transport.release(self._id)


def _dispose_references(wire: Any) -> None:
    """Dispose every object reference inside wire data (lists and dicts, any depth)."""
    stack = [wire]
    while stack:
        item = stack.pop()
        if isinstance(item, JSObjectReference):
            item.dispose()
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, dict):
            stack.extend(item.values())
