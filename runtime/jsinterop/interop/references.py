"""The base classes of every value that crosses the boundary by reference.

Each reference kind (:class:`~jsinterop.JSObjectReference`, :class:`~jsinterop.PyObjectReference`,
:class:`~jsinterop.JSStreamReference`, :class:`~jsinterop.PyStreamReference`, a component's
``ElementReference``) is a :class:`WireReference`: serialization passes it through unchanged and the
transport's wire codec sends it with the encoder registered for its kind. The disposable ones share
:class:`Disposable`: ``dispose()`` once, and ``with`` / ``async with`` / ``dispose_async()`` from it.
"""

from __future__ import annotations

from types import TracebackType
from typing import Self

__all__ = ["Disposable", "WireReference"]


class WireReference:
    """Base of values that cross the boundary by reference (object, stream, element references).

    :func:`jsinterop.interop.serialization.serialize` passes them through unchanged; the transport
    knows how to send each kind.
    """

    __slots__ = ()


class Disposable:
    """A reference released with :meth:`dispose` (idempotent), also as a context manager, sync or async
    (.NET's ``IDisposable`` and ``IAsyncDisposable``)."""

    __slots__ = ()

    def dispose(self) -> None:
        """Release what the reference holds on the other side; safe to call twice."""
        raise NotImplementedError

    async def dispose_async(self) -> None:
        """Release it (the asynchronous form, as ``IAsyncDisposable``)."""
        self.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.dispose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        await self.dispose_async()
