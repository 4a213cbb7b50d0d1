"""The Python half of the benchmark page (/bench/): each case times our path and raw Pyodide doing the
same work, in the same page and run. The JS half (bench/bench.mjs) orchestrates, and times the cases
that start in JavaScript.

Every timing loops until at least 50 ms have passed (performance.now() ticks every 0.1 ms without
cross-origin isolation) and returns milliseconds per operation.
"""

from __future__ import annotations

import dataclasses
import json
import time
from collections.abc import Awaitable, Callable
from typing import Any

import js
from pyodide.ffi import to_js

from jsinterop import import_module, js_export, js_import, js_invokable, js_runtime

MIN_SECONDS = 0.05
"""Each timing runs at least this long; the page's quick mode (for the test suite) lowers it."""


def _time_sync(operation: Callable[[], Any]) -> float:
    operation()  # warm-up
    count, start = 0, time.perf_counter()
    while True:
        batch = max(1, count)  # double the work until the block is long enough to time
        for _ in range(batch):
            operation()
        count += batch
        elapsed = time.perf_counter() - start
        if elapsed >= MIN_SECONDS:
            return elapsed * 1000 / count


async def _time_async(operation: Callable[[], Awaitable[Any]]) -> float:
    await operation()  # warm-up
    count, start = 0, time.perf_counter()
    while True:
        batch = max(1, count)
        for _ in range(batch):
            await operation()
        count += batch
        elapsed = time.perf_counter() - start
        if elapsed >= MIN_SECONDS:
            return elapsed * 1000 / count


@dataclasses.dataclass
class Record:
    record_id: int
    display_name: str
    score: float
    tags: list[str]


RECORDS = [Record(i, f"name {i}", i / 3, ["a", "b"]) for i in range(10_000)]


@js_import("add", "bench.js")
def typed_add(a: int, b: int) -> int: ...


@js_import("takeBytes", "bench.js")
def typed_take_bytes(data: bytes) -> int: ...


@js_import("makeBytes", "bench.js")
def typed_make_bytes(n: int) -> bytes: ...


@js_import("takeRecords", "bench.js")
def typed_take_records(records: list[Record]) -> int: ...


@js_import("makeRecords", "bench.js")
def typed_make_records(n: int) -> list[Record]: ...


@js_export
def add(a: int, b: int) -> int:
    """Called from JavaScript by the export case."""
    return a + b


@js_invokable
async def add_async(a: int, b: int) -> int:
    """Awaited from JavaScript by the invokeMethodAsync case."""
    return a + b


async def _python_cases() -> dict[str, tuple[float, float]]:
    module = await import_module("bench.js", "./bench.js")
    rt = js_runtime()
    js.globalThis.benchAdd = module.add
    js.globalThis.benchAsync = module.addLater
    raw_add = module.add
    big = bytes(16 << 20)
    js_records = module.makeRecords(10_000)
    cases: dict[str, tuple[float, float]] = {}
    cases["py-js-sync-import"] = (_time_sync(lambda: typed_add(1, 2)), _time_sync(lambda: raw_add(1, 2)))
    cases["rt-invoke"] = (_time_sync(lambda: rt.invoke("benchAdd", 1, 2)), _time_sync(lambda: js.benchAdd(1, 2)))
    cases["invoke-async"] = (await _time_async(lambda: rt.invoke_async("benchAsync", 1)),
                             await _time_async(lambda: js.benchAsync(1)))
    cases["bytes-py-js"] = (_time_sync(lambda: typed_take_bytes(big)),
                            _time_sync(lambda: module.takeBytes(to_js(memoryview(big)))))
    cases["bytes-js-py"] = (_time_sync(lambda: typed_make_bytes(16 << 20)),
                            _time_sync(lambda: module.makeBytes(16 << 20).to_bytes()))
    cases["records-to-js"] = (_time_sync(lambda: typed_take_records(RECORDS)),
                              _time_sync(lambda: module.takeRecords(js.JSON.parse(
                                  json.dumps([{"recordId": r.record_id, "displayName": r.display_name,
                                               "score": r.score, "tags": r.tags} for r in RECORDS])))))
    cases["records-from-js"] = (_time_sync(lambda: typed_make_records(10_000)),
                                _time_sync(lambda: [Record(d["recordId"], d["displayName"], d["score"], d["tags"])
                                                    for d in json.loads(js.JSON.stringify(js_records))]))
    return cases


@js_export
async def python_cases(min_seconds: float) -> str:
    """The cases timed in Python, as JSON: {case: [ours_ms, raw_ms]}."""
    global MIN_SECONDS
    MIN_SECONDS = min_seconds
    return json.dumps(await _python_cases())
