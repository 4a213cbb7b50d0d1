"""@js_import / @js_export on CPython: what is checked when a function is decorated."""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from jsinterop import JSBigInt, JSObject, Persistent, can_run_sync, js_export, js_import
from jsinterop.marshalling import compile_marshaller
from jsinterop.typed_interop import exports_of


@dataclasses.dataclass
class Point:
    x_pos: float
    y_pos: float


def test_missing_annotation_is_an_error_naming_the_parameter():
    with pytest.raises(TypeError, match=r"parameter 'b' of '.*stub' has no annotation"):
        @js_import("add", "m.js")
        def stub(a: int, b) -> int: ...
    with pytest.raises(TypeError, match=r"the result of '.*stub' has no annotation"):
        @js_import("add", "m.js")
        def stub(a: int): ...


class Opaque:
    pass


def test_unmarshallable_annotation_is_an_error_naming_the_parameter():
    with pytest.raises(TypeError, match=r"parameter 'thing' of '.*stub': the annotation .*Opaque.* cannot be marshalled"):
        @js_import("f")
        def stub(thing: Opaque) -> None: ...
    with pytest.raises(TypeError, match=r"parameter 'when' of '.*exported'.*cannot be marshalled"):
        @js_export
        def exported(when: complex) -> None: ...
    with pytest.raises(TypeError, match="must be positional"):
        @js_import("f")
        def stub2(*values: int) -> None: ...


def test_every_row_of_the_table_compiles():
    rows = {
        bool: "boolean", float: "number", str: "string", type(None): "void", int: "number", JSBigInt: "bigint",
        __import__("datetime").datetime: "Date", bytes: "Uint8Array", memoryview: "Uint8Array",
        list[int]: "number[]", tuple[int, str]: "[number, string]", dict[str, list[float]]: "Record<string, number[]>",
        Point: "{ xPos: number; yPos: number }", JSObject: "any", Callable[[int, int], int]: "(arg0: number, arg1: number) => number",
        Persistent[Callable[[str], None]]: "(arg0: string) => void", Awaitable[int]: "Promise<number>",
        ValueError: "Error", Any: "any",
    }
    for annotation, ts in rows.items():
        assert compile_marshaller(annotation, "x").ts == ts, annotation


def test_exports_register_by_module_and_name():
    @js_export
    def add(a: int, b: int) -> int:
        return a + b

    @js_export("greet")
    async def greeting(name: str) -> str:
        return f"Hello, {name}"

    exports = exports_of(__name__)
    assert exports["add"].call_from_js(2, 3) == 5
    assert exports["greet"].is_async
    with pytest.raises(TypeError, match="must be an identifier string"):
        js_export("not valid")


def test_int_overflow_and_type_errors_name_the_parameter():
    m = compile_marshaller(int, "parameter 'n' of 'f'")
    with pytest.raises(OverflowError, match=r"parameter 'n' of 'f': 9007199254740992 is outside"):
        m.to_js(2**53, [])
    with pytest.raises(TypeError, match=r"parameter 'n' of 'f': expected int, got str"):
        m.to_js("1", [])


def test_cannot_run_sync_on_cpython():
    assert can_run_sync() is False
