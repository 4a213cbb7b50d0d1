"""A component: a count, a button that adds one, and a label that says how many clicks it has seen."""

from __future__ import annotations

from jsinterop.components import Component, Node, h


def clicks_label(count: int) -> str:
    """``"Clicked 0 times"``, ``"Clicked 1 time"``, ``"Clicked 2 times"``..."""
    return f"Clicked {count} time{'' if count == 1 else 's'}"


class Counter(Component):
    """Blazor's Counter. ``start`` is a parameter: ``h.component(Counter, start=10)``."""

    start: int = 0

    def on_initialized(self) -> None:
        self.count = self.start

    def increment(self) -> None:
        self.count += 1

    def render(self) -> Node:
        return h.div(
            h.p(clicks_label(self.count), id="count", role="status"),
            h.button("Click me", id="increment", type="button", on_click=self.increment),
            class_="counter",
        )
