"""Moved to :mod:`jsinterop.interop.invokables` (``@js_invokable``) and :mod:`jsinterop.interop.dispatcher`
(``PyDispatcher``, ``PyObjectReference``); this module path keeps working."""

from .errors import InvocationError
from .interop.dispatcher import PyDispatcher, PyObjectReference
from .interop.invokables import invokable_methods, js_invokable

__all__ = ["InvocationError", "PyDispatcher", "PyObjectReference", "invokable_methods", "js_invokable"]
