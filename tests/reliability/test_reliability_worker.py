"""The reliability suite in worker mode: Python, Pyodide and the app run in a module worker
(``boot({worker: true})``), the page keeps its ``Py``, cross-origin isolated under the strict CSP.

The same payloads as on the main thread (hostile_calls.mjs, deep_data.mjs, their Python fixtures) go
through worker mode's entry paths: ``invokeMethodAsync``, lent objects, exports (Promises), Python in
the worker calling the page (asynchronously everywhere, synchronously where the engine has
SharedArrayBuffer). The synchronous forms from the page are refused with worker mode's error, and only
that. Then: nothing stays tracked on either side after loops of calls; a page going away disconnects
Python's runtime (its pending calls fail with JSDisconnectedException); the worker pages boot with no
CSP violation from a same-origin worker script; faults (JS throwing, Python raising, late results, a
corrupt asset at boot) leave the runtime working. Chromium runs the whole matrix, Firefox and WebKit a
representative part (no random calls, as on the main thread).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from jsinterop.testing.browser import PageDriver
from test_reliability_csp_pages import CLICK_EVERY_BUTTON
from test_reliability_deep_data import EXPECTED, LIMIT
from test_reliability_faults import ABANDONED_CALLS
from test_reliability_hostile_calls import KNOWN_MESSAGES, RANDOM_CALLS, check_summary, run_hostile_calls
from worker_site import WORKER_PAGES, build_site, load_modules, python, serving

pytestmark = [pytest.mark.browser, pytest.mark.engines, pytest.mark.reliability]

HERE = Path(__file__).parent
RUNTIME_TESTS = HERE.parent / "runtime"
FILES = {"hostile-calls.mjs": HERE / "hostile_calls.mjs", "deep-data.mjs": HERE / "deep_data.mjs",
         "interop-fixtures.mjs": RUNTIME_TESTS / "interop_fixtures.mjs"}

SYNC_REFUSED = r"Py\.invokeMethod\(\) cannot call Python synchronously in worker mode: .+"
"""The one error of a synchronous call from the page into Python in worker mode."""
NOT_SENDABLE = r"Cannot send the arguments of '[^']+' to Python in the worker: .+"
"""An export's argument structured clone cannot carry to the worker (a function, Symbol, Promise, element)."""
WORKER_MESSAGES = [*KNOWN_MESSAGES, SYNC_REFUSED, NOT_SENDABLE]
SYNC_ONLY = frozenset({
    r"The module '[^']*' does not contain a public invokable method with identifier '[^']*'\.",
    r"The type '[^']+' does not contain a public invokable method with identifier '[^']*'\.",
    r"The method '[^']+' is async \(async def\): call it with invokeMethodAsync\.",
    r"result\S*: nesting is deeper than the maximum depth of 9",
    r"result\S*: cannot send a value of type .+",
    r"'missing thing'",
    # the page has no Pyodide in worker mode: no PyProxy to send
    r"Cannot send the value( at key '[^']*')?: it is a Pyodide PyProxy, not data\. .+",
})
"""Shapes the matrix reaches only through synchronous forms (refused in worker mode) or a PyProxy."""
SYNC_FORMS = ("invokeMethod ", "helper.invokeMethod ", "disposed.invokeMethod ")
"""Call forms (prefixes of hostile_calls.mjs' names) that call Python synchronously."""


def syncs(engine: str) -> bool:
    """Whether Python in the worker can wait on the page: SharedArrayBuffer (not in WebKitGTK)."""
    return engine != "webkit"


@pytest.fixture(scope="module")
def worker_url(jsinterop_dist, tmp_path_factory):
    root = build_site(tmp_path_factory.mktemp("reliability-worker"), jsinterop_dist, FILES)
    with serving(root, jsinterop_dist) as url:
        yield url


def open_worker_page(browsers, engine: str, url: str) -> PageDriver:
    """worker.html booted, with the suite's Python fixtures imported in the worker."""
    driver = browsers.new_page(engine)
    assert driver.open(url + "worker.html").boot_state == "ready"
    assert driver.run("return [Py.worker, crossOriginIsolated];") == [True, True]
    load_modules(driver, "/home/pyodide/reliability", {
        "invokables_fixture": RUNTIME_TESTS / "invokables_fixture.py",
        "exports_fixture": RUNTIME_TESTS / "exports_fixture.py",
        "deep_data_fixture": HERE / "deep_data_fixture.py"})
    python(driver, """
    import asyncio
    from jsinterop import js_runtime
    rt = js_runtime()
    fx = await rt.import_module("./interop-fixtures.mjs")  # the JS fixtures, for every test of the page
    1
    """)
    return driver


@pytest.fixture(scope="module")
def page(jsinterop_browsers, jsinterop_engine, worker_url):
    driver = open_worker_page(jsinterop_browsers, jsinterop_engine, worker_url)
    yield driver
    report = driver.report()
    driver.close()
    assert report.violations == [] and report.uncaught == [] and report.console_errors == [], report


def counts(page: PageDriver) -> list:
    """[the page's tracked counts, Python's (in the worker)]: Python's first, which brings the page's count
    of lent objects up to date."""
    python_counts = page.run_async("return await Py.debug.pythonCounts();")["value"]
    return [page.run("return Py.debug.trackedCounts();"), python_counts]


# --- hostile calls ---------------------------------------------------------------------------------

def test_hostile_calls_end_in_clear_errors_or_correct_results(page, jsinterop_engine):
    random_calls = RANDOM_CALLS.get(jsinterop_engine, 0)
    baseline = counts(page)
    out = run_hostile_calls(page, random_calls)
    summary = out["summary"]
    check_summary(summary, random_calls, WORKER_MESSAGES, SYNC_ONLY)
    assert out["prototypesSame"] and out["polluted"] == [] and out["stillWorks"] == 5
    for form, seen in summary["byForm"].items():
        refused = [m for m in seen["messages"] if m.startswith("Py.invokeMethod() cannot call Python synchronously")]
        if form.startswith(SYNC_FORMS):
            # never reached Python: refused with worker mode's error (names that are not strings, before)
            assert seen["results"] == 0 and (bool(refused) or "non-string" in form), (form, seen)
        else:
            assert refused == [], (form, seen)
    page.run_async("await new Promise((resolve) => setTimeout(resolve, 100));")
    assert counts(page) == baseline


# --- deep data -------------------------------------------------------------------------------------

def worker_expected(path: str, depth: int, shape: str) -> str | None:
    """What worker mode answers a too-deep argument on ``path`` (None: judged as on the main thread)."""
    if path in ("invokeMethod", "lent invokeMethod"):
        return "SYNC"
    if path == "callback result":  # a JS function cannot be sent to the worker
        return "Cannot send the arguments of 'call_back' to Python in the worker"
    if path == "callback argument":  # nor a Python one to the page
        return "The result cannot be sent from Python in the worker to the page"
    if path == "stream pull":
        return None
    return EXPECTED[path].format(limit=LIMIT, n=32)


@pytest.mark.parametrize("depths", [[33, 5_000], [100_000]], ids=["33-and-5000", "100000"])
def test_too_deep_arguments_are_refused_on_every_entry_path(page, depths):
    baseline = counts(page)
    rows = page.run_async(f"""
        const {{ runDeepCalls }} = await import("./deep-data.mjs");
        return await runDeepCalls(Py, {json.dumps(depths)}, ["object", "array"]);
    """, timeout=300)["value"]
    assert len(rows) == 10 * 2 * len(depths)
    wrong = []
    for path, depth, shape, name, message, survived in rows:
        want = worker_expected(path, depth, shape)
        if not survived:
            wrong.append(f"{path} {depth} {shape}: Python did not keep working ({name}: {message})")
        elif want == "SYNC":
            if not message.startswith("Py.invokeMethod() cannot call Python synchronously in worker mode:"):
                wrong.append(f"{path} {depth} {shape}: {name}: {message}")
        elif want is None:  # an internal entry given junk ids: any clear Error
            if name in ("ok", "undefined") or not message:
                wrong.append(f"{path} {depth} {shape}: {name}: {message}")
        elif not message.startswith(want):
            wrong.append(f"{path} {depth} {shape}: {name}: {message[-300:]!r} != {want!r}")
    assert wrong == [], "\n".join(wrong)
    assert counts(page) == baseline


def test_the_limit_itself_is_accepted(page):
    rows = page.run_async("""
        const { runDeepCalls } = await import("./deep-data.mjs");
        return await runDeepCalls(Py, [32], ["object", "array"]);
    """)["value"]
    by_path = {(path, shape): (name, message) for path, _, shape, name, message, _ in rows}
    assert by_path[("lent invokeMethodAsync", "object")] == ("ok", "took")
    assert by_path[("export", "object")] == ("ok", "1")
    assert by_path[("export list", "array")] == ("ok", "1")
    assert LIMIT not in json.dumps(rows)


def check_deep_results(page: PageDriver, call: str) -> None:
    """``call`` (a deep_data_fixture function of Python in the worker) refuses the page's too-deep results."""
    page.run("""globalThis.makeDeep = (depth) => { let v = {}; for (let i = 1; i < depth; i++) v = { n: v }; return v; };""")
    for depth in (33, 5_000, 100_000):
        got = python(page, f"import deep_data_fixture\n{call}('makeDeep', {depth})")
        assert got == f"DeserializationError: result: {LIMIT} 32", (depth, got)
    assert python(page, f"import deep_data_fixture\n{call}('makeDeep', 32)") == "accepted"


def test_too_deep_results_of_async_page_calls_are_refused_in_the_worker(page):
    check_deep_results(page, "await deep_data_fixture.js_result_async")


@pytest.mark.engines("chromium", "firefox")  # WebKitGTK has no SharedArrayBuffer: no synchronous call
def test_too_deep_results_of_sync_page_calls_are_refused_in_the_worker(page):
    check_deep_results(page, "deep_data_fixture.js_result")


# --- leaks -----------------------------------------------------------------------------------------

N = 2_000
"""Iterations of each loop: each crosses between the threads by message, several times."""


def loop_levels(page: PageDriver, python_loop: str = "", javascript_loop: str = "") -> tuple[list, list]:
    """Counts (both sides) and the worker's Pyodide proxy tables before and after a loop (run once to warm up)."""
    python(page, """
    import gc, js
    from jsinterop import JSObjectReference, PyStreamReference
    def tables():
        gc.collect()
        module_ = js.Py.pyodide._module
        return [module_._hiwire_num_refs()]
    1
    """)

    def run(count: int) -> None:
        if python_loop:
            python(page, python_loop.replace("COUNT", str(count)), timeout=120)
        else:
            page.run_async(javascript_loop.replace("COUNT", str(count)), timeout=120)
        python(page, "for _ in range(3): await asyncio.sleep(0.01)\n1")

    run(50)
    before = [*counts(page), python(page, "tables()")]
    run(N)
    return before, [*counts(page), python(page, "tables()")]


def test_js_object_references_created_and_disposed_from_the_worker(page):
    before, after = loop_levels(page, python_loop="""
    total = 0
    for i in range(COUNT):
        ref = await rt.invoke_async("Array.of", i, returns=JSObjectReference)
        total += await ref.invoke_async("at", 0)
        await ref.dispose_async()
    assert total == sum(range(COUNT))
    1
    """)
    assert after == before


def test_python_object_references_created_called_and_disposed_from_the_page(page):
    before, after = loop_levels(page, javascript_loop="""
        let pongs = 0;
        for (let i = 0; i < COUNT; i++) {
            const helper = await Py.invokeMethodAsync("invokables_fixture", "make_helper", "h");
            if (await helper.invokeMethodAsync("ping") === "pong from h") pongs++;
            helper.dispose();
        }
        if (pongs !== COUNT) throw new Error(`only ${pongs} pongs`);
    """)
    assert after == before


def test_streams_both_ways_between_the_worker_and_the_page(page):
    before, after = loop_levels(page, python_loop="""
    total = 0
    for i in range(COUNT // 4):
        async with await fx.invoke_async("streamOf", "bytes", 16) as ref:  # page -> worker
            total += len(await ref.open_read_stream().read())
        result = await fx.invoke_async("consumeArrayBuffer", PyStreamReference(b"abc"))  # worker -> page
        total += result["length"]
    assert total == COUNT // 4 * 19, total
    1
    """)
    assert after == before


# --- faults ----------------------------------------------------------------------------------------

def test_js_throwing_and_rejecting_reaches_python_in_the_worker(page, jsinterop_engine):
    sync_names = ("throwsRangeError", "throwsString", "throwsUndefined", "throwsObject") if syncs(jsinterop_engine) else ()
    errors = python(page, f"""
    from jsinterop import JSException, js_runtime
    out = []
    for name in {sync_names!r}:
        try:
            fx.invoke(name)
        except JSException as e:
            out.append([name, e.js_name, e.message])
    for name in ("rejectsTypeError", "throwsString", "throwsUndefined", "throwsObject"):
        try:
            await fx.invoke_async(name)
        except JSException as e:
            out.append([name + " async", e.js_name, e.message])
    for reason in (None, "text", 7, {{"code": 7}}):
        try:
            await js_runtime().invoke_async("Promise.reject", reason)
        except JSException as e:
            out.append(["reject", "", e.message])
    out + [await fx.invoke_async("add", 1, 2)]
    """)
    *errors, still = errors
    assert still == 3 and len(errors) == len(sync_names) + 8, errors
    assert ["rejectsTypeError async", "TypeError", "async failure"] in errors
    if sync_names:
        assert ["throwsRangeError", "RangeError", "index out of range"] in errors
    assert all(message for *_, message in errors), errors  # a non-Error still has a readable message


def test_python_raising_reaches_the_page_as_errors_and_late_results_are_dropped(page):
    baseline = counts(page)
    python(page, """
    import asyncio
    from jsinterop import js_invokable

    class Unprintable(Exception):
        def __str__(self):
            raise RuntimeError("str() of this exception fails too")

    @js_invokable
    def raise_unprintable():
        raise Unprintable()

    @js_invokable
    async def raise_later(kind: str):
        await asyncio.sleep(0)
        raise {"value": ValueError, "key": KeyError, "unprintable": Unprintable}[kind]("late")
    1
    """)
    out = page.run_async("""
        const results = [];
        for (const call of [
            () => Py.invokeMethodAsync("__main__", "raise_unprintable"),
            () => Py.invokeMethodAsync("__main__", "raise_later", "value"),
            () => Py.invokeMethodAsync("__main__", "raise_later", "key"),
            () => Py.invokeMethodAsync("__main__", "raise_later", "unprintable"),
        ]) {
            try { await call(); results.push("no error"); } catch (e) { results.push([e instanceof Error, e.name, e.message]); }
        }
        return results;
    """)["value"]
    assert out[0][:2] == [True, "Unprintable"] and out[0][2]  # its str() failed: still a readable message
    assert out[1] == [True, "ValueError", "late"] and out[2] == [True, "KeyError", "'late'"]
    assert out[3][:2] == [True, "Unprintable"] and out[3][2]
    late = python(page, ABANDONED_CALLS)
    assert late == ["cancelled", "timed out", 5]
    assert counts(page) == baseline


@pytest.fixture(scope="module")
def corrupt_url(jsinterop_dist, tmp_path_factory):
    """The worker site with the stdlib zip corrupted (its hash no longer matches)."""
    root = tmp_path_factory.mktemp("reliability-worker-corrupt")
    build_site(root, jsinterop_dist, {})
    target = root / "python_stdlib.zip"
    data = bytearray(target.read_bytes())
    data[len(data) // 2: len(data) // 2 + 64] = b"\0" * 64
    target.unlink()
    target.write_bytes(bytes(data))
    with serving(root, jsinterop_dist) as url:
        yield url


def test_a_corrupt_asset_fails_the_worker_boot_with_a_readable_message(jsinterop_browsers, jsinterop_engine,
                                                                        corrupt_url):
    driver = jsinterop_browsers.new_page(jsinterop_engine)
    try:
        report = driver.open(corrupt_url + "worker.html")
        message = driver.text("boot-error-message")
        hidden = driver.run("return document.getElementById('boot-error')?.hidden;")
    finally:
        driver.close()
    assert report.boot_state == "failed" and report.violations == [], report
    assert hidden is False and message and "undefined" not in message and "[object" not in message, message
    assert "python_stdlib.zip" in message, message


# --- shutdown --------------------------------------------------------------------------------------

def test_page_going_away_disconnects_python_in_the_worker(jsinterop_browsers, jsinterop_engine, worker_url):
    driver = open_worker_page(jsinterop_browsers, jsinterop_engine, worker_url)
    try:
        python(driver, """
        import asyncio
        from jsinterop import js_invokable, JSDisconnectedException

        @js_invokable
        async def wait_forever():
            await asyncio.Event().wait()

        pending = asyncio.ensure_future(fx.invoke_async("never"))
        await asyncio.sleep(0)
        1
        """)
        # a call of the page into Python that has not answered yet
        driver.run("""globalThis.waiting = Py.invokeMethodAsync("__main__", "wait_forever").then(
            () => "answered", (e) => `${e.name}: ${e.message}`);""")
        # What the browser does when the page is really left (not kept in the back/forward cache).
        driver.run("dispatchEvent(new PageTransitionEvent('pagehide', { persisted: false }));")
        out = python(driver, """
        out = [rt.disconnected]
        try:
            await asyncio.wait_for(pending, 5)
        except JSDisconnectedException:
            out.append("pending call failed")
        try:
            await rt.invoke_async("Math.abs", 1)
        except JSDisconnectedException:
            out.append("later call failed")
        out
        """)
        assert out == [True, "pending call failed", "later call failed"]
        # the page's call into Python fails too, its channel shut down
        assert driver.run_async("return await globalThis.waiting;")["value"] == "Error: The Python runtime has been shut down."
        assert driver.run("return Py.debug.trackedCounts();") == {
            "jsObjects": 0, "pendingCalls": 0, "pendingPulls": 0, "pendingPyCalls": 0, "pyObjects": 0}
        report = driver.report()
    finally:
        driver.close()
    assert report.violations == [] and report.uncaught == [], report


# --- CSP -------------------------------------------------------------------------------------------

def no_inline_urls(urls: list[str]) -> list[str]:
    """The URLs of ``urls`` that are blob: or data: URLs (none may be: the policy allows neither)."""
    return [u for u in urls if u.startswith(("blob:", "data:"))]


@pytest.mark.parametrize("name", WORKER_PAGES)
def test_worker_pages_boot_under_the_policy_from_a_same_origin_worker(jsinterop_browsers, jsinterop_engine,
                                                                      worker_url, name):
    driver = jsinterop_browsers.new_page(jsinterop_engine)
    try:
        assert driver.open(worker_url + name).boot_state == "ready"
        assert driver.run("return Py.worker;") is True
        where = python(driver, """
        import js
        refused = None
        try:
            js.eval("1 + 1")  # the policy holds inside the worker too: no eval
        except Exception as e:
            refused = type(e).__name__ + ": " + str(e)
        [str(js.location.href), [str(e.name) for e in js.performance.getEntriesByType("resource")], refused]
        """)
        worker_href, worker_resources, refused = where
        page_resources = driver.run("return performance.getEntriesByType('resource').map((e) => e.name);")
        origin = driver.run("return location.origin;")
        if name == "worker.html":
            driver.run_async(CLICK_EVERY_BUTTON)
        else:
            templates = python(driver, "from jsinterop.components.routing import routes\n[r.template for r in routes()]")
            assert "/" in templates and len(templates) >= 5
            for template in templates:
                rendered = driver.run_async("""
                    history.pushState(null, "", new URL(arguments[0].replace(/^\\/+/, ""), document.baseURI));
                    dispatchEvent(new PopStateEvent("popstate"));
                    await new Promise((resolve) => setTimeout(resolve, 300));
                    return document.querySelector("main")?.textContent.trim().length ?? 0;
                """, template)["value"]
                assert rendered > 0, template
                driver.run_async(CLICK_EVERY_BUTTON)
        report = driver.report()
    finally:
        driver.close()
    assert worker_href == f"{origin}/worker.mjs", worker_href  # a same-origin file, not a blob: or data: URL
    assert no_inline_urls(page_resources + worker_resources) == []
    assert refused is not None and "EvalError" in refused, refused
    assert report.violations == [] and report.uncaught == [] and report.console_errors == [], report
