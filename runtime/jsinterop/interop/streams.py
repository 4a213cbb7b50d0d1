"""Streams across the boundary, chunk by chunk, so big data never sits in memory twice.

- JavaScript -> Python: JS wraps a Blob, File, ArrayBuffer, typed array or ReadableStream with
  ``Py.createJSStreamReference(x)``; Python receives a :class:`JSStreamReference` and reads it with
  ``ref.open_read_stream(max_allowed_size=...)`` (Blazor's ``IJSStreamReference``).
- Python -> JavaScript: :class:`PyStreamReference` wraps bytes, a binary file object, or an
  (async) iterator of bytes; passed to a JS call it arrives as an object with ``.stream()`` (a
  ReadableStream) and ``.arrayBuffer()`` (Blazor's ``DotNetStreamReference``).
"""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator, Callable, Iterator
from types import TracebackType
from typing import Any

from ..errors import JSObjectDisposedError, StreamTooLargeError
from .references import Disposable, WireReference
from .runtime import JSObjectReference

__all__ = ["DEFAULT_CHUNK_SIZE", "JSReadStream", "JSStreamReference", "PyStreamReference", "PyStreamRegistry"]

DEFAULT_CHUNK_SIZE = 1 << 20
"""The largest chunk moved in one step across the boundary (1 MiB)."""


class JSStreamReference(Disposable, WireReference):
    """Binary data held in JavaScript, read from Python in chunks.

    ``length`` is its size in bytes when JavaScript knows it (Blob, buffer), else None (a
    ReadableStream). Dispose it (or read it inside ``async with``) to release the JS side.
    """

    __slots__ = ("_source", "length")

    def __init__(self, source: JSObjectReference, length: int | None) -> None:
        self._source = source
        self.length = length

    def __repr__(self) -> str:
        size = f"{self.length} bytes" if self.length is not None else "unknown length"
        return f"<JSStreamReference #{self._source.id}, {size}>"

    @property
    def id(self) -> int:
        """The id of the stream's source in the JS side's table."""
        return self._source.id

    def live_id(self) -> int:
        """The source's id, for sending it: raises :class:`JSObjectDisposedError` once disposed."""
        return self._source.live_id()

    def open_read_stream(self, max_allowed_size: int = 512_000, chunk_size: int = DEFAULT_CHUNK_SIZE) -> JSReadStream:
        """An async binary stream over the data, refusing more than ``max_allowed_size`` bytes.

        A source whose length is known and too large raises :class:`StreamTooLargeError` here;
        one of unknown length raises it from the read that crosses the limit.
        """
        if not isinstance(max_allowed_size, int) or max_allowed_size < 0:
            raise ValueError(f"max_allowed_size must be an int >= 0, got {max_allowed_size!r}")
        if not isinstance(chunk_size, int) or chunk_size <= 0:
            raise ValueError(f"chunk_size must be an int > 0, got {chunk_size!r}")
        if self.length is not None and self.length > max_allowed_size:
            raise StreamTooLargeError(self.length, max_allowed_size)
        if self._source.disposed:
            raise JSObjectDisposedError(f"The JSStreamReference #{self._source.id} has been disposed; it cannot be read.")
        return JSReadStream(self._source, max_allowed_size, chunk_size)

    def dispose(self) -> None:
        """Release the JS side's source."""
        self._source.dispose()



class JSReadStream:
    """An async binary stream over a :class:`JSStreamReference`: ``await read(n)``, ``async for``.

    Chunks are fetched on demand, at most ``chunk_size`` bytes each; ``close()`` (or leaving
    ``async with``) cancels the JS reader.
    """

    def __init__(self, source: JSObjectReference, max_allowed_size: int, chunk_size: int) -> None:
        self._source = source
        self._max = max_allowed_size
        self._chunk_size = chunk_size
        self._reader: JSObjectReference | None = None
        self._buffer = b""
        self._total = 0
        self._done = False
        self._closed = False

    @property
    def position(self) -> int:
        """Bytes received from JavaScript so far."""
        return self._total

    async def _next_chunk(self) -> bytes | None:
        if self._closed:
            raise ValueError("I/O operation on a closed stream")
        if self._done:
            return None
        if self._reader is None:
            self._reader = await self._source.invoke_async("open", self._chunk_size, returns=JSObjectReference)
        chunk = await self._reader.invoke_async("read")
        if chunk is None:
            self._done = True
            await self._release_reader(cancel=False)
            return None
        self._total += len(chunk)
        if self._total > self._max:
            await self.close()
            raise StreamTooLargeError(None, self._max, self._total)
        return chunk

    async def read(self, size: int = -1) -> bytes:
        """Up to ``size`` bytes (all that is left when ``size`` < 0); ``b""`` at the end."""
        if size is None or size < 0:
            parts = [self._buffer]
            self._buffer = b""
            while (chunk := await self._next_chunk()) is not None:
                parts.append(chunk)
            return b"".join(parts)
        while len(self._buffer) < size:
            chunk = await self._next_chunk()
            if chunk is None:
                break
            self._buffer += chunk
        out, self._buffer = self._buffer[:size], self._buffer[size:]
        return out

    def __aiter__(self) -> AsyncIterator[bytes]:
        return self._chunks()

    async def _chunks(self) -> AsyncIterator[bytes]:
        if self._buffer:
            buffered, self._buffer = self._buffer, b""
            yield buffered
        while (chunk := await self._next_chunk()) is not None:
            yield chunk

    async def _release_reader(self, cancel: bool) -> None:
        reader, self._reader = self._reader, None
        if reader is None or reader.disposed or reader.runtime.disconnected:
            return
        try:
            if cancel:
                await reader.invoke_void_async("cancel")
        finally:
            reader.dispose()

    async def close(self) -> None:
        """Stop reading and release the JS reader (the source stays until its reference is disposed)."""
        if self._closed:
            return
        self._closed = True
        self._buffer = b""
        await self._release_reader(cancel=not self._done)

    async def __aenter__(self) -> JSReadStream:
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        await self.close()


class PyStreamReference(Disposable, WireReference):
    """Python data that JavaScript reads as a stream: bytes, a binary file object (``read(n)``,
    sync or async), or an iterator / async iterator of bytes.

    Passed to a JS call it arrives as an object with ``stream()`` (a ReadableStream), ``arrayBuffer()``
    and ``length`` (when known). It is read at most once; it is released when JavaScript reaches its
    end or cancels it, when it is disposed, or when the runtime shuts down.
    """

    def __init__(self, source: Any, length: int | None = None) -> None:
        if isinstance(source, (bytes, bytearray, memoryview)):
            self._view = memoryview(source).cast("B")
            self.length = len(self._view) if length is None else length
            self._next: Callable[[int], Any] = self._from_buffer
        elif hasattr(source, "read"):
            self._reader = source.read
            self.length = length
            self._next = self._from_file
        elif hasattr(source, "__aiter__"):
            self._aiter = source.__aiter__()
            self.length = length
            self._next = self._from_async_iterator
        elif hasattr(source, "__iter__") and not isinstance(source, (str, dict)):
            self._iter: Iterator[Any] = iter(source)
            self.length = length
            self._next = self._from_iterator
        else:
            raise TypeError(f"PyStreamReference needs bytes, a binary file object or an iterator of bytes, "
                            f"got {type(source).__name__}")
        self._offset = 0
        self._pending = b""
        self._release: Callable[[], None] | None = None
        self.disposed = False

    def __repr__(self) -> str:
        return f"<PyStreamReference {self.length if self.length is not None else '?'} bytes>"

    async def read_chunk(self, max_bytes: int) -> bytes | None:
        """The next chunk of at most ``max_bytes`` bytes, or None at the end (used by transports)."""
        if self._pending:
            chunk, self._pending = self._pending[:max_bytes], self._pending[max_bytes:]
            return chunk
        while True:
            chunk = await self._next(max_bytes)
            if chunk is None:
                return None
            if not isinstance(chunk, (bytes, bytearray, memoryview)):
                raise TypeError(f"a PyStreamReference source produced {type(chunk).__name__}, not bytes")
            chunk = bytes(chunk)
            if chunk:
                break
        if len(chunk) > max_bytes:
            chunk, self._pending = chunk[:max_bytes], chunk[max_bytes:]
        return chunk

    async def _from_buffer(self, max_bytes: int) -> bytes | None:
        if self._offset >= len(self._view):
            return None
        chunk = self._view[self._offset:self._offset + max_bytes].tobytes()
        self._offset += len(chunk)
        return chunk

    async def _from_file(self, max_bytes: int) -> bytes | None:
        data = self._reader(max_bytes)
        if inspect.isawaitable(data):
            data = await data
        return data or None

    async def _from_async_iterator(self, max_bytes: int) -> bytes | None:
        try:
            return await self._aiter.__anext__()
        except StopAsyncIteration:
            return None

    async def _from_iterator(self, max_bytes: int) -> bytes | None:
        return next(self._iter, None)

    def attach(self, release: Callable[[], None]) -> None:
        """Called by a transport that sends it: ``release`` forgets it on the sending side."""
        if self._release is not None or self.disposed:
            raise ValueError("a PyStreamReference can be sent to JavaScript only once")
        self._release = release

    def dispose(self) -> None:
        """Release it: JavaScript can no longer read it."""
        if self.disposed:
            return
        self.disposed = True
        release, self._release = self._release, None
        if release is not None:
            release()


class PyStreamRegistry:
    """The Python streams JavaScript may read now, by id: each is registered when sent and forgotten
    when it ends, is disposed, or the runtime shuts down."""

    def __init__(self) -> None:
        self._streams: dict[int, PyStreamReference] = {}
        self._ids = 0

    def register(self, stream: PyStreamReference) -> int:
        """Keep ``stream`` readable from JavaScript under a new id until it ends or is released."""
        self._ids += 1
        stream_id = self._ids
        stream.attach(lambda: self._streams.pop(stream_id, None))
        self._streams[stream_id] = stream
        return stream_id

    def get(self, stream_id: Any) -> PyStreamReference | None:
        """The stream under ``stream_id`` (an int), or None."""
        return self._streams.get(stream_id) if type(stream_id) is int else None

    def __len__(self) -> int:
        return len(self._streams)

    def release_all(self) -> None:
        """Dispose every registered stream (the runtime is shutting down)."""
        for stream in list(self._streams.values()):
            stream.dispose()
        self._streams.clear()

