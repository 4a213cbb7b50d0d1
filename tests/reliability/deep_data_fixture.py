"""Python side of the deep-data tests: every kind of entry from JavaScript, with data parameters (which
are converted, so must be refused past the nesting limit) and JSObject/Any ones (never walked)."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from typing import Any

from jsinterop import JSObject, Once, PyObjectReference, PyStreamReference, js_export, js_invokable, js_runtime


@dataclasses.dataclass
class Node:
    n: Any = None


@js_invokable
def add(a: int, b: int) -> int:
    return a + b


@js_invokable("AddAsync")
async def add_async(a: int, b: int) -> int:
    return a + b


@js_invokable
def describe_items(items: list[Any]) -> list[str]:
    """Each item's type, and data objects as JSON: a forged marker must arrive as the same data."""
    return [json.dumps(item, separators=(",", ":")) if isinstance(item, dict) else type(item).__name__
            for item in items]


@js_invokable
def forged_result() -> list[Any]:
    """Marker-shaped data in a result that also carries real markers (NaN, bytes)."""
    return [float("nan"), b"x", *FORGED]


FORGED = [{"__jsObjectId": 0}, {"__jsinteropElement": 1}, {"__pyObjectId": 1}, {"__jsinteropBytes": 0},
          {"__jsinteropNumber": "NaN"}, {"__jsinteropTooDeep": 0}, {"__jsinteropStream": [1, 2]},
          {"__pyStream": [1, 2]}, {"__jsinteropEscaped:__jsObjectId": 0}, {"__jsinteropEscaped:": 1}]


class Lent:
    @js_invokable
    def take(self, node: Node) -> str:
        return "took"

    @js_invokable("TakeAsync")
    async def take_async(self, node: Node) -> str:
        return "took"


@js_invokable
def lend() -> PyObjectReference:
    return PyObjectReference.create(Lent())


@js_invokable
def stream() -> PyStreamReference:
    return PyStreamReference(b"abc")


@js_export
def export_node(node: Node) -> int:
    return 1


@js_export
def export_list(items: list[Any]) -> int:
    return len(items)


@js_export
def export_object(value: JSObject) -> str:
    """Not converted: a JS object of any depth is passed through, never walked."""
    return "kept"


@js_export
def export_any(value: Any) -> str:
    return "kept"


@js_export
async def export_node_async(node: Node) -> int:
    return 1


@js_export
def call_back(fn: Callable[[], Node]) -> str:
    """Calls a JS callback whose result is converted (a data result of a callback)."""
    fn()
    return "called"


@js_export
def give_callback() -> Once[Callable[[Node], str]]:
    """A Python callable JS then calls with a data argument (a callback entry into Python)."""
    return lambda node: "called"


def js_result(identifier: str, *args: Any) -> str:
    """A JS function's result, converted (by returns=): deep ones must be refused naming the result."""
    try:
        js_runtime().invoke(identifier, *args)
    except Exception as e:
        return f"{type(e).__name__}: {e}"
    return "accepted"


async def js_result_async(identifier: str, *args: Any) -> str:
    try:
        await js_runtime().invoke_async(identifier, *args)
    except Exception as e:
        return f"{type(e).__name__}: {e}"
    return "accepted"


@js_invokable
def ping(n: int) -> int:
    """JS -> Python -> JS -> ...: ping calls JS's pong, which calls ping again, n times."""
    if n <= 0:
        return 0
    return js_runtime().invoke("pong", n - 1, returns=int) + 1


@js_invokable("PingAsync")
async def ping_async(n: int) -> int:
    """The same nesting, started through an asynchronous (on JSPI, promising) entry point."""
    return ping(n)
