"""jsinterop: JavaScript interop for Python in the browser, on Pyodide.

Python compiled into a static site calls JavaScript and is called by it, the way Blazor's JS interop
serves .NET. This module is the public API, and only that (the code is in the layers: ``interop/``
the transport-neutral core, ``typed/`` @js_import/@js_export, ``pyodide/`` the page's wire and
transport, ``components/``, ``page.py`` the composition root); see the README's "Shape of the code".
"""

from __future__ import annotations

from . import js_runtime as _old_module_path  # noqa: F401  (the module path first; the function below takes the name)
from .environment import Host, host, is_browser, is_node, is_worker
from .errors import (
    ConversionError,
    DeserializationError,
    DuplicateIdentifierError,
    IntegerRangeError,
    InteropDefinitionError,
    InvocationError,
    InvokableDefinitionError,
    JSDisconnectedException,
    JSException,
    JSInteropError,
    JSModuleNotLoadedError,
    JSObjectDisposedError,
    JSRecursionError,
    PackageLoadError,
    PyObjectDisposedError,
    PyObjectReferenceError,
    SerializationError,
    StreamTooLargeError,
    SynchronousCallUnavailableError,
    UnsupportedTypeError,
)
from .interop.blocking import can_run_sync
from .interop.capabilities import Capabilities, capabilities
from .interop.dispatcher import PyObjectReference
from .interop.invokables import js_invokable
from .interop.runtime import JSObjectReference, JSRuntime
from .interop.serialization import JSConverter, register_converter, unregister_converter
from .interop.streams import JSReadStream, JSStreamReference, PyStreamReference
from .packages import load_packages
from .page import js_runtime
from .typed.exports import js_export
from .typed.imports import import_module, js_import, load_js_module
from .typed.marshalling import BigInt, Blocking, JSBigInt, JSObject, Once, Persistent, release_callback

__version__ = "0.1.0"

__all__ = [
    "BigInt",
    "Blocking",
    "Capabilities",
    "ConversionError",
    "DeserializationError",
    "DuplicateIdentifierError",
    "Host",
    "IntegerRangeError",
    "InteropDefinitionError",
    "InvocationError",
    "InvokableDefinitionError",
    "JSBigInt",
    "JSConverter",
    "JSDisconnectedException",
    "JSException",
    "JSInteropError",
    "JSModuleNotLoadedError",
    "JSObject",
    "JSObjectDisposedError",
    "JSObjectReference",
    "JSReadStream",
    "JSRuntime",
    "JSRecursionError",
    "JSStreamReference",
    "Once",
    "PackageLoadError",
    "Persistent",
    "PyObjectDisposedError",
    "PyObjectReference",
    "PyObjectReferenceError",
    "PyStreamReference",
    "SerializationError",
    "StreamTooLargeError",
    "SynchronousCallUnavailableError",
    "UnsupportedTypeError",
    "__version__",
    "can_run_sync",
    "capabilities",
    "host",
    "import_module",
    "is_browser",
    "is_node",
    "is_worker",
    "js_export",
    "js_import",
    "js_invokable",
    "js_runtime",
    "load_js_module",
    "load_packages",
    "register_converter",
    "release_callback",
    "unregister_converter",
]
