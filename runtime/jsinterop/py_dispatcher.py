"""Calling Python from JavaScript: Blazor's ``[JSInvokable]``, ``DotNetObjectReference`` and
``DotNetDispatcher``, for Python.

- :func:`js_invokable` marks the module-level functions and the methods JavaScript may call. Nothing
  else is reachable: no other function, no attribute, no ``getattr`` path, and a module name is only
  ever looked up among modules that registered invokables (it is never imported).
- :class:`PyObjectReference` lends a Python object to JavaScript, which calls its invokable methods.
- :class:`PyDispatcher` finds the target, converts arguments by the function's annotations, calls
  it and turns the result or the exception into wire data. It knows nothing of the transport.
"""

from __future__ import annotations

import dataclasses
import inspect
import itertools
import traceback
import typing
from collections.abc import Callable
from types import TracebackType
from typing import Any, NoReturn, TypeVar, overload

from .errors import DeserializationError, JSException
from .marshalling import describe
from .serialization import WireReference, deserialize, serialize

__all__ = ["InvocationError", "PyDispatcher", "PyObjectReference", "invokable_methods", "js_invokable"]

F = TypeVar("F", bound=Callable[..., Any])

_MARK = "__js_invokable__"
_modules: dict[str, dict[str, Callable[..., Any]]] = {}


def _message_of(error: BaseException) -> str:
    """``str(error)``, or a readable stand-in when the exception's own ``__str__`` fails."""
    try:
        return str(error)
    except Exception as e:
        return f"(the message of this {type(error).__name__} could not be read: {type(e).__name__} in its __str__)"


def _shown(name: str | None, limit: int = 100) -> str | None:
    """A name from JavaScript as an error message shows it: at most ``limit`` characters."""
    return name if name is None or len(name) <= limit else f"{name[:limit]}... ({len(name)} characters)"


class InvocationError(Exception):
    """A call from JavaScript could not be made (unknown target, wrong arguments); the message says why.

    ``js_name`` is the name the JS Error gets.
    """

    js_name = "Error"


@overload
def js_invokable(func: F, /) -> F: ...
@overload
def js_invokable(identifier: str | None = None, /) -> Callable[[F], F]: ...


def js_invokable(arg: Any = None, /) -> Any:
    """Make a module-level function (sync or ``async def``), or a method, callable from JavaScript.

    ``@js_invokable`` uses the function's own name as the identifier; ``@js_invokable("Name")`` sets
    it. JavaScript calls a function with ``Py.invokeMethodAsync("package.module", "identifier", ...)``
    and a method through a :class:`PyObjectReference`.
    """
    if callable(arg) and not isinstance(arg, str):
        return _mark(arg, None)
    if arg is not None and (not isinstance(arg, str) or not arg.isidentifier()):
        raise TypeError(f"js_invokable: the identifier must be a Python-style identifier string, got {arg!r}")
    return lambda func: _mark(func, arg)


def _mark(func: Any, identifier: str | None) -> Any:
    target = func.__func__ if isinstance(func, (staticmethod, classmethod)) else func
    if not inspect.isfunction(target):
        raise TypeError(f"js_invokable can only mark functions and methods, not {type(func).__name__}")
    name = identifier or target.__name__
    qualname = target.__qualname__
    if "<locals>" in qualname:
        raise TypeError(f"js_invokable: '{qualname}' is defined inside a function; only module-level functions "
                        "and methods of module-level classes can be invoked from JavaScript")
    required_keyword = [p.name for p in inspect.signature(target).parameters.values()
                        if p.kind is p.KEYWORD_ONLY and p.default is p.empty]
    if required_keyword:
        raise TypeError(f"js_invokable: parameter '{required_keyword[0]}' of '{qualname}' is keyword-only and has "
                        "no default; JavaScript passes arguments by position, so it could never be given")
    setattr(target, _MARK, name)
    if "." not in qualname:  # a module-level function: register it under its module
        table = _modules.setdefault(target.__module__, {})
        existing = table.get(name)
        if existing is not None and existing.__qualname__ != qualname:
            raise ValueError(f"The module '{target.__module__}' already has an invokable method with identifier "
                             f"'{name}' ({existing.__qualname__}).")
        table[name] = target
    return func


def invokable_methods(cls: type) -> dict[str, Callable[..., Any]]:
    """The invokable methods of a class (its own and inherited), by identifier: the attribute name of each."""
    return {identifier: attr for identifier, (attr, _) in _methods_of(cls).items()}


_method_cache: dict[type, dict[str, tuple[str, Any]]] = {}


def _methods_of(cls: type) -> dict[str, tuple[str, Any]]:
    """identifier -> (attribute name, the marked class attribute), for the invokable methods of ``cls``.

    A subclass that redefines the attribute without the mark hides it: an unmarked override is not
    invokable (as .NET looks up ``[JSInvokable]`` without inheriting it from the overridden method).
    """
    found = _method_cache.get(cls)
    if found is None:
        found = {}
        for klass in reversed(cls.__mro__):
            for attr, value in vars(klass).items():
                for hidden in [i for i, (a, _) in found.items() if a == attr]:
                    del found[hidden]
                target = value.__func__ if isinstance(value, (staticmethod, classmethod)) else value
                identifier = getattr(target, _MARK, None) if inspect.isfunction(target) else None
                if identifier is not None and not attr.startswith("__"):
                    found[identifier] = (attr, value)
        _method_cache[cls] = found
    return found


class PyObjectReference(WireReference):
    """A Python object lent to JavaScript by reference (Blazor's ``DotNetObjectReference``).

    Passed as an argument to a JS call, it arrives as an object with ``invokeMethodAsync``,
    ``invokeMethod`` and ``dispose``, through which JavaScript calls the object's invokable methods;
    passed back to Python, it arrives as the original object. Dispose it when JavaScript no longer
    needs it (``dispose()``, or ``with PyObjectReference.create(obj) as ref:``).
    """

    __slots__ = ("value", "_dispatcher", "_id", "disposed")

    def __init__(self, value: Any) -> None:
        self.value = value
        self._dispatcher: PyDispatcher | None = None
        self._id = 0
        self.disposed = False

    @classmethod
    def create(cls, value: Any) -> PyObjectReference:
        """Wrap ``value`` so JavaScript can call its ``@js_invokable`` methods."""
        if value is None or isinstance(value, (str, int, float, bool, bytes, list, dict, tuple)):
            raise TypeError(f"PyObjectReference.create() needs an object with invokable methods, "
                            f"got {type(value).__name__}")
        return cls(value)

    def __repr__(self) -> str:
        state = "disposed" if self.disposed else (f"#{self._id}" if self._id else "not sent yet")
        return f"<PyObjectReference {state} to {type(self.value).__name__}>"

    def track_in(self, dispatcher: PyDispatcher) -> int:
        """The id under which ``dispatcher`` holds the object (tracked on first send)."""
        if self.disposed:
            raise ValueError("This PyObjectReference has been disposed; it cannot be sent to JavaScript.")
        if self._dispatcher is not dispatcher or self._id not in dispatcher.objects:
            self._dispatcher = dispatcher
            self._id = dispatcher.track(self.value)
        return self._id

    @property
    def id(self) -> int:
        """Its id in the dispatcher's table (0 until first sent to JavaScript)."""
        return self._id

    def dispose(self) -> None:
        """Release the object: JavaScript can no longer call it."""
        if self.disposed:
            return
        self.disposed = True
        if self._dispatcher is not None:
            self._dispatcher.release(self._id)

    def __enter__(self) -> PyObjectReference:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.dispose()


@dataclasses.dataclass(frozen=True)
class _Plan:
    """How to call one function: its parameters' names, annotations, and how many are required."""

    names: tuple[str, ...]
    annotations: tuple[Any, ...]
    required: int
    variadic: bool
    variadic_name: str
    variadic_annotation: Any
    is_async: bool
    returns: Any


_plans: dict[Any, _Plan] = {}


def _plan_of(func: Callable[..., Any]) -> _Plan:
    key = getattr(func, "__func__", func)
    plan = _plans.get(key)
    if plan is None:
        signature = inspect.signature(func)  # bound methods drop `self`
        try:
            hints = typing.get_type_hints(key, include_extras=True)
        except Exception:
            hints = {}
        params = [p for p in signature.parameters.values()
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
        star = next((p for p in signature.parameters.values() if p.kind is p.VAR_POSITIONAL), None)
        plan = _Plan(
            names=tuple(p.name for p in params),
            annotations=tuple(hints.get(p.name, Any) for p in params),
            required=sum(1 for p in params if p.default is p.empty),
            variadic=star is not None,
            variadic_name=star.name if star is not None else "",
            variadic_annotation=hints.get(star.name, Any) if star is not None else Any,
            is_async=inspect.iscoroutinefunction(key),
            returns=hints.get("return", Any),
        )
        _plans[key] = plan
    return plan


class PyDispatcher:
    """Runs calls from JavaScript against the invokable registry and a table of lent objects."""

    def __init__(self) -> None:
        self.objects: dict[int, Any] = {}
        self._ids = itertools.count(1)
        self.detailed_errors = False

    # --- the object table ----------------------------------------------------------------------

    def track(self, value: Any) -> int:
        """Hold ``value`` for JavaScript under a new id."""
        object_id = next(self._ids)
        self.objects[object_id] = value
        return object_id

    def release(self, object_id: int) -> bool:
        """Forget the object under ``object_id``; False if there was none."""
        return self.objects.pop(object_id, None) is not None

    def tracked(self, object_id: Any) -> Any:
        """The object under ``object_id``, or the not-found error Blazor words the same way. An id is an
        int: ``True`` or ``1.0``, equal to 1 in a dict, name no object."""
        try:
            if type(object_id) is int:
                return self.objects[object_id]
        except KeyError:
            pass
        raise InvocationError(f"There is no tracked object with id '{object_id}'. "
                                  "Perhaps the object was disposed?")

    def release_all(self) -> None:
        """Forget every lent object (the runtime is shutting down)."""
        self.objects.clear()

    # --- calls ---------------------------------------------------------------------------------

    def resolve(self, module: Any, identifier: Any, target: int) -> Callable[..., Any]:
        """The callable JavaScript asked for: an invokable of ``module``, or of the object ``target``."""
        if not isinstance(identifier, str) or not isinstance(module, (str, type(None))):
            raise InvocationError(f"The identifier and module name must be strings, got {describe(identifier)} "
                                  f"and {describe(module)}.")
        if target:
            obj = self.tracked(target)
            method = _methods_of(type(obj)).get(identifier)
            if method is None:
                raise InvocationError(f"The type '{type(obj).__name__}' does not contain a public invokable method "
                                      f"with identifier '{_shown(identifier)}'.")
            # Bound from the class attribute that carries the mark, never looked up on the instance:
            # an instance attribute of the same name (or __getattr__) cannot stand in for it.
            return method[1].__get__(obj, type(obj))
        func = _modules.get(module, {}).get(identifier)
        if func is None:
            raise InvocationError(f"The module '{_shown(module)}' does not contain a public invokable method with "
                                  f"identifier '{_shown(identifier)}'.")
        return func

    @staticmethod
    def _check_count(plan: _Plan, identifier: str, count: int) -> None:
        total = len(plan.names)
        if count < plan.required or (count > total and not plan.variadic):
            expected = (f"{plan.required}" if plan.required == total
                        else f"{plan.required} to {total}" if not plan.variadic else f"at least {plan.required}")
            raise InvocationError(f"The method '{identifier}' expects {expected} argument"
                                  f"{'' if expected == '1' else 's'} but received {count}.")

    def bind(self, func: Callable[..., Any], identifier: str, args: list[Any]) -> tuple[list[Any], _Plan]:
        """Check the argument count and convert each argument by its parameter's annotation."""
        plan = _plan_of(func)
        total = len(plan.names)
        self._check_count(plan, identifier, len(args))
        converted = []
        for i, value in enumerate(args):
            if i < total:
                name, annotation, where = plan.names[i], plan.annotations[i], plan.names[i]
            else:  # the *args parameter: each extra argument converted by its annotation
                name, annotation = plan.variadic_name, plan.variadic_annotation
                where = f"{name}[{i - total}]"
            try:
                converted.append(deserialize(value, annotation, where))
            except DeserializationError as e:
                raise InvocationError(f"Invalid argument for parameter '{name}' of '{identifier}': {e}") from e
            except RecursionError:
                raise InvocationError(f"Invalid argument for parameter '{name}' of '{identifier}': "
                                      "it is nested too deeply to convert (beyond Python's recursion limit)") from None
        return converted, plan

    def refuse_argument(self, module: Any, identifier: Any, target: int, index: int, count: int,
                        reason: str) -> NoReturn:
        """Raise the error of a call (of ``count`` arguments) whose argument ``index`` was refused before
        it was converted (the JS side cut it at the nesting limit). The checks run in the order of
        :meth:`call`: an unknown target, then a wrong argument count, then the parameter, named."""
        func = self.resolve(module, identifier, target)
        plan = _plan_of(func)
        self._check_count(plan, identifier, count)
        if 0 <= index < len(plan.names):
            name = plan.names[index]
        elif plan.variadic and index >= len(plan.names):
            name = f"{plan.variadic_name}[{index - len(plan.names)}]"
        else:
            raise InvocationError(f"Invalid argument {index} of '{identifier}': {reason}")
        raise InvocationError(f"Invalid argument for parameter '{name}' of '{identifier}': {reason}")

    def call(self, module: Any, identifier: Any, target: int, args: list[Any], synchronous: bool) -> Any:
        """Resolve, bind and call. Returns the raw result, which may be awaitable (for async calls)."""
        func = self.resolve(module, identifier, target)
        converted, plan = self.bind(func, identifier, args)
        if synchronous and plan.is_async:
            raise InvocationError(f"The method '{identifier}' is async (async def): call it with invokeMethodAsync.")
        result = func(*converted)
        if synchronous and inspect.isawaitable(result):
            if inspect.iscoroutine(result):
                result.close()
            raise InvocationError(f"The method '{identifier}' returned an awaitable: call it with invokeMethodAsync.")
        return result

    def error_info(self, error: BaseException) -> dict[str, Any]:
        """What the JS Error is made of: ``name`` (the exception's class), ``message``, and the Python
        traceback as ``pythonStack`` when detailed errors are on."""
        if isinstance(error, JSException):
            # A JS error passing back through Python keeps its own name and message: nested calls do
            # not wrap it once per level ("JSException: JSException: ...").
            info: dict[str, Any] = {"name": error.js_name or "Error", "message": str(error.message)}
        else:
            info = {"name": error.js_name if isinstance(error, InvocationError) else type(error).__name__,
                    "message": _message_of(error)}
        if self.detailed_errors and not isinstance(error, InvocationError):
            info["pythonStack"] = "".join(traceback.format_exception(error))
        return info

    @staticmethod
    def result(value: Any) -> Any:
        """A call's result as wire data (the same rules as arguments going to JavaScript)."""
        return serialize(value, "result")
