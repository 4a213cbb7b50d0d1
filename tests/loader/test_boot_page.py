"""The sample site in headless Chromium, served by the dev server under the strict CSP.

Boot progress, the error paths (a missing wasm file, a failing main(), an unknown app, bad options),
a sub-path deployment and a Web Worker boot, each on a real page.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.engines]

STAGE_LABELS = ["Downloading Python", "Starting Python", "Installing packages", "Starting the app", "Ready"]


def wait_for_path(page, path, timeout=30):
    """Wait until the window shows the document at ``path`` (a navigation a click started has committed)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if page.run("return location.pathname") == path:
                return
        except Exception:  # noqa: BLE001 (the old document went away mid-script)
            pass
        time.sleep(0.05)
    raise AssertionError(f"the page did not navigate to {path} in {timeout} s")


def assert_clean(report):
    assert report.violations == [], "Content-Security-Policy violations"
    assert report.console_errors == []
    assert report.uncaught == []
    assert report.browser_errors == []


@pytest.fixture(scope="module")
def booted(jsinterop_browsers, jsinterop_engine, jsinterop_server):
    """The sample page, booted once for the read-only checks of this module."""
    page = jsinterop_browsers.new_page(jsinterop_engine)
    report = page.open(jsinterop_server)
    yield page, report
    page.close()


def test_sample_page_boots_clean(booted):
    page, report = booted
    assert report.boot_state == "ready"
    assert_clean(report)
    assert page.text("is-browser") == "True"
    assert page.text("host") == "browser-main"
    assert page.run("return document.getElementById('demo').hidden") is False


def test_progress_reports_every_stage_in_order(booted):
    page, report = booted
    fractions = [f for f, _ in report.progress]
    assert fractions == sorted(fractions), "progress never goes back"
    assert fractions[0] == 0 and report.progress[-1] == (1.0, "Ready")
    labels = list(dict.fromkeys(label for _, label in report.progress))
    assert labels == STAGE_LABELS
    downloads = [f for f, label in report.progress if label == "Downloading Python"]
    assert any(0 < f < 0.7 for f in downloads), "the download stage reports byte progress, not just start and end"
    # The page's progress bar shows it.
    assert page.run("return document.getElementById('boot-progress').value") == 1
    assert page.text("boot-label") == "Ready… 100%"


def test_runtime_object_is_global_py(booted):
    page, _ = booted
    out = page.run_async("""
        const rt = globalThis.Py;
        const version = rt.pyodide.runPython("import sys; sys.version.split()[0]");
        return { app: rt.app, baseURL: rt.baseURL, version, isBrowser: rt.pyodide.runPython(
            "import jsinterop; jsinterop.is_browser()") };
    """)
    value = out["value"]
    assert value["app"] == "app"
    assert value["version"].startswith("3.14")
    assert value["isBrowser"] is True
    assert value["baseURL"].endswith("/")


def test_readme_example_js_calls_python(booted):
    page, _ = booted
    out = page.run_async("""
        const greet = Py.pyodide.pyimport("app.greet");
        try { return greet("Ada"); } finally { greet.destroy(); }
    """)
    assert out == {"value": "Hello, Ada, from Python 3.14!"}


def test_js_calls_python_through_a_dom_event(booted):
    page, _ = booted
    page.run("const name = document.getElementById('name'); name.value = 'Grace';"
             "name.dispatchEvent(new Event('input')); document.getElementById('greet').click();")
    page.run_async("await new Promise((r) => setTimeout(r, 30));")
    assert page.text("greeting") == "Hello, Grace, from Python 3.14!"


def test_boot_rejects_bad_options_with_a_clear_error(booted):
    page, _ = booted
    out = page.run_async("""
        const { boot } = await import(new URL("./jsinterop.mjs", document.baseURI));
        await boot({ app: "not a module" });
    """)
    assert out["name"] == "BootError"
    assert out["error"] == ('boot(): options.app must be a Python module name like "app" or "app.main", '
                            'got "not a module".')


@pytest.mark.reliability
@pytest.mark.engines("chromium")  # a Python-side message, the same on every engine (time)
def test_unknown_app_module_names_the_python_exception(jsinterop_page, jsinterop_server):
    jsinterop_page.open(jsinterop_server)
    out = jsinterop_page.run_async("""
        const { boot } = await import(new URL("./jsinterop.mjs", document.baseURI));
        await boot({ app: "no_such_app_xyz" });
    """)
    assert out["name"] == "BootError"
    assert out["error"].startswith(
        "Importing the app module 'no_such_app_xyz' failed: ModuleNotFoundError: No module named 'no_such_app_xyz'")


@pytest.mark.reliability
def test_failing_main_shows_the_python_error(jsinterop_page, jsinterop_server):
    report = jsinterop_page.open(jsinterop_server + "boot-error.html")
    assert report.boot_state == "failed"
    assert report.violations == [] and report.uncaught == []
    message = jsinterop_page.text("boot-error-message")
    assert message == "The app's main() in 'app.broken' raised RuntimeError: this demo app fails on purpose"
    assert jsinterop_page.run("return document.getElementById('boot-error').hidden") is False
    traceback = jsinterop_page.text("boot-error-traceback")
    assert "Traceback (most recent call last)" in traceback and 'broken.py", line' in traceback
    assert report.console_errors and "BootError" in report.console_errors[0]


@pytest.fixture(scope="module")
def dist_without_wasm(jsinterop_dist, tmp_path_factory):
    broken = tmp_path_factory.mktemp("dist-without-wasm")
    for path in jsinterop_dist.rglob("*"):
        if path.is_file() and path.name != "pyodide.asm.wasm":
            target = broken / path.relative_to(jsinterop_dist)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.symlink(path, target)
    return broken


@pytest.mark.reliability
def test_missing_wasm_shows_the_failing_url(jsinterop_page, jsinterop_serve, jsinterop_dist, dist_without_wasm):
    url = jsinterop_serve(dist_without_wasm, extra_roots=[jsinterop_dist])
    report = jsinterop_page.open(url)
    assert report.boot_state == "failed"
    assert report.violations == []
    message = jsinterop_page.text("boot-error-message")
    assert message == f"Failed to load {url}pyodide.asm.wasm: HTTP 404 Not Found"
    assert jsinterop_page.run("return document.getElementById('boot-error').hidden") is False
    assert jsinterop_page.run("return document.getElementById('boot-error-details').hidden") is True


@pytest.mark.engines("chromium")  # URL resolution, the same on every engine (time)
@pytest.mark.parametrize(("path", "element", "text"), [
    ("", "is-browser", "True"), ("index.html", "is-browser", "True"), ("counter", "count", "Current count: 0"),
    ("deep/client/route", "app", "Not foundThere is nothing at /deep/client/route.Home"),
])
def test_sub_path_deployment(jsinterop_page, jsinterop_serve, jsinterop_dist, path, element, text):
    url = jsinterop_serve(jsinterop_dist, base_path="/some/prefix/")
    assert url.endswith("/some/prefix/")
    report = jsinterop_page.open(url + path)
    assert report.boot_state == "ready"
    assert_clean(report)
    assert jsinterop_page.run("return globalThis.Py.baseURL") == url
    assert jsinterop_page.text(element).endswith(text)


def test_boot_in_a_web_worker(jsinterop_page, jsinterop_site):
    url = jsinterop_site({"env-worker.mjs": Path(__file__).with_name("env_worker.mjs")})
    jsinterop_page.open(url)
    out = jsinterop_page.run_async("""
        const worker = new Worker(new URL("./env-worker.mjs", document.baseURI), { type: "module" });
        try {
            return await new Promise((resolve, reject) => {
                worker.onmessage = (e) => resolve(e.data);
                worker.onerror = (e) => reject(new Error(e.message));
            });
        } finally {
            worker.terminate();
        }
    """, timeout=90)
    assert out == {"value": {"ok": True, "isBrowser": True, "isWorker": True, "isNode": False,
                             "host": "browser-worker", "progressEnd": [1, "Ready"]}}
    assert_clean(jsinterop_page.report())


def test_alert_user_sample(jsinterop_page, jsinterop_server):
    report = jsinterop_page.open(jsinterop_server + "alert-user")
    assert report.boot_state == "ready"
    assert_clean(report)
    jsinterop_page.run_async("await new Promise((r) => setTimeout(r, 50));")  # the module's handlers attach
    jsinterop_page.run("setTimeout(() => document.getElementById('btn').click());")  # alert() blocks a script
    assert jsinterop_page.accept_dialog() == "The button was selected!"
    counts = jsinterop_page.run("return Py.debug.trackedCounts();")
    assert counts == {"jsObjects": 1, "pendingCalls": 0, "pendingPulls": 0, "pendingPyCalls": 0,
                      "pyObjects": 0}  # the module, for the page's life


def test_call_python_sample(jsinterop_page, jsinterop_server):
    report = jsinterop_page.open(jsinterop_server + "call-python.html")
    assert report.boot_state == "ready"
    assert_clean(report)
    jsinterop_page.run("document.getElementById('return-array').click();"
                       "document.getElementById('say-hello').click();")
    jsinterop_page.run_async("await new Promise((r) => setTimeout(r, 50));")
    assert jsinterop_page.text("array-result") == "11, 12, 13"
    assert jsinterop_page.text("hello-result") == "Hello, Tiny Tim!"
    assert jsinterop_page.run("return Py.debug.trackedCounts().pyObjects;") == 1
    jsinterop_page.run("dispatchEvent(new PageTransitionEvent('pagehide', { persisted: true }));")
    assert jsinterop_page.run("return Py.debug.trackedCounts().pyObjects;") == 0
    assert_clean(jsinterop_page.report())


def test_typed_interop_sample(jsinterop_page, jsinterop_server):
    report = jsinterop_page.open(jsinterop_server + "typed-interop.html")
    assert report.boot_state == "ready"
    assert_clean(report)
    headless = jsinterop_page.run("return navigator.userAgent.includes('Headless')")  # Chromium's says so
    assert jsinterop_page.text("greeting") == \
        f"Hello, World! Greetings from JavaScript in {'a headless' if headless else 'a'} browser"
    assert jsinterop_page.text("sum") == "42"


def test_counter_component_sample(jsinterop_page, jsinterop_server):
    page = jsinterop_page
    report = page.open(jsinterop_server + "counter")
    assert report.boot_state == "ready"
    assert_clean(report)
    settle = "await new Promise((r) => setTimeout(r, 30));"
    page.run("document.getElementById('increment').click(); document.getElementById('increment').click();")
    page.run_async(settle)
    assert page.text("count") == "Current count: 2"
    # Type into the input: it keeps focus and its value across the re-renders each keystroke causes.
    page.fill("#draft", "milk")
    page.run_async(settle)
    assert page.run("return document.activeElement.id") == "draft"
    assert page.run("return document.getElementById('draft').value") == "milk"
    page.run("document.getElementById('add').click();")
    page.run_async(settle)
    for text in ("eggs", "tea"):
        page.fill("#draft", text)
        page.run("document.getElementById('add').click();")
        page.run_async(settle)
    assert page.run("return [...document.querySelectorAll('#items li')].map((li) => li.firstChild.data)") == \
        ["milk", "eggs", "tea"]
    page.run("document.querySelectorAll('#items li')[2].firstTea = true;")
    listeners_before = page.run("return Py._interop.main.patcher.counts().listeners")
    page.run("document.querySelectorAll('#items .remove')[1].click();")  # remove "eggs"
    page.run_async(settle)
    assert page.run("return [...document.querySelectorAll('#items li')].map((li) => li.firstChild.data)") == \
        ["milk", "tea"]
    assert page.run("return document.querySelectorAll('#items li')[1].firstTea === true") is True  # the same node
    assert page.run("return Py._interop.main.patcher.counts().listeners") == listeners_before - 1
    assert_clean(page.report())


@pytest.mark.engines("chromium")  # the harness on every engine: tests/loader/test_engines_browser.py
def test_page_driver_clicks_and_fills_as_a_user(jsinterop_page, jsinterop_server):
    page = jsinterop_page
    assert page.open(jsinterop_server + "counter").boot_state == "ready"
    settle = "await new Promise((r) => setTimeout(r, 30));"
    page.click("#increment")
    page.run_async(settle)
    assert page.text("count") == "Current count: 1"
    page.fill("#draft", "bread")
    page.run_async(settle)
    page.click("#add")
    page.run_async(settle)
    page.fill("#draft", "jam")  # replaces what is there
    page.run_async(settle)
    assert page.run("return document.getElementById('draft').value") == "jam"
    assert page.run("return [...document.querySelectorAll('#items li')].map((li) => li.firstChild.data)") == ["bread"]
    with pytest.raises(LookupError, match=r"No element matches '#nothing' in /counter"):
        page.click("#nothing")
    assert_clean(page.report())


def test_dom_cleanup_sample(jsinterop_page, jsinterop_server):
    page = jsinterop_page
    report = page.open(jsinterop_server + "dom-cleanup")
    assert report.boot_state == "ready"
    settle = "await new Promise((r) => setTimeout(r, 50));"
    page.run_async(settle)
    assert page.text("cleanupDiv") == "Watched by a MutationObserver."
    assert page.text("cleanup-log") == "The cleanup has not run."
    page.run("document.getElementById('toggle').click();")
    page.run_async(settle)
    assert page.text("cleanup-log") == "Cleanup ran: the element left the DOM, and the observer disconnected."
    assert page.run("return document.getElementById('cleanupDiv')") is None
    counts = page.run("return Py.debug.trackedCounts();")
    assert counts["jsObjects"] == 0  # the child's module reference was disposed with it
    assert_clean(page.report())


def test_router_links_history_and_not_found(jsinterop_page, jsinterop_server):
    page = jsinterop_page
    assert page.open(jsinterop_server).boot_state == "ready"
    settle = "await new Promise((r) => setTimeout(r, 30));"
    page.run("window.__sameDocument = true;")  # survives only if no page load happens
    page.run("[...document.querySelectorAll('nav a')].find((a) => a.textContent === 'Counter').click();")
    page.run_async(settle)
    assert page.run("return [location.pathname, window.__sameDocument === true]") == ["/counter", True]
    assert page.text("count") == "Current count: 0"
    page.run("history.back();")
    page.run_async(settle)
    assert page.run("return location.pathname") == "/"
    assert page.text("is-browser") == "True"
    # A link to a static page is not a route: the browser loads it.
    page.run("[...document.querySelectorAll('nav a')].find((a) => a.textContent === 'Typed interop').click();")
    wait_for_path(page, "/typed-interop.html")
    page.wait_for_boot()
    assert page.run("return [location.pathname, window.__sameDocument === true]") == ["/typed-interop.html", False]
    assert_clean(page.report())


def test_greeting_helpers_sample(jsinterop_page, jsinterop_server):
    report = jsinterop_page.open(jsinterop_server + "greeting-helpers")
    assert report.boot_state == "ready"
    jsinterop_page.run_async("await new Promise((r) => setTimeout(r, 100));")
    assert jsinterop_page.run("return [...document.querySelectorAll('#greetings li')].map((li) => li.textContent)") == [
        "sayHello: Hello, Python! (a method)",
        "sayHelloArrow: Hello, Python! (an arrow-function field)",
        "sayHelloField: Hello, Python! (a function field)",
    ]
    assert_clean(jsinterop_page.report())


def test_weather_sample(jsinterop_page, jsinterop_server):
    report = jsinterop_page.open(jsinterop_server + "weather")
    assert report.boot_state == "ready"
    jsinterop_page.run_async("await new Promise((r) => setTimeout(r, 100));")
    rows = jsinterop_page.run(
        "return [...document.querySelectorAll('#forecasts tbody tr')].map((tr) => [...tr.cells].map((c) => c.textContent))")
    assert rows[0] == ["2026-01-01", "-20", "-3", "Freezing"]  # Blazor's formula truncates
    assert len(rows) == 5
    assert_clean(jsinterop_page.report())


def test_debug_mode_warns_when_js_mutates_rendered_dom(jsinterop_page, jsinterop_site):
    url = jsinterop_site({"debug-page.html": Path(__file__).with_name("debug_page.html"),
                          "debug-page.mjs": Path(__file__).with_name("debug_page.mjs")})
    page = jsinterop_page
    page.open(url + "debug-page.html")
    page.run_async("await new Promise((r) => setTimeout(r, 50));")
    page.run("document.getElementById('increment').click();")  # the renderer's own changes: no warning
    page.run_async("await new Promise((r) => setTimeout(r, 50));")
    assert page.run("return Py._interop.main.patcher.warnings") == []
    page.run("document.getElementById('count').setAttribute('data-x', '1');")
    page.run_async("await new Promise((r) => setTimeout(r, 50));")
    assert page.run("return Py._interop.main.patcher.warnings") == [
        "jsinterop: JavaScript changed its attribute 'data-x' of <p id=\"count\">, which a Python component renders; "
        "the next render may undo it or fail. Render it from Python, or give JS an element the component leaves empty."]


def test_interop_sample_both_directions(jsinterop_page, jsinterop_server):
    page = jsinterop_page
    assert page.open(jsinterop_server + "interop").boot_state == "ready"
    settle = "await new Promise((r) => setTimeout(r, 80));"
    page.run_async(settle)
    page.run("const t = document.getElementById('text'); t.value = 'Grace'; t.dispatchEvent(new Event('input'));")
    page.run("document.getElementById('ask-js').click();")
    page.run_async(settle)
    assert page.text("from-js") == 'JavaScript got "Grace" (5 characters) and upper-cased it: GRACE'
    page.run("document.getElementById('round-trip').click();")
    page.run_async(settle)
    assert page.text("round-trip-result") == "Python doubled 5 into 10, asked by JavaScript, asked by Python."
    assert_clean(page.report())


@pytest.mark.reliability
def test_error_boundary_in_the_page(jsinterop_page, jsinterop_server):
    page = jsinterop_page
    assert page.open(jsinterop_server + "error-boundary").boot_state == "ready"
    settle = "await new Promise((r) => setTimeout(r, 50));"
    page.run("document.getElementById('explode').click();")
    page.run_async(settle)
    boundary = page.run("return document.querySelector('.jsinterop-error-boundary')?.textContent ?? null")
    assert boundary.startswith("An error occurred in Fragile.ValueError: this component failed on purpose")
    assert "Traceback (most recent call last)" in boundary  # the dev server turns detailed errors on
    assert page.run("return document.getElementById('explode')") is None
    page.run("document.getElementById('sturdy').click();")
    page.run_async(settle)
    assert page.text("sturdy-count") == "Still works clicked 1 times"
    report = page.report()
    assert report.violations == [] and report.uncaught == []
