"""Streams across the boundary in a real page: JS data read from Python in bounded chunks (a 50 MB
Blob), the max-size error, every JS source kind; Python data read by JavaScript as a ReadableStream
or an ArrayBuffer, from every Python source kind; nothing left tracked afterwards."""

from __future__ import annotations

import pytest


pytestmark = [pytest.mark.browser, pytest.mark.engines]

PRELUDE = """
import asyncio, io
from jsinterop import js_runtime, JSStreamReference, PyStreamReference, StreamTooLargeError, JSException
import js
rt = js_runtime()
fx = await rt.import_module("./interop-fixtures.mjs")
baseline = rt.tracked_counts()

def wasm_heap():
    return js.Py.pyodide._module.HEAP8.length
"""




def test_50_mb_blob_streams_through_in_bounded_memory(py):
    out = py("""
    heap_before = wasm_heap()
    ref = fx.invoke("bigBlob", 50)
    total = chunks = biggest = checksum = 0
    async with ref:
        async with ref.open_read_stream(max_allowed_size=60_000_000) as stream:
            async for chunk in stream:
                chunks += 1
                total += len(chunk)
                biggest = max(biggest, len(chunk))
                checksum = (checksum + chunk[-1]) % 1_000_003
    [type(ref).__name__, ref.length, total, chunks, biggest, checksum, wasm_heap() - heap_before]
    """)
    name, length, total, chunks, biggest, checksum, heap_growth = out
    assert (name, length, total) == ("JSStreamReference", 50 << 20, 50 << 20)
    assert biggest <= 1 << 20 and chunks >= 50
    assert checksum == (255 * 50) % 1_000_003  # every 1 MiB chunk ends with byte 255
    # The 50 MB never sat in wasm memory: the heap grew by far less than the data.
    assert heap_growth < 16 << 20, f"wasm heap grew by {heap_growth} bytes"


@pytest.mark.parametrize("kind", ["blob", "file", "buffer", "bytes", "readable"])
def test_every_js_source_reads_back_exactly(py, kind):
    assert py(f"""
    ref = fx.invoke("streamOf", "{kind}", 300_000)
    async with ref:
        stream = ref.open_read_stream()
        head = await stream.read(10)
        rest = await stream.read()
        await stream.close()
    [ref.length, head + rest == bytes(i % 256 for i in range(300_000))]
    """) == [None if kind == "readable" else 300_000, True]


def test_max_allowed_size_is_enforced(py):
    assert py("""
    out = []
    async with fx.invoke("streamOf", "blob", 2000) as known:
        try:
            known.open_read_stream(max_allowed_size=1000)
        except StreamTooLargeError as e:
            out.append(str(e))
    async with fx.invoke("streamOf", "readable", 2000) as unknown:
        stream = unknown.open_read_stream(max_allowed_size=1500)
        try:
            await stream.read()
        except StreamTooLargeError as e:
            out.append(str(e))
    out
    """) == [
        "The stream has length 2000 bytes, but the maximum allowed size is 1000 bytes: "
        "pass a larger max_allowed_size to open_read_stream().",
        "The stream sent more than the maximum allowed size of 1500 bytes (2000 received): "
        "pass a larger max_allowed_size to open_read_stream().",
    ]


def test_stream_reference_passed_back_is_the_original_data(py):
    assert py("""
    async with fx.invoke("streamOf", "blob", 10) as ref:
        same = fx.invoke("isOriginal", ref)
    same
    """) is True


def test_python_bytes_read_by_javascript(py):
    assert py("""
    data = bytes(range(256)) * 10_000                 # 2.56 MB
    [await fx.invoke_async("consumeArrayBuffer", PyStreamReference(data)),
     await fx.invoke_async("consumeStream", PyStreamReference(data))]
    """) == [{"length": 2_560_000, "sum": 326_400_000, "declared": 2_560_000},
             {"chunks": 3, "total": 2_560_000, "maxChunk": 1 << 20}]


def test_python_file_and_iterators_read_by_javascript(py):
    assert py("""
    async def agen():
        for i in range(5):
            await asyncio.sleep(0)
            yield bytes([i]) * 1000
    [await fx.invoke_async("consumeArrayBuffer", PyStreamReference(io.BytesIO(b"abc" * 1000))),
     await fx.invoke_async("consumeStream", PyStreamReference(agen())),
     await fx.invoke_async("consumeStream", PyStreamReference(iter([b"x" * (3 << 20)]))),
     await fx.invoke_async("consumeArrayBuffer", PyStreamReference([b"", b"a", b""]))]
    """) == [{"length": 3000, "sum": 294_000, "declared": None},
             {"chunks": 5, "total": 5000, "maxChunk": 1000},
             {"chunks": 3, "total": 3 << 20, "maxChunk": 1 << 20},
             {"length": 1, "sum": 97, "declared": None}]


def test_cancel_and_single_use_release_the_python_stream(py):
    assert py("""
    out = [await fx.invoke_async("cancelAfterOneChunk", PyStreamReference(b"z" * (3 << 20)))]
    await asyncio.sleep(0.05)
    ref = PyStreamReference(b"once")
    out.append(fx.invoke("readTwice", ref))
    ref.dispose()
    try:
        fx.invoke("consumeStream", ref)
    except ValueError as e:
        out.append(str(e))
    out
    """) == [1 << 20, "This Python stream has already been read; it can be read once.",
             "a PyStreamReference can be sent to JavaScript only once"]


def test_failing_python_source_errors_in_javascript(py):
    assert py("""
    def bad():
        yield b"ok"
        raise RuntimeError("disk on fire")
    try:
        await fx.invoke_async("consumeStream", PyStreamReference(bad()))
    except JSException as e:
        msg = e.message
    msg
    """) == "RuntimeError: disk on fire"
