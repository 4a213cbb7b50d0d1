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
import sys
import traceback
import types
import typing
from collections.abc import Callable
from types import TracebackType
from typing import Any, NoReturn, TypeVar, overload

from .errors import (DeserializationError, DuplicateIdentifierError, InvokableDefinitionError, JSException,
                     PyObjectDisposedError, PyObjectReferenceError, UnsupportedTypeError)
from .marshalling import describe
from .serialization import WireReference, deserialize, serialize

__all__ = ["InvocationError", "PyDispatcher", "PyObjectReference", "invokable_methods", "js_invokable"]

F = TypeVar("F", bound=Callable[..., Any])

_MARK = "__js_invokable__"
_NOTHING = object()
_modules: dict[str, dict[str, Callable[..., Any]]] = {}


def _message_of(error: BaseException) -> str:
    """``str(error)``, or a readable stand-in when the exception's own ``__str__`` fails."""
    try:
        return str(error)
    except Exception as e:
        return f"(the message of this {type(error).__name__} could not be read: {type(e).__name__} in its __str__)"


def _annotation_name(annotation: Any) -> str:
    """An annotation as an error message shows it: a class by its qualified name, anything else by repr."""
    return annotation.__qualname__ if isinstance(annotation, type) else repr(annotation)


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
    and a method through a :class:`PyObjectReference`. Names starting with ``_`` are refused, and every
    annotation must resolve at run time (a function's at decoration, a method's by the time its class
    is first lent), so that each argument is converted by its parameter's annotation.
    """
    if callable(arg) and not isinstance(arg, str):
        return _mark(arg, None)
    if arg is not None and (not isinstance(arg, str) or not arg.isidentifier()):
        raise TypeError(f"js_invokable: the identifier must be a Python-style identifier string, got {arg!r}")
    if arg is not None and arg.startswith("_"):
        raise InvokableDefinitionError(f"js_invokable: the identifier '{arg}' starts with '_': identifiers "
                                       "JavaScript calls must be public names")
    return lambda func: _mark(func, arg)


def _function_of(member: Any) -> Any:
    """The function inside a class attribute: through staticmethod, classmethod and the class-creation hook."""
    while True:
        if isinstance(member, (staticmethod, classmethod)):
            member = member.__func__
        elif isinstance(member, _ClassCreationHook):
            member = member.member
        else:
            return member


def _mark(func: Any, identifier: str | None) -> Any:
    if isinstance(func, _ClassCreationHook):  # marked twice: the outer identifier wins
        func = func.member
    target = _function_of(func)
    if not inspect.isfunction(target):
        raise TypeError(f"js_invokable can only mark functions and methods, not {type(func).__name__}")
    name = identifier or target.__name__
    qualname = target.__qualname__
    if "<locals>" in qualname:
        raise TypeError(f"js_invokable: '{qualname}' is defined inside a function; only module-level functions "
                        "and methods of module-level classes can be invoked from JavaScript")
    if target.__name__.startswith("_"):
        raise InvokableDefinitionError(f"js_invokable: '{qualname}' has a private name (it starts with '_'): only "
                                       "public functions and methods can be invoked from JavaScript; give it a "
                                       "public name")
    required_keyword = [p.name for p in _signature(target).parameters.values()
                        if p.kind is p.KEYWORD_ONLY and p.default is p.empty]
    if required_keyword:
        raise TypeError(f"js_invokable: parameter '{required_keyword[0]}' of '{qualname}' is keyword-only and has "
                        "no default; JavaScript passes arguments by position, so it could never be given")
    if "." in qualname:  # a method: its class does not exist yet
        try:
            _hints[target] = _hints_of(target)
        except InvokableDefinitionError:
            pass  # perhaps it names its own class: resolved when the class is created, or when first lent
        setattr(target, _MARK, name)
        return _ClassCreationHook(func)
    # A module-level function: resolved now (as @js_export does), then registered under its module.
    hints = _hints_of(target)
    table = _modules.setdefault(target.__module__, {})
    existing = table.get(name)
    if existing is not None and existing.__qualname__ != qualname:
        raise DuplicateIdentifierError(f"The module '{target.__module__}' already has an invokable method with "
                                       f"identifier '{name}' ({existing.__qualname__}).")
    _hints[target] = hints
    _plans.pop(target, None)
    setattr(target, _MARK, name)
    table[name] = target
    return func


def _signature(func: Any) -> inspect.Signature:
    """``inspect.signature(func)`` without evaluating the annotations (Python 3.14 would, and fail on
    a name not defined yet, such as the method's own class): only names, kinds and defaults are used."""
    if sys.version_info >= (3, 14):
        import annotationlib  # type: ignore[import-not-found]

        return inspect.signature(func, annotation_format=annotationlib.Format.FORWARDREF)
    return inspect.signature(func)


_hints: dict[Any, dict[str, Any]] = {}
"""function -> its resolved annotations (parameters and ``return``), once they could be resolved."""
_STUB = (lambda: None).__code__


def _class_scope(owner: type) -> dict[str, Any]:
    """The names a method's postponed annotations may use beyond its module's: its class, whose name
    is bound in the module only after the class statement, and the class's PEP 695 type parameters."""
    scope = {p.__name__: p for p in getattr(owner, "__type_params__", ())}
    scope[owner.__name__] = owner
    return scope


def _hints_of(func: Any, scope: dict[str, Any] | None = None) -> dict[str, Any]:
    """The resolved annotations of ``func``; raises :class:`InvokableDefinitionError` naming the
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
            raise InvokableDefinitionError(
                f"js_invokable: {where} of '{func.__qualname__}' could not be resolved ({_message_of(e)}); import "
                "the names annotations use at run time, not only under TYPE_CHECKING") from None
    return hints


class _ClassCreationHook:
    """What ``@js_invokable`` returns for a method, for the time its class body runs: when the class
    is created (``__set_name__``) it puts the method back, resolves the annotations that name the
    class itself, and refuses two invokable methods with one identifier. Until then it stands in for
    the method: called, bound, its attributes read and set, it acts as the method does."""

    __slots__ = ("member",)

    def __init__(self, member: Any) -> None:
        self.member = member

    def __set_name__(self, owner: type, name: str) -> None:
        setattr(owner, name, self.member)
        target = _function_of(self.member)
        if target not in _hints:
            try:
                _hints[target] = _hints_of(target, _class_scope(owner))
            except InvokableDefinitionError:
                pass  # a class defined later in the module, perhaps: resolved (or refused) when first lent
        _scan(owner)

    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        return self.member.__get__(obj, owner)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return _function_of(self.member)(*args, **kwargs)

    @property
    def __wrapped__(self) -> Any:  # for inspect.signature and decorators stacked above
        return _function_of(self.member)

    def __getattr__(self, name: str) -> Any:  # __name__, __doc__, __annotations__...: the method's own
        if name == "member":
            raise AttributeError(name)
        return getattr(self.member, name)

    def __setattr__(self, name: str, value: Any) -> None:  # e.g. @abstractmethod stacked above
        if name == "member":
            object.__setattr__(self, name, value)
        else:
            setattr(self.member, name, value)


def invokable_methods(cls: type) -> dict[str, str]:
    """The invokable methods of a class (its own and inherited), by identifier: the attribute name of each."""
    return {identifier: method.attr for identifier, method in _scan(cls).items()}


@dataclasses.dataclass(frozen=True)
class _Method:
    """An invokable method of a class: its attribute, the class attribute, the class holding it, the function."""

    attr: str
    value: Any
    owner: type
    function: Any


def _scan(cls: type) -> dict[str, _Method]:
    """identifier -> the invokable method, for the public invokable methods of ``cls`` (own and inherited).

    A subclass that redefines the attribute without the mark hides it: an unmarked override is not
    invokable (as .NET looks up ``[JSInvokable]`` without inheriting it from the overridden method).
    Two different methods under one identifier raise :class:`DuplicateIdentifierError` (Blazor's rule).
    """
    found: dict[str, _Method] = {}
    by_attr: dict[str, str] = {}
    for klass in reversed(cls.__mro__):
        if klass is object:
            continue
        for attr, value in vars(klass).items():
            hidden = by_attr.pop(attr, None)
            if hidden is not None:
                del found[hidden]
            if attr.startswith("_"):
                continue
            target = _function_of(value)
            identifier = getattr(target, _MARK, None) if inspect.isfunction(target) else None
            if not isinstance(identifier, str):
                continue
            existing = found.get(identifier)
            if existing is not None:
                if existing.function is target:
                    continue  # the same function under a second name: one method
                raise DuplicateIdentifierError(
                    f"The type '{cls.__name__}' contains more than one @js_invokable method with identifier "
                    f"'{identifier}' ('{existing.function.__qualname__}' and '{target.__qualname__}'). All "
                    "@js_invokable methods within the same type must have different identifiers. You can pass a "
                    "custom identifier as a parameter to @js_invokable.")
            found[identifier] = _Method(attr, value, klass, target)
            by_attr[attr] = identifier
    return found


_method_cache: dict[type, tuple[tuple[type, ...], dict[str, _Method]]] = {}


def _table(cls: type) -> dict[str, _Method]:
    """``_scan(cls)``, cached while the class's MRO is the same."""
    cached = _method_cache.get(cls)
    if cached is not None and cached[0] is cls.__mro__:
        return cached[1]
    table = _scan(cls)
    _method_cache[cls] = (cls.__mro__, table)
    return table


def _current(cls: type, method: _Method, identifier: str) -> bool:
    """True while ``method`` is still what the class has under its attribute, marked ``identifier``:
    a cached lookup of a method since deleted, replaced or hidden by a subclass attribute is not used."""
    for klass in cls.__mro__:
        if klass is method.owner:
            return vars(klass).get(method.attr) is method.value and getattr(method.function, _MARK, None) == identifier
        if method.attr in vars(klass):
            return False
    return False


def _find_method(cls: type, identifier: str) -> _Method | None:
    """The invokable method of ``cls`` with ``identifier``, as the class is now."""
    method = _table(cls).get(identifier)
    if method is not None and _current(cls, method, identifier):
        return method
    _method_cache.pop(cls, None)  # changed since cached (or a name that was never there): look again
    return _table(cls).get(identifier)


def _check_lendable(cls: type) -> None:
    """Before an object is first lent: its identifiers are distinct and its methods' annotations resolve."""
    for method in _table(cls).values():
        if method.function not in _hints:
            _hints[method.function] = _hints_of(method.function, _class_scope(method.owner))


class PyObjectReference(WireReference):
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
        _check_lendable(type(value))
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
        _check_lendable(type(self.value))
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
    generic: bool
    """Some annotation has a TypeVar: converted by the target object's type arguments."""


_plans: dict[Any, _Plan] = {}


def _has_type_variables(annotation: Any) -> bool:
    return isinstance(annotation, TypeVar) or (not isinstance(annotation, type)
                                               and bool(getattr(annotation, "__parameters__", ())))


def _plan_of(func: Callable[..., Any], owner: type | None = None) -> _Plan:
    key = _function_of(getattr(func, "__func__", func))
    plan = _plans.get(key)
    if plan is None:
        signature = _signature(func)  # bound methods drop `self`
        hints = _hints.get(key)
        if hints is None:
            try:
                hints = _hints_of(key, _class_scope(owner) if owner is not None else None)
            except InvokableDefinitionError as e:
                raise InvocationError(str(e)) from None
            _hints[key] = hints
        params = [p for p in signature.parameters.values()
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
        star = next((p for p in signature.parameters.values() if p.kind is p.VAR_POSITIONAL), None)
        annotations = tuple(hints.get(p.name, Any) for p in params)
        variadic_annotation = hints.get(star.name, Any) if star is not None else Any
        plan = _Plan(
            names=tuple(p.name for p in params),
            annotations=annotations,
            required=sum(1 for p in params if p.default is p.empty),
            variadic=star is not None,
            variadic_name=star.name if star is not None else "",
            variadic_annotation=variadic_annotation,
            is_async=inspect.iscoroutinefunction(key),
            returns=hints.get("return", Any),
            generic=any(_has_type_variables(a) for a in (*annotations, variadic_annotation)),
        )
        _plans[key] = plan
    return plan


def _unbound(variable: TypeVar) -> Any:
    """What a TypeVar with no type argument converts by: its default (PEP 696), else its bound, else Any."""
    has_default = getattr(variable, "has_default", None)
    if has_default is not None and has_default():
        return variable.__default__
    return variable.__bound__ if variable.__bound__ is not None else Any


def _substitute(annotation: Any, env: dict[Any, Any]) -> Any:
    """``annotation`` with its TypeVars replaced by their type arguments in ``env`` (or by :func:`_unbound`)."""
    if isinstance(annotation, TypeVar):
        return env[annotation] if annotation in env else _unbound(annotation)
    if _has_type_variables(annotation):
        try:
            return annotation[tuple(_substitute(p, env) for p in annotation.__parameters__)]
        except TypeError:
            return annotation
    return annotation


def _bind_parameters(origin: type, args: tuple[Any, ...], env: dict[Any, Any]) -> dict[Any, Any]:
    """``origin``'s type parameters -> ``args`` (themselves substituted by ``env``)."""
    params = getattr(origin, "__parameters__", ())
    if len(params) != len(args) or not all(isinstance(p, TypeVar) for p in params):
        return {}  # ParamSpec, TypeVarTuple: not converted by
    return {p: _substitute(a, env) for p, a in zip(params, args, strict=True)}


def _arguments_for(cls: type, env: dict[Any, Any], owner: type) -> dict[Any, Any] | None:
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
        found = _arguments_for(origin, _bind_parameters(origin, args, env) if args else {}, owner)
        if found is not None:
            return found
    return None


def _type_arguments(instance: Any, owner: type) -> dict[Any, Any]:
    """``owner``'s type parameters -> the type arguments of ``instance``: from ``Box[int]()``
    (``__orig_class__``), else from its class's bases (``class IntBox(Box[int])``)."""
    cls = type(instance)
    env: dict[Any, Any] = {}
    try:
        orig = object.__getattribute__(instance, "__dict__").get("__orig_class__")
    except (AttributeError, TypeError):
        orig = None
    if orig is not None and typing.get_origin(orig) is cls:
        env = _bind_parameters(cls, typing.get_args(orig), {})
    return _arguments_for(cls, env, owner) or {}


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

    def _resolve(self, module: Any, identifier: Any, target: int) -> tuple[Callable[..., Any], _Method | None, Any]:
        """The callable, and for a method, the method found and the object it is called on."""
        if not isinstance(identifier, str) or not isinstance(module, (str, type(None))):
            raise InvocationError(f"The identifier and module name must be strings, got {describe(identifier)} "
                                  f"and {describe(module)}.")
        if target:
            obj = self.tracked(target)
            cls = type(obj)
            method = _find_method(cls, identifier)
            if method is None:
                raise InvocationError(f"The type '{cls.__name__}' does not contain a public invokable method "
                                      f"with identifier '{_shown(identifier)}'.")
            # Bound from the class attribute that carries the mark, never looked up on the instance:
            # an instance attribute of the same name (or __getattr__) cannot stand in for it.
            member = method.value
            while isinstance(member, _ClassCreationHook):
                member = member.member
            if isinstance(member, staticmethod):
                return method.function, method, obj
            if isinstance(member, classmethod):
                return types.MethodType(method.function, cls), method, obj
            return method.function.__get__(obj, cls), method, obj
        func = _modules.get(module, {}).get(identifier)
        if func is None:
            raise InvocationError(f"The module '{_shown(module)}' does not contain a public invokable method with "
                                  f"identifier '{_shown(identifier)}'.")
        return func, None, None

    @staticmethod
    def _check_count(plan: _Plan, identifier: str, count: int) -> None:
        total = len(plan.names)
        if count < plan.required or (count > total and not plan.variadic):
            expected = (f"{plan.required}" if plan.required == total
                        else f"{plan.required} to {total}" if not plan.variadic else f"at least {plan.required}")
            raise InvocationError(f"The method '{identifier}' expects {expected} argument"
                                  f"{'' if expected == '1' else 's'} but received {count}.")

    def bind(self, func: Callable[..., Any], identifier: str, args: list[Any], method: _Method | None = None,
             instance: Any = None) -> tuple[list[Any], _Plan]:
        """Check the argument count and convert each argument by its parameter's annotation (a TypeVar
        by the type argument of ``instance``, the object a ``method`` is called on)."""
        plan = _plan_of(func, method.owner if method is not None else None)
        total = len(plan.names)
        self._check_count(plan, identifier, len(args))
        annotations, variadic_annotation = plan.annotations, plan.variadic_annotation
        if plan.generic:
            env = _type_arguments(instance, method.owner) if method is not None else {}
            annotations = tuple(_substitute(a, env) for a in annotations)
            variadic_annotation = _substitute(variadic_annotation, env)
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
                                      f"its annotation ({_annotation_name(annotation)}) is not a type that arguments "
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
        plan = _plan_of(func, method.owner if method is not None else None)
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
                    "message": _message_of(error)}
        if self.detailed_errors and not isinstance(error, InvocationError):
            info["pythonStack"] = "".join(traceback.format_exception(error))
        return info

    @staticmethod
    def result(value: Any) -> Any:
        """A call's result as wire data (the same rules as arguments going to JavaScript)."""
        return serialize(value, "result")
