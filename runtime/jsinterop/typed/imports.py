"""``@js_import``: .NET's ``[JSImport]`` for Python, and :func:`load_js_module` (``JSHost.ImportAsync``).

The fast, typed path: each parameter's and result's conversion is compiled once from the
annotations (:mod:`jsinterop.typed.marshalling`) when the function is decorated, and the JS function
is looked up once, on first call, then cached.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import typing
import warnings
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

from ..environment import Host, host
from ..errors import InteropDefinitionError, JSException, JSModuleNotLoadedError
from ..interop.blocking import block_on, can_run_sync, require_blocking
from ..page import js_runtime
from ..pyodide.host import interop_host
from .plan import KIND_NAMES, as_js_exception, exact_plan, js_exception_types, marshal_plan

__all__ = ["ImportServer", "JSImport", "can_run_sync", "import_module", "js_import", "load_js_module",
           "require_blocking", "serve_imports"]

F = TypeVar("F", bound=Callable[..., Any])

_js_modules: dict[str, Any] = {}
"""JS modules loaded with load_js_module: name -> the module namespace (a JsProxy)."""
_loading: dict[str, asyncio.Future[Any]] = {}


class ImportServer(Protocol):
    """What answers ``@js_import`` stubs and :func:`load_js_module` in place of the page (a test's fake
    runtime on CPython, installed with :func:`serve_imports`)."""

    def call_import(self, stub: JSImport, args: tuple[Any, ...]) -> Any:
        """Answer a call of ``stub`` with ``args`` (as the caller gave them; the arity is checked)."""

    async def load_js_module(self, name: str, url: str) -> Any:
        """Answer ``load_js_module(name, url)``."""


_server: ImportServer | None = None
"""The testing seam: while set, stubs and load_js_module are answered by it. It is consulted only where a
stub has no JS function yet (which, in the page, is its first call), so the page's calls never see it."""


def _serving() -> ImportServer | None:
    """The server answering imports now: the installed one; without one, in worker mode (the page's functions
    live in another thread), the page's: :class:`~jsinterop.typed.page_imports.PageImports`, installed on first use."""
    global _server
    if _server is None and host() is Host.BROWSER_WORKER and getattr(interop_host(), "workerMode", False) is True:
        from .page_imports import PageImports  # worker mode only: stubs call the page through the runtime

        _server = PageImports(js_runtime())
    return _server


def serve_imports(server: ImportServer | None) -> ImportServer | None:
    """Make ``server`` answer ``@js_import`` stubs and :func:`load_js_module` (None: the page does again);
    returns the server it replaces. ``jsinterop.testing``'s FakeJSRuntime uses it on CPython; a stub
    already bound to its JS function in the page keeps calling it."""
    global _server
    previous, _server = _server, server
    return previous


async def load_js_module(name: str, url: str | None = None) -> Any:
    """Load the ES module at ``url`` (relative to the document) under ``name``, for
    ``@js_import(..., name)`` (JSHost.ImportAsync). Loading the same name twice loads it once.

    A ``url`` with no ``./``, ``../`` or ``/`` prefix (and no scheme) is a bare npm specifier: the
    build's bundle of a package of ``[tool.jsinterop.npm]`` (``load_js_module("chart.js")``; without
    ``url`` the name is the specifier)."""
    url = name if url is None else url
    server = _serving()
    if server is not None:
        return await server.load_js_module(name, url)
    if name in _js_modules:
        return _js_modules[name]
    if name not in _loading:
        _loading[name] = asyncio.ensure_future(_load(name, url))
    try:
        return await asyncio.shield(_loading[name])
    finally:
        if _loading.get(name) is not None and _loading[name].done():
            _loading.pop(name, None)


async def import_module(name: str, url: str) -> Any:
    """Deprecated name of :func:`load_js_module` (it is not Python's ``importlib.import_module``, nor
    :meth:`JSRuntime.import_module`, which returns a reference)."""
    warnings.warn("jsinterop.import_module(name, url) is now jsinterop.load_js_module(name, url)",
                  DeprecationWarning, stacklevel=2)
    return await load_js_module(name, url)


async def _load(name: str, url: str) -> Any:
    reference = await js_runtime().import_module(url)
    module = interop_host().main.objects.get(reference.id)
    _js_modules[name] = module
    return module


class JSImport:
    """A Python stub bound to a JS function: calling it calls JavaScript synchronously."""

    def __init__(self, func: Callable[..., Any], identifier: str, module: str | None) -> None:
        self.__wrapped__ = func
        functools.update_wrapper(self, func)
        self.identifier = identifier
        self.module = module
        self.params, self.result, self.signature = marshal_plan(func, "js_import")
        self._target: Any = None
        self._this: Any = None  # the object the JS function is looked up on (its `this`)
        self._required = sum(1 for p in self.signature.parameters.values() if p.default is p.empty)
        # Primitive-only signatures skip the release bookkeeping: the common, hot case.
        self._simple = all(m.simple for m in self.params) and not self.result.blocking
        self._to_js = [m.to_js for m in self.params]
        self._from_js = self.result.from_js

    def _resolve(self) -> Any:
        if self.module is not None:
            root = _js_modules.get(self.module)
            if root is None:
                raise JSModuleNotLoadedError(f"The JS module '{self.module}' is not imported: call "
                                             f"await jsinterop.import_module('{self.module}', <its URL>) first.")
            path = self.identifier
        else:
            import js  # only present in Pyodide (a stub is only called there)

            root = js
            path = self.identifier.removeprefix("globalThis.")
        parent, value = None, root
        segments = path.split(".")
        for i, segment in enumerate(segments):
            parent = value
            value = getattr(parent, segment, None)
            if value is None and i == len(segments) - 1:
                break  # a missing last member: "is not a function", as channel.mjs says (Blazor's wording)
            if value is None:
                raise JSException(f"Could not find '{self.identifier}' ('{segment}' was undefined).")
        if not callable(value):
            raise JSException(f"The value '{self.identifier}' is not a function.")
        self._this = parent
        return value  # a JsProxy method: `this` stays bound to its parent

    def __call__(self, *args: Any) -> Any:
        if not self._required <= len(args) <= len(self.params):
            raise TypeError(f"{self.__qualname__}() takes {len(self.params)} argument(s) but {len(args)} were given")
        target = self._target
        if target is None:
            server = _serving()
            if server is not None:
                return server.call_import(self, args)
            target = self._target = self._resolve()
        if self._simple:
            try:
                return self._from_js(target(*[f(a, None) for f, a in zip(self._to_js, args)]))
            except js_exception_types() as e:
                raise as_js_exception(e) from None
        releases: list[Callable[[], Any]] = []
        try:
            converted = [m.to_js(a, releases) for m, a in zip(self.params, args)]
            value = target(*converted)
            if self.result.blocking:
                value = _block_on(value, self.identifier)
            return self.result.from_js(value)
        except js_exception_types() as e:
            raise as_js_exception(e) from None
        finally:
            for release in releases:
                release()


def _block_on(value: Any, identifier: str) -> Any:
    if not (hasattr(value, "then") and callable(value.then)):
        return value
    return block_on(value, identifier)


def js_import(identifier: str, module: str | None = None) -> Callable[[F], F]:
    """Bind a function stub to a JS function, by its annotations (.NET's ``[JSImport]``).

    ``@js_import("globalThis.console.log")`` binds a dotted path from ``globalThis``;
    ``@js_import("getMessage", "main.js")`` a function of a module loaded with :func:`load_js_module`.
    """
    if not isinstance(identifier, str) or not identifier:
        raise InteropDefinitionError(f"js_import: the identifier must be a non-empty string, got {identifier!r}")

    def decorate(func: F) -> F:
        stub = JSImport(func, identifier, module)
        return typing.cast(F, _fast_import(stub) or stub)

    return decorate


# --- fast paths --------------------------------------------------------------------------------
# A signature of up to three primitives (bool, int, float, str) gets a call path specialised to its
# arity. Python checks only that each argument has the exact annotated type; the JS function is called
# through a guard (InteropHost.guardCall) that checks the rest where it is cheap: an int past 2**53
# (which Pyodide makes a BigInt, where the general path raises IntegerRangeError), and the kind of the
# result. What the guard refuses takes the general path, which converts it or raises
# the same errors as always: an argument is refused before the JS function runs, a result after it
# (it is then converted, not called again). This brings a typed call near a raw Pyodide call.

_ARGUMENT_REFUSED = "JSInteropArgumentRefused"
"""The name of the Error the guard throws, before calling, for an argument the general path must convert."""
_RESULT_REFUSED = "JSInteropResultRefused"
"""The name of the Error the guard throws, after calling, for a result the general path must convert
(the result is its ``value``)."""


def _named(fast: Callable[..., Any], func: Callable[..., Any]) -> Callable[..., Any]:
    """``fast`` with ``func``'s name and parameter names, so a wrong call's TypeError names them."""
    names = tuple(inspect.signature(func).parameters)
    code = fast.__code__
    fast.__code__ = code.replace(co_name=func.__name__, co_qualname=func.__qualname__,
                                 co_varnames=names + code.co_varnames[len(names):])
    functools.update_wrapper(fast, func)
    return fast


def _fast_import(stub: JSImport) -> Callable[..., Any] | None:
    """The specialised call path of a primitive-only ``@js_import`` (None when it has none)."""
    plan = exact_plan(stub.params, stub.result)
    if plan is None or stub._required != len(stub.params):
        return None
    (kinds, rtype), from_js, slow, errors = plan, stub.result.from_js, stub.__call__, js_exception_types()
    # An integral JS number arrives as a Python int: a float result is made a float in Python.
    as_float = rtype is float

    def resolve(*args: Any) -> Any:
        """The first call: find the JS function, put its guard in place, and call it (while an
        :class:`ImportServer` serves imports, every call comes here and takes the general path to it)."""
        nonlocal target
        if stub._target is None and _serving() is not None:
            return slow(*args)
        if stub._target is None:
            stub._target = stub._resolve()
        target = interop_host().guardCall(stub._target, stub._this, [KIND_NAMES[k] for k in kinds],
                                          KIND_NAMES[rtype], _ARGUMENT_REFUSED, _RESULT_REFUSED)
        return target(*args)

    target: Any = resolve

    def failed(e: BaseException, args: tuple[Any, ...]) -> Any:
        """A JS error of the fast path: the guard's refusals take the general path."""
        name = getattr(e, "name", None)
        if name == _ARGUMENT_REFUSED:
            return slow(*args)
        if name == _RESULT_REFUSED:
            return from_js(e.value)  # type: ignore[attr-defined]
        raise as_js_exception(e) from None

    if len(kinds) == 0:
        def fast() -> Any:
            try:
                value = target()
            except errors as e:
                return failed(e, ())
            return float(value) if as_float else value
    elif len(kinds) == 1:
        (t0,) = kinds

        def fast(a: Any) -> Any:
            if type(a) is t0:
                try:
                    value = target(a)
                except errors as e:
                    return failed(e, (a,))
                return float(value) if as_float else value
            return slow(a)
    elif len(kinds) == 2:
        t0, t1 = kinds

        def fast(a: Any, b: Any) -> Any:
            if type(a) is t0 and type(b) is t1:
                try:
                    value = target(a, b)
                except errors as e:
                    return failed(e, (a, b))
                return float(value) if as_float else value
            return slow(a, b)
    else:
        t0, t1, t2 = kinds

        def fast(a: Any, b: Any, c: Any) -> Any:
            if type(a) is t0 and type(b) is t1 and type(c) is t2:
                try:
                    value = target(a, b, c)
                except errors as e:
                    return failed(e, (a, b, c))
                return float(value) if as_float else value
            return slow(a, b, c)
    fast = _named(fast, stub.__wrapped__)
    fast.js_import = stub  # type: ignore[attr-defined]
    return fast
