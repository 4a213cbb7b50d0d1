"""Rendering components into the page: the DOM backend that sends each batch of operations to the
loader's DomPatcher (one call per render), and :func:`mount`."""

from __future__ import annotations

import json
from typing import Any

from ..interop.runtime import JSRuntime
from ..page import js_runtime
from ..pyodide.wire import ELEMENT, WireContext, register_encoder
from .component import Component, ElementReference
from .fakedom import EventArgs
from .renderer import Op, Renderer
from .routing import BrowserNavigationManager, NavigationManager

__all__ = ["BrowserDom", "mount"]


def _encode_element(reference: ElementReference, context: WireContext) -> dict[str, Any]:
    """An ElementReference on the wire: the node id the page's DomPatcher resolves to the element."""
    if reference.node_id is None:
        raise ValueError("This ElementReference has not been rendered yet: use it after the first render "
                         "(on_after_render)")
    return {ELEMENT: reference.node_id}


register_encoder(ElementReference, _encode_element)


class BrowserDom:
    """Applies operations to the page through the loader's DomPatcher."""

    def __init__(self, patcher: Any) -> None:
        self._apply = patcher.apply

    def apply(self, ops: list[Op]) -> None:
        self._apply(json.dumps(ops, separators=(",", ":")))


_page_tree: tuple[Renderer, BrowserNavigationManager] | None = None
"""The renderer and the location of the page's component tree (a second mount() replaces them)."""


def mount(component: type[Component], selector: str = "#app", services: dict[type, Any] | None = None,
          **params: Any) -> Component:
    """Render ``component`` into the element matching ``selector`` and keep it up to date.

    ``inject()`` fields annotated :class:`~jsinterop.JSRuntime` get the page's runtime, and those
    annotated :class:`~jsinterop.components.routing.NavigationManager` the page's location (links
    inside the container are routed); ``services`` adds the app's own, by type. A page has one
    component tree: mounting again replaces it (its components are disposed, its callbacks released).
    """
    import js
    from pyodide.ffi import create_proxy

    global _page_tree
    if _page_tree is not None:  # one tree per page: the new one replaces it, disposing its components
        old_renderer, old_navigation = _page_tree
        _page_tree = None
        old_renderer.unmount()
        old_navigation.dispose()
    renderer: Renderer | None = None

    def dispatch(node_id: int, event: str, summary: str) -> None:
        fields = json.loads(summary)
        assert renderer is not None
        renderer.dispatch_event(node_id, event, EventArgs(**fields))

    def render() -> None:
        assert renderer is not None
        renderer.flush()

    # Both live as long as the page's components.
    patcher = js.Py.createDomPatcher(selector, create_proxy(dispatch), create_proxy(render))
    navigation = BrowserNavigationManager(patcher.nodes.get(0))
    request_frame = patcher.requestFrame
    renderer = Renderer(BrowserDom(patcher),
                        {JSRuntime: js_runtime(), NavigationManager: navigation, **(services or {})},
                        detailed_errors=bool(js.Py.detailedErrors),
                        schedule=lambda _flush: request_frame(), debug=bool(patcher.debug))
    _page_tree = (renderer, navigation)
    return renderer.mount(component, 0, **params)
