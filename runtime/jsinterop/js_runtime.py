"""Moved to :mod:`jsinterop.interop.runtime` (and ``js_runtime()`` to :mod:`jsinterop.page`); this module
path keeps working for ``from jsinterop.js_runtime import JSRuntime``. The package attribute
``jsinterop.js_runtime`` is the function, as it always was."""

from .interop.runtime import GLOBAL_TARGET, REFERENCE_KINDS, CallKind, JSObjectReference, JSRuntime, JSTransport
from .page import js_runtime

__all__ = ["GLOBAL_TARGET", "REFERENCE_KINDS", "CallKind", "JSObjectReference", "JSRuntime", "JSTransport",
           "js_runtime"]
