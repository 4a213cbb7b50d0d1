"""A DOM for CPython: applies the renderer's operations to plain Python nodes, for unit tests
(bUnit's model). Query with simple selectors, read markup, and fire events.

It behaves as the browser's DOM where a test could tell: elements have a namespace (``svg`` and
``math`` content is created with ``createElementNS``), an HTML element's attribute names are
lowercased while a foreign element's keep their case (``viewBox``), and a name the DOM refuses raises
:class:`~jsinterop.errors.InvalidCharacterError`."""

from __future__ import annotations

import dataclasses
import html
import string
from typing import Any

from ..errors import InvalidCharacterError
from .elements import HTML_NAMESPACE, valid_attribute_name, valid_element_name

__all__ = ["EventArgs", "FakeDom", "FakeNode"]

CONTAINER_ID = 0


@dataclasses.dataclass
class EventArgs:
    """What a handler receives: the event's type and the few fields handlers need."""

    type: str
    value: Any = None
    key: str | None = None
    checked: bool | None = None


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
    """Applies the renderer's operations; node 0 is the container the app renders into."""

    def __init__(self) -> None:
        self.nodes: dict[int, FakeNode] = {CONTAINER_ID: FakeNode(CONTAINER_ID, "div", attrs={"id": "app"})}
        self.applied: list[tuple[Any, ...]] = []
        """Every operation applied, for tests that count DOM work."""

    @property
    def container(self) -> FakeNode:
        return self.nodes[CONTAINER_ID]

    def apply(self, ops: list[tuple[Any, ...]]) -> None:
        for op in ops:
            self.applied.append(op)
            kind = op[0]
            if kind == "element":
                if not valid_element_name(op[2]):
                    raise InvalidCharacterError(f"'{op[2]}' is not a valid element name")
                self.nodes[op[1]] = FakeNode(op[1], op[2], namespace=op[3] if len(op) > 3 else HTML_NAMESPACE)
            elif kind == "text":
                self.nodes[op[1]] = FakeNode(op[1], None, text=op[2])
            elif kind == "set_text":
                self.nodes[op[1]].text = op[2]
            elif kind == "set_attr":
                if not valid_attribute_name(op[2]):
                    raise InvalidCharacterError(f"'{op[2]}' is not a valid attribute name")
                node = self.nodes[op[1]]
                node.attrs[_attribute_key(node, op[2])] = op[3]
            elif kind == "remove_attr":
                node = self.nodes[op[1]]
                node.attrs.pop(_attribute_key(node, op[2]), None)
            elif kind == "insert":
                parent, child = self.nodes[op[1]], self.nodes[op[2]]
                if child.parent is not None:
                    child.parent.children.remove(child)
                index = parent.children.index(self.nodes[op[3]]) if op[3] is not None else len(parent.children)
                parent.children.insert(index, child)
                child.parent = parent
            elif kind == "remove":
                child = self.nodes[op[1]]
                if child.parent is not None:
                    child.parent.children.remove(child)
                for node in child.walk():
                    self.nodes.pop(node.id, None)
                child.parent = None
            elif kind == "listen":
                self.nodes[op[1]].listeners.add(op[2])
            elif kind == "unlisten":
                self.nodes[op[1]].listeners.discard(op[2])
            else:
                raise ValueError(f"unknown DOM operation {op!r}")
