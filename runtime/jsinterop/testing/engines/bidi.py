"""A small WebDriver BiDi client: Firefox's own remote protocol, spoken over one WebSocket.

Firefox has no driver to be had offline (Debian ships no geckodriver; the npm and PyPI packages
download one at install time), but Firefox itself serves WebDriver BiDi when started with
``--remote-debugging-port``. BiDi has what the page harness needs: preload scripts (the observer,
installed before a page's own scripts), ``log.entryAdded``, ``network.setCacheBehavior``, input
actions and screenshots. This client is synchronous, like selenium: a command waits for its answer,
and events that arrive meanwhile are kept for whoever asks (:meth:`BiDiSession.events`).
``websocket-client`` comes with selenium, so it adds no dependency; a kept Node client
(``puppeteer-core``) would put a second process and language between the tests and the browser.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

__all__ = ["BiDiError", "BiDiSession", "BiDiTimeout"]


class BiDiError(RuntimeError):
    """The browser answered a BiDi command with an error."""


class BiDiTimeout(TimeoutError):
    """A BiDi command got no answer in time (such as a script whose Promise never settles)."""


class BiDiSession:
    """One BiDi session over a WebSocket to the browser's ``/session`` endpoint."""

    def __init__(self, url: str, connect_timeout: float = 30) -> None:
        # websocket-client is a test dependency (selenium's): imported only when a session starts
        import websocket

        # Firefox refuses a handshake whose Origin header names a web origin: send none
        self._ws = websocket.create_connection(url, timeout=connect_timeout, suppress_origin=True)
        self._next_id = 0
        self._events: list[dict[str, Any]] = []
        self._listeners: list[Callable[[dict[str, Any]], None]] = []
        # dialogs stay open until a test handles them (PageDriver.accept_dialog)
        self.capabilities: dict[str, Any] = self.command(
            "session.new", {"capabilities": {"alwaysMatch": {"unhandledPromptBehavior": {"default": "ignore"}}}})["capabilities"]

    def on_event(self, listener: Callable[[dict[str, Any]], None]) -> None:
        """Call ``listener(message)`` for every event received from now on (while a command waits)."""
        self._listeners.append(listener)

    def command(self, method: str, params: dict[str, Any], timeout: float = 60) -> dict[str, Any]:
        """Send one command and return its result; a BiDi error raises :class:`BiDiError`."""
        self._next_id += 1
        ident = self._next_id
        self._ws.send(json.dumps({"id": ident, "method": method, "params": params}))
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise BiDiTimeout(f"{method} got no answer in {timeout:.0f} s")
            self._ws.settimeout(remaining)
            try:
                raw = self._ws.recv()
            except Exception as error:  # websocket-client's timeout class differs by version
                if "timed out" in str(error).lower() or type(error).__name__.endswith("Timeout"):
                    raise BiDiTimeout(f"{method} got no answer in {timeout:.0f} s") from None
                raise
            message = json.loads(raw)
            if message.get("type") == "event":
                for listener in self._listeners:
                    listener(message)
                continue
            if message.get("id") != ident:
                continue  # the late answer of a command that timed out
            if message.get("type") == "error":
                raise BiDiError(f"{method}: {message.get('error')}: {message.get('message')}")
            return dict(message.get("result") or {})

    def close(self) -> None:
        """End the session and close the socket."""
        try:
            self.command("session.end", {}, timeout=10)
        except Exception:  # noqa: BLE001 (the browser may already be gone)
            pass
        self._ws.close()

