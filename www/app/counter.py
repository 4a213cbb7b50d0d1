"""The Counter sample (the /counter page) as a Python component: state, an event handler, a keyed list, and an input
whose focus and value survive re-renders (the renderer patches only what changed)."""

from __future__ import annotations

from jsinterop.components import Component, EventArgs, h, page


@page("/counter")
class Counter(Component):
    """Blazor's Counter, plus a to-do list to show keyed updates."""

    def on_initialized(self) -> None:
        self.count = 0
        self.draft = ""
        self.items: list[tuple[int, str]] = []
        self.next_id = 1

    def increment(self) -> None:
        self.count += 1

    def typed(self, event: EventArgs) -> None:
        self.draft = event.value or ""

    def add_item(self) -> None:
        if self.draft.strip():
            self.items.append((self.next_id, self.draft.strip()))
            self.next_id += 1
            self.draft = ""

    def remove(self, item_id: int) -> None:
        self.items = [item for item in self.items if item[0] != item_id]

    def render(self):
        return h.div(
            h.h1("Counter"),
            h.p(f"Current count: {self.count}", id="count", role="status"),
            h.button("Click me", id="increment", class_="btn", on_click=self.increment),
            h.h2("To do"),
            h.p(
                h.input(id="draft", value=self.draft, placeholder="Something to do", on_input=self.typed),
                h.button("Add", id="add", on_click=self.add_item),
            ),
            h.ul(
                [h.li(text, " ", h.button("×", class_="remove", aria_label=f"Remove {text}",
                                          on_click=lambda _e=None, i=item_id: self.remove(i)), key=item_id)
                 for item_id, text in self.items],
                id="items",
            ),
        )

