"""Python components in the browser: a Blazor-like component model (``Component``, lifecycle,
``state_has_changed``), an element builder (``h``), and a keyed-diff renderer.

This is the core; the page renderer (patching the real DOM), routing and collocated modules build
on it. On CPython, :func:`jsinterop.testing.components.render` renders components into a fake DOM
(:mod:`jsinterop.testing.fakedom`).
"""

from ..errors import MarkupError, UnsafeURLWarning
from .browser import mount
from .component import Component, ElementReference, inject
from .dom import EventArgs
from .elements import ComponentNode, Element, Node, Text, h
from .renderer import Renderer
from .routing import NavigationManager, NotFound, Router, page

__all__ = [
    "Component",
    "ComponentNode",
    "Element",
    "ElementReference",
    "EventArgs",
    "MarkupError",
    "NavigationManager",
    "Node",
    "NotFound",
    "Renderer",
    "Router",
    "Text",
    "UnsafeURLWarning",
    "h",
    "inject",
    "mount",
    "page",
]
