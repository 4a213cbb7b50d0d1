"""The /error-boundary page: an exception in one component's handler shows an error boundary in
its place (with the traceback in detailed-errors mode) while the rest of the page keeps working."""

from __future__ import annotations

from jsinterop.components import Component, h, page


class Fragile(Component):
    """A component whose button raises."""

    def explode(self) -> None:
        raise ValueError("this component failed on purpose")

    def render(self):
        return h.div(h.button("Raise an exception", id="explode", on_click=self.explode), class_="fragile")


class Sturdy(Component):
    """A sibling that keeps working after Fragile failed."""

    def on_initialized(self) -> None:
        self.clicks = 0

    def click(self) -> None:
        self.clicks += 1

    def render(self):
        return h.p(h.button("Still works", id="sturdy", on_click=self.click), f" clicked {self.clicks} times",
                   id="sturdy-count")


@page("/error-boundary")
class ErrorBoundaryPage(Component):
    """Two components side by side: one fails, one does not."""

    def render(self):
        return h.div(h.h1("Error boundary"), h.component(Fragile), h.component(Sturdy))
