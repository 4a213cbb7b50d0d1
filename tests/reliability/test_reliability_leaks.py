"""Long loops, 100,000 iterations each, in a real page: nothing that crosses the boundary may pile up.

Each loop creates and releases one kind of thing: JS object references (Python side), Python object
references created, called and disposed (JS side), callbacks under each lifetime rule (per call,
Once, Persistent), streams both ways, components mounted and unmounted. Afterwards every tracked
count is back at its baseline, Pyodide's proxy tables (PyProxies, JS references) are back where they
were, and the growth of the JS heap (``performance.memory`` after a forced GC, precise in our
Chromium) and of Python's traced memory (``tracemalloc``) stays under the bounds below.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from jsinterop.testing.browser import PageDriver

pytestmark = pytest.mark.browser

HERE = Path(__file__).parent
RUNTIME_TESTS = HERE.parent / "runtime"
N = 100_000

JS_HEAP_BOUND = 4 << 20
"""JS heap growth allowed across one loop (bytes): ~40 bytes per iteration, far below any per-iteration
object (a leaked reference, proxy or listener costs hundreds of bytes)."""
PY_HEAP_BOUND = 1 << 20
"""Python traced memory growth allowed across one loop (bytes): ~10 bytes per iteration."""

PRELUDE = f"""
import asyncio, gc, sys, pathlib, tracemalloc
from collections.abc import Callable
import js
from jsinterop import (js_runtime, js_import, import_module, JSObjectReference, PyStreamReference, Persistent,
                       Once, release_callback)
from jsinterop.components import Component, h, mount

folder = pathlib.Path("/home/pyodide/leaks"); folder.mkdir(exist_ok=True)
(folder / "invokables_fixture.py").write_text({(RUNTIME_TESTS / "invokables_fixture.py").read_text()!r})
sys.path.insert(0, str(folder))
import invokables_fixture

rt = js_runtime()
fx = await rt.import_module("./interop-fixtures.mjs")
await import_module("leaks.typed", "./typed-fixtures.mjs")
module_ = js.Py.pyodide._module
module_.enable_pyproxy_allocation_tracing()
tracemalloc.start()

@js_import("call", "leaks.typed")
def call(fn: Callable[[int, int], int], a: int, b: int) -> int: ...
@js_import("callTwice", "leaks.typed")
def call_twice(fn: Once[Callable[[int], int]]) -> list: ...
@js_import("addListener", "leaks.typed")
def add_listener(fn: Persistent[Callable[[int], int]]) -> int: ...
@js_import("removeListener", "leaks.typed")
def remove_listener(fn: Persistent[Callable[[int], int]]) -> int: ...


def levels():
    \"\"\"What must come back to where it was: tracked counts, Pyodide's proxy tables.\"\"\"
    gc.collect()
    return [rt.tracked_counts(), module_.pyproxy_alloc_map.size, module_._hiwire_num_refs()]


def heaps():
    \"\"\"[JS heap bytes after a forced GC, Python traced bytes after a collection].\"\"\"
    gc.collect()
    js.gc()
    return [js.performance.memory.usedJSHeapSize, tracemalloc.get_traced_memory()[0]]


async def settle():
    for _ in range(3):
        await asyncio.sleep(0.01)
"""


@pytest.fixture(scope="module")
def page(jsinterop_browsers, jsinterop_engine, jsinterop_site):
    url = jsinterop_site({"interop-fixtures.mjs": RUNTIME_TESTS / "interop_fixtures.mjs",
                          "typed-fixtures.mjs": RUNTIME_TESTS / "typed_fixtures.mjs"})
    driver = jsinterop_browsers.new_page(jsinterop_engine)
    assert driver.open(url).boot_state == "ready"
    driver.run_python(PRELUDE)
    assert driver.run("return performance.memory.usedJSHeapSize > 0 && typeof gc === 'function'")
    yield driver
    report = driver.report()
    driver.close()
    assert report.violations == [] and report.uncaught == [] and report.console_errors == [], report


def run_loop(page: PageDriver, python: str = "", javascript: str = "", chunks: int = 5) -> dict:
    """Run one loop (Python code, or a JS function body, with COUNT for its iteration count): once with
    COUNT=1000 to warm caches up, then N iterations in ``chunks`` runs, measured around them."""
    def run(count: int) -> None:
        if python:
            page.run_python(python.replace("COUNT", str(count)), timeout=110)
        else:
            page.run_async(javascript.replace("COUNT", str(count)), timeout=110)
        page.run_python("await settle()")

    run(1000)
    before = page.run_python("[levels(), heaps()]")
    for _ in range(chunks):
        run(N // chunks)
    after = page.run_python("[levels(), heaps()]")
    return {"levels": (before[0], after[0]), "js_heap": after[1][0] - before[1][0], "py_heap": after[1][1] - before[1][1]}


def check(result: dict) -> None:
    before, after = result["levels"]
    assert after == before, f"tracked counts or proxy tables changed: {before} -> {after}"
    assert result["js_heap"] < JS_HEAP_BOUND, f"JS heap grew {result['js_heap']} bytes"
    assert result["py_heap"] < PY_HEAP_BOUND, f"Python traced memory grew {result['py_heap']} bytes"


def test_js_object_references_created_and_disposed(page):
    check(run_loop(page, python="""
    total = 0
    for i in range(COUNT):
        with rt.invoke("Array.of", i, returns=JSObjectReference) as ref:
            total += ref.invoke("at", 0)
    assert total == sum(range(COUNT))
    """))


def test_python_object_references_created_called_and_disposed(page):
    check(run_loop(page, javascript="""
        let pongs = 0;
        for (let i = 0; i < COUNT; i++) {
            const helper = Py.invokeMethod("invokables_fixture", "make_helper", "h");
            if (helper.invokeMethod("ping") === "pong from h") pongs++;
            helper.dispose();
        }
        if (pongs !== COUNT) throw new Error(`only ${pongs} pongs`);
    """))


def test_callbacks_for_one_call(page):
    check(run_loop(page, python="""
    total = 0
    for i in range(COUNT):
        total += call(lambda a, b: a + b, i, 1)  # a proxy made for the call, released after it
    assert total == sum(range(COUNT)) + COUNT
    """))


def test_callbacks_called_once(page):
    check(run_loop(page, python="""
    for i in range(COUNT):
        first, second = call_twice(lambda x: x + i)  # released by its first call
        assert first == 1 + i and second.startswith("second call failed"), second
    """))


def test_persistent_callbacks_released(page):
    check(run_loop(page, python="""
    for i in range(COUNT):
        def listener(x: int) -> int:
            return x
        add_listener(listener)
        remove_listener(listener)
        assert release_callback(listener)
    """))


def test_streams_both_ways(page):
    check(run_loop(page, python="""
    total = 0
    for i in range(COUNT // 2):
        async with fx.invoke("streamOf", "bytes", 16) as ref:  # JavaScript -> Python
            total += len(await ref.open_read_stream().read())
        result = await fx.invoke_async("consumeArrayBuffer", PyStreamReference(b"abc"))  # Python -> JavaScript
        total += result["length"]
    assert total == COUNT // 2 * 19
    """, chunks=10))


def test_components_mounted_and_unmounted(page):
    check(run_loop(page, python="""
    class Child(Component):
        def on_initialized(self):
            self.clicks = 0
        def click(self):
            self.clicks += 1
        def render(self):
            return h.button(str(self.clicks), on_click=self.click)

    class Parent(Component):
        shown = False
        def render(self):
            return h.div(h.component(Child) if self.shown else h.p("(none)"))

    container = js.document.getElementById("leaks-root") or js.document.createElement("div")
    container.id = "leaks-root"
    js.document.body.append(container)
    parent = mount(Parent, "#leaks-root")
    for i in range(COUNT):
        parent.shown = not parent.shown  # the child is mounted, then unmounted (disposed)
        parent.state_has_changed()
        parent._renderer.flush()
    assert js.document.querySelectorAll("#leaks-root button").length == 0
    for i in range(COUNT // 100):
        mount(Parent, "#leaks-root")  # a new tree replaces the page's tree, releasing the old one
    """, chunks=10))
