"""The element builder: ``h.div(h.h1("Title"), h.button("Add", on_click=handler), class_="x")``.

It builds a tree of :class:`Element` and :class:`Text` nodes (a virtual DOM). Text is always text: the
renderer sets it as a text node, never parses it as HTML, so no data can become markup or script.
Event handlers (``on_click=...``) become ``addEventListener`` listeners, never inline attributes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

__all__ = ["ComponentNode", "Element", "Node", "Text", "attribute_name", "h"]


class Text:
    """A text node."""

    __slots__ = ("value", "key")

    def __init__(self, value: str, key: Any = None) -> None:
        self.value = value
        self.key = key

    def __repr__(self) -> str:
        return f"Text({self.value!r})"


class Element:
    """An element: tag, attributes, event handlers, children, and an optional key and reference."""

    __slots__ = ("tag", "attrs", "events", "children", "key", "ref")

    def __init__(self, tag: str, attrs: dict[str, str] | None = None,
                 events: dict[str, Callable[..., Any]] | None = None, children: list[Node] | None = None,
                 key: Any = None, ref: Any = None) -> None:
        self.tag = tag
        self.attrs = {} if attrs is None else attrs
        self.events = {} if events is None else events
        self.children = [] if children is None else children
        self.key = key
        self.ref = ref

    def __repr__(self) -> str:
        return f"Element({self.tag!r}, {self.attrs!r}, children={self.children!r})"


class ComponentNode:
    """A child component in a tree: its class and the parameters it gets."""

    __slots__ = ("component", "params", "key")

    def __init__(self, component: type, params: dict[str, Any], key: Any = None) -> None:
        self.component = component
        self.params = params
        self.key = key

    def __repr__(self) -> str:
        return f"ComponentNode({self.component.__name__}, {self.params!r})"


Node = Element | Text | ComponentNode

_RENAMED = {"class_": "class", "for_": "for", "class_name": "class", "html_for": "for"}
_FORBIDDEN_PREFIX = "on"


def attribute_name(name: str) -> str:
    """``class_`` -> ``class``, ``data_user_id`` -> ``data-user-id``, ``aria_label`` -> ``aria-label``."""
    if name in _RENAMED:
        return _RENAMED[name]
    return name.rstrip("_").replace("_", "-")


_NODE_TYPES = (Element, Text, ComponentNode)


def _children(items: Iterable[Any], out: list[Node]) -> list[Node]:
    for item in items:
        kind = type(item)
        if kind is Element or kind is Text or kind is ComponentNode:
            out.append(item)
        elif kind is str:
            out.append(Text(item))
        elif item is None or item is False or item is True:
            continue
        elif isinstance(item, _NODE_TYPES):
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


_KEYWORDS: dict[str, tuple[bool, str]] = {}  # keyword -> (is an event, event or attribute name)


def _keyword(name: str, tag: str) -> tuple[bool, str]:
    """What a keyword of the builder means, checked once per keyword name."""
    meaning = _KEYWORDS.get(name)
    if meaning is not None:
        return meaning
    if name.startswith("on_") and len(name) > 3:
        meaning = (True, name[3:].replace("_", ""))
    else:
        attr = attribute_name(name)
        if attr.lower().startswith(_FORBIDDEN_PREFIX) and attr[2:].isalpha():
            raise ValueError(f"'{attr}' on <{tag}> would be an inline handler (blocked by the Content-Security-"
                             f"Policy): pass a callable as on_{attr[2:]}=... instead")
        meaning = (False, attr)
    _KEYWORDS[name] = meaning
    return meaning


def element(tag: str, *children: Any, key: Any = None, ref: Any = None, **attrs: Any) -> Element:
    """Build an element; ``on_<event>=handler`` attaches a listener, other keywords are attributes
    (``True`` sets a boolean attribute, ``False``/``None`` omits it)."""
    node = Element(tag, None, None, None, key, ref)
    if attrs:
        node_attrs, events = node.attrs, node.events
        for name, value in attrs.items():
            is_event, target = _KEYWORDS.get(name) or _keyword(name, tag)
            if value is None or value is False:
                continue
            if is_event:
                if not callable(value):
                    raise TypeError(f"{name} on <{tag}> must be callable, got {type(value).__name__}")
                events[target] = value
            elif type(value) is str:
                node_attrs[target] = value
            else:
                node_attrs[target] = "" if value is True else str(value)
    if children:
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
        setattr(self, tag, build)  # later lookups of this tag skip __getattr__
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
