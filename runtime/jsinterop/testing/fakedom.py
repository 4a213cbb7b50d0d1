"""A DOM for CPython: applies the renderer's operations to plain Python nodes, for unit tests
(bUnit's model). Query with simple selectors, read markup, and fire events.

It behaves as the browser's DOM where a test could tell: elements have a namespace (``svg`` and
``math`` content is created with ``createElementNS``), an HTML element's attribute names are
lowercased while a foreign element's keep their case (``viewBox``), and a name the DOM refuses raises
:class:`~jsinterop.errors.InvalidCharacterError`. It applies each operation of
:data:`jsinterop.components.dom.OPERATIONS`, as the page's ``dom-patcher.mjs`` does."""

from __future__ import annotations

import dataclasses
import html
import string
from collections.abc import Callable
from typing import Any

from ..components.dom import (CONTAINER_ID, ELEMENT, EVENT_OPTIONS, INSERT, LISTEN, REMOVE, REMOVE_ATTR, SET_ATTR,
                              SET_TEXT, TEXT, UNLISTEN, EventArgs, Op)
from ..components.elements import HTML_NAMESPACE, valid_attribute_name, valid_element_name
from ..errors import InvalidCharacterError

__all__ = ["EventArgs", "FakeDom", "FakeEvent", "FakeNode"]  # EventArgs (from dom.py): it was defined here once


@dataclasses.dataclass(eq=False)
class FakeNode:
    """An element (``tag``) or a text node (``tag`` None, ``text``)."""

    id: int
    tag: str | None
    text: str = ""
    attrs: dict[str, str] = dataclasses.field(default_factory=dict)
    children: list[FakeNode] = dataclasses.field(default_factory=list)
    parent: FakeNode | None = None
    listeners: set[str] = dataclasses.field(default_factory=set)
    value: Any = None
    namespace: str = HTML_NAMESPACE
    event_options: dict[str, tuple[bool, bool]] = dataclasses.field(default_factory=dict)
    """By event: (call preventDefault(), call stopPropagation()) when the event reaches it."""

    @property
    def text_content(self) -> str:
        """All the text inside, as the DOM's ``textContent``."""
        return self.text if self.tag is None else "".join(c.text_content for c in self.children)

    def markup(self) -> str:
        """The node as HTML (text escaped)."""
        if self.tag is None:
            return html.escape(self.text, quote=False)
        attrs = "".join(f' {k}="{html.escape(v)}"' if v != "" else f" {k}" for k, v in self.attrs.items())
        inner = "".join(c.markup() for c in self.children)
        return f"<{self.tag}{attrs}>{inner}</{self.tag}>"

    def matches(self, selector: str) -> bool:
        """A simple selector: ``tag``, ``#id``, ``.class``, ``[attr]``, ``[attr=value]``, combined."""
        if self.tag is None:
            return False
        rest = selector
        tag = ""
        while rest and rest[0] not in "#.[":
            tag += rest[0]
            rest = rest[1:]
        if tag and tag != self.tag:
            return False
        while rest:
            if rest[0] == "#":
                name, rest = _take_name(rest[1:])
                if self.attrs.get("id") != name:
                    return False
            elif rest[0] == ".":
                name, rest = _take_name(rest[1:])
                if name not in self.attrs.get("class", "").split():
                    return False
            elif rest[0] == "[":
                inside, _, rest = rest[1:].partition("]")
                name, eq, value = inside.partition("=")
                if name not in self.attrs or (eq and self.attrs[name] != value.strip("\"'")):
                    return False
            else:
                raise ValueError(f"unsupported selector {selector!r}")
        return True

    def walk(self) -> list[FakeNode]:
        """This node and everything inside, in document order."""
        out = [self]
        for child in self.children:
            out.extend(child.walk())
        return out


@dataclasses.dataclass(eq=False)
class FakeEvent:
    """An event the fake DOM dispatched, as a test can inspect it afterwards."""

    type: str
    target: int
    """The id of the node it was dispatched at."""
    default_prevented: bool = False
    """Whether an element on its path had ``prevent_default=`` for it (``event.defaultPrevented``)."""
    propagation_stopped: bool = False
    """Whether an element on its path had ``stop_propagation=`` for it: it bubbled no further."""
    delivered: list[int] = dataclasses.field(default_factory=list)
    """The ids of the elements whose Python handler received it, in order (the target, then ancestors)."""
    caused: FakeEvent | None = None
    """The event its default action dispatched: a click on a submit button submits its form."""


_NOT_BUBBLING = frozenset({"abort", "blur", "error", "focus", "load", "loadend", "loadstart", "mouseenter",
                           "mouseleave", "pointerenter", "pointerleave", "progress", "resize", "scroll",
                           "scrollend", "toggle", "unload"})
"""Events the browser dispatches at their target only; every other one bubbles to its ancestors."""


def _submit_button(node: FakeNode) -> bool:
    """Whether a click on ``node`` submits its form, as in a browser: a ``<button>`` whose type is not
    ``button`` or ``reset`` (no type is ``submit``), or an ``<input type=submit>`` or ``type=image``;
    not when disabled."""
    if node.namespace != HTML_NAMESPACE or "disabled" in node.attrs:
        return False
    if node.tag == "button":
        return node.attrs.get("type", "submit").lower() not in ("button", "reset")
    return node.tag == "input" and node.attrs.get("type", "").lower() in ("submit", "image")


def _attribute_key(node: FakeNode, name: str) -> str:
    """``setAttribute`` lowercases an HTML element's attribute names; a foreign element's keep their case."""
    return name.translate(_ASCII_LOWERCASE) if node.namespace == HTML_NAMESPACE else name


_ASCII_LOWERCASE = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)


def _take_name(text: str) -> tuple[str, str]:
    end = 0
    while end < len(text) and text[end] not in "#.[":
        end += 1
    return text[:end], text[end:]


class FakeDom:
    """Applies the renderer's operations; node :data:`~jsinterop.components.dom.CONTAINER_ID` is the
    container the app renders into."""

    def __init__(self) -> None:
        self.nodes: dict[int, FakeNode] = {CONTAINER_ID: FakeNode(CONTAINER_ID, "div", attrs={"id": "app"})}
        self.applied: list[Op] = []
        """Every operation applied, for tests that count DOM work."""
        self.events: list[FakeEvent] = []
        """Every event dispatched (:meth:`dispatch`), in order, for tests of ``prevent_default=``."""

    @property
    def container(self) -> FakeNode:
        return self.nodes[CONTAINER_ID]

    def apply(self, ops: list[Op]) -> None:
        """Apply one batch of operations, in order (a :class:`~jsinterop.components.dom.DomBackend`)."""
        for op in ops:
            self.applied.append(op)
            apply = _APPLY.get(op[0])
            if apply is None:
                raise ValueError(f"unknown DOM operation {op!r}")
            apply(self, *op[1:])

    def dispatch(self, node_id: int, event: str, deliver: Callable[[int, str], None]) -> FakeEvent:
        """Dispatch ``event`` at node ``node_id`` as the browser does: at the target, then bubbling up
        through its ancestors (but for the events that do not bubble), calling ``deliver(id, event)`` for
        each element that listens to it. An element's ``prevent_default=``/``stop_propagation=`` for the
        event are recorded on the returned :class:`FakeEvent` when the event reaches it, and stop its
        bubbling after that element. A click on a submit button that no element prevented then
        dispatches ``submit`` at the button's form (its ``caused``)."""
        target = self.nodes[node_id]
        record = FakeEvent(event, node_id)
        self.events.append(record)
        path = [target]
        if event not in _NOT_BUBBLING:
            parent = target.parent
            while parent is not None:
                path.append(parent)
                parent = parent.parent
        # The browser picks the element whose activation a click runs before it dispatches the click.
        button = next((node for node in path if _submit_button(node)), None) if event == "click" else None
        for node in path:
            options = node.event_options.get(event)
            if options is not None:
                record.default_prevented = record.default_prevented or options[0]
                record.propagation_stopped = record.propagation_stopped or options[1]
            if event in node.listeners and node.id in self.nodes:  # a handler before may have removed it
                record.delivered.append(node.id)
                deliver(node.id, event)
            if record.propagation_stopped:
                break
        if button is not None and not record.default_prevented:
            form = self._form_of(button)
            if form is not None:
                record.caused = self.dispatch(form.id, "submit", deliver)
        return record

    def _form_of(self, node: FakeNode) -> FakeNode | None:
        """The form a button submits: the one its ``form`` attribute names, else its closest ``<form>``."""
        if "form" in node.attrs:
            owner = node.attrs["form"]
            return next((n for n in self.container.walk() if n.tag == "form" and n.attrs.get("id") == owner), None)
        parent = node.parent
        while parent is not None and (parent.tag != "form" or parent.namespace != HTML_NAMESPACE):
            parent = parent.parent
        return parent

    def _element(self, node_id: int, tag: str, namespace: str = HTML_NAMESPACE) -> None:
        if not valid_element_name(tag):
            raise InvalidCharacterError(f"'{tag}' is not a valid element name")
        self.nodes[node_id] = FakeNode(node_id, tag, namespace=namespace)

    def _text(self, node_id: int, value: str) -> None:
        self.nodes[node_id] = FakeNode(node_id, None, text=value)

    def _set_text(self, node_id: int, value: str) -> None:
        self.nodes[node_id].text = value

    def _set_attr(self, node_id: int, name: str, value: str) -> None:
        if not valid_attribute_name(name):
            raise InvalidCharacterError(f"'{name}' is not a valid attribute name")
        node = self.nodes[node_id]
        node.attrs[_attribute_key(node, name)] = value

    def _remove_attr(self, node_id: int, name: str) -> None:
        node = self.nodes[node_id]
        node.attrs.pop(_attribute_key(node, name), None)

    def _insert(self, parent_id: int, node_id: int, before: int | None) -> None:
        parent, child = self.nodes[parent_id], self.nodes[node_id]
        if child.parent is not None:
            child.parent.children.remove(child)
        index = parent.children.index(self.nodes[before]) if before is not None else len(parent.children)
        parent.children.insert(index, child)
        child.parent = parent

    def _remove(self, node_id: int) -> None:
        child = self.nodes[node_id]
        if child.parent is not None:
            child.parent.children.remove(child)
        for node in child.walk():
            self.nodes.pop(node.id, None)
        child.parent = None

    def _listen(self, node_id: int, event: str) -> None:
        self.nodes[node_id].listeners.add(event)

    def _unlisten(self, node_id: int, event: str) -> None:
        self.nodes[node_id].listeners.discard(event)

    def _event_options(self, node_id: int, event: str, prevent_default: bool, stop_propagation: bool) -> None:
        options = self.nodes[node_id].event_options
        if prevent_default or stop_propagation:
            options[event] = (prevent_default, stop_propagation)
        else:
            options.pop(event, None)


_APPLY: dict[str, Any] = {
    ELEMENT: FakeDom._element,
    TEXT: FakeDom._text,
    SET_TEXT: FakeDom._set_text,
    SET_ATTR: FakeDom._set_attr,
    REMOVE_ATTR: FakeDom._remove_attr,
    INSERT: FakeDom._insert,
    REMOVE: FakeDom._remove,
    LISTEN: FakeDom._listen,
    UNLISTEN: FakeDom._unlisten,
    EVENT_OPTIONS: FakeDom._event_options,
}
"""How the fake DOM applies each operation, by name (a test checks it covers ``dom.OPERATIONS``)."""
