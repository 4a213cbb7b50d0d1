"""The exceptions of jsinterop, in one place."""

from __future__ import annotations

__all__ = [
    "DeserializationError",
    "DuplicateIdentifierError",
    "InvalidCharacterError",
    "InvokableDefinitionError",
    "JSDisconnectedException",
    "JSException",
    "JSObjectDisposedError",
    "JSRecursionError",
    "MarkupError",
    "PyObjectDisposedError",
    "PyObjectReferenceError",
    "SerializationError",
    "StreamTooLargeError",
    "UnsafeURLWarning",
    "UnsupportedTypeError",
]


class JSException(Exception):
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


class JSDisconnectedException(JSException):
    """The JS runtime was shut down (``rt.shutdown()`` or the page is unloading); no call can run."""

    def __init__(self, message: str = "The JavaScript runtime has been shut down; no more calls can be made.") -> None:
        super().__init__(message, js_name="JSDisconnectedException")

    def __str__(self) -> str:
        return self.message


class JSRecursionError(JSException, RecursionError):
    """Synchronous calls between JavaScript and Python nested too deeply (JS -> Python -> JS -> ...).

    Raised where the nesting passes the limit, and again, with the same message, at every level it
    unwinds through: it is a ``RecursionError`` on the Python side and an Error named
    ``RecursionError`` on the JavaScript side, with one message that states the depth.
    """

    def __init__(self, message: str, js_name: str = "RecursionError", js_stack: str | None = None) -> None:
        super().__init__(message, js_name, js_stack)


class JSObjectDisposedError(RuntimeError):
    """An object reference was used after ``dispose()``."""


class PyObjectDisposedError(JSObjectDisposedError, ValueError):
    """A disposed ``PyObjectReference`` (by ``dispose()`` in Python or ``PyObjectRef.dispose()`` in JS)
    was sent to JavaScript again."""


class PyObjectReferenceError(RuntimeError):
    """A ``PyObjectReference`` was sent through a runtime while another runtime tracks it (Blazor's
    InvalidOperationException for a ``DotNetObjectReference`` used with two JSRuntimes)."""


class InvokableDefinitionError(TypeError):
    """An ``@js_invokable`` function or method JavaScript could not call as written: an annotation that
    cannot be resolved, or a private name; the message names the function and the parameter."""


class DuplicateIdentifierError(ValueError):
    """Two ``@js_invokable`` functions of one module, or methods of one class, have the same identifier."""


class SerializationError(ValueError):
    """A value cannot cross the boundary: too deep, cyclic, or not representable; ``path`` names it."""

    def __init__(self, message: str, path: object = "") -> None:
        super().__init__(message)
        self.path = str(path)


class UnsupportedTypeError(SerializationError, TypeError):
    """A value's type has no JS representation (and no registered converter)."""


class DeserializationError(SerializationError, TypeError):
    """Data from JavaScript does not fit the type asked for; the message names the path and the type."""


class StreamTooLargeError(OSError):
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


class MarkupError(ValueError):
    """``h`` refused to build an element: a tag or attribute name the DOM would refuse, an inline handler,
    or markup that would run script or send the page elsewhere (``<script>``, ``<base>``,
    ``<meta http-equiv>``, ``<iframe srcdoc>``, ``<object data>``, ``<embed src>``, SVG ``<animate>``/``<set>``
    aimed at ``href``). ``tag`` names the element and ``attribute`` the attribute (None for the element itself).
    Raised while a component renders, it shows that component's error boundary."""

    def __init__(self, message: str, tag: str, attribute: str | None = None) -> None:
        super().__init__(message)
        self.tag = tag
        self.attribute = attribute


class InvalidCharacterError(ValueError):
    """The fake DOM (:class:`~jsinterop.components.fakedom.FakeDom`) refuses an element or attribute name,
    as the browser's DOM does with a ``DOMException`` of this name."""


class UnsafeURLWarning(UserWarning):
    """In debug mode, ``h`` dropped a ``javascript:`` URL from ``href``, ``src``, ``action``, ``formaction``
    or ``xlink:href``: the element is rendered without that attribute."""
