"""``@js_invokable``: the registry of what JavaScript may call (Blazor's ``[JSInvokable]``).

- :func:`js_invokable` marks the module-level functions and the methods JavaScript may call. Nothing
  else is reachable: no other function, no attribute, no ``getattr`` path, and a module name is only
  ever looked up among modules that registered invokables (it is never imported).
- :func:`invokable_function` and :func:`find_method` are the lookups of the dispatcher
  (:mod:`jsinterop.interop.dispatcher`); :func:`plan_of` says how to bind a call's arguments.
"""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Callable
from typing import Any, TypeVar, overload

from ..errors import DuplicateIdentifierError, InvocationError, InvokableDefinitionError
from .signatures import check_identifier, class_scope, has_type_variables, hints_of, positional_parameters, signature_of

__all__ = ["CallPlan", "ClassCreationHook", "InvokableMethod", "check_lendable", "find_method", "function_of",
           "invokable_function", "invokable_methods", "js_invokable", "plan_of"]

F = TypeVar("F", bound=Callable[..., Any])

_MARK = "__js_invokable__"
_invokables: dict[str, dict[str, Callable[..., Any]]] = {}
"""module name -> identifier -> the module-level function JavaScript may call."""
_hints: dict[Any, dict[str, Any]] = {}
"""function -> its resolved annotations (parameters and ``return``), once they could be resolved."""


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
    if arg is not None:
        check_identifier("js_invokable", "the identifier must be a Python-style identifier string", arg)
    if arg is not None and arg.startswith("_"):
        raise InvokableDefinitionError(f"js_invokable: the identifier '{arg}' starts with '_': identifiers "
                                       "JavaScript calls must be public names")
    return lambda func: _mark(func, arg)


def function_of(member: Any) -> Any:
    """The function inside a class attribute: through staticmethod, classmethod and the class-creation hook."""
    while True:
        if isinstance(member, (staticmethod, classmethod)):
            member = member.__func__
        elif isinstance(member, ClassCreationHook):
            member = member.member
        else:
            return member


def _mark(func: Any, identifier: str | None) -> Any:
    if isinstance(func, ClassCreationHook):  # marked twice: the outer identifier wins
        func = func.member
    target = function_of(func)
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
    required_keyword = [p.name for p in signature_of(target).parameters.values()
                        if p.kind is p.KEYWORD_ONLY and p.default is p.empty]
    if required_keyword:
        raise TypeError(f"js_invokable: parameter '{required_keyword[0]}' of '{qualname}' is keyword-only and has "
                        "no default; JavaScript passes arguments by position, so it could never be given")
    if "." in qualname:  # a method: its class does not exist yet
        try:
            _hints[target] = hints_of(target)
        except InvokableDefinitionError:
            pass  # perhaps it names its own class: resolved when the class is created, or when first lent
        setattr(target, _MARK, name)
        return ClassCreationHook(func)
    # A module-level function: resolved now (as @js_export does), then registered under its module.
    hints = hints_of(target)
    table = _invokables.setdefault(target.__module__, {})
    existing = table.get(name)
    if existing is not None and existing.__qualname__ != qualname:
        raise DuplicateIdentifierError(f"The module '{target.__module__}' already has an invokable method with "
                                       f"identifier '{name}' ({existing.__qualname__}).")
    _hints[target] = hints
    _plans.pop(target, None)
    setattr(target, _MARK, name)
    table[name] = target
    return func


class ClassCreationHook:
    """What ``@js_invokable`` returns for a method, for the time its class body runs: when the class
    is created (``__set_name__``) it puts the method back, resolves the annotations that name the
    class itself, and refuses two invokable methods with one identifier. Until then it stands in for
    the method: called, bound, its attributes read and set, it acts as the method does."""

    __slots__ = ("member",)

    def __init__(self, member: Any) -> None:
        self.member = member

    def __set_name__(self, owner: type, name: str) -> None:
        setattr(owner, name, self.member)
        target = function_of(self.member)
        if target not in _hints:
            try:
                _hints[target] = hints_of(target, class_scope(owner))
            except InvokableDefinitionError:
                pass  # a class defined later in the module, perhaps: resolved (or refused) when first lent
        _scan(owner)

    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        return self.member.__get__(obj, owner)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return function_of(self.member)(*args, **kwargs)

    @property
    def __wrapped__(self) -> Any:  # for inspect.signature and decorators stacked above
        return function_of(self.member)

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
class InvokableMethod:
    """An invokable method of a class: its attribute, the class attribute, the class holding it, the function."""

    attr: str
    value: Any
    owner: type
    function: Any


def _scan(cls: type) -> dict[str, InvokableMethod]:
    """identifier -> the invokable method, for the public invokable methods of ``cls`` (own and inherited).

    A subclass that redefines the attribute without the mark hides it: an unmarked override is not
    invokable (as .NET looks up ``[JSInvokable]`` without inheriting it from the overridden method).
    Two different methods under one identifier raise :class:`DuplicateIdentifierError` (Blazor's rule).
    """
    found: dict[str, InvokableMethod] = {}
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
            target = function_of(value)
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
            found[identifier] = InvokableMethod(attr, value, klass, target)
            by_attr[attr] = identifier
    return found


_method_cache: dict[type, tuple[tuple[type, ...], dict[str, InvokableMethod]]] = {}


def _table(cls: type) -> dict[str, InvokableMethod]:
    """``_scan(cls)``, cached while the class's MRO is the same."""
    cached = _method_cache.get(cls)
    if cached is not None and cached[0] is cls.__mro__:
        return cached[1]
    table = _scan(cls)
    _method_cache[cls] = (cls.__mro__, table)
    return table


def _current(cls: type, method: InvokableMethod, identifier: str) -> bool:
    """True while ``method`` is still what the class has under its attribute, marked ``identifier``:
    a cached lookup of a method since deleted, replaced or hidden by a subclass attribute is not used."""
    for klass in cls.__mro__:
        if klass is method.owner:
            return vars(klass).get(method.attr) is method.value and getattr(method.function, _MARK, None) == identifier
        if method.attr in vars(klass):
            return False
    return False


def find_method(cls: type, identifier: str) -> InvokableMethod | None:
    """The invokable method of ``cls`` with ``identifier``, as the class is now."""
    method = _table(cls).get(identifier)
    if method is not None and _current(cls, method, identifier):
        return method
    _method_cache.pop(cls, None)  # changed since cached (or a name that was never there): look again
    return _table(cls).get(identifier)


def check_lendable(cls: type) -> None:
    """Before an object is first lent: its identifiers are distinct and its methods' annotations resolve."""
    for method in _table(cls).values():
        if method.function not in _hints:
            _hints[method.function] = hints_of(method.function, class_scope(method.owner))


@dataclasses.dataclass(frozen=True)
class CallPlan:
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


_plans: dict[Any, CallPlan] = {}


def plan_of(func: Callable[..., Any], owner: type | None = None) -> CallPlan:
    key = function_of(getattr(func, "__func__", func))
    plan = _plans.get(key)
    if plan is None:
        signature = signature_of(func)  # bound methods drop `self`
        hints = _hints.get(key)
        if hints is None:
            try:
                hints = hints_of(key, class_scope(owner) if owner is not None else None)
            except InvokableDefinitionError as e:
                raise InvocationError(str(e)) from None
            _hints[key] = hints
        params = positional_parameters(signature)
        star = next((p for p in signature.parameters.values() if p.kind is p.VAR_POSITIONAL), None)
        annotations = tuple(hints.get(p.name, Any) for p in params)
        variadic_annotation = hints.get(star.name, Any) if star is not None else Any
        plan = CallPlan(
            names=tuple(p.name for p in params),
            annotations=annotations,
            required=sum(1 for p in params if p.default is p.empty),
            variadic=star is not None,
            variadic_name=star.name if star is not None else "",
            variadic_annotation=variadic_annotation,
            is_async=inspect.iscoroutinefunction(key),
            returns=hints.get("return", Any),
            generic=any(has_type_variables(a) for a in (*annotations, variadic_annotation)),
        )
        _plans[key] = plan
    return plan


def invokable_function(module: Any, identifier: str) -> Callable[..., Any] | None:
    """The module-level function ``module`` registered under ``identifier``, or None."""
    return _invokables.get(module, {}).get(identifier)
