"""The exceptions of jsinterop, in one place, under one base: :class:`JSInteropError`.

- :class:`JSException`: JavaScript threw (and :class:`JSRecursionError`, calls nested too deeply).
- :class:`JSDisconnectedException`: the runtime is shut down. It is *not* a ``JSException``, so
  ``except JSException`` handles what JavaScript did without swallowing a shutdown.
- :class:`ConversionError`: a value could not cross, on any path and in either direction (Pyodide's
  ``ConversionError``): :class:`SerializationError` going to JavaScript, :class:`DeserializationError`
  coming from it, :class:`UnsupportedTypeError` for a type with no JavaScript form,
  :class:`IntegerRangeError` for an int JavaScript cannot hold. Each also subclasses the built-in
  error it replaces (``ValueError``, ``TypeError``, ``OverflowError``), so older handlers still match.
- Definition errors (``TypeError``): :class:`InteropDefinitionError` for a ``@js_import``/``@js_export``
  that cannot be marshalled as written, :class:`InvokableDefinitionError` for ``@js_invokable``;
  :class:`DuplicateIdentifierError` for two functions under one name.
- Misuse: :class:`JSModuleNotLoadedError`, :class:`JSObjectDisposedError`, :class:`PyObjectDisposedError`,
  :class:`PyObjectReferenceError`; :class:`InvocationError` for a call from JavaScript that cannot be
  made; :class:`AppStartError` for an app that fails to start.
"""

from __future__ import annotations

__all__ = [
    "AppStartError",
    "ConversionError",
    "DeserializationError",
    "DuplicateIdentifierError",
    "IntegerRangeError",
    "InteropDefinitionError",
    "InvalidCharacterError",
    "InvocationError",
    "InvokableDefinitionError",
    "JSInteropError",
    "JSModuleNotLoadedError",
    "JSDisconnectedException",
    "SynchronousCallUnavailableError",
    "JSException",
    "JSObjectDisposedError",
    "JSRecursionError",
    "MarkupError",
    "NotColumnar",
    "PackageLoadError",
    "PyObjectDisposedError",
    "PyObjectReferenceError",
    "SerializationError",
    "StreamTooLargeError",
    "UnsafeURLWarning",
    "UnsupportedTypeError",
]


class JSInteropError(Exception):
    """The base of every exception jsinterop raises: ``except JSInteropError`` catches them all."""


class JSException(JSInteropError):
    """A JavaScript function threw, or its Promise rejected (Blazor's ``JSException``).

    ``js_name`` is the JS error's ``name`` (``"TypeError"``...), ``message`` its message and
    ``js_stack`` its stack, when JavaScript gave one. A thrown non-Error value (a string,
    ``undefined``, a plain object) gives ``js_name`` ``"(not an Error)"`` and a readable message.
    """

    def __init__(self, message: str, js_name: str = "Error", js_stack: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.js_name = js_name
        self.js_stack = js_stack

    def __str__(self) -> str:
        return f"{self.js_name}: {self.message}" if self.js_name else self.message


class JSDisconnectedException(JSInteropError):
    """The JS runtime was shut down (``rt.shutdown()`` or the page is unloading); no call can run.

    Not a :class:`JSException`: nothing in JavaScript failed, so ``except JSException`` does not catch it."""

    js_name = "JSDisconnectedException"
    """The name of the Error JavaScript gets when it passes through a call from JavaScript."""

    def __init__(self, message: str = "The JavaScript runtime has been shut down; no more calls can be made.") -> None:
        super().__init__(message)
        self.message = message


class SynchronousCallUnavailableError(JSException, RuntimeError):
    """Python in worker mode's worker made a synchronous call into the page (``invoke``, ``get_value``,
    a ``@js_import`` stub, ``Blocking[T]``) where the worker cannot wait for the page: the page is not
    cross-origin isolated (no ``SharedArrayBuffer``). The message names the headers to send; the
    asynchronous calls (``invoke_async``...) work regardless."""


class JSRecursionError(JSException, RecursionError):
    """Synchronous calls between JavaScript and Python nested too deeply (JS -> Python -> JS -> ...).

    Raised where the nesting passes the limit, and again, with the same message, at every level it
    unwinds through: it is a ``RecursionError`` on the Python side and an Error named
    ``RecursionError`` on the JavaScript side, with one message that states the depth.
    """

    def __init__(self, message: str, js_name: str = "RecursionError", js_stack: str | None = None) -> None:
        super().__init__(message, js_name, js_stack)


class JSModuleNotLoadedError(JSInteropError, LookupError):
    """A ``@js_import`` of a module that was not loaded with :func:`jsinterop.load_js_module` first."""


class JSObjectDisposedError(JSInteropError, RuntimeError):
    """An object reference was used after ``dispose()``."""


class PyObjectDisposedError(JSObjectDisposedError, ValueError):
    """A disposed ``PyObjectReference`` (by ``dispose()`` in Python or ``PyObjectRef.dispose()`` in JS)
    was sent to JavaScript again."""


class PyObjectReferenceError(JSInteropError, RuntimeError):
    """A ``PyObjectReference`` was sent through a runtime while another runtime tracks it (Blazor's
    InvalidOperationException for a ``DotNetObjectReference`` used with two JSRuntimes)."""


class InteropDefinitionError(JSInteropError, TypeError):
    """A ``@js_import`` or ``@js_export`` function cannot be marshalled as written (an annotation
    missing, unresolvable or without a JavaScript form, a parameter that is not positional); the
    message names the function and the parameter. Raised when the function is decorated."""


class InvokableDefinitionError(InteropDefinitionError):
    """An ``@js_invokable`` function or method JavaScript could not call as written: an annotation that
    cannot be resolved, or a private name; the message names the function and the parameter."""


class DuplicateIdentifierError(JSInteropError, ValueError):
    """Two ``@js_invokable`` functions of one module, or methods of one class, or two ``@js_export``
    functions of one module, have the same identifier."""


class InvocationError(JSInteropError):
    """A call from JavaScript could not be made (unknown target, wrong arguments); the message says why.

    ``js_name`` is the name the JS Error gets.
    """

    js_name = "Error"


class ConversionError(JSInteropError, ValueError):
    """A value cannot cross the boundary, on any path, in either direction; ``path`` names where in
    the value (``args[0].items[3]``, ``parameter 'n' of 'add'``)."""

    def __init__(self, message: str, path: object = "") -> None:
        super().__init__(message)
        self.path = str(path)


class SerializationError(ConversionError):
    """A value cannot go to JavaScript: too deep, cyclic, or not representable; ``path`` names it."""


class UnsupportedTypeError(SerializationError, TypeError):
    """A value's type has no JS representation (and no registered converter), or is not what its
    annotation allows."""


class IntegerRangeError(SerializationError, OverflowError):
    """An int outside JavaScript's safe integer range (abs <= 2**53 - 1) would silently lose digits as
    a number: annotate it ``JSBigInt`` to send a BigInt instead."""


class DeserializationError(SerializationError, TypeError):
    """Data from JavaScript does not fit the type asked for; the message names the path and the type."""


class NotColumnar(Exception):
    """Internal: a value does not fit the columnar plan of its type; the caller takes the general path.
    Never escapes jsinterop, so it is not a :class:`JSInteropError`."""


class AppStartError(JSInteropError):
    """The app named by the page could not be imported or its ``main()`` failed."""


class PackageLoadError(JSInteropError, ImportError):
    """:func:`jsinterop.load_packages` could not install a package: the site does not ship it (it is not in
    its pyodide-lock.json), or its wheel failed to download, verify or install. The message names the
    package; ``packages`` lists the names asked for."""

    def __init__(self, message: str, packages: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.packages = packages


class StreamTooLargeError(JSInteropError, OSError):
    """A stream from JavaScript is larger than the ``max_allowed_size`` its reader accepts."""

    def __init__(self, length: int | None, max_allowed_size: int, received: int | None = None) -> None:
        if length is not None:
            message = (f"The stream has length {length} bytes, but the maximum allowed size is {max_allowed_size} "
                       "bytes: pass a larger max_allowed_size to open_read_stream().")
        else:
            message = (f"The stream sent more than the maximum allowed size of {max_allowed_size} bytes "
                       f"({received} received): pass a larger max_allowed_size to open_read_stream().")
        super().__init__(message)
        self.length = length
        self.max_allowed_size = max_allowed_size


class MarkupError(JSInteropError, ValueError):
    """``h`` refused to build an element: a tag or attribute name the DOM would refuse, an inline handler,
    or markup that would run script or send the page elsewhere (``<script>``, ``<base>``,
    ``<meta http-equiv>``, ``<iframe srcdoc>``, ``<object data>``, ``<embed src>``, SVG ``<animate>``/``<set>``
    aimed at ``href``). ``tag`` names the element and ``attribute`` the attribute (None for the element itself).
    Raised while a component renders, it shows that component's error boundary."""

    def __init__(self, message: str, tag: str, attribute: str | None = None) -> None:
        super().__init__(message)
        self.tag = tag
        self.attribute = attribute


class InvalidCharacterError(JSInteropError, ValueError):
    """The fake DOM (:class:`~jsinterop.components.fakedom.FakeDom`) refuses an element or attribute name,
    as the browser's DOM does with a ``DOMException`` of this name."""


class UnsafeURLWarning(UserWarning):
    """In debug mode, ``h`` dropped a ``javascript:`` URL from ``href``, ``src``, ``action``, ``formaction``
    or ``xlink:href``: the element is rendered without that attribute."""
