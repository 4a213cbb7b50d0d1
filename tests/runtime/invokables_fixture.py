"""Invokable functions the browser tests call from JavaScript. The tests write this file into the
page's Python and import it (importing a module is what registers its invokables)."""

from __future__ import annotations

import asyncio
import dataclasses
from typing import Any

from jsinterop import JSObjectReference, PyObjectReference, js_invokable


@dataclasses.dataclass
class Order:
    order_id: int
    item_names: list[str]
    note: str | None = None


class Helper:
    def __init__(self, name: str) -> None:
        self.name = name

    @js_invokable
    def ping(self) -> str:
        return f"pong from {self.name}"

    @js_invokable("WaitAsync")
    async def wait(self, ms: int) -> str:
        await asyncio.sleep(ms / 1000)
        return f"{self.name} waited"


@js_invokable
def add(a: int, b: int = 10) -> int:
    return a + b


@js_invokable("AddAsync")
async def add_async(a: int, b: int) -> int:
    await asyncio.sleep(0)
    return a + b


@js_invokable
def describe(order: Order, data: bytes) -> dict[str, Any]:
    return {"order": order, "data": data[::-1], "dataType": type(data).__name__}


@js_invokable
def echo(value):  # no annotation: plain values, as they arrived
    return {"type": type(value).__name__, "value": value}


@js_invokable
def fails() -> None:
    raise KeyError("missing thing")


@js_invokable
async def fails_async() -> None:
    await asyncio.sleep(0)
    raise ValueError("async failure")


@js_invokable
async def element_tag(element: JSObjectReference) -> str:
    async with element:
        return await element.get_value_async("tagName")


@js_invokable
def make_helper(name: str) -> PyObjectReference:
    return PyObjectReference.create(Helper(name))


@js_invokable
def helper_name(helper: Helper) -> str:
    return f"{type(helper).__name__} {helper.name}"
