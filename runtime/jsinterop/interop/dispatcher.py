"""Calls arriving from JavaScript: Blazor's ``DotNetDispatcher`` and ``DotNetObjectReference``, for Python.

- :class:`PyObjectReference` lends a Python object to JavaScript, which calls its invokable methods.
- :class:`PyDispatcher` finds the target (:mod:`jsinterop.interop.invokables`), converts arguments by
  the function's annotations, calls it and turns the result or the exception into wire data. It knows
  nothing of the transport: the page's wire decodes a call and hands it here
  (:mod:`jsinterop.pyodide.dispatch`), the fake runtime of tests calls it directly.
"""

from __future__ import annotations

import inspect
import itertools
import traceback
import types
from collections.abc import Callable
from typing import Any, NoReturn

from ..errors import (DeserializationError, InvocationError, JSException, PyObjectDisposedError, PyObjectReferenceError,
                      UnsupportedTypeError)
from .invokables import CallPlan, ClassCreationHook, InvokableMethod, check_lendable, find_method, invokable_function, plan_of
from .references import Disposable, WireReference
from .serialization import deserialize, serialize
from .signatures import annotation_name, message_of, shown, substitute, type_arguments
from .values import describe

__all__ = ["PyDispatcher", "PyObjectReference"]

_NOTHING = object()


class PyObjectReference(Disposable, WireReference):
    """A Python object lent to JavaScript by reference (Blazor's ``DotNetObjectReference``).

    Passed as an argument to a JS call, it arrives as an object with ``invokeMethodAsync``,
    ``invokeMethod`` and ``dispose``, through which JavaScript calls the object's invokable methods;
    passed back to Python, it arrives as the original object. Dispose it when JavaScript no longer
    needs it (``dispose()``, or ``with PyObjectReference.create(obj) as ref:``); when JavaScript
    disposes it (``ref.dispose()`` there), ``disposed`` becomes true here too. It is lent through one
    runtime at a time: another runtime refuses it while the first tracks it.
    """

    __slots__ = ("value", "_dispatcher", "_id", "disposed", "_disposed_by_js")

    def __init__(self, value: Any) -> None:
        self.value = value
        self._dispatcher: PyDispatcher | None = None
        self._id = 0
        self.disposed = False
        self._disposed_by_js = False

    @classmethod
    def create(cls, value: Any) -> PyObjectReference:
        """Wrap ``value`` so JavaScript can call its ``@js_invokable`` methods.

        Raises when its class cannot be lent: two invokable methods with one identifier
        (:class:`DuplicateIdentifierError`), or an annotation that does not resolve
        (:class:`InvokableDefinitionError`).
        """
        if value is None or isinstance(value, (str, int, float, bool, bytes, list, dict, tuple)):
            raise TypeError(f"PyObjectReference.create() needs an object with invokable methods, "
                            f"got {type(value).__name__}")
        check_lendable(type(value))
        return cls(value)

    def __repr__(self) -> str:
        state = "disposed" if self.disposed else (f"#{self._id}" if self._id else "not sent yet")
        return f"<PyObjectReference {state} to {type(self.value).__name__}>"

    def track_in(self, dispatcher: PyDispatcher) -> int:
        """The id under which ``dispatcher`` holds the object (tracked on first send).

        Raises :class:`PyObjectDisposedError` once disposed (from either side), and
        :class:`PyObjectReferenceError` while another runtime's dispatcher tracks it.
        """
        if self.disposed:
            if self._disposed_by_js:
                raise PyObjectDisposedError(
                    f"This PyObjectReference to {type(self.value).__name__} was disposed by JavaScript "
                    "(PyObjectRef.dispose()); it cannot be sent to JavaScript again: create a new one with "
                    "PyObjectReference.create().")
            raise PyObjectDisposedError("This PyObjectReference has been disposed; it cannot be sent to JavaScript.")
        current = self._dispatcher
        if current is not None and current.tracks(self):
            if current is dispatcher:
                return self._id
            raise PyObjectReferenceError(
                f"This PyObjectReference to {type(self.value).__name__} is already being tracked by a different "
                "JSRuntime. A common cause is caching a PyObjectReference globally. Consider creating instances of "
                "PyObjectReference at the JSInterop call site.")
        check_lendable(type(self.value))
        self._dispatcher = dispatcher
        self._id = dispatcher.track(self.value, self)
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
        if self._dispatcher is not None and self._dispatcher.tracks(self):
            self._dispatcher.release(self._id)

    def _disposed_by_javascript(self) -> None:
        self.disposed = True
        self._disposed_by_js = True



class PyDispatcher:
    """Runs calls from JavaScript against the invokable registry and a table of lent objects."""

    def __init__(self) -> None:
        self.objects: dict[int, Any] = {}
        self._references: dict[int, PyObjectReference] = {}
        self._ids = itertools.count(1)
        self.detailed_errors = False

    # --- the object table ----------------------------------------------------------------------

    def track(self, value: Any, reference: PyObjectReference | None = None) -> int:
        """Hold ``value`` for JavaScript under a new id (lent by ``reference``, when given)."""
        object_id = next(self._ids)
        self.objects[object_id] = value
        if reference is not None:
            self._references[object_id] = reference
        return object_id

    def tracks(self, reference: PyObjectReference) -> bool:
        """True while this dispatcher holds the object ``reference`` lent."""
        return self._references.get(reference.id) is reference

    def release(self, object_id: int, disposed: bool = False) -> bool:
        """Forget the object under ``object_id``; False if there was none.

        ``disposed`` is true when JavaScript disposed it (``PyObjectRef.dispose()``): its
        :class:`PyObjectReference` is then disposed too. Without it (the JS wrapper was
        garbage-collected), the reference may be sent again and is tracked anew.
        """
        found = self.objects.pop(object_id, _NOTHING) is not _NOTHING
        reference = self._references.pop(object_id, None)
        if disposed and reference is not None:
            reference._disposed_by_javascript()
        return found

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
        self._references.clear()

    # --- calls ---------------------------------------------------------------------------------

    def resolve(self, module: Any, identifier: Any, target: int) -> Callable[..., Any]:
        """The callable JavaScript asked for: an invokable of ``module``, or of the object ``target``."""
        return self._resolve(module, identifier, target)[0]

    def _resolve(self, module: Any, identifier: Any, target: int) -> tuple[Callable[..., Any], InvokableMethod | None, Any]:
        """The callable, and for a method, the method found and the object it is called on."""
        if not isinstance(identifier, str) or not isinstance(module, (str, type(None))):
            raise InvocationError(f"The identifier and module name must be strings, got {describe(identifier)} "
                                  f"and {describe(module)}.")
        if target:
            obj = self.tracked(target)
            cls = type(obj)
            method = find_method(cls, identifier)
            if method is None:
                raise InvocationError(f"The type '{cls.__name__}' does not contain a public invokable method "
                                      f"with identifier '{shown(identifier)}'.")
            # Bound from the class attribute that carries the mark, never looked up on the instance:
            # an instance attribute of the same name (or __getattr__) cannot stand in for it.
            member = method.value
            while isinstance(member, ClassCreationHook):
                member = member.member
            if isinstance(member, staticmethod):
                return method.function, method, obj
            if isinstance(member, classmethod):
                return types.MethodType(method.function, cls), method, obj
            return method.function.__get__(obj, cls), method, obj
        func = invokable_function(module, identifier)
        if func is None:
            raise InvocationError(f"The module '{shown(module)}' does not contain a public invokable method with "
                                  f"identifier '{shown(identifier)}'.")
        return func, None, None

    @staticmethod
    def _check_count(plan: CallPlan, identifier: str, count: int) -> None:
        total = len(plan.names)
        if count < plan.required or (count > total and not plan.variadic):
            expected = (f"{plan.required}" if plan.required == total
                        else f"{plan.required} to {total}" if not plan.variadic else f"at least {plan.required}")
            raise InvocationError(f"The method '{identifier}' expects {expected} argument"
                                  f"{'' if expected == '1' else 's'} but received {count}.")

    def bind(self, func: Callable[..., Any], identifier: str, args: list[Any], method: InvokableMethod | None = None,
             instance: Any = None) -> tuple[list[Any], CallPlan]:
        """Check the argument count and convert each argument by its parameter's annotation (a TypeVar
        by the type argument of ``instance``, the object a ``method`` is called on)."""
        plan = plan_of(func, method.owner if method is not None else None)
        total = len(plan.names)
        self._check_count(plan, identifier, len(args))
        annotations, variadic_annotation = plan.annotations, plan.variadic_annotation
        if plan.generic:
            env = type_arguments(instance, method.owner) if method is not None else {}
            annotations = tuple(substitute(a, env) for a in annotations)
            variadic_annotation = substitute(variadic_annotation, env)
        converted = []
        for i, value in enumerate(args):
            if i < total:
                name, annotation, where = plan.names[i], annotations[i], plan.names[i]
            else:  # the *args parameter: each extra argument converted by its annotation
                name, annotation = plan.variadic_name, variadic_annotation
                where = f"{name}[{i - total}]"
            try:
                converted.append(deserialize(value, annotation, where))
            except DeserializationError as e:
                raise InvocationError(f"Invalid argument for parameter '{name}' of '{identifier}': {e}") from e
            except UnsupportedTypeError as e:
                at = "" if e.path == where else f" (at {e.path})"
                raise InvocationError(f"The parameter '{name}' of '{identifier}' cannot be converted from JavaScript: "
                                      f"its annotation ({annotation_name(annotation)}) is not a type that arguments "
                                      f"can be converted to{at}.") from e
            except RecursionError:
                raise InvocationError(f"Invalid argument for parameter '{name}' of '{identifier}': "
                                      "it is nested too deeply to convert (beyond Python's recursion limit)") from None
        return converted, plan

    def refuse_argument(self, module: Any, identifier: Any, target: int, index: int, count: int,
                        reason: str) -> NoReturn:
        """Raise the error of a call (of ``count`` arguments) whose argument ``index`` was refused before
        it was converted (the JS side cut it at the nesting limit). The checks run in the order of
        :meth:`call`: an unknown target, then a wrong argument count, then the parameter, named."""
        func, method, _ = self._resolve(module, identifier, target)
        plan = plan_of(func, method.owner if method is not None else None)
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
        func, method, obj = self._resolve(module, identifier, target)
        converted, plan = self.bind(func, identifier, args, method, obj)
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
                    "message": message_of(error)}
        if self.detailed_errors and not isinstance(error, InvocationError):
            info["pythonStack"] = "".join(traceback.format_exception(error))
        return info

    @staticmethod
    def result(value: Any) -> Any:
        """A call's result as wire data (the same rules as arguments going to JavaScript)."""
        return serialize(value, "result")
