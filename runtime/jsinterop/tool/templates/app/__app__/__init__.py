"""The app __project__: the page boots it and runs :func:`main`, which renders the layout (a header
with the navigation) and, inside it, the page the router picks for the URL.

Each module of the package that defines a page (``@page("/...")``) is imported here, so its route exists.
"""

from __future__ import annotations

from jsinterop import is_browser
from jsinterop.components import Component, Node, Router, h, mount

from . import pages  # noqa: F401 (importing registers its pages)

NAV = [("./", "Home"), ("about", "About")]
"""The navigation menu: (link, label); links are relative, so the site works under any base path."""


class App(Component):
    """The layout: the app's name, the navigation menu, and the router's page."""

    def render(self) -> Node:
        return h.div(
            h.header(h.strong("__project__"),
                     h.nav(h.ul([h.li(h.a(label, href=href)) for href, label in NAV]), class_="nav")),
            h.main(h.component(Router)),
        )


def main() -> None:
    """Render the app into ``<div id="app">``; on CPython (no browser, e.g. under pytest) do nothing."""
    if not is_browser():
        return
    mount(App, "#app")
