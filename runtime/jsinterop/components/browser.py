"""Components in the page: the DOM backend that sends each batch of operations to the loader's
DomPatcher (one call per render), the page's location through the History API, and :func:`mount`.

This is the only component module that reaches the loader (``js.Py``): its public
``Py.detailedErrors``, and on the interop host ``Py._interop.createDomPatcher`` and
``Py._interop.router`` (``loader/router.mjs``). ``js`` and
``pyodide`` are imported where they are used: they exist in Pyodide only, and the rest of the package
(and this module) must import on CPython.
"""

from __future__ import annotations

import json
from typing import Any

from ..interop.runtime import JSRuntime
from ..page import js_runtime
from ..errors import DeserializationError, UnsupportedTypeError
from ..interop.values import describe
from ..pyodide.host import interop_host
from ..pyodide.wire import ELEMENT, WireContext, register_encoder
from ..typed.marshalling import Marshaller, register_marshaller
from .component import Component, ElementReference
from .dom import CONTAINER_ID, EventArgs, Op
from .renderer import Renderer
from .routing import NavigationManager, match_route

__all__ = ["BrowserDom", "BrowserNavigationManager", "mount"]


def _encode_element(reference: ElementReference, context: WireContext) -> dict[str, Any]:
    """An ElementReference on the wire: the node id the page's DomPatcher resolves to the element."""
    return {ELEMENT: reference.rendered_id()}


def _element_marshaller(where: str) -> Marshaller:
    """A ``@js_import`` parameter annotated ElementReference: the DOM element itself, for the call."""
    def to_js(value: Any, calls: list[Any]) -> Any:
        if not isinstance(value, ElementReference):
            raise UnsupportedTypeError(f"{where}: expected ElementReference, got {describe(value)}", path=where)
        return interop_host().main.element(value.rendered_id())

    def from_js(value: Any) -> Any:
        raise DeserializationError(f"{where}: an ElementReference is made by rendering; JavaScript cannot "
                                   "return one (annotate the result JSObject to get the element)", path=where)

    return Marshaller(to_js, from_js, "Element")


register_encoder(ElementReference, _encode_element)
register_marshaller(ElementReference, _element_marshaller)


class BrowserDom:
    """Applies operations to the page through the loader's DomPatcher."""

    def __init__(self, patcher: Any) -> None:
        self._apply = patcher.apply

    def apply(self, ops: list[Op]) -> None:
        """Send one batch of operations, as JSON, to the patcher."""
        self._apply(json.dumps(ops, separators=(",", ":")))


def _loader() -> Any:
    """The loader's runtime object, ``globalThis.Py``."""
    import js  # only exists inside Pyodide

    return js.Py


class BrowserNavigationManager(NavigationManager):
    """The page's location through the History API; same-origin links under the base URI that
    match a route are intercepted (others load normally), and back/forward buttons navigate."""

    def __init__(self, container: Any) -> None:
        from pyodide.ffi import create_proxy  # only exists inside Pyodide

        self._router = _loader()._interop.router
        super().__init__(str(self._router.path()))
        self._proxy = create_proxy(self._from_browser)  # lives until dispose()
        self._stop = self._router.interceptLinks(container, self._proxy)

    def dispose(self) -> None:
        """Stop routing links and back/forward navigation (the page's component tree was replaced)."""
        if self._proxy is not None:
            self._stop()
            self._proxy.destroy()
            self._proxy = None

    def _from_browser(self, path: str, push: bool) -> bool:
        """A link click (push=True; only handled when a route matches) or back/forward (push=False)."""
        if push and match_route(path) is None:
            return False
        if push:
            self._router.push(path)
        self._set(path)
        return True

    def navigate_to(self, path: str) -> None:
        """Go to ``path`` (relative to the base URI): a new history entry, without reloading the page."""
        self._router.push("/" + path.lstrip("/"))
        self._set(path)


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
    from pyodide.ffi import create_proxy  # only exists inside Pyodide

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
    loader = _loader()
    patcher = loader._interop.createDomPatcher(selector, create_proxy(dispatch), create_proxy(render))
    navigation = BrowserNavigationManager(patcher.nodes.get(CONTAINER_ID))
    request_frame = patcher.requestFrame
    renderer = Renderer(BrowserDom(patcher),
                        {JSRuntime: js_runtime(), NavigationManager: navigation, **(services or {})},
                        detailed_errors=bool(loader.detailedErrors),
                        schedule=lambda _flush: request_frame(), debug=bool(patcher.debug))
    _page_tree = (renderer, navigation)
    return renderer.mount(component, CONTAINER_ID, **params)
