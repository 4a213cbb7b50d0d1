"""Unit-testing components on CPython (bUnit's model): render into a fake DOM, query the markup,
fire events, and assert on the re-rendered output and the JS calls made::

    from jsinterop.testing.components import render

    page = render(Counter, start=1)
    page.find("button").click()
    assert page.find("p").text == "Count: 2"
"""

from __future__ import annotations

from typing import Any

from ..components.component import Component
from ..components.dom import CONTAINER_ID, EventArgs
from ..components.renderer import Renderer
from ..components.routing import NavigationManager
from ..interop.runtime import JSRuntime
from ..typed.imports import ImportServer, serve_imports
from .fake_runtime import FakeJSRuntime
from .fakedom import FakeDom, FakeEvent, FakeNode

__all__ = ["ElementHandle", "RenderedComponent", "render"]


class ElementHandle:
    """An element of the rendered output: read it, and fire events at it."""

    def __init__(self, rendered: RenderedComponent, node: FakeNode) -> None:
        self._rendered = rendered
        self.node = node

    @property
    def text(self) -> str:
        """Its text content."""
        return self.node.text_content

    @property
    def attrs(self) -> dict[str, str]:
        """Its attributes."""
        return dict(self.node.attrs)

    @property
    def markup(self) -> str:
        """Its HTML."""
        return self.node.markup()

    def trigger(self, event: str, **fields: Any) -> FakeEvent:
        """Fire ``event`` (with EventArgs fields such as ``value=`` or ``key=``), as the browser would: it
        bubbles to the ancestors' handlers (``stop_propagation=`` stops it), and a click on a submit button
        submits its form (unless ``prevent_default="click"``). Returns what happened (``default_prevented``,
        ``caused``...); AssertionError when no handler received it (nor the submit it caused)."""
        renderer = self._rendered.renderer

        def deliver(node_id: int, dispatched: str) -> None:
            renderer.dispatch_event(node_id, dispatched,
                                    EventArgs(event, **fields) if dispatched == event else EventArgs(dispatched))

        record = self._rendered.dom.dispatch(self.node.id, event, deliver)
        if not record.delivered and (record.caused is None or not record.caused.delivered):
            raise AssertionError(f"<{self.node.tag}> has no '{event}' handler (it listens to "
                                 f"{sorted(self.node.listeners) or 'nothing'})")
        return record

    def click(self) -> FakeEvent:
        """A click (on a submit button, it submits the form as well)."""
        return self.trigger("click")

    def submit(self) -> FakeEvent:
        """A form's submission (``on_submit``), as pressing Enter in one of its fields does."""
        return self.trigger("submit")

    def change(self, value: Any) -> FakeEvent:
        """A committed value change (``on_change``)."""
        self.node.value = value
        return self.trigger("change", value=value)

    def input(self, value: Any) -> FakeEvent:
        """A keystroke-level value change (``on_input``)."""
        self.node.value = value
        return self.trigger("input", value=value)


class RenderedComponent:
    """A component rendered into a fake DOM, with the fake JS runtime it was given."""

    def __init__(self, instance: Component, renderer: Renderer, dom: FakeDom, js: JSRuntime) -> None:
        self.instance = instance
        self.renderer = renderer
        self.dom = dom
        self.js = js
        self.navigation: NavigationManager = NavigationManager()
        self._serving: tuple[ImportServer | None] | None = None
        """While a FakeJSRuntime serves the component's typed imports: the server it replaced."""

    @property
    def markup(self) -> str:
        """The rendered HTML (inside the app's container)."""
        return "".join(c.markup() for c in self.dom.container.children)

    def find_all(self, selector: str) -> list[ElementHandle]:
        """Every element matching a selector of simple parts (tag, #id, .class, [attr=value]),
        separated by spaces for descendants (``nav a``)."""
        *ancestors, last = selector.split()
        found = []
        for node in self.dom.container.walk()[1:]:
            if not node.matches(last):
                continue
            parent, wanted = node.parent, list(ancestors)
            while wanted and parent is not None:
                if parent.matches(wanted[-1]):
                    wanted.pop()
                parent = parent.parent
            if not wanted:
                found.append(ElementHandle(self, node))
        return found

    def find(self, selector: str) -> ElementHandle:
        """The first element matching ``selector``; AssertionError naming it when there is none."""
        found = self.find_all(selector)
        if not found:
            raise AssertionError(f"no element matches {selector!r} in:\n{self.markup}")
        return found[0]

    def flush(self) -> None:
        """Render what ``state_has_changed()`` scheduled (events flush by themselves)."""
        self.renderer.flush()

    async def settle(self) -> None:
        """Wait for async lifecycle methods and handlers, and their renders."""
        await self.renderer.settle()

    def dispose(self) -> None:
        """Remove the component, disposing it and its children; its FakeJSRuntime stops serving
        ``@js_import`` stubs."""
        self.renderer.unmount()
        if self._serving is not None:
            serve_imports(self._serving[0])
            self._serving = None


def render(component: type[Component], *, js: JSRuntime | None = None, path: str = "/",
           services: dict[type, Any] | None = None, detailed_errors: bool = True, debug: bool = False,
           **params: Any) -> RenderedComponent:
    """Render ``component`` with ``params`` into a fake DOM. ``js`` (default: a strict
    :class:`FakeJSRuntime`) is what ``inject()`` gives fields annotated ``JSRuntime``; ``path`` is the
    location of the in-memory :class:`NavigationManager` (``page.navigation.navigate_to(...)``);
    ``debug`` renders as a page booted with ``boot({debug: true})`` (warnings about what ``h`` dropped).

    A :class:`FakeJSRuntime` ``js`` also answers the ``@js_import`` stubs and ``load_js_module`` calls
    the component makes (see :meth:`FakeJSRuntime.setup_import`), until :meth:`RenderedComponent.dispose`
    or the end of the test (the pytest plugin stops it)."""
    js = js if js is not None else FakeJSRuntime()
    serving = (serve_imports(js),) if isinstance(js, FakeJSRuntime) else None
    dom = FakeDom()
    navigation = NavigationManager(path)
    renderer = Renderer(dom, {JSRuntime: js, NavigationManager: navigation, **(services or {})},
                        detailed_errors=detailed_errors, debug=debug)
    instance = renderer.mount(component, CONTAINER_ID, **params)
    rendered = RenderedComponent(instance, renderer, dom, js)
    rendered.navigation = navigation
    rendered._serving = serving
    return rendered
