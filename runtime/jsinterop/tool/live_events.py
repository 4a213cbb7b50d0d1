"""The dev server's event stream (Server-Sent Events at :data:`EVENTS_PATH` under the mount point): how
``jsinterop serve`` tells the open pages that the site was rebuilt.

Only the dev server has it, and only when it watches the sources (:mod:`jsinterop.tool.watch`); a
release has no such URL. It is same-origin, so the strict CSP (``default-src 'self'``, which covers
``connect-src``) allows it as it is. Every stream starts with a ``hello`` event naming this server's
run: a page that reconnects to another run (the server restarted) reloads, as it may have missed
rebuilds.
"""

from __future__ import annotations

import json
import queue
import threading
import uuid
from collections.abc import Iterator
from typing import Any

__all__ = ["EVENTS_PATH", "HEARTBEAT", "EventHub", "format_event"]

EVENTS_PATH = "_jsinterop/events"
"""The path of the event stream, relative to the dev server's mount point."""

HEARTBEAT = 15.0
"""Seconds between comments on an idle stream (so that proxies and the browser keep it open)."""

RETRY_MS = 500
"""How soon (ms) a page reconnects after the stream broke (the server restarting)."""

_CLOSED = object()


def format_event(event: str, data: dict[str, Any]) -> bytes:
    """One Server-Sent Event: ``event: <name>`` and its data as one line of JSON."""
    if not event or any(c in event for c in "\r\n:"):
        raise ValueError(f"an event name must be one word, got {event!r}")
    return f"event: {event}\ndata: {json.dumps(data, separators=(',', ':'))}\n\n".encode()


class EventHub:
    """Sends each published event to every open stream (thread-safe: the watcher publishes, the dev
    server's request threads stream)."""

    def __init__(self, heartbeat: float = HEARTBEAT) -> None:
        self.heartbeat = heartbeat
        self.run = uuid.uuid4().hex
        """This server run's id, sent in every stream's ``hello``."""
        self._lock = threading.Lock()
        self._streams: set[queue.SimpleQueue[object]] = set()
        self._closed = False

    @property
    def listeners(self) -> int:
        """How many streams are open now."""
        with self._lock:
            return len(self._streams)

    def publish(self, event: str, data: dict[str, Any]) -> int:
        """Send ``event`` to every open stream; returns how many got it."""
        message = format_event(event, data)
        with self._lock:
            for stream in self._streams:
                stream.put(message)
            return len(self._streams)

    def close(self) -> None:
        """End every stream (the server is stopping); later streams end at once."""
        with self._lock:
            self._closed = True
            for stream in self._streams:
                stream.put(_CLOSED)

    def stream(self) -> Iterator[bytes]:
        """The bytes of one stream: ``retry`` and ``hello``, then each event published while it is open,
        and a comment after every :attr:`heartbeat` seconds of silence; ends when the hub closes."""
        mailbox: queue.SimpleQueue[object] = queue.SimpleQueue()
        with self._lock:
            if self._closed:
                return
            self._streams.add(mailbox)
        try:
            yield f"retry: {RETRY_MS}\n".encode() + format_event("hello", {"run": self.run})
            while True:
                try:
                    message = mailbox.get(timeout=self.heartbeat)
                except queue.Empty:
                    yield b": still here\n\n"
                    continue
                if message is _CLOSED:
                    return
                assert isinstance(message, bytes)
                yield message
        finally:
            with self._lock:
                self._streams.discard(mailbox)
