"""The Python half of the benchmark page (/bench/): each case times our path and raw Pyodide doing the
same work, in the same page and run. The JS half (bench/bench-page.mjs) orchestrates, and times the cases
that start in JavaScript. ``busy`` and ``title_calls`` are the worker-mode cases' Python (bench/boot-page.mjs
calls them in a frame booted on the page's thread and in one booted in a worker).

Every timing loops until at least 50 ms have passed (performance.now() ticks every 0.1 ms without
cross-origin isolation) and returns milliseconds per operation.
"""

from __future__ import annotations

import array
import dataclasses
import json
import time
from collections.abc import Awaitable, Callable
from typing import Any

import js
from pyodide.ffi import create_proxy, to_js

from jsinterop import SynchronousCallUnavailableError, js_export, js_import, js_invokable, js_runtime, load_js_module
from jsinterop.components import Component, h
from jsinterop.components.browser import BrowserDom
from jsinterop.components.dom import CONTAINER_ID
from jsinterop.components.renderer import Renderer

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


def _time_each(setup: Callable[[], Any], operation: Callable[[], Any], teardown: Callable[[], Any]) -> float:
    """Milliseconds per ``operation`` alone (each is long enough to time by itself), between an
    untimed ``setup`` and ``teardown``; at least 3 runs and MIN_SECONDS of timed work."""
    setup(), operation(), teardown()  # warm-up
    total, count = 0.0, 0
    while count < 3 or total < MIN_SECONDS:
        setup()
        start = time.perf_counter()
        operation()
        total += time.perf_counter() - start
        teardown()
        count += 1
    return total * 1000 / count


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


@js_import("takeFloats", "bench.js")
def typed_take_floats(values: array.array) -> int: ...


@js_import("makeFloats", "bench.js")
def typed_make_floats(n: int) -> array.array: ...


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


@js_invokable
def busy(milliseconds: float) -> int:
    """Computes for ``milliseconds`` without yielding (the long-task case): the thread Python runs on
    is busy all that time. Returns the number of loop iterations."""
    deadline = time.perf_counter() + milliseconds / 1000
    iterations = 0
    while time.perf_counter() < deadline:
        sum(range(200))
        iterations += 1
    return iterations


@js_invokable
async def title_calls(min_seconds: float) -> dict[str, float | str | None]:
    """Microseconds per read of the page's ``document.title`` from Python: ``sync`` with
    ``get_value`` (in worker mode a round trip to the page that waits with Atomics; None, with the
    ``problem``, where it cannot wait), ``async`` with ``await get_value_async``."""
    global MIN_SECONDS
    MIN_SECONDS = min_seconds
    rt = js_runtime()
    try:
        sync: float | None = _time_sync(lambda: rt.get_value("document.title")) * 1000
        problem = None
    except SynchronousCallUnavailableError as e:
        sync, problem = None, str(e)
    asynchronous = await _time_async(lambda: rt.get_value_async("document.title")) * 1000
    return {"sync": sync, "async": asynchronous, "problem": problem}


class Row(Component):
    """One row, as in the js-framework-benchmark: id, a label with a click handler, a remove link.
    Its parameters are immutable values and a bound method, so the renderer skips it when none
    changed (Blazor's rule): a keyed update re-renders only the rows whose data changed."""

    row_id: int = 0
    label: str = ""
    selected: bool = False
    on_select: Callable[[int], None] | None = None

    def select(self) -> None:
        if self.on_select is not None:
            self.on_select(self.row_id)

    def render(self):
        return h.tr(h.td(str(self.row_id), class_="id"), h.td(h.a(self.label, on_click=self.select)),
                    h.td(h.a("×", class_="remove")), class_="danger" if self.selected else None)


class Table(Component):
    """A 1,000-row keyed table of Row components."""

    rows: list[tuple[int, str]] = []
    selected: int = -1

    def select(self, row_id: int) -> None:
        self.selected = row_id

    def render(self):
        return h.table(h.tbody([
            h.component(Row, key=row_id, row_id=row_id, label=label, selected=row_id == self.selected,
                        on_select=self.select)
            for row_id, label in self.rows
        ]))


def _rows(first_id: int, count: int = 1000, suffix: str = "") -> list[tuple[int, str]]:
    return [(i, f"row {i}{suffix}") for i in range(first_id, first_id + count)]


def _components_cases() -> dict[str, tuple[float, float]]:
    container = js.document.createElement("div")
    container.id = "bench-components"
    container.hidden = True
    js.document.body.append(container)
    dispatch = create_proxy(lambda *_args: None)
    patcher = js.Py._interop.createDomPatcher("#bench-components", dispatch)
    renderer = Renderer(BrowserDom(patcher))
    table: Table | None = None
    generation = [0]

    def mount() -> None:
        nonlocal table
        table = renderer.mount(Table, CONTAINER_ID, rows=_rows(0))  # type: ignore[assignment]

    def unmount() -> None:
        renderer.unmount()

    def show(rows: list[tuple[int, str]]) -> None:
        assert table is not None
        table.rows = rows
        table.state_has_changed()
        renderer.flush()

    def full_rerender() -> None:  # every row new (new keys): the whole table is rebuilt
        generation[0] += 1
        show(_rows(generation[0] * 1000))

    def keyed_update() -> None:  # 10 rows of 1,000 change their label
        generation[0] += 1
        rows = list(table.rows)  # type: ignore[union-attr]
        for index in range(0, 1000, 100):
            row_id, _ = rows[index]
            rows[index] = (row_id, f"row {row_id} v{generation[0]}")
        show(rows)

    handlers: list[Any] = []

    def raw_build() -> None:  # the same DOM by hand through Pyodide's FFI: one call per node
        document = js.document
        tbody = document.createElement("tbody")
        for row_id, label in _rows(0):
            tr = document.createElement("tr")
            td_id = document.createElement("td")
            td_id.className = "id"
            td_id.textContent = str(row_id)
            td_label = document.createElement("td")
            link = document.createElement("a")
            link.textContent = label
            handler = create_proxy(lambda _e=None, i=row_id: None)
            handlers.append(handler)
            link.addEventListener("click", handler)
            td_label.append(link)
            td_remove = document.createElement("td")
            remove = document.createElement("a")
            remove.className = "remove"
            remove.textContent = "×"
            td_remove.append(remove)
            tr.append(td_id, td_label, td_remove)
            tbody.append(tr)
        table_element = document.createElement("table")
        table_element.append(tbody)
        container.append(table_element)

    def raw_clear() -> None:
        container.replaceChildren()
        for handler in handlers:
            handler.destroy()
        handlers.clear()

    try:
        first_render = _time_each(lambda: None, mount, unmount)
        raw_first_render = _time_each(lambda: None, raw_build, raw_clear)
        mount()
        full = _time_each(lambda: None, full_rerender, lambda: None)
        keyed = _time_each(lambda: None, keyed_update, lambda: None)
        unmount()
    finally:
        patcher.close()
        dispatch.destroy()
        container.remove()
    return {
        "component-first-render": (first_render, full),
        "component-keyed-update": (keyed, full),
        "component-first-render-ffi": (first_render, raw_first_render),
    }


async def _python_cases() -> dict[str, tuple[float, float]]:
    module = await load_js_module("bench.js", "./bench.js")
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
    floats = array.array("d", range(1_000_000))

    def raw_make_floats() -> array.array:
        out = array.array("d", [0]) * 1_000_000
        module.makeFloats(1_000_000).assign_to(out)
        return out

    cases["floats-py-js"] = (_time_sync(lambda: typed_take_floats(floats)),
                             _time_sync(lambda: module.takeFloats(to_js(floats))))
    cases["floats-js-py"] = (_time_sync(lambda: typed_make_floats(1_000_000)), _time_sync(raw_make_floats))
    cases["records-to-js"] = (_time_sync(lambda: typed_take_records(RECORDS)),
                              _time_sync(lambda: module.takeRecords(js.JSON.parse(
                                  json.dumps([{"recordId": r.record_id, "displayName": r.display_name,
                                               "score": r.score, "tags": r.tags} for r in RECORDS])))))
    cases["records-from-js"] = (_time_sync(lambda: typed_make_records(10_000)),
                                _time_sync(lambda: [Record(d["recordId"], d["displayName"], d["score"], d["tags"])
                                                    for d in json.loads(js.JSON.stringify(js_records))]))
    cases.update(_components_cases())
    return cases


@js_export
async def python_cases(min_seconds: float) -> str:
    """The cases timed in Python, as JSON: {case: [ours_ms, raw_ms]}."""
    global MIN_SECONDS
    MIN_SECONDS = min_seconds
    return json.dumps(await _python_cases())
