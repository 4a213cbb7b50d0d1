"""The sample site's app: the page boots it, then its ``main()`` fills in the page.

It shows both directions of interop with ``jsinterop.is_browser()``: Python calls JavaScript (the
console through ``js_runtime()``, the DOM through Pyodide's FFI), and a button's click (JavaScript)
calls Python.
"""

from __future__ import annotations

import sys

from jsinterop import host, is_browser, js_runtime


def greet(name: str) -> str:
    """Called from JavaScript: builds the greeting the page shows."""
    name = name.strip() or "world"
    return f"Hello, {name}, from Python {sys.version_info.major}.{sys.version_info.minor}!"


def main() -> None:
    """Fill in the page; on CPython (no browser) just print where we run."""
    if not is_browser():
        print(f"app: not in a browser (host: {host().value})")
        return
    import js
    from pyodide.ffi import create_proxy

    js_runtime().invoke("console.log", "app booted in", host().value)  # Python calls a JavaScript function
    document = js.document
    document.getElementById("host").textContent = host().value
    document.getElementById("is-browser").textContent = str(is_browser())
    name_input = document.getElementById("name")
    output = document.getElementById("greeting")

    def on_click(_event: object) -> None:
        output.textContent = greet(name_input.value)

    # The proxy lives as long as the page: it is the button's handler for the page's lifetime.
    document.getElementById("greet").addEventListener("click", create_proxy(on_click))
    document.getElementById("demo").hidden = False
