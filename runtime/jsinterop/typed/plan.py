"""What ``@js_import`` and ``@js_export`` share: reading a function into marshallers, the primitive
kinds of the fast paths, and Pyodide's JS errors as :class:`~jsinterop.JSException`.

The signature is read by the one reader of every decorator (:mod:`jsinterop.interop.signatures`).
"""

from __future__ import annotations

import inspect
import typing
from collections.abc import Callable
from typing import Any

from ..errors import InteropDefinitionError, JSException
from ..interop.signatures import hints_of, positional_parameters
from .marshalling import Marshaller, compile_marshaller

__all__ = ["FAST_KINDS", "KIND_NAMES", "as_js_exception", "exact_plan", "js_exception_types", "marshal_plan",
           "stack_overflow"]


def marshal_plan(func: Callable[..., Any], decorator: str) -> tuple[list[Marshaller], Marshaller, inspect.Signature]:
    """The marshaller of each parameter and of the result of ``func``, compiled from its annotations,
    and its signature. Raises :class:`InteropDefinitionError` naming the parameter that cannot be
    marshalled (or resolved), or a parameter JavaScript could not pass by position."""
    signature = inspect.signature(func)
    hints = hints_of(func, decorator=decorator, error=InteropDefinitionError)
    params = positional_parameters(signature)
    for p in signature.parameters.values():
        if p not in params:
            raise InteropDefinitionError(f"{decorator} '{func.__qualname__}': parameter '{p.name}' must be positional "
                                         "(no *args, **kwargs or keyword-only parameters)")
    marshallers = [compile_marshaller(hints.get(p.name, inspect.Parameter.empty),
                                      f"parameter '{p.name}' of '{func.__qualname__}'") for p in params]
    result = compile_marshaller(hints.get("return", inspect.Parameter.empty), f"the result of '{func.__qualname__}'")
    return marshallers, result, signature


FAST_KINDS = {int: "int", float: "float", str: "str", bool: "bool"}
"""The parameter types a fast path checks itself, by the kind names of the JS side's kind table."""
KIND_NAMES = {**FAST_KINDS, type(None): "void"}
"""Every kind a fast path knows (a result may also be void)."""


def exact_plan(params: list[Marshaller], result: Marshaller) -> tuple[list[type], type] | None:
    """The exact parameter types and result type of a function the fast paths can take (up to three
    primitive parameters, a primitive or void result, nothing blocking); None otherwise."""
    if (len(params) > 3 or result.exact is None or result.blocking
            or any(m.exact not in FAST_KINDS or m.blocking for m in params)):
        return None
    return [typing.cast(type, m.exact) for m in params], result.exact


def js_exception_types() -> tuple[type[BaseException], ...]:
    """Pyodide's ``JsException`` (a JS error thrown into Python), or nothing on CPython."""
    try:
        from pyodide.ffi import JsException  # only present in Pyodide

        return (JsException,)
    except ImportError:
        return ()


def stack_overflow(e: BaseException) -> bool:
    """Python's RecursionError, or JavaScript's stack overflow (converting a deeply nested JS value)."""
    return isinstance(e, RecursionError) or (
        getattr(e, "name", None) == "RangeError" and "call stack" in str(getattr(e, "message", "")))


def as_js_exception(e: BaseException) -> JSException:
    """A JS error caught in Python as the :class:`JSException` the JSON path raises for it."""
    error = getattr(e, "js_error", None)
    name = str(getattr(error, "name", None) or getattr(e, "name", "Error"))
    message = str(getattr(error, "message", None) or getattr(e, "message", e))
    stack = getattr(error, "stack", None)
    return JSException(message, name, str(stack) if stack is not None else None)
