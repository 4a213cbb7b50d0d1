"""The reference's DOMCleanup sample: a child component's element is watched from JavaScript, and
the cleanup runs when the element leaves the DOM (here, when the child is hidden). JavaScript reports
back through a reference to the page component, lent with PyObjectReference."""

from __future__ import annotations

from jsinterop import JSObjectReference, JSRuntime, PyObjectReference, js_invokable
from jsinterop.components import Component, ElementReference, h, inject, page


class CleanupDiv(Component):
    """Blazor's DOMCleanup component: its div is handed to dom-cleanup.js after the first render."""

    js: JSRuntime = inject()
    notify: PyObjectReference

    def on_initialized(self) -> None:
        self.div = ElementReference()
        self.module: JSObjectReference | None = None

    async def on_after_render_async(self, first_render: bool) -> None:
        if first_render:
            self.module = await self.js.import_module("./dom-cleanup.js")
            await self.module.invoke_void_async("watch", self.div, self.notify)

    async def dispose_async(self) -> None:
        if self.module is not None:
            await self.module.dispose_async()

    def render(self):
        return h.div(id="cleanupDiv", ref=self.div)


@page("/dom-cleanup")
class DomCleanupPage(Component):
    """Shows the watched child until the button removes it, and what the cleanup reported."""

    def on_initialized(self) -> None:
        self.shown = True
        self.log = "The cleanup has not run."
        self.reference = PyObjectReference.create(self)

    @js_invokable
    def cleaned_up(self, message: str) -> None:
        """Called by dom-cleanup.js when the watched element has left the DOM."""
        self.log = message
        self.state_has_changed()

    def toggle(self) -> None:
        self.shown = not self.shown

    def dispose(self) -> None:
        self.reference.dispose()

    def render(self):
        return h.div(
            h.h1("DOM cleanup"),
            h.button("Remove the watched element" if self.shown else "Show it again", id="toggle",
                     on_click=self.toggle),
            h.component(CleanupDiv, notify=self.reference) if self.shown else h.p("(removed)"),
            h.p(self.log, id="cleanup-log", role="status"),
            h.p("Don't clean up the DOM from dispose: by then the element may be gone. The page's module "
                "watches the element with Py.onElementRemoved, a MutationObserver that disconnects itself."),
        )
