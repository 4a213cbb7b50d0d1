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
from typing import Any

from ..components.dom import (CONTAINER_ID, ELEMENT, INSERT, LISTEN, REMOVE, REMOVE_ATTR, SET_ATTR,
                              SET_TEXT, TEXT, UNLISTEN, EventArgs, Op)
from ..components.elements import HTML_NAMESPACE, valid_attribute_name, valid_element_name
from ..errors import InvalidCharacterError

__all__ = ["EventArgs", "FakeDom", "FakeNode"]  # EventArgs (from dom.py): it was defined here once


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
}
"""How the fake DOM applies each operation, by name (a test checks it covers ``dom.OPERATIONS``)."""
