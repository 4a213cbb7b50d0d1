"""The element builder: ``h.div(h.h1("Title"), h.button("Add", on_click=handler), class_="x")``.

It builds a tree of :class:`Element` and :class:`Text` nodes (a virtual DOM). Text is always text: the
renderer sets it as a text node, never parses it as HTML, so no data can become markup or script.
Event handlers (``on_click=...``) become ``addEventListener`` listeners, never inline attributes.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from typing import Any

__all__ = ["ComponentNode", "Element", "Node", "Text", "attribute_name", "h"]


@dataclasses.dataclass(eq=False)
class Text:
    """A text node."""

    value: str
    key: Any = None


@dataclasses.dataclass(eq=False)
class Element:
    """An element: tag, attributes, event handlers, children, and an optional key and reference."""

    tag: str
    attrs: dict[str, str] = dataclasses.field(default_factory=dict)
    events: dict[str, Callable[..., Any]] = dataclasses.field(default_factory=dict)
    children: list[Node] = dataclasses.field(default_factory=list)
    key: Any = None
    ref: Any = None


@dataclasses.dataclass(eq=False)
class ComponentNode:
    """A child component in a tree: its class and the parameters it gets."""

    component: type
    params: dict[str, Any]
    key: Any = None


Node = Element | Text | ComponentNode

_RENAMED = {"class_": "class", "for_": "for", "class_name": "class", "html_for": "for"}
_FORBIDDEN_PREFIX = "on"


def attribute_name(name: str) -> str:
    """``class_`` -> ``class``, ``data_user_id`` -> ``data-user-id``, ``aria_label`` -> ``aria-label``."""
    if name in _RENAMED:
        return _RENAMED[name]
    return name.rstrip("_").replace("_", "-")


def _children(items: Iterable[Any], out: list[Node]) -> list[Node]:
    for item in items:
        if item is None or item is False or item is True:
            continue
        if isinstance(item, (Element, Text, ComponentNode)):
            out.append(item)
        elif isinstance(item, (str, int, float)):
            out.append(Text(str(item)))
        elif isinstance(item, (list, tuple)) or hasattr(item, "__next__"):
            _children(item, out)
        elif isinstance(item, type):
            out.append(ComponentNode(item, {}))
        else:
            raise TypeError(f"an element's child must be an element, text, a number or a list of them, "
                            f"got {type(item).__name__}")
    return out


def element(tag: str, *children: Any, key: Any = None, ref: Any = None, **attrs: Any) -> Element:
    """Build an element; ``on_<event>=handler`` attaches a listener, other keywords are attributes
    (``True`` sets a boolean attribute, ``False``/``None`` omits it)."""
    node = Element(tag, key=key, ref=ref)
    for name, value in attrs.items():
        if name.startswith("on_") and len(name) > 3:
            if value is not None:
                if not callable(value):
                    raise TypeError(f"{name} on <{tag}> must be callable, got {type(value).__name__}")
                node.events[name[3:].replace("_", "")] = value
            continue
        attr = attribute_name(name)
        if attr.lower().startswith(_FORBIDDEN_PREFIX) and attr[2:].isalpha():
            raise ValueError(f"'{attr}' on <{tag}> would be an inline handler (blocked by the Content-Security-"
                             f"Policy): pass a callable as on_{attr[2:]}=... instead")
        if value is None or value is False:
            continue
        node.attrs[attr] = "" if value is True else str(value)
    _children(children, node.children)
    return node


class _Builder:
    """``h.<tag>(...)`` for any tag; ``h("my-tag", ...)`` for names that are not identifiers;
    ``h.component(Cls, **params)`` for a child component."""

    def __getattr__(self, tag: str) -> Callable[..., Element]:
        if tag.startswith("__"):
            raise AttributeError(tag)
        name = tag.rstrip("_")

        def build(*children: Any, **attrs: Any) -> Element:
            return element(name, *children, **attrs)

        build.__name__ = name
        return build

    def __call__(self, tag: str, *children: Any, **attrs: Any) -> Element:
        return element(tag, *children, **attrs)

    @staticmethod
    def component(cls: type, key: Any = None, **params: Any) -> ComponentNode:
        """A child component with its parameters."""
        return ComponentNode(cls, params, key)

    @staticmethod
    def text(value: Any) -> Text:
        """A text node (the same as passing a str as a child)."""
        return Text(str(value))


h = _Builder()
"""The element builder."""
