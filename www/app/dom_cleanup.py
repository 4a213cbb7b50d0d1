"""The reference's DOMCleanup sample: a child component's element is watched from JavaScript, and
the cleanup runs when the element leaves the DOM (here when the child is hidden)."""

from __future__ import annotations

from jsinterop import JSObjectReference, JSRuntime
from jsinterop.components import Component, ElementReference, h, inject, mount


class CleanupDiv(Component):
    """Blazor's DOMCleanup component: its div is handed to dom-cleanup.js after the first render."""

    js: JSRuntime = inject()

    def on_initialized(self) -> None:
        self.div = ElementReference()
        self.module: JSObjectReference | None = None

    async def on_after_render_async(self, first_render: bool) -> None:
        if first_render:
            self.module = await self.js.import_module("./dom-cleanup.js")
            await self.module.invoke_void_async("watch", self.div)

    async def dispose_async(self) -> None:
        if self.module is not None:
            await self.module.dispose_async()

    def render(self):
        return h.div(id="cleanupDiv", ref=self.div)


class DomCleanupPage(Component):
    """Shows the watched child until the button removes it."""

    def on_initialized(self) -> None:
        self.shown = True

    def toggle(self) -> None:
        self.shown = not self.shown

    def render(self):
        return h.div(
            h.button("Remove the watched element" if self.shown else "Show it again", id="toggle",
                     on_click=self.toggle),
            h.component(CleanupDiv) if self.shown else h.p("(removed)"),
        )


def main() -> None:
    mount(DomCleanupPage, "#app")
