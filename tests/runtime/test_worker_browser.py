"""Worker mode in real pages of the built site, under the strict CSP, on every engine: the sample's
worker.html boots Python in a module worker (``<meta name="jsinterop-worker" content="true">``); the
page keeps its ``Py``; Python's calls reach the page's globalThis, asynchronously always and
synchronously (Atomics) where the page is cross-origin isolated and the engine gives SharedArrayBuffer
(Chromium and Firefox; WebKitGTK does not, and says so)."""

from __future__ import annotations

import json

import pytest

from worker_site import build_site, serving

pytestmark = [pytest.mark.browser, pytest.mark.engines]


@pytest.fixture(scope="module")
def site_root(jsinterop_dist, tmp_path_factory):
    return build_site(tmp_path_factory.mktemp("worker-site"), jsinterop_dist)


@pytest.fixture(scope="module")
def isolated_url(site_root, jsinterop_dist):
    with serving(site_root, jsinterop_dist) as url:
        yield url


@pytest.fixture(scope="module")
def page(jsinterop_browsers, jsinterop_engine, isolated_url):
    driver = jsinterop_browsers.new_page(jsinterop_engine)
    assert driver.open(isolated_url + "worker.html").boot_state == "ready"
    # the sample modules the tests call (their invokables and exports exist once they are imported)
    assert python(driver, "import app.call_python, app.interop, app.typed_demo; 1") == {"value": 1}
    yield driver
    report = driver.report()
    driver.close()
    assert report.violations == [] and report.uncaught == [], report


def python(driver, code: str):
    """Runs ``code`` in the worker (Py.runPythonAsync); {"value"}, or {"error", "name"} (the driver's own)."""
    return driver.run_async("return await Py.runPythonAsync(arguments[0]);", code)


def wait_for(driver, condition: str) -> None:
    """Polls the JS expression ``condition`` on the page until it is true (at most 30 s)."""
    got = driver.run_async(f"""const t0 = performance.now();
        while (!({condition})) {{
          if (performance.now() - t0 > 30000) return false;
          await new Promise((r) => setTimeout(r, 50));
        }}
        return true;""")
    assert got == {"value": True}, (condition, got)


def syncs(engine: str) -> bool:
    """Whether the worker can wait on an isolated page: SharedArrayBuffer (not in WebKitGTK 2.50)."""
    return engine != "webkit"


def test_python_runs_in_a_worker_and_the_page_keeps_its_py(page):
    assert page.run("return [Py.worker, typeof Py.invokeMethodAsync, crossOriginIsolated];") == [True, "function", True]
    facts = python(page, "import jsinterop; [jsinterop.is_worker(), jsinterop.is_browser()]")
    assert facts == {"value": [True, True]}
    error = page.run("try { Py.pyodide; return null; } catch (e) { return e.message; }")
    assert "worker mode" in error and "invokeMethodAsync" in error


def test_invoke_method_async_and_the_refused_synchronous_call(page):
    assert python(page, "import app.call_python; 1") == {"value": 1}
    assert page.run_async('return await Py.invokeMethodAsync("app.call_python", "return_array");') == {"value": [11, 12, 13]}
    error = page.run('try { Py.invokeMethod("app.call_python", "return_array"); return null; } catch (e) { return e.message; }')
    assert error.startswith("Py.invokeMethod() cannot call Python synchronously in worker mode") and "deadlock" in error


def test_exports_return_promises(page):
    code = "import app.typed_demo, app.interop; 1"
    assert python(page, code) == {"value": 1}
    got = page.run_async("""const ex = await Py.getPythonExports("app.typed_demo");
        const sum = ex.app.typed_demo.add(40, 2);
        return [sum instanceof Promise, await sum];""")
    assert got == {"value": [True, 42]}


def test_synchronous_calls_reach_the_page(page, jsinterop_engine):
    code = """
from jsinterop import JSObjectReference, SynchronousCallUnavailableError, js_runtime
rt = js_runtime()
try:
    title = rt.get_value("document.title")
    element = rt.invoke("document.getElementById", "ticks", returns=JSObjectReference)
    element.set_value("textContent", "written by the worker")
    element.dispose()
    answer = title
except SynchronousCallUnavailableError as e:
    answer = "unavailable: " + str(e)
answer
"""
    answer = python(page, code)["value"]
    if syncs(jsinterop_engine):
        assert answer == "Python in a worker · jsinterop sample"
        assert page.text("ticks") == "written by the worker"
    else:
        assert answer.startswith("unavailable: SynchronousCallUnavailableError: A synchronous call from Python in the "
                                 "worker to the page "
                                 "('document.title') waits with SharedArrayBuffer")
        assert "does not provide even though the page is cross-origin isolated" in answer


def test_a_blocking_call_is_awaited_by_the_page(page, jsinterop_engine):
    page.run("globalThis.later = (x) => new Promise((resolve) => setTimeout(() => resolve(x * 2), 20));")
    code = """
import jsinterop
from jsinterop import js_import, Blocking

@js_import("globalThis.later")
def later(x: int) -> Blocking[int]: ...

try:
    answer = [jsinterop.js_runtime().invoke("later", 4, blocking=True), later(5), jsinterop.can_run_sync(),
              jsinterop.can_run_sync(local=True)]
except Exception as e:
    answer = type(e).__name__ + ": " + str(e)
answer
"""
    answer = python(page, code)["value"]
    if syncs(jsinterop_engine):
        # Atomics lets the worker wait for the page; a Promise of the worker itself still needs JSPI.
        assert answer == [8, 10, True, jsinterop_engine != "webkit"]
    else:
        assert answer.startswith("RuntimeError: Waiting synchronously for 'later'") and "worker mode" in answer


def test_a_typed_import_is_called_on_the_page(page, jsinterop_engine):
    code = """
from jsinterop import js_import, SynchronousCallUnavailableError

@js_import("globalThis.Math.max")
def biggest(a: float, b: float) -> float: ...

try:
    answer = biggest(2.5, 7)
except SynchronousCallUnavailableError:
    answer = "unavailable"
answer
"""
    assert python(page, code) == {"value": 7.0 if syncs(jsinterop_engine) else "unavailable"}


@pytest.mark.engines("chromium", "firefox")  # WebKitGTK has no SharedArrayBuffer: no call blocks, none deadlocks
def test_a_call_into_python_while_it_blocks_is_a_deadlock_error(page, jsinterop_engine):
    page.run("""globalThis.askPython = () => Py.invokeMethodAsync("app.call_python", "return_array");""")
    code = """
from jsinterop import JSException, js_runtime
try:
    js_runtime().invoke("askPython", blocking=True)
    answer = "no error"
except JSException as e:
    answer = str(e)
answer
"""
    answer = python(page, code)["value"]
    assert answer.startswith("JSInteropDeadlockError: Python in the worker is blocked in a synchronous call to "
                             "'askPython'"), answer
    # and the runtime keeps working
    assert page.run_async('return await Py.invokeMethodAsync("app.call_python", "return_array");') == {"value": [11, 12, 13]}


def test_hostile_and_deep_payloads_through_the_worker(page, jsinterop_engine):
    assert python(page, "import app.interop; 1") == {"value": 1}
    deep = page.run_async("""let v = 1; for (let i = 0; i < 5000; i++) v = [v];
        try { await Py.invokeMethodAsync("app.interop", "double", v); return "no error"; }
        catch (e) { return e.message; }""")["value"]
    assert "maximum depth of 32" in deep or "nesting" in deep, deep
    code = """
import json
from jsinterop import DeserializationError, SynchronousCallUnavailableError, js_runtime
try:
    js_runtime().invoke("JSON.parse", "[" * 5000 + "]" * 5000)
    answer = "no error"
except DeserializationError as e:
    answer = "refused: " + str(e)
except SynchronousCallUnavailableError:
    answer = "unavailable"
answer
"""
    answer = python(page, code)["value"]
    if syncs(jsinterop_engine):
        assert answer.startswith("refused: ") and "depth" in answer, answer
    assert page.run_async('return await Py.invokeMethodAsync("app.call_python", "return_array");') == {"value": [11, 12, 13]}


def test_a_long_computation_leaves_the_page_responsive(page, jsinterop_engine):
    # 2 s of Python in the worker: the page's thread stays free (a timer keeps firing) and, where the
    # worker can wait on the page, it writes its progress into the page every 100 ms.
    got = page.run_async("""
        let beats = 0;
        const timer = setInterval(() => beats++, 50);
        const t0 = performance.now();
        document.getElementById("run").click();
        while (!/^(done|Synchronous)/.test(document.getElementById("result").textContent)) {
          await new Promise((r) => setTimeout(r, 50));
          if (performance.now() - t0 > 60000) break;
        }
        clearInterval(timer);
        return [beats, document.getElementById("result").textContent, document.getElementById("ticks").textContent];
    """)["value"]
    beats, result, ticks = got
    assert beats >= 20, got  # ~40 expected: the page's timer ran while Python computed
    if syncs(jsinterop_engine):
        assert result.startswith("done: ") and ticks.endswith("iterations"), got
        assert int(result.split()[1]) >= 10, got  # about one update every 100 ms
    else:
        assert result.startswith("SynchronousCallUnavailableError"), got


def test_nothing_leaks_after_calls(page):
    before = page.run("return Py.debug.trackedCounts();")
    for _ in range(3):
        page.run_async('return await Py.invokeMethodAsync("app.call_python", "return_array");')
    after = page.run("return Py.debug.trackedCounts();")
    assert after == before
    counts = page.run_async("return await Py.debug.pythonCounts();")["value"]
    assert counts["pythonPendingCalls"] == 0 and counts["pendingPyCalls"] == 0


def test_components_render_and_route_in_a_worker(jsinterop_browsers, jsinterop_engine, isolated_url):
    driver = jsinterop_browsers.new_page(jsinterop_engine)
    try:
        assert driver.open(isolated_url + "worker-app.html").boot_state == "ready"
        assert driver.run("return Py.worker;") is True
        wait_for(driver, "document.querySelector('nav a[href=\"counter\"]') !== null")
        driver.run("document.querySelector('nav a[href=\"counter\"]').click();")
        wait_for(driver, "location.pathname.endsWith('/counter') && document.querySelector('#app main button') !== null")
        driver.run("window.__sameDocument = true;")  # survives only if no page load happens
        before = driver.run("return document.querySelector('#app main').textContent;")
        driver.run("document.querySelector('#app main button').click();")
        wait_for(driver, f"document.querySelector('#app main').textContent !== {json.dumps(before)}")
        # An ElementReference reaches JavaScript as the element; JavaScript calls back into Python.
        driver.run("document.querySelector('nav a[href=\"dom-cleanup\"]').click();")
        wait_for(driver, "document.getElementById('cleanupDiv')?.textContent === 'Watched by a MutationObserver.'")
        driver.run("document.getElementById('toggle').click();")
        wait_for(driver, "document.getElementById('cleanup-log')?.textContent.startsWith('Cleanup ran')")
        assert driver.run("return [location.pathname, window.__sameDocument === true];") == ["/dom-cleanup", True]
        report = driver.report()
    finally:
        driver.close()
    assert report.violations == [] and report.uncaught == [], report


def test_without_isolation_async_works_and_sync_names_the_headers(jsinterop_browsers, jsinterop_engine, site_root,
                                                                  jsinterop_dist):
    with serving(site_root, jsinterop_dist, isolated=False) as url:
        driver = jsinterop_browsers.new_page(jsinterop_engine)
        try:
            assert driver.open(url + "worker.html").boot_state == "ready"
            assert driver.run("return crossOriginIsolated;") is False
            assert python(driver, "import app.call_python; 1") == {"value": 1}
            assert driver.run_async('return await Py.invokeMethodAsync("app.call_python", "return_array");') == {
                "value": [11, 12, 13]}
            code = """
from jsinterop import SynchronousCallUnavailableError, js_runtime
import asyncio
try:
    js_runtime().get_value("document.title")
    answer = "no error"
except SynchronousCallUnavailableError as e:
    answer = str(e)
[answer, await js_runtime().get_value_async("document.title")]
"""
            answer, title = python(driver, code)["value"]
            report = driver.report()
        finally:
            driver.close()
    assert "Cross-Origin-Opener-Policy: same-origin" in answer and "Cross-Origin-Embedder-Policy: require-corp" in answer
    assert title == "Python in a worker · jsinterop sample"
    assert report.violations == [] and report.uncaught == [], report
    assert json.dumps(answer)  # a plain string crossed


def test_a_main_thread_app_offloads_to_a_python_worker(jsinterop_browsers, jsinterop_engine, isolated_url):
    # The .NET web-worker template's case: main-thread Python starts a named Python worker, awaits its
    # invokables, and disposes it; a pending call then fails with JSDisconnectedException.
    driver = jsinterop_browsers.new_page(jsinterop_engine)
    try:
        assert driver.open(isolated_url + "call-python.html").boot_state == "ready"
        assert driver.run("return Py.worker;") is False
        code = """
import asyncio
from jsinterop import JSDisconnectedException, js_runtime
from jsinterop.workers import start_worker
before = js_runtime().tracked_counts()["jsObjects"]
worker = await start_worker("app.heavy")
answer = [await worker.invoke_async("crunch", 1000), await worker.invoke_async("where")]
try:  # a timeout (or cancelling the awaiting task) abandons the call; the worker keeps serving
    await worker.invoke_async("busy", 1500, timeout=0.1)
    answer.append("no timeout")
except TimeoutError:
    answer.append("timed out")
answer.append(await worker.invoke_async("crunch", 10))
pending = asyncio.ensure_future(worker.invoke_async("busy", 5000))
await asyncio.sleep(0.2)
worker.dispose()
try:
    await pending
    answer.append("no error")
except JSDisconnectedException as e:
    answer.append("disconnected: " + str(e))
try:
    await worker.invoke_async("crunch", 10)
except JSDisconnectedException as e:
    answer.append("later: " + str(e))
answer.append(js_runtime().tracked_counts()["jsObjects"] - before)  # the worker's reference was released
answer
"""
        crunch, in_worker, timed_out, after_timeout, pending, later, js_objects = driver.run_python(code)
        from_js = driver.run_async("""const w = await Py.startWorker("app.heavy");
            const r = await w.invokeMethodAsync("crunch", 10);
            w.dispose();
            let after = null;
            try { await w.invokeMethodAsync("crunch", 10); } catch (e) { after = e.name; }
            return [r, w.disposed, after];""")
        report = driver.report()
    finally:
        driver.close()
    assert (crunch, in_worker) == (sum(i * i for i in range(1000)), True)
    assert (timed_out, after_timeout) == ("timed out", 285)
    assert pending.startswith("disconnected: The Python worker is gone (terminated)"), pending
    assert later.startswith("later: The Python worker 'app.heavy' was disposed"), later
    assert from_js == {"value": [285, True, "JSDisconnectedException"]}
    assert report.violations == [] and report.uncaught == [], report
    assert js_objects == 0


def test_streams_both_ways_through_the_worker(page):
    code = """
from jsinterop import PyStreamReference, js_runtime
rt = js_runtime()
blob = await rt.invoke_async("makeBlob", 300_000)
async with blob:
    data = await (blob.open_read_stream()).read()
read_by_js = await rt.invoke_async("readPyStream", PyStreamReference(bytes(range(256)) * 4000))
[len(data), data == bytes(i % 256 for i in range(300_000)), read_by_js]
"""
    page.run("""globalThis.makeBlob = (n) => Py.createJSStreamReference(
            new Blob([Uint8Array.from({ length: n }, (_, i) => i % 256)]));
        globalThis.readPyStream = async (stream) => {
            const bytes = new Uint8Array(await stream.arrayBuffer());
            let sum = 0; for (const b of bytes) sum += b;
            return [bytes.length, sum];
        };""")
    assert python(page, code) == {"value": [300_000, True, [1_024_000, 130_560_000]]}
    counts = page.run_async("return await Py.debug.pythonCounts();")["value"]
    assert (counts["pyStreams"], counts["pendingPulls"]) == (0, 0), counts


def test_a_crashed_worker_fails_its_pending_calls(jsinterop_browsers, jsinterop_engine, isolated_url):
    # Pyodide failing fatally (a wasm trap) in the worker: the page's pending and later calls fail with
    # JSDisconnectedException instead of waiting forever, and what the page lent to Python is released.
    driver = jsinterop_browsers.new_page(jsinterop_engine)
    try:
        assert driver.open(isolated_url + "worker.html").boot_state == "ready"
        waits = ("import asyncio\nfrom jsinterop import js_invokable\n@js_invokable\nasync def wait_long():\n"
                 "    await asyncio.sleep(60)\n1")
        assert python(driver, waits) == {"value": 1}
        got = driver.run_async("""
            const lent = Py.debug.trackedCounts().jsObjects;
            const pending = Py.invokeMethodAsync("__main__", "wait_long").then(() => "no error", (e) => e.name);
            const crash = Py.runPythonAsync("import ctypes; ctypes.string_at(0xFFFFFFF0, 100)")
              .then(() => "no error", (e) => e.name);
            const results = await Promise.all([crash, pending]);
            const later = await Py.invokeMethodAsync("app.call_python", "return_array").then(() => "no error", (e) => e.message);
            return [...results, later, lent, Py.debug.trackedCounts().jsObjects];""")["value"]
        report = driver.report()
    finally:
        driver.close()
    crash, pending, later, lent, left = got
    assert (crash, pending) == ("JSDisconnectedException", "JSDisconnectedException"), got
    assert later.startswith("The Python worker is gone (it crashed: Pyodide failed fatally"), got
    assert lent >= 1 and left == 0, got
    assert report.violations == [] and report.uncaught == [], report


def test_the_app_configuration_makes_worker_mode_the_default(jsinterop_browsers, jsinterop_engine, jsinterop_site,
                                                             jsinterop_dist):
    # [tool.jsinterop] worker = true is recorded in layout.mjs (WORKER); boot() without a worker option
    # follows it: the sample's home page, unchanged, then boots in a worker.
    layout = (jsinterop_dist / "layout.mjs").read_text()
    assert "export const WORKER = false;" in layout
    url = jsinterop_site({"layout.mjs": layout.replace("export const WORKER = false;", "export const WORKER = true;")})
    driver = jsinterop_browsers.new_page(jsinterop_engine)
    try:
        assert driver.open(url).boot_state == "ready"
        got = driver.run_async("return [Py.worker, await Py.runPythonAsync('import jsinterop; jsinterop.is_worker()')];")
        report = driver.report()
    finally:
        driver.close()
    assert got == {"value": [True, True]}
    assert report.violations == [] and report.uncaught == [], report
