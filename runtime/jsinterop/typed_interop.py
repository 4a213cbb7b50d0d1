"""``@js_import`` / ``@js_export``: .NET's ``[JSImport]`` / ``[JSExport]`` for Python.

The fast, typed path: each parameter's and result's conversion is compiled once from the
annotations (:mod:`jsinterop.marshalling`) when the function is decorated, and the JS function is
looked up once, on first call, then cached.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import typing
from collections.abc import Callable
from typing import Any, TypeVar

from .call_depth import sync_nesting
from .errors import DeserializationError, JSException
from .marshalling import Marshaller, compile_marshaller, promise_of

__all__ = ["can_run_sync", "import_module", "js_export", "js_import", "require_blocking"]

F = TypeVar("F", bound=Callable[..., Any])

_modules: dict[str, Any] = {}
"""Modules imported with import_module: name -> the module namespace (a JsProxy)."""
_loading: dict[str, asyncio.Future[Any]] = {}


def can_run_sync() -> bool:
    """Whether Python can block here on a JS Promise (JSPI stack switching, entered through
    ``runPythonAsync``/``callPromising``). False on CPython and in browsers without JSPI."""
    try:
        from pyodide.ffi import can_run_sync as pyodide_can_run_sync
    except ImportError:
        return False
    return bool(pyodide_can_run_sync())


async def import_module(name: str, url: str) -> Any:
    """Load the ES module at ``url`` (relative to the document) under ``name``, for
    ``@js_import(..., name)`` (JSHost.ImportAsync). Importing the same name twice loads it once."""
    if name in _modules:
        return _modules[name]
    if name not in _loading:
        _loading[name] = asyncio.ensure_future(_load(name, url))
    try:
        return await asyncio.shield(_loading[name])
    finally:
        if _loading.get(name) is not None and _loading[name].done():
            _loading.pop(name, None)


async def _load(name: str, url: str) -> Any:
    from .js_runtime import js_runtime
    from .pyodide_transport import interop_host

    reference = await js_runtime().import_module(url)
    module = interop_host().main.objects.get(reference.id)
    _modules[name] = module
    return module


def _plan(func: Callable[..., Any], kind: str) -> tuple[list[Marshaller], Marshaller, inspect.Signature]:
    signature = inspect.signature(func)
    try:
        hints = typing.get_type_hints(func, include_extras=True)
    except Exception as e:
        raise TypeError(f"{kind} '{func.__qualname__}': its annotations could not be resolved ({e})") from e
    params = []
    for p in signature.parameters.values():
        if p.kind not in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD):
            raise TypeError(f"{kind} '{func.__qualname__}': parameter '{p.name}' must be positional "
                            "(no *args, **kwargs or keyword-only parameters)")
        params.append(compile_marshaller(hints.get(p.name, inspect.Parameter.empty),
                                         f"parameter '{p.name}' of '{func.__qualname__}'"))
    result = compile_marshaller(hints.get("return", inspect.Parameter.empty), f"the result of '{func.__qualname__}'")
    return params, result, signature


class JSImport:
    """A Python stub bound to a JS function: calling it calls JavaScript synchronously."""

    def __init__(self, func: Callable[..., Any], identifier: str, module: str | None) -> None:
        self.__wrapped__ = func
        functools.update_wrapper(self, func)
        self.identifier = identifier
        self.module = module
        self.params, self.result, self.signature = _plan(func, "js_import")
        self._target: Any = None
        self._this: Any = None  # the object the JS function is looked up on (its `this`)
        self._required = sum(1 for p in self.signature.parameters.values() if p.default is p.empty)
        # Primitive-only signatures skip the release bookkeeping: the common, hot case.
        self._simple = all(m.simple for m in self.params) and not self.result.blocking
        self._to_js = [m.to_js for m in self.params]
        self._from_js = self.result.from_js

    def _resolve(self) -> Any:
        if self.module is not None:
            root = _modules.get(self.module)
            if root is None:
                raise JSException(f"The JS module '{self.module}' is not imported: call "
                                  f"await jsinterop.import_module('{self.module}', <its URL>) first.")
            path = self.identifier
        else:
            import js

            root = js
            path = self.identifier.removeprefix("globalThis.")
        parent, value = None, root
        segments = path.split(".")
        for i, segment in enumerate(segments):
            parent = value
            value = getattr(parent, segment, None)
            if value is None and i == len(segments) - 1:
                break  # a missing last member: "is not a function", as interop.mjs says (Blazor's wording)
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
            target = self._target = self._resolve()
        if self._simple:
            try:
                return self._from_js(target(*[f(a, None) for f, a in zip(self._to_js, args)]))
            except _js_exception_types() as e:
                raise _as_js_exception(e) from None
        releases: list[Callable[[], Any]] = []
        try:
            converted = [m.to_js(a, releases) for m, a in zip(self.params, args)]
            value = target(*converted)
            if self.result.blocking:
                value = _block_on(value, self.identifier)
            return self.result.from_js(value)
        except _js_exception_types() as e:
            raise _as_js_exception(e) from None
        finally:
            for release in releases:
                release()


def require_blocking(identifier: str) -> None:
    """Raise a clear error unless Python can block on a Promise here."""
    if not can_run_sync():
        raise RuntimeError(
            f"Waiting synchronously for '{identifier}' needs JSPI (WebAssembly stack switching) in the browser "
            "and a Python entry point started with runPythonAsync or callPromising; this call has neither or "
            "only one. Await it instead (invoke_async, or a stub returning Awaitable[...]).")


def _block_on(value: Any, identifier: str) -> Any:
    if not (hasattr(value, "then") and callable(value.then)):
        return value
    require_blocking(identifier)
    from pyodide.ffi import run_sync

    return run_sync(value)


def _js_exception_types() -> tuple[type[BaseException], ...]:
    try:
        from pyodide.ffi import JsException

        return (JsException,)
    except ImportError:
        return ()


def _stack_overflow(e: BaseException) -> bool:
    """Python's RecursionError, or JavaScript's stack overflow (converting a deeply nested JS value)."""
    return isinstance(e, RecursionError) or (
        getattr(e, "name", None) == "RangeError" and "call stack" in str(getattr(e, "message", "")))


def _as_js_exception(e: BaseException) -> JSException:
    error = getattr(e, "js_error", None)
    name = str(getattr(error, "name", None) or getattr(e, "name", "Error"))
    message = str(getattr(error, "message", None) or getattr(e, "message", e))
    stack = getattr(error, "stack", None)
    return JSException(message, name, str(stack) if stack is not None else None)


def js_import(identifier: str, module: str | None = None) -> Callable[[F], F]:
    """Bind a function stub to a JS function, by its annotations (.NET's ``[JSImport]``).

    ``@js_import("globalThis.console.log")`` binds a dotted path from ``globalThis``;
    ``@js_import("getMessage", "main.js")`` a function of a module loaded with :func:`import_module`.
    """
    if not isinstance(identifier, str) or not identifier:
        raise TypeError(f"js_import: the identifier must be a non-empty string, got {identifier!r}")

    def decorate(func: F) -> F:
        stub = JSImport(func, identifier, module)
        return typing.cast(F, _fast_import(stub) or stub)

    return decorate


# --- fast paths --------------------------------------------------------------------------------
# A signature of up to three primitives (bool, int, float, str) gets a call path specialised to its
# arity. Python checks only that each argument has the exact annotated type; the JS function is called
# through a guard (InteropHost.guardCall) that checks the rest where it is cheap: an int past 2**53
# (which Pyodide makes a BigInt, where the general path raises OverflowError), and the kind of the
# result. What the guard refuses takes the general path, which converts it or raises
# the same errors as always: an argument is refused before the JS function runs, a result after it
# (it is then converted, not called again). This brings a typed call near a raw Pyodide call.

_FAST_KINDS = {int: "int", float: "float", str: "str", bool: "bool"}
_KIND_NAMES = {**_FAST_KINDS, type(None): "void"}
_ARGUMENT_REFUSED = "JSInteropArgumentRefused"
"""The name of the Error the guard throws, before calling, for an argument the general path must convert."""
_RESULT_REFUSED = "JSInteropResultRefused"
"""The name of the Error the guard throws, after calling, for a result the general path must convert
(the result is its ``value``)."""


def _exact_plan(params: list[Marshaller], result: Marshaller) -> tuple[list[type], type] | None:
    if (len(params) > 3 or result.exact is None or result.blocking
            or any(m.exact not in _FAST_KINDS or m.blocking for m in params)):
        return None
    return [typing.cast(type, m.exact) for m in params], result.exact


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
    plan = _exact_plan(stub.params, stub.result)
    if plan is None or stub._required != len(stub.params):
        return None
    (kinds, rtype), from_js, slow, errors = plan, stub.result.from_js, stub.__call__, _js_exception_types()
    # An integral JS number arrives as a Python int: a float result is made a float in Python.
    as_float = rtype is float

    def resolve(*args: Any) -> Any:
        """The first call: find the JS function, put its guard in place, and call it."""
        nonlocal target
        if stub._target is None:
            stub._target = stub._resolve()
        from .pyodide_transport import interop_host

        target = interop_host().guardCall(stub._target, stub._this, [_KIND_NAMES[k] for k in kinds],
                                          _KIND_NAMES[rtype], _ARGUMENT_REFUSED, _RESULT_REFUSED)
        return target(*args)

    target: Any = resolve

    def failed(e: BaseException, args: tuple[Any, ...]) -> Any:
        """A JS error of the fast path: the guard's refusals take the general path."""
        name = getattr(e, "name", None)
        if name == _ARGUMENT_REFUSED:
            return slow(*args)
        if name == _RESULT_REFUSED:
            return from_js(e.value)  # type: ignore[attr-defined]
        raise _as_js_exception(e) from None

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


# --- exports -----------------------------------------------------------------------------------

class JSExport:
    """A Python function exposed to JavaScript with converters compiled from its annotations."""

    def __init__(self, func: Callable[..., Any], name: str) -> None:
        self.func = func
        self.name = name
        self.module = func.__module__
        self.params, self.result, self.signature = _plan(func, "js_export")
        self.is_async = inspect.iscoroutinefunction(func)
        self.arity = len(self.params)
        plan = None if self.is_async else _exact_plan(self.params, self.result)
        self.fast_kinds: tuple[list[str], str] | None = (
            ([_KIND_NAMES[k] for k in plan[0]], _KIND_NAMES[plan[1]]) if plan else None)
        """The parameter and result kinds ("int", "float", "str", "bool", "void") when JavaScript may
        call the function directly, checking the arguments and the result itself; None otherwise."""

    def finish(self, value: Any) -> Any:
        """The result conversion alone: what JavaScript calls when a directly called function
        returned something its annotation does not allow as is (raises the same errors). A Python
        int past 2**52 comes back as Pyodide's BigInt type: it is the int the function returned."""
        if type(value) is not bool and isinstance(value, int):
            value = int(value)
        return self.result.to_js(value, [])

    def call_from_js(self, *js_args: Any) -> Any:
        """What JavaScript calls: arguments converted in, the result (or a Promise) converted out."""
        if len(js_args) != len(self.params):
            raise TypeError(f"{self.name}() takes {len(self.params)} argument(s) but {len(js_args)} were given")
        with sync_nesting:
            return self._call(js_args)

    def _call(self, js_args: tuple[Any, ...]) -> Any:
        args = []
        for name, marshaller, arg in zip(self.signature.parameters, self.params, js_args):
            try:
                args.append(marshaller.from_js(arg))
            except (RecursionError, *_js_exception_types()) as e:
                if not _stack_overflow(e):
                    raise
                raise DeserializationError(f"parameter '{name}' of '{self.func.__qualname__}': the value is nested "
                                           "too deeply to convert (beyond the stack's depth)") from None
        value = self.func(*args)
        if self.is_async:
            return promise_of(value, self.result)
        return self.result.to_js(value, [])


_exports: dict[str, dict[str, JSExport]] = {}


def js_export(arg: Any = None) -> Any:
    """Expose a Python function to JavaScript (.NET's ``[JSExport]``): ``@js_export`` or
    ``@js_export("name")``. JavaScript gets a module's exports with ``await Py.getPythonExports(name)``."""
    def register(func: F, name: str | None) -> F:
        export = JSExport(func, name or func.__name__)
        table = _exports.setdefault(export.module, {})
        if export.name in table and table[export.name].func.__qualname__ != func.__qualname__:
            raise ValueError(f"The module '{export.module}' already exports '{export.name}'.")
        table[export.name] = export
        return func

    if callable(arg):
        return register(arg, None)
    if arg is not None and (not isinstance(arg, str) or not arg.isidentifier()):
        raise TypeError(f"js_export: the name must be an identifier string, got {arg!r}")
    return lambda func: register(func, arg)


def exports_of(module: str) -> dict[str, JSExport]:
    """The exports a module registered (it must have been imported)."""
    return dict(_exports.get(module, {}))
