"""The page's wire codec (jsinterop.pyodide.wire) on CPython: every marker, both ways."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest

from jsinterop import DeserializationError, JSObjectReference, PyObjectReference, PyStreamReference, js_invokable
from jsinterop.components import ElementReference
from jsinterop.interop.runtime import JSRuntime
from jsinterop.interop.streams import JSStreamReference
from jsinterop.pyodide import wire
from jsinterop.testing import FakeJSRuntime


class Lent:
    @js_invokable
    def ping(self) -> str:
        return "pong"


class Context:
    """A WireContext over a fake runtime: ids handed out and looked up in plain tables."""

    def __init__(self) -> None:
        self.runtime: JSRuntime = FakeJSRuntime()
        self.lent: dict[int, Any] = {}
        self.streams: list[PyStreamReference] = []

    def reference(self, object_id: int) -> JSObjectReference:
        return self.runtime.reference(object_id)

    def tracked(self, object_id: Any) -> Any:
        return self.lent[object_id]

    def track(self, reference: PyObjectReference) -> int:
        self.lent[len(self.lent) + 1] = reference.value
        return len(self.lent)

    def register_stream(self, stream: PyStreamReference) -> int:
        self.streams.append(stream)
        return len(self.streams)


@pytest.fixture
def ctx() -> Context:
    return Context()


def roundtrip(data: Any, ctx: Context) -> Any:
    text, buffers, markers = wire.encode(data, ctx)
    return wire.decode(text, [bytes(b) for b in buffers], markers, ctx)


def test_plain_data_is_one_pass_without_markers(ctx: Context) -> None:
    assert wire.encode([1, "a", None, {"k": [True]}], ctx) == ('[1,"a",null,{"k":[true]}]', [], False)
    assert wire.decode('[1,"a"]', [], False, ctx) == [1, "a"]
    assert wire.decode(None, [], False, ctx) is None


def test_bytes_go_beside_the_text(ctx: Context) -> None:
    text, buffers, markers = wire.encode([b"\x00\x01", bytearray(b"x"), memoryview(b"yz")], ctx)
    assert json.loads(text) == [{wire.BYTES: 0}, {wire.BYTES: 1}, {wire.BYTES: 2}] and markers
    assert [bytes(b) for b in buffers] == [b"\x00\x01", b"x", b"yz"]
    assert roundtrip([b"\x00\x01"], ctx) == [b"\x00\x01"]


def test_nan_and_infinities_are_marked(ctx: Context) -> None:
    text, _, markers = wire.encode([math.nan, math.inf, -math.inf, 1.5], ctx)
    assert json.loads(text) == [{wire.NUMBER: "NaN"}, {wire.NUMBER: "Infinity"}, {wire.NUMBER: "-Infinity"}, 1.5]
    back = roundtrip([math.nan, math.inf, -math.inf], ctx)
    assert math.isnan(back[0]) and back[1:] == [math.inf, -math.inf]


def test_a_bigint_from_javascript(ctx: Context) -> None:
    assert wire.decode('[{"__jsinteropBigInt":"-123456789012345678901234567890"}]', [], True, ctx) == [
        -123456789012345678901234567890]


def test_js_object_references_both_ways(ctx: Context) -> None:
    ref = ctx.reference(7)
    text, _, _ = wire.encode([ref], ctx)
    assert json.loads(text) == [{wire.REF: 7}]
    (back,) = wire.decode(text, [], True, ctx)
    assert isinstance(back, JSObjectReference) and back.id == 7
    ref.dispose()
    with pytest.raises(Exception, match="has been disposed"):
        wire.encode([ref], ctx)


def test_js_stream_references_both_ways(ctx: Context) -> None:
    (stream,) = wire.decode('[{"__jsinteropStream":[4,100]}]', [], True, ctx)
    assert isinstance(stream, JSStreamReference) and (stream.id, stream.length) == (4, 100)
    assert json.loads(wire.encode([stream], ctx)[0]) == [{wire.JS_STREAM: 4}]
    (unknown,) = wire.decode('[{"__jsinteropStream":[5,null]}]', [], True, ctx)
    assert unknown.length is None


def test_python_streams_and_objects_go_by_id(ctx: Context) -> None:
    stream = PyStreamReference(b"abc")
    lent = PyObjectReference.create(Lent())
    text, _, markers = wire.encode([stream, lent], ctx)
    assert json.loads(text) == [{wire.PY_STREAM: [1, 3]}, {wire.PY_OBJECT: 1}] and markers
    assert ctx.streams == [stream]
    (back,) = wire.decode('[{"__pyObjectId":1}]', [], True, ctx)
    assert back is lent.value


def test_element_references_are_written_by_their_own_encoder(ctx: Context) -> None:
    element = ElementReference()
    with pytest.raises(ValueError, match="has not been rendered yet"):
        wire.encode([element], ctx)
    element.node_id = 12
    assert json.loads(wire.encode([element], ctx)[0]) == [{wire.ELEMENT: 12}]


def test_a_value_cut_too_deep_names_its_argument(ctx: Context) -> None:
    with pytest.raises(wire.ArgumentTooDeep) as info:
        wire.decode('[1,{"a":{"__jsinteropTooDeep":1}},3]', [], True, ctx)
    assert (info.value.index, info.value.count) == (1, 3)
    with pytest.raises(wire.ArgumentTooDeep) as result:
        wire.decode('{"__jsinteropTooDeep":-1}', [], True, ctx)
    assert (result.value.index, result.value.count) == (-1, 1)


@pytest.mark.parametrize("key", sorted(wire.MARKER_KEYS))
def test_data_that_looks_like_a_marker_is_escaped_and_comes_back_as_data(ctx: Context, key: str) -> None:
    data = [{key: 0}, {wire.ESCAPED + key: "x"}, {key: 1, "other": 2}, b"!"]
    text, _, markers = wire.encode(data, ctx)
    assert markers and json.loads(text)[0] == {wire.ESCAPED + key: 0}
    assert roundtrip(data, ctx) == data


@pytest.mark.parametrize("message", [
    '[{"__jsObjectId":0}]', '[{"__jsObjectId":true}]', '[{"__jsinteropBytes":0}]', '[{"__jsinteropNumber":"1"}]',
    '[{"__jsinteropBigInt":"1e3"}]', '[{"__jsinteropStream":[1]}]', '[{"__pyObjectId":-1}]',
    '[{"__jsinteropTooDeep":-2}]'])
def test_a_forged_marker_is_refused_with_a_clear_error(ctx: Context, message: str) -> None:
    key = next(iter(json.loads(message)[0]))
    with pytest.raises(DeserializationError, match=f"reserved key '{key}' with an invalid value"):
        wire.decode(message, [], True, ctx)


def test_marker_keys_match_the_javascript_table() -> None:
    """loader/wire.mjs's Marker table (the JS side of the format) has exactly these keys and names."""
    import re
    from pathlib import Path

    source = (Path(__file__).resolve().parents[2] / "loader" / "wire.mjs").read_text()
    table = re.search(r"export const Marker = Object\.freeze\(\{(.*?)\}\);", source, flags=re.S).group(1)
    declared = dict(re.findall(r'([A-Z_]+): "(__[A-Za-z]+)"', table))
    assert declared == {name: getattr(wire, name) for name in declared}
    assert set(declared.values()) == set(wire.MARKER_KEYS)
    assert re.search(r'export const ESCAPED = "([^"]+)";', source).group(1) == wire.ESCAPED
