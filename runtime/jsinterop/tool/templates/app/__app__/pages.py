"""The app's pages, each a component registered for a route with ``@page``."""

from __future__ import annotations

from jsinterop import host
from jsinterop.components import Component, EventArgs, Node, h, page

from .counter import Counter


@page("/")
class Home(Component):
    """The home page: a greeting that follows what you type, and the counter."""

    def on_initialized(self) -> None:
        self.name = ""

    def typed(self, event: EventArgs) -> None:
        self.name = event.value or ""

    def render(self) -> Node:
        return h.section(
            h.h1("Hello from Python"),
            h.p("This page is rendered by Python running in your browser (", h.code(host().value), ")."),
            h.p(h.label("Your name ", h.input(id="name", value=self.name, on_input=self.typed))),
            h.p(f"Hello, {self.name.strip() or 'stranger'}!", id="greeting"),
            h.component(Counter),
        )


@page("/about")
class About(Component):
    """A second page, to show routing: links navigate without reloading the page."""

    def render(self) -> Node:
        return h.section(
            h.h1("About"),
            h.p("Built with jsinterop. Edit ", h.code("__app__/pages.py"), " and save: `jsinterop serve` "
                "rebuilds the site and updates this page."),
        )
