"""The element builder: ``h.div(h.h1("Title"), h.button("Add", on_click=handler), class_="x")``.

It builds a tree of :class:`Element` and :class:`Text` nodes (a virtual DOM). Text is always text: the
renderer sets it as a text node, never parses it as HTML, so no data can become markup or script.
Event handlers (``on_click=...``) become ``addEventListener`` listeners, never inline attributes.

So that a site served without the strict Content-Security-Policy is still safe, ``h`` also refuses
(:class:`~jsinterop.errors.MarkupError`) what would run script or send the page elsewhere: ``<script>``,
``<base>``, ``<meta http-equiv>``, ``<iframe srcdoc>``, ``<object data>``, ``<embed src>`` and SVG
``<animate>``/``<set>`` aimed at ``href``; and it drops ``javascript:`` URLs from ``href``, ``src``,
``action``, ``formaction`` and ``xlink:href`` (the renderer warns about each in debug mode). Names the
DOM would refuse (``" bad name"``) are refused while the vnode is built, so they show the component's
error boundary instead of failing in the page.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from ..errors import MarkupError

__all__ = ["HTML_NAMESPACE", "MATHML_NAMESPACE", "SVG_NAMESPACE", "XLINK_NAMESPACE", "ComponentNode", "Element",
           "EventOptions", "Node", "Text", "attribute_name", "children_namespace", "element_namespace", "h",
           "is_javascript_url", "valid_attribute_name", "valid_element_name"]

HTML_NAMESPACE = "http://www.w3.org/1999/xhtml"
"""The namespace of HTML elements (``document.createElement``)."""
SVG_NAMESPACE = "http://www.w3.org/2000/svg"
"""The namespace of ``<svg>`` and the elements inside it (but those inside ``<foreignObject>``)."""
MATHML_NAMESPACE = "http://www.w3.org/1998/Math/MathML"
"""The namespace of ``<math>`` and the elements inside it (but the HTML inside its text elements)."""
XLINK_NAMESPACE = "http://www.w3.org/1999/xlink"
"""The namespace of ``xlink:`` attributes (``xlink:href``)."""

_HTML_INSIDE = {SVG_NAMESPACE: frozenset({"foreignObject"}),
                MATHML_NAMESPACE: frozenset({"mi", "mo", "mn", "ms", "mtext"})}
"""Foreign elements whose children are HTML again, as the HTML parser has it."""


def element_namespace(tag: str, context: str) -> str:
    """The namespace of an element ``tag`` created among children whose namespace is ``context``:
    ``svg`` and ``math`` start their own, everything else takes the context's."""
    if tag == "svg":
        return SVG_NAMESPACE
    if tag == "math":
        return MATHML_NAMESPACE
    return context


def children_namespace(tag: str, namespace: str) -> str:
    """The namespace the children of an element ``tag`` of ``namespace`` get: the same, but HTML inside
    SVG's ``foreignObject`` and MathML's text elements (``mi``, ``mo``, ``mn``, ``ms``, ``mtext``)."""
    if namespace == HTML_NAMESPACE:
        return namespace
    return HTML_NAMESPACE if tag in _HTML_INSIDE[namespace] else namespace


class Text:
    """A text node."""

    __slots__ = ("value", "key")

    def __init__(self, value: str, key: Any = None) -> None:
        self.value = value
        self.key = key

    def __repr__(self) -> str:
        return f"Text({self.value!r})"


class Element:
    """An element: tag, attributes, event handlers, children, and an optional key and reference.

    Build it with :data:`h`, which checks what it may hold; ``dropped`` lists the ``(attribute, value)``
    pairs ``h`` left out (``javascript:`` URLs), for the renderer's debug-mode warning."""

    __slots__ = ("tag", "attrs", "events", "children", "key", "ref", "dropped", "event_options")

    def __init__(self, tag: str, attrs: dict[str, str] | None = None,
                 events: dict[str, Callable[..., Any]] | None = None, children: list[Node] | None = None,
                 key: Any = None, ref: Any = None) -> None:
        self.tag = tag
        self.attrs = {} if attrs is None else attrs
        self.events = {} if events is None else events
        self.children = [] if children is None else children
        self.key = key
        self.ref = ref
        self.dropped: tuple[tuple[str, str], ...] | None = None
        self.event_options: dict[str, EventOptions] | None = None
        """What the page does with an event before any handler sees it (``prevent_default=``,
        ``stop_propagation=``), by event name; None when the element has none (most)."""

    def __repr__(self) -> str:
        return f"Element({self.tag!r}, {self.attrs!r}, children={self.children!r})"


EventOptions = tuple[bool, bool]
"""An element's options for one event: (prevent its default, stop its propagation), Blazor's
``@onsubmit:preventDefault`` and ``@onclick:stopPropagation``."""

_NO_OPTIONS: EventOptions = (False, False)


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

_RENAMED = {"class_": "class", "for_": "for", "class_name": "class", "html_for": "for", "xlink_href": "xlink:href"}
_FORBIDDEN_PREFIX = "on"


def attribute_name(name: str) -> str:
    """``class_`` -> ``class``, ``data_user_id`` -> ``data-user-id``, ``aria_label`` -> ``aria-label``."""
    if name in _RENAMED:
        return _RENAMED[name]
    return name.rstrip("_").replace("_", "-")


_NAME_START = (":A-Z_a-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
               "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff")
_NAME_REST = _NAME_START + "\\-.0-9\u00b7\u0300-\u036f\u203f-\u2040"
_XML_NAME = re.compile(f"[{_NAME_START}][{_NAME_REST}]*")
_NCNAME = f"[{_NAME_START.replace(':', '')}][{_NAME_REST.replace(':', '')}]*"
_QNAME = re.compile(f"(?:{_NCNAME}:)?{_NCNAME}")


def valid_attribute_name(name: str) -> bool:
    """Whether every browser's ``setAttribute`` accepts ``name`` (an XML Name; an ``xlink:`` name, set
    with ``setAttributeNS``, must also be a qualified name)."""
    if name.startswith("xlink:"):
        return _QNAME.fullmatch(name) is not None
    return _XML_NAME.fullmatch(name) is not None


def valid_element_name(tag: str) -> bool:
    """Whether every browser's ``createElement`` and ``createElementNS`` accept ``tag`` (a qualified XML name)."""
    return _QNAME.fullmatch(tag) is not None


_C0_AND_SPACE = "".join(map(chr, range(0x21)))
_TAB_AND_NEWLINE = str.maketrans("", "", "\t\n\r")


def is_javascript_url(value: str) -> bool:
    """Whether the browser would read ``value`` as a ``javascript:`` URL, as its URL parser does: leading
    C0 controls and spaces stripped, tabs and newlines removed, the scheme in any case
    (``" JaVa\\tScRiPt:alert(1)"`` is one)."""
    scheme, colon, _ = value.partition(":")
    return bool(colon) and scheme.lstrip(_C0_AND_SPACE).translate(_TAB_AND_NEWLINE).lower() == "javascript"


_URL_ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "xlink:href"})
"""Attributes whose ``javascript:`` URL would run code (compared in lowercase, as HTML names are)."""

_REFUSED_TAGS = {
    "script": "a rendered script runs (load JavaScript with import_module() or a component's import_js() instead)",
    "base": "it moves the document's base URL, and with it every relative URL, route and form target",
}
_REFUSED_ATTRIBUTES = {  # tag -> (attribute, why)
    "meta": ("http-equiv", "it can refresh the page to another URL or change its policies"),
    "iframe": ("srcdoc", "its value is a document of markup and script (give the iframe a src)"),
    "object": ("data", "it loads a document or plugin into the page"),
    "embed": ("src", "it loads a document or plugin into the page"),
}
_ANIMATIONS = frozenset({"animate", "set"})
_ANIMATED_LINKS = frozenset({"href", "xlink:href"})

_TAGS: dict[str, str] = {}
"""Each valid tag seen -> its lowercase local name when its attributes need a check, else ""."""


def _tag(tag: str) -> str:
    """Check a tag once: a name the DOM accepts, and not an element ``h`` refuses."""
    if not valid_element_name(tag):
        raise MarkupError(f"'{tag}' is not a valid element name: the DOM refuses it (a tag is letters, digits, "
                          "'-', '_' and '.', starting with a letter, with at most one ':')", tag)
    local = tag.rpartition(":")[2].lower()
    why = _REFUSED_TAGS.get(local)
    if why is not None:
        raise MarkupError(f"h refuses <{tag}>: {why}", tag)
    check = local if local in _REFUSED_ATTRIBUTES or local in _ANIMATIONS else ""
    _TAGS[tag] = check
    return check


def _check_attributes(tag: str, local: str, attrs: dict[str, str]) -> None:
    """The refusals that depend on an attribute of the element."""
    for name, value in attrs.items():
        lower = name.lower()
        if local in _ANIMATIONS:
            if lower == "attributename" and value.strip().lower() in _ANIMATED_LINKS:
                raise MarkupError(f"h refuses <{tag}> with '{name}' {value.strip()!r}: an animation that rewrites a "
                                  "link's target would bypass the check of javascript: URLs", tag, name)
        elif lower == _REFUSED_ATTRIBUTES[local][0]:
            raise MarkupError(f"h refuses '{name}' on <{tag}>: {_REFUSED_ATTRIBUTES[local][1]}", tag, name)


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


_ATTRIBUTE, _EVENT, _URL, _OPTION = 0, 1, 2, 3
_KEYWORDS: dict[str, tuple[int, str]] = {  # keyword -> (attribute, event, URL attribute or event option; its name)
    "prevent_default": (_OPTION, "prevent_default"),
    "stop_propagation": (_OPTION, "stop_propagation"),
}


def _event_names(tag: str, option: str, value: Any) -> list[str]:
    """The events ``prevent_default=`` or ``stop_propagation=`` names: one name or a list or tuple of
    names, each spelled as in ``on_<name>`` (``"submit"``, ``"key_down"``)."""
    names = [value] if type(value) is str else value
    if not isinstance(names, (list, tuple)) or not names or not all(type(name) is str for name in names):
        raise MarkupError(f"{option} on <{tag}> must be an event name or a list of event names (spelled as in "
                          f"on_submit: {option}=\"submit\"), got {value!r}", tag, option)
    events = []
    for name in names:
        event = name.replace("_", "")
        if not event.isalnum():
            raise MarkupError(f"{option} on <{tag}> names the event {name!r}: an event name is letters and digits, "
                              f"spelled as in on_submit ({option}=\"submit\")", tag, option)
        events.append(event)
    return events


def _set_option(node: Element, option: str, value: Any) -> None:
    """Record ``prevent_default=`` or ``stop_propagation=`` on ``node``, for each event it names."""
    options = node.event_options
    if options is None:
        options = node.event_options = {}
    prevent = option == "prevent_default"
    for event in _event_names(node.tag, option, value):
        was = options.get(event, _NO_OPTIONS)
        options[event] = (True, was[1]) if prevent else (was[0], True)


def _keyword(name: str, tag: str) -> tuple[int, str]:
    """What a keyword of the builder means, checked once per keyword name."""
    meaning = _KEYWORDS.get(name)
    if meaning is not None:
        return meaning
    if name.startswith("on_") and len(name) > 3:
        meaning = (_EVENT, name[3:].replace("_", ""))
    else:
        attr = attribute_name(name)
        if attr.lower().startswith(_FORBIDDEN_PREFIX) and attr[2:].isalpha():
            raise MarkupError(f"'{attr}' on <{tag}> would be an inline handler (blocked by the Content-Security-"
                              f"Policy): pass a callable as on_{attr[2:]}=... instead", tag, attr)
        if not valid_attribute_name(attr):
            raise MarkupError(f"'{attr}' is not a valid attribute name: the DOM refuses it (no spaces, quotes, "
                              "'=', '>' or '/'; letters, digits, '-', '_', '.' and ':', not starting with a "
                              "digit)", tag, attr)
        meaning = (_URL if attr.lower() in _URL_ATTRIBUTES else _ATTRIBUTE, attr)
    _KEYWORDS[name] = meaning
    return meaning


def element(tag: str, *children: Any, key: Any = None, ref: Any = None, **attrs: Any) -> Element:
    """Build an element; ``on_<event>=handler`` attaches a listener; ``prevent_default="submit"`` and
    ``stop_propagation="click"`` (an event name or a list of them) make the page call the event's
    ``preventDefault()`` / ``stopPropagation()`` before Python sees it (Python's handler runs too late to),
    with or without a handler; other keywords are attributes
    (``True`` sets a boolean attribute, ``False``/``None`` omits it, a ``javascript:`` URL is dropped).
    Raises :class:`~jsinterop.errors.MarkupError` for what the module docstring lists."""
    check = _TAGS.get(tag)
    if check is None:
        check = _tag(tag)
    node = Element(tag, None, None, None, key, ref)
    if attrs:
        node_attrs, events = node.attrs, node.events
        for name, value in attrs.items():
            kind, target = _KEYWORDS.get(name) or _keyword(name, tag)
            if value is None or value is False:
                continue
            if kind == _EVENT:
                if not callable(value):
                    raise TypeError(f"{name} on <{tag}> must be callable, got {type(value).__name__}")
                events[target] = value
                continue
            if kind == _OPTION:
                _set_option(node, target, value)
                continue
            if type(value) is not str:
                value = "" if value is True else str(value)
            if kind == _URL and is_javascript_url(value):
                node.dropped = (*(node.dropped or ()), (target, value))
                continue
            node_attrs[target] = value
        if check:
            _check_attributes(tag, check, node_attrs)
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
