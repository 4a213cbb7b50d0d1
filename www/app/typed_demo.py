"""The JSImport/JSExport sample, in Python: ``getMessage`` imported from the page's ``main.js`` with
``@js_import``, and a greeting exported to JavaScript with ``@js_export``."""

from __future__ import annotations

from collections.abc import Awaitable

from jsinterop import js_export, js_import, load_js_module


@js_import("getMessage", "main.js")
def get_message() -> str:
    """JavaScript's getMessage(), called synchronously, converted by the annotations."""
    ...


@js_import("showGreeting", "main.js")
def show_greeting() -> Awaitable[None]:
    """Let the page's script fetch our exports and display the greeting."""
    ...


@js_export
def greeting() -> str:
    """The greeting JavaScript displays: it calls back into JavaScript for the message."""
    return f"Hello, World! Greetings from {get_message()}"


@js_export
def add(a: int, b: int) -> int:
    """A typed export: JavaScript gets a number."""
    return a + b


async def main() -> None:
    """Load the page's module under the name the stubs use, then hand over to it."""
    await load_js_module("main.js", "./typed-demo.js")
    await show_greeting()
