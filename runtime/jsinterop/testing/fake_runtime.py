"""A JSRuntime for unit tests on CPython, in the spirit of bUnit's JSInterop fake.

App code that takes a :class:`~jsinterop.JSRuntime` can be tested without a browser::

    fake = FakeJSRuntime()                      # strict: an unplanned call raises, naming it
    fake.setup("localStorage.getItem", "theme", returns="dark")
    fake.setup("alert", ANY)                    # any one argument, returns nothing
    assert await load_theme(fake) == "dark"
    assert fake.invocations_of("alert")[0].args == ["Theme: dark"]

It runs the real runtime's core and serialization: arguments are recorded as JavaScript would
receive them (dataclasses as camelCase dicts), planned results are serialized and converted back
to the ``returns`` type the code asked for, so a value that cannot cross the real boundary fails
here too. Results that are objects held by reference are :class:`FakeJSObject`, which take their
own setups (``fake.setup_module("./x.js")`` plans an ``import``).

It also answers ``@js_import`` stubs while it serves them (``with fake.serving_typed_imports():``, or
for a component rendered with it by :func:`jsinterop.testing.components.render`)::

    fake.setup_import("getMessage", "Ada", module="main.js", returns="Hello, Ada")
    with fake.serving_typed_imports():
        assert get_message("Ada") == "Hello, Ada"
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import itertools
from collections.abc import Callable, Iterator
from typing import Any

from ..errors import JSException
from ..interop.runtime import GLOBAL_TARGET, REFERENCE_KINDS, CallKind, JSObjectReference, JSRuntime, JSTransport
from ..interop.references import WireReference
from ..interop.serialization import serialize
from ..typed.imports import JSImport, serve_imports
from ..typed.marshalling import Marshaller

__all__ = ["ANY", "FakeJSObject", "FakeJSRuntime", "Invocation", "Setup", "UnplannedInvocationError"]


class _Any:
    """Matches any one argument."""

    def __repr__(self) -> str:
        return "ANY"


ANY: Any = _Any()
"""An argument matcher that accepts any value."""

_PENDING = object()


class UnplannedInvocationError(AssertionError):
    """A strict fake received a call it has no setup for; the message names the call."""


@dataclasses.dataclass(frozen=True)
class Invocation:
    """One call the fake received: what JavaScript would have been asked to do."""

    identifier: str
    """The identifier (or path) called."""
    args: list[Any]
    """The arguments as JavaScript would receive them (wire data; references as FakeJSObject)."""
    kind: CallKind
    """What was asked: a call, a void call, get/set of a value, a constructor, an import."""
    target: FakeJSObject | None
    """The object the identifier was resolved from, or None for globalThis."""
    module: str | None = None
    """For a ``@js_import`` stub of a JS module, the module's name (as in ``@js_import(..., module)``)."""


@dataclasses.dataclass
class Setup:
    """A planned answer to calls of one identifier whose arguments match."""

    identifier: str
    matchers: tuple[Any, ...] | None
    returns: Any = None
    raises: BaseException | str | None = None
    calls: int = 0
    module: str | None = None
    """For a typed import (:meth:`FakeJSRuntime.setup_import`), the JS module it belongs to."""

    def answer(self, args: list[Any]) -> Any:
        """Count a call and give its planned outcome: raise ``raises``, or return ``returns`` (called with
        the arguments when it is a function)."""
        self.calls += 1
        if self.raises is not None:
            raise self.raises if isinstance(self.raises, BaseException) else JSException(str(self.raises))
        result = self.returns
        if callable(result) and not isinstance(result, (FakeJSObject, type)):
            result = result(*args)
        return result

    def matches(self, identifier: str, args: list[Any]) -> bool:
        if identifier != self.identifier:
            return False
        if self.matchers is None:
            return True
        if len(self.matchers) != len(args):
            return False
        for matcher, arg in zip(self.matchers, args, strict=True):
            if matcher is ANY:
                continue
            if callable(matcher) and not isinstance(matcher, (type, WireReference)):
                if not matcher(arg):
                    return False
            elif matcher != arg:
                return False
        return True


class _Planner:
    """The setups, invocations and assigned values of globalThis or of one fake object."""

    def __init__(self) -> None:
        self._setups: list[Setup] = []
        self.invocations: list[Invocation] = []
        self.values: dict[str, Any] = {}
        """Values assigned with ``set_value(_async)``, by path (as JavaScript received them); a later
        ``get_value(_async)`` of the same path with no setup reads them back."""

    def setup(self, identifier: str, *matchers: Any, returns: Any = None,
              raises: BaseException | str | None = None, pending: bool = False) -> Setup:
        """Plan the answer to ``identifier`` called with arguments matching ``matchers``.

        Each matcher is a value (compared with ``==`` to the argument as JavaScript receives it),
        :data:`ANY`, or a predicate ``f(arg) -> bool``. With no matchers, any arguments match.
        ``returns`` is the result (a value, a :class:`FakeJSObject`, or a function of the arguments
        computing it); ``raises`` a :class:`JSException` or a message for one; ``pending=True``
        never completes (for timeout and cancellation tests). The newest matching setup wins.
        """
        entry = Setup(identifier, tuple(matchers) if matchers else None,
                      _PENDING if pending else returns, raises)
        self._setups.append(entry)
        return entry

    def setup_void(self, identifier: str, *matchers: Any) -> Setup:
        """Plan a call whose result nobody reads (``invoke_void`` or ``invoke_void_async``)."""
        return self.setup(identifier, *matchers)

    def invocations_of(self, identifier: str) -> list[Invocation]:
        """The invocations of one identifier, in order."""
        return [i for i in self.invocations if i.identifier == identifier]

    def find(self, identifier: str, args: list[Any]) -> Setup | None:
        for entry in reversed(self._setups):
            if entry.matches(identifier, args):
                return entry
        return None


class FakeJSObject(_Planner, WireReference):
    """A JavaScript object held by reference in a fake: a module, an instance, an element.

    Plan its members with :meth:`setup` (function calls, values read with ``get_value(_async)`` and
    constructors); values assigned with ``set_value(_async)`` land in :attr:`values`.
    """

    def __init__(self, name: str = "object") -> None:
        _Planner.__init__(self)
        self.name = name

    def __repr__(self) -> str:
        return f"<FakeJSObject {self.name}>"


def _map_leaves(data: Any, leaf: Callable[[Any], Any]) -> Any:
    """Rebuild lists and dicts with ``leaf`` applied to everything else; binary data becomes bytes,
    as a Uint8Array crossing the boundary does."""
    if isinstance(data, list):
        return [_map_leaves(v, leaf) for v in data]
    if isinstance(data, dict):
        return {k: _map_leaves(v, leaf) for k, v in data.items()}
    if isinstance(data, (bytearray, memoryview)):
        return bytes(data)
    return leaf(data)


class _FakeTransport(JSTransport):
    def __init__(self, fake: FakeJSRuntime) -> None:
        self._fake = fake
        self._objects: dict[int, FakeJSObject] = {}
        self._ids = itertools.count(1)
        self._pending: dict[int, asyncio.Handle | None] = {}
        self._closed = False

    def connect(self, runtime: JSRuntime) -> None:
        pass

    # --- objects -------------------------------------------------------------------------------

    def _track(self, obj: FakeJSObject) -> int:
        object_id = next(self._ids)
        self._objects[object_id] = obj
        return object_id

    def _object(self, object_id: int) -> FakeJSObject | None:
        if object_id == GLOBAL_TARGET:
            return None
        if object_id not in self._objects:
            raise JSException(f"JS object instance with ID {object_id} does not exist (has it been disposed?).")
        return self._objects[object_id]

    def _arrive(self, data: Any) -> Any:
        """Arguments as JavaScript gets them: references become the fake objects they stand for."""
        return _map_leaves(data, lambda v: self._object(v.live_id()) if isinstance(v, JSObjectReference) else v)

    def _leave(self, data: Any) -> Any:
        """Results as Python gets them: fake objects become references."""
        return _map_leaves(data, lambda v: self._fake.reference(self._track(v)) if isinstance(v, FakeJSObject) else v)

    # --- calls ---------------------------------------------------------------------------------

    def _answer(self, target: int, identifier: str, kind: CallKind, args: list[Any]) -> Any:
        if self._closed:
            raise JSException("The JavaScript runtime has been shut down; no more calls can be made.")
        owner = self._object(target)
        planner: _Planner = owner if owner is not None else self._fake
        arrived = self._arrive(args)
        planner.invocations.append(Invocation(identifier, arrived, kind, owner))
        if kind is CallKind.SET_VALUE:
            planner.values[identifier] = arrived[0]
            return None
        entry = planner.find(identifier, arrived)
        reading = kind is CallKind.GET_VALUE or kind is CallKind.GET_VALUE_REF
        if entry is None and reading and identifier in planner.values:
            result: Any = planner.values[identifier]
        elif entry is None:
            if self._fake.strict:
                where = f" on {owner!r}" if owner is not None else ""
                raise UnplannedInvocationError(
                    f"No setup for the JS call '{identifier}'{where} with arguments {arrived!r} "
                    f"(strict mode): plan it with setup({identifier!r}, ...)")
            result = FakeJSObject(identifier) if kind in REFERENCE_KINDS else None
        else:
            result = entry.answer(arrived)
        if result is _PENDING:
            return _PENDING
        if kind in REFERENCE_KINDS:
            if not isinstance(result, FakeJSObject):
                raise JSException(f"The result is {result!r}, not an object, so it cannot be held by reference.")
            return self._track(result)
        if kind is CallKind.INVOKE_VOID:
            return None
        return self._leave(serialize(result, f"the planned result of '{identifier}'"))

    def invoke(self, target: int, identifier: str, kind: CallKind, args: Any, plain: bool) -> Any:
        result = self._answer(target, identifier, kind, list(args))
        if result is _PENDING and kind is CallKind.INVOKE_VOID:
            return None  # a void call never looks at its result: a Promise is left to itself
        if result is _PENDING and kind in (CallKind.GET_VALUE, CallKind.GET_VALUE_REF):
            raise JSException(f"The value of '{identifier}' is a Promise, which a synchronous get_value() cannot "
                              "wait for: use get_value_async().")
        if result is _PENDING:
            raise JSException(f"The JavaScript function '{identifier}' returned a Promise, which a synchronous "
                              "invoke() cannot wait for: use invoke_async().")
        return result

    def begin_invoke(self, call_id: int, target: int, identifier: str, kind: CallKind, args: Any,
                     plain: bool) -> None:
        try:
            result = self._answer(target, identifier, kind, list(args))
        except UnplannedInvocationError:
            raise
        except Exception as e:
            self._pending[call_id] = asyncio.get_running_loop().call_soon(self._complete, call_id, False, e)
            return
        if result is _PENDING:
            self._pending[call_id] = None
            return
        self._pending[call_id] = asyncio.get_running_loop().call_soon(self._complete, call_id, True, result)

    def _complete(self, call_id: int, succeeded: bool, result: Any) -> None:
        if self._pending.pop(call_id, _PENDING) is _PENDING:
            return
        self._fake.end_invoke(call_id, succeeded, result)

    def abandon(self, call_id: int) -> None:
        handle = self._pending.pop(call_id, None)
        if handle is not None:
            handle.cancel()

    def release(self, object_id: int) -> None:
        self._objects.pop(object_id, None)

    def shutdown(self) -> None:
        self._closed = True
        for handle in self._pending.values():
            if handle is not None:
                handle.cancel()
        self._pending.clear()
        self._objects.clear()

    def tracked_counts(self) -> dict[str, int]:
        return {"jsObjects": len(self._objects), "pendingCalls": len(self._pending), "pendingPulls": 0,
                "pendingPyCalls": 0, "pyStreams": 0, "pyObjects": 0}


class FakeJSRuntime(JSRuntime, _Planner):
    """A :class:`~jsinterop.JSRuntime` whose JavaScript is a table of planned answers.

    ``strict=True`` (the default) makes an unplanned call raise :class:`UnplannedInvocationError`
    naming it; ``strict=False`` answers unplanned calls with None (or a new :class:`FakeJSObject`
    where a reference is expected). :attr:`invocations` lists every call received.
    """

    def __init__(self, strict: bool = True) -> None:
        _Planner.__init__(self)
        self.strict = strict
        self._import_setups: list[Setup] = []
        self._fake_transport = _FakeTransport(self)
        JSRuntime.__init__(self, self._fake_transport)

    def setup_module(self, path: str) -> FakeJSObject:
        """Plan ``import`` of ``path`` (also ``load_js_module(name, path)`` while serving typed imports);
        returns the fake module to plan its functions on."""
        module = FakeJSObject(f"module {path}")
        self.setup("import", path, returns=module)
        return module

    # --- typed imports (@js_import stubs) ----------------------------------------------------------

    def setup_import(self, identifier: str, *matchers: Any, module: str | None = None, returns: Any = None,
                     raises: BaseException | str | None = None) -> Setup:
        """Plan the answer to the ``@js_import(identifier, module)`` stub called with arguments matching
        ``matchers`` (as :meth:`setup`; arguments are matched as the stub's marshallers hand them to
        JavaScript). A global's ``globalThis.`` prefix may be left out. ``returns`` is checked and
        converted as the page converts a result for primitive and void results (``-> float`` makes
        ``3`` a ``3.0``, ``-> str`` refuses ``5``); any other result type gets the value as planned."""
        entry = Setup(_import_name(identifier, module), tuple(matchers) if matchers else None, returns, raises,
                      module=module)
        self._import_setups.append(entry)
        return entry

    @contextlib.contextmanager
    def serving_typed_imports(self) -> Iterator[FakeJSRuntime]:
        """Answer ``@js_import`` stubs and ``load_js_module`` with this fake inside the ``with`` block
        (the previous server is restored after it)."""
        previous = serve_imports(self)
        try:
            yield self
        finally:
            serve_imports(previous)

    def call_import(self, stub: JSImport, args: tuple[Any, ...]) -> Any:
        """Answer a call of ``stub`` (the :class:`~jsinterop.typed.imports.ImportServer` side): its
        arguments pass the stub's own checks and are recorded as JavaScript receives them."""
        arrived = [_handed_to_js(m, a) for m, a in zip(stub.params, args)]
        void = stub.result.exact is type(None)
        self.invocations.append(Invocation(stub.identifier, arrived, CallKind.INVOKE_VOID if void else CallKind.INVOKE,
                                           None, stub.module))
        name = _import_name(stub.identifier, stub.module)
        entry = next((e for e in reversed(self._import_setups)
                      if e.module == stub.module and e.matches(name, arrived)), None)
        if entry is None:
            if self.strict:
                where = f"the JS module '{stub.module}'" if stub.module is not None else "globalThis"
                raise UnplannedInvocationError(
                    f"No setup for the @js_import '{stub.identifier}' of {where} with arguments {arrived!r} "
                    f"(strict mode): plan it with setup_import({name!r}, ..., module={stub.module!r})")
            return _default_of(stub.result)
        result = entry.answer(arrived)
        return stub.result.from_js(result) if stub.result.exact is not None else result

    async def load_js_module(self, name: str, url: str) -> FakeJSObject:
        """Answer ``load_js_module(name, url)``: an ``import`` of ``url``, planned with :meth:`setup_module`."""
        reference = await self.import_module(url)
        return self._fake_transport._object(reference.live_id())  # type: ignore[return-value]


def _import_name(identifier: str, module: str | None) -> str:
    """A typed import's identifier as the page resolves it (a global's ``globalThis.`` is implied)."""
    return identifier.removeprefix("globalThis.") if module is None else identifier


def _handed_to_js(marshaller: Marshaller, value: Any) -> Any:
    """``value`` through the marshaller's checks, as JavaScript receives it; a value whose conversion
    itself needs Pyodide (bytes, datetime, callables, data...) is recorded as given, once checked."""
    try:
        return marshaller.to_js(value, [])
    except ImportError:  # the checks passed; only Pyodide's conversion is missing on CPython
        return value


def _default_of(result: Marshaller) -> Any:
    """A loose fake's answer to an unplanned typed import: the zero of a primitive result, else None."""
    return result.exact() if result.exact in (bool, int, float, str) else None

