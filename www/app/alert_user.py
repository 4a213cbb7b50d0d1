"""The reference article's AlertUser sample (the /alert-user page): the component imports its
collocated JS module (``app/alert_user.js``) after the first render and calls its ``addHandlers``,
which attaches the click handler with ``addEventListener`` (no inline handler, CSP-friendly)."""

from __future__ import annotations

from jsinterop import JSObjectReference
from jsinterop.components import Component, h, page


@page("/alert-user")
class AlertUser(Component):
    """Blazor's AlertUser.razor, with IAsyncDisposable disposing the module."""

    def on_initialized(self) -> None:
        self.module: JSObjectReference | None = None

    async def on_after_render_async(self, first_render: bool) -> None:
        if first_render:
            self.module = await self.import_js()
            await self.module.invoke_void_async("addHandlers")

    async def dispose_async(self) -> None:
        if self.module is not None:
            await self.module.dispose_async()

    def render(self):
        return h.div(
            h.h1("Alert User"),
            h.p(h.button("Click Me!", id="btn", type="button")),
            h.p("The component imported its collocated app/alert_user.js with self.import_js() and called "
                "its addHandlers, which attached the click handler with addEventListener: no inline handler, "
                "so it works under the strict Content-Security-Policy."),
        )
