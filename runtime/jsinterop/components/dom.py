"""The seam between the renderer and a DOM: the operations a render sends, the :class:`DomBackend`
that applies them, the :class:`EventArgs` an event brings back, and the id of the container.

Three parties share it: the :class:`~jsinterop.components.renderer.Renderer`, which emits the
operations; the page's backend (:mod:`jsinterop.components.browser`, which hands them to the loader's
``dom-patcher.mjs``); and the fake DOM of unit tests (:mod:`jsinterop.testing.fakedom`). The loader
cannot import this module, so a test checks that ``dom-patcher.mjs`` handles exactly the operations of
:data:`OPERATIONS`, numbers the container :data:`CONTAINER_ID` and sends the fields of
:class:`EventArgs`.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Protocol

__all__ = ["CONTAINER_ID", "ELEMENT", "EVENT_OPTIONS", "INSERT", "LISTEN", "OPERATIONS", "REMOVE", "REMOVE_ATTR",
           "SET_ATTR", "SET_TEXT", "TEXT", "UNLISTEN", "DomBackend", "EventArgs", "Op"]

CONTAINER_ID = 0
"""The node id of the element the app renders into (``mount``'s selector); rendered nodes count from 1."""

Op = tuple[Any, ...]
"""One DOM operation: its name (one of :data:`OPERATIONS`), then its arguments."""

# The operation names: a batch is a list of tuples applied in order, one batch per flush.
ELEMENT = "element"
TEXT = "text"
SET_TEXT = "set_text"
SET_ATTR = "set_attr"
REMOVE_ATTR = "remove_attr"
INSERT = "insert"
REMOVE = "remove"
LISTEN = "listen"
UNLISTEN = "unlisten"
EVENT_OPTIONS = "event_options"

OPERATIONS: dict[str, str] = {
    ELEMENT: "(id, tag) creates an HTML element; (id, tag, namespace), inside svg or math: createElementNS",
    TEXT: "(id, value) creates a text node",
    SET_TEXT: "(id, value) changes a text node's text",
    SET_ATTR: "(id, name, value) sets an attribute",
    REMOVE_ATTR: "(id, name) removes an attribute",
    INSERT: "(parent_id, id, before_id or None) inserts (or moves) a node before another, or at the end",
    REMOVE: "(id) removes a node and everything inside it",
    LISTEN: "(id, event) starts forwarding an event of an element to the renderer",
    UNLISTEN: "(id, event) stops forwarding it",
    EVENT_OPTIONS: "(id, event, prevent_default, stop_propagation) makes the element call the event's "
                   "preventDefault() / stopPropagation() when it reaches it, before any handler of the element "
                   "(the page calls them synchronously: Python's handler runs too late to); both false: neither",
}
"""Every DOM operation, by name, with its arguments: the one table the renderer, the page's patcher
and the fake DOM agree on."""


class DomBackend(Protocol):
    """Where the operations of a render go."""

    def apply(self, ops: list[Op]) -> None:
        """Apply one batch of operations, in order."""
        ...


@dataclasses.dataclass
class EventArgs:
    """What a handler receives: the event's type and the few fields handlers need."""

    type: str
    value: Any = None
    key: str | None = None
    checked: bool | None = None
