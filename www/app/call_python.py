"""The reference's "call .NET from JavaScript" samples, in Python: a static invokable function
(``return_array``) called from a button handler, and a ``HelloHelper`` instance called through a
reference, which the page's script disposes when the page goes away."""

from __future__ import annotations

from jsinterop import PyObjectReference, js_invokable, js_runtime


@js_invokable
def return_array() -> list[int]:
    """Blazor's ``ReturnArrayAsync``: JavaScript calls it with ``Py.invokeMethodAsync``."""
    return [11, 12, 13]


class HelloHelper:
    """An object lent to JavaScript: only its ``@js_invokable`` methods are reachable."""

    def __init__(self, name: str) -> None:
        self.name = name

    @js_invokable
    def say_hello(self) -> str:
        """Called from JavaScript through the reference."""
        return f"Hello, {self.name}!"


async def main() -> None:
    """Import the page's module and hand it a reference to a HelloHelper."""
    module = await js_runtime().import_module("./call-python.js")
    await module.invoke_void_async("setUp", PyObjectReference.create(HelloHelper("Tiny Tim")))
