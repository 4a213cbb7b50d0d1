"""@js_export functions the browser tests call from JavaScript (written into the page and imported)."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
from collections.abc import Callable
from typing import TypedDict

from jsinterop import JSBigInt, js_export


@dataclasses.dataclass
class Order:
    order_id: int
    item_names: list[str]


@js_export
def add(a: int, b: int) -> int:
    return a + b


@js_export("greet")
async def greeting(name: str) -> str:
    await asyncio.sleep(0)
    return f"Hello, {name}!"


@js_export
def total(order: Order) -> float:
    return float(order.order_id * len(order.item_names))


@js_export
def reverse(data: bytes) -> bytes:
    return data[::-1]


@js_export
def tomorrow(when: dt.datetime) -> dt.datetime:
    return when + dt.timedelta(days=1)


@js_export
def big(n: JSBigInt) -> JSBigInt:
    return n * 2


@js_export
def fails(message: str) -> None:
    raise ValueError(message)


class Movie(TypedDict):
    title: str
    year: int


@js_export
def apply(fn: Callable[[int], int], value: int) -> int:
    """A JS function comes in as a Python callable, converted both ways by its annotation."""
    return fn(value) + fn(value)


@js_export
def older(movie: Movie) -> Movie:
    return {"title": movie["title"].upper(), "year": movie["year"] - 10}


@js_export
def blocking_wait(ms: int) -> int:
    """Blocks on a JS Promise from a synchronous export: only where can_run_sync() allows."""
    from jsinterop import js_runtime

    return js_runtime().invoke("later", ms, blocking=True)


@js_export
def half(value: float) -> float:
    return value / 2


@js_export
def shout(text: str, times: int, loud: bool) -> str:
    return (text.upper() if loud else text) * times


@js_export
def lies_about_int(kind: str) -> int:
    """Returns what its annotation forbids, to check the result is checked on the direct path."""
    return {"str": "seven", "bool": True, "big": 2**60, "list": [1, 2]}[kind]  # type: ignore[return-value]


@js_export
def returns_object() -> None:
    """-> None but returns an object: JavaScript gets undefined, and no proxy is left behind."""
    return {"leak": "no"}  # type: ignore[return-value]
