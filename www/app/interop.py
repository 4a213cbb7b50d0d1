"""The /interop page: both call directions, live. Python calls a JS function with the input's text;
a second button has JavaScript call back into a Python ``@js_invokable`` function."""

from __future__ import annotations

from jsinterop import JSObjectReference, js_invokable
from jsinterop.components import Component, EventArgs, h, page


@js_invokable
def double(value: int) -> int:
    """Called from JavaScript with Py.invokeMethodAsync("app.interop", "double", n)."""
    return 2 * value


@page("/interop")
class Interop(Component):
    """Python -> JS -> Python, with the results rendered."""

    def on_initialized(self) -> None:
        self.text = "hello"
        self.from_js = ""
        self.round_trip = ""
        self.module: JSObjectReference | None = None

    async def on_initialized_async(self) -> None:
        self.module = await self.import_js()

    async def dispose_async(self) -> None:
        if self.module is not None:
            await self.module.dispose_async()

    def typed(self, event: EventArgs) -> None:
        self.text = event.value or ""

    async def ask_js(self) -> None:
        if self.module is not None:
            self.from_js = await self.module.invoke_async("describe", self.text, returns=str)

    async def ask_round_trip(self) -> None:
        if self.module is not None:
            self.round_trip = await self.module.invoke_async("roundTrip", len(self.text), returns=str)

    def render(self):
        return h.div(
            h.h1("Interop, both ways"),
            h.p(h.input(id="text", value=self.text, on_input=self.typed), " ",
                h.button("Python calls JavaScript", id="ask-js", on_click=self.ask_js)),
            h.p(self.from_js, id="from-js"),
            h.p(h.button("JavaScript calls Python", id="round-trip", on_click=self.ask_round_trip)),
            h.p(self.round_trip, id="round-trip-result"),
        )
