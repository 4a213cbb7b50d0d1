"""The sample site's app: the page boots it, and its ``main()`` renders the site, a layout with a
navigation menu and a router over the pages the app's modules register with ``@page``.

The home page shows both directions of interop with ``jsinterop.is_browser()``: Python calls
JavaScript, and a button's click (JavaScript) calls Python.
"""

from __future__ import annotations

import sys

from jsinterop import host, is_browser, js_runtime
from jsinterop.components import Component, EventArgs, Router, h, mount, page

from . import (  # noqa: F401 (importing registers their pages)
    alert_user,
    counter,
    dom_cleanup,
    error_boundary,
    greeting_helpers,
    interop,
    weather,
)


def greet(name: str) -> str:
    """Called from JavaScript: builds the greeting the page shows."""
    name = name.strip() or "world"
    return f"Hello, {name}, from Python {sys.version_info.major}.{sys.version_info.minor}!"


@page("/")
class Home(Component):
    """What the project is, where Python runs, and a greeting computed by Python."""

    def on_initialized(self) -> None:
        self.name = "Ada"
        self.greeting = ""

    def typed(self, event: EventArgs) -> None:
        self.name = event.value or ""

    def say_hello(self) -> None:
        self.greeting = greet(self.name)

    def render(self):
        return h.section(
            h.h1("jsinterop sample"),
            h.p("Python running in the page on Pyodide, calling JavaScript and called by it, with a "
                "Blazor-like component model. Every page here is a sample of the JS interop article."),
            h.dl(h.dt("Host"), h.dd(host().value, id="host"),
                 h.dt(h.code("is_browser()")), h.dd(str(is_browser()), id="is-browser")),
            h.p(h.label("Your name ", h.input(id="name", value=self.name, on_input=self.typed)), " ",
                h.button("Greet from Python", id="greet", type="button", on_click=self.say_hello)),
            h.p(self.greeting, id="greeting"),
            id="demo",
        )


NAV = [
    ("./", "Home"),
    ("counter", "Counter"),
    ("dom-cleanup", "DOM cleanup"),
    ("alert-user", "Alert User"),
    ("greeting-helpers", "Greeting helpers"),
    ("weather", "Weather"),
    ("interop", "Interop, both ways"),
    ("error-boundary", "Error boundary"),
    ("call-python.html", "Call Python from JavaScript"),
    ("typed-interop.html", "Typed interop"),
    ("worker.html", "Python in a worker"),
    ("boot-error.html", "A failed boot"),
]


class App(Component):
    """The layout: a navigation menu, and the router's page."""

    def render(self):
        return h.div(
            h.nav(h.ul([h.li(h.a(label, href=href)) for href, label in NAV]), class_="nav"),
            h.main(h.component(Router)),
        )


async def main() -> None:
    """Render the site; on CPython (no browser) just say where we run."""
    if not is_browser():
        print(f"app: not in a browser (host: {host().value})")
        return
    # Python calls a JavaScript function (awaited: it works in worker mode without cross-origin isolation too)
    await js_runtime().invoke_void_async("console.log", "app booted in", host().value)
    mount(App, "#app")
