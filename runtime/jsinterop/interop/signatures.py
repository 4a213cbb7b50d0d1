"""Reading a function's signature: the one reader of ``@js_invokable``, ``@js_import`` and ``@js_export``.

It reads parameter names, kinds and defaults without evaluating annotations (:func:`signature_of`),
resolves the annotations one by one to name the one that fails (:func:`hints_of`), and substitutes
the type arguments of a generic class into a method's annotations (:func:`substitute`,
:func:`type_arguments`).
"""

from __future__ import annotations

import inspect
import sys
import types
import typing
from typing import Any, TypeVar

from ..errors import InteropDefinitionError, InvokableDefinitionError

__all__ = ["annotation_name", "check_identifier", "class_scope", "has_type_variables", "hints_of", "message_of", "positional_parameters",
           "shown", "signature_of", "substitute", "type_arguments", "unbound"]


def message_of(error: BaseException) -> str:
    """``str(error)``, or a readable stand-in when the exception's own ``__str__`` fails."""
    try:
        return str(error)
    except Exception as e:
        return f"(the message of this {type(error).__name__} could not be read: {type(e).__name__} in its __str__)"


def annotation_name(annotation: Any) -> str:
    """An annotation as an error message shows it: a class by its qualified name, anything else by repr."""
    return annotation.__qualname__ if isinstance(annotation, type) else repr(annotation)


def shown(name: str | None, limit: int = 100) -> str | None:
    """A name from JavaScript as an error message shows it: at most ``limit`` characters."""
    return name if name is None or len(name) <= limit else f"{name[:limit]}... ({len(name)} characters)"



def signature_of(func: Any) -> inspect.Signature:
    """``inspect.signature(func)`` without evaluating the annotations (Python 3.14 would, and fail on
    a name not defined yet, such as the method's own class): only names, kinds and defaults are used."""
    if sys.version_info >= (3, 14):
        import annotationlib  # type: ignore[import-not-found]

        return inspect.signature(func, annotation_format=annotationlib.Format.FORWARDREF)
    return inspect.signature(func)


_STUB = (lambda: None).__code__


def class_scope(owner: type) -> dict[str, Any]:
    """The names a method's postponed annotations may use beyond its module's: its class, whose name
    is bound in the module only after the class statement, and the class's PEP 695 type parameters."""
    scope = {p.__name__: p for p in getattr(owner, "__type_params__", ())}
    scope[owner.__name__] = owner
    return scope


def hints_of(func: Any, scope: dict[str, Any] | None = None, decorator: str = "js_invokable",
             error: type[InteropDefinitionError] = InvokableDefinitionError) -> dict[str, Any]:
    """The resolved annotations of ``func``; raises ``error`` naming the ``decorator`` and the
    parameter whose annotation cannot be resolved (each is resolved alone to find which)."""
    try:
        return typing.get_type_hints(func, localns=scope, include_extras=True)
    except Exception:
        pass
    try:
        raw = inspect.get_annotations(func)
    except Exception:  # Python 3.14's lazy annotations: the unresolvable ones as forward references
        import annotationlib  # type: ignore[import-not-found]

        raw = annotationlib.get_annotations(func, format=annotationlib.Format.FORWARDREF)
    hints: dict[str, Any] = {}
    for name, annotation in raw.items():
        stub = types.FunctionType(_STUB, func.__globals__)
        stub.__annotations__ = {name: annotation}
        try:
            hints.update(typing.get_type_hints(stub, localns=scope, include_extras=True))
        except Exception as e:
            where = "the return annotation" if name == "return" else f"the annotation of parameter '{name}'"
            raise error(
                f"{decorator}: {where} of '{func.__qualname__}' could not be resolved ({message_of(e)}); import "
                "the names annotations use at run time, not only under TYPE_CHECKING") from None
    return hints



def has_type_variables(annotation: Any) -> bool:
    return isinstance(annotation, TypeVar) or (not isinstance(annotation, type)
                                               and bool(getattr(annotation, "__parameters__", ())))


def unbound(variable: TypeVar) -> Any:
    """What a TypeVar with no type argument converts by: its default (PEP 696), else its bound, else Any."""
    has_default = getattr(variable, "has_default", None)
    if has_default is not None and has_default():
        return variable.__default__
    return variable.__bound__ if variable.__bound__ is not None else Any


def substitute(annotation: Any, env: dict[Any, Any]) -> Any:
    """``annotation`` with its TypeVars replaced by their type arguments in ``env`` (or by :func:`unbound`)."""
    if isinstance(annotation, TypeVar):
        return env[annotation] if annotation in env else unbound(annotation)
    if has_type_variables(annotation):
        try:
            return annotation[tuple(substitute(p, env) for p in annotation.__parameters__)]
        except TypeError:
            return annotation
    return annotation


def bind_parameters(origin: type, args: tuple[Any, ...], env: dict[Any, Any]) -> dict[Any, Any]:
    """``origin``'s type parameters -> ``args`` (themselves substituted by ``env``)."""
    params = getattr(origin, "__parameters__", ())
    if len(params) != len(args) or not all(isinstance(p, TypeVar) for p in params):
        return {}  # ParamSpec, TypeVarTuple: not converted by
    return {p: substitute(a, env) for p, a in zip(params, args, strict=True)}


def arguments_for(cls: type, env: dict[Any, Any], owner: type) -> dict[Any, Any] | None:
    """The type arguments of ``owner``'s parameters, walking from ``cls`` (whose own are ``env``) up
    its ``__orig_bases__``; None when ``owner`` is not reached."""
    if cls is owner:
        return env
    for base in cls.__dict__.get("__orig_bases__", cls.__bases__):
        origin = typing.get_origin(base)
        args = typing.get_args(base) if origin is not None else ()
        origin = origin if origin is not None else base
        if not isinstance(origin, type) or origin is typing.Generic:
            continue
        found = arguments_for(origin, bind_parameters(origin, args, env) if args else {}, owner)
        if found is not None:
            return found
    return None


def type_arguments(instance: Any, owner: type) -> dict[Any, Any]:
    """``owner``'s type parameters -> the type arguments of ``instance``: from ``Box[int]()``
    (``__orig_class__``), else from its class's bases (``class IntBox(Box[int])``)."""
    cls = type(instance)
    env: dict[Any, Any] = {}
    try:
        orig = object.__getattribute__(instance, "__dict__").get("__orig_class__")
    except (AttributeError, TypeError):
        orig = None
    if orig is not None and typing.get_origin(orig) is cls:
        env = bind_parameters(cls, typing.get_args(orig), {})
    return arguments_for(cls, env, owner) or {}



def positional_parameters(signature: inspect.Signature) -> list[inspect.Parameter]:
    """The parameters JavaScript can pass (by position): positional-only and positional-or-keyword."""
    return [p for p in signature.parameters.values() if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]


def check_identifier(decorator: str, requirement: str, value: Any) -> None:
    """Refuse a name given to a decorator that is not an identifier string (JavaScript reaches the
    function by it), as ``{decorator}: {requirement}, got {value!r}``."""
    if not isinstance(value, str) or not value.isidentifier():
        raise InteropDefinitionError(f"{decorator}: {requirement}, got {value!r}")
