"""``@js_export``: .NET's ``[JSExport]`` for Python: Python functions JavaScript gets with
``await Py.getPythonExports(moduleName)``, each converted by its annotations."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any, TypeVar

from ..errors import DeserializationError, DuplicateIdentifierError
from ..interop.call_depth import sync_nesting
from ..interop.signatures import check_identifier
from .marshalling import promise_of
from .plan import KIND_NAMES, exact_plan, js_exception_types, marshal_plan, stack_overflow

__all__ = ["JSExport", "exports_of", "js_export"]

F = TypeVar("F", bound=Callable[..., Any])


class JSExport:
    """A Python function exposed to JavaScript with converters compiled from its annotations."""

    def __init__(self, func: Callable[..., Any], name: str) -> None:
        self.func = func
        self.name = name
        self.module = func.__module__
        self.params, self.result, self.signature = marshal_plan(func, "js_export")
        self.is_async = inspect.iscoroutinefunction(func)
        self.arity = len(self.params)
        plan = None if self.is_async else exact_plan(self.params, self.result)
        self.fast_kinds: tuple[list[str], str] | None = (
            ([KIND_NAMES[k] for k in plan[0]], KIND_NAMES[plan[1]]) if plan else None)
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
            except (RecursionError, *js_exception_types()) as e:
                if not stack_overflow(e):
                    raise
                where = f"parameter '{name}' of '{self.func.__qualname__}'"
                raise DeserializationError(f"{where}: the value is nested too deeply to convert (beyond the stack's depth)",
                                           path=where) from None
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
            raise DuplicateIdentifierError(f"The module '{export.module}' already exports '{export.name}'.")
        table[export.name] = export
        return func

    if callable(arg):
        return register(arg, None)
    if arg is not None:
        check_identifier("js_export", "the name must be an identifier string", arg)
    return lambda func: register(func, arg)


def exports_of(module: str) -> dict[str, JSExport]:
    """The exports a module registered (it must have been imported)."""
    return dict(_exports.get(module, {}))
