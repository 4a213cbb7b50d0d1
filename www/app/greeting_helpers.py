"""The /greeting-helpers page: the three JS class function forms, each called from Python with
``this`` bound to the instance (Blazor's JS interop cannot call the plain ``function`` field)."""

from __future__ import annotations

from jsinterop import JSObjectReference
from jsinterop.components import Component, h, page

FORMS = ["sayHello", "sayHelloArrow", "sayHelloField"]


@page("/greeting-helpers")
class GreetingHelpersPage(Component):
    """Constructs a GreetingHelpers in JS and calls each of its functions."""

    def on_initialized(self) -> None:
        self.results: list[str] = []
        self.module: JSObjectReference | None = None

    async def on_after_render_async(self, first_render: bool) -> None:
        if not first_render:
            return
        self.module = await self.import_js()
        async with await self.module.invoke_constructor_async("GreetingHelpers", "Python") as helpers:
            self.results = [await helpers.invoke_async(form) for form in FORMS]
        self.state_has_changed()

    async def dispose_async(self) -> None:
        if self.module is not None:
            await self.module.dispose_async()

    def render(self):
        return h.div(
            h.h1("Greeting helpers"),
            h.ul([h.li(h.code(form), ": ", result, key=form) for form, result in zip(FORMS, self.results)],
                 id="greetings"),
        )
