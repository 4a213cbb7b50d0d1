"""jsinterop: JavaScript interop for Python in the browser, on Pyodide.

Python compiled into a static site calls JavaScript and is called by it, the way Blazor's JS interop
serves .NET. This module is the public API; see the README for a tour.
"""

from __future__ import annotations

from .environment import Host, host, is_browser, is_node, is_worker
from .errors import (
    DeserializationError,
    DuplicateIdentifierError,
    InvokableDefinitionError,
    JSDisconnectedException,
    JSException,
    JSRecursionError,
    JSObjectDisposedError,
    PyObjectDisposedError,
    PyObjectReferenceError,
    SerializationError,
    StreamTooLargeError,
    UnsupportedTypeError,
)
from .js_runtime import JSObjectReference, JSRuntime, js_runtime
from .marshalling import BigInt, Blocking, JSBigInt, JSObject, Once, Persistent, release_callback
from .py_dispatcher import InvocationError, PyObjectReference, js_invokable
from .serialization import JSConverter, register_converter, unregister_converter
from .streams import JSReadStream, JSStreamReference, PyStreamReference
from .typed_interop import can_run_sync, import_module, js_export, js_import

__version__ = "0.1.0"

__all__ = [
    "BigInt",
    "Blocking",
    "DeserializationError",
    "DuplicateIdentifierError",
    "Host",
    "InvocationError",
    "InvokableDefinitionError",
    "JSBigInt",
    "JSConverter",
    "JSDisconnectedException",
    "JSException",
    "JSRecursionError",
    "JSObject",
    "JSObjectDisposedError",
    "JSObjectReference",
    "JSReadStream",
    "JSRuntime",
    "JSStreamReference",
    "Once",
    "Persistent",
    "PyObjectDisposedError",
    "PyObjectReference",
    "PyObjectReferenceError",
    "PyStreamReference",
    "SerializationError",
    "StreamTooLargeError",
    "UnsupportedTypeError",
    "__version__",
    "can_run_sync",
    "host",
    "import_module",
    "is_browser",
    "is_node",
    "is_worker",
    "js_export",
    "js_import",
    "js_invokable",
    "js_runtime",
    "register_converter",
    "release_callback",
    "unregister_converter",
]
