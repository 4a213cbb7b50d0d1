"""capabilities(), can_run_sync() and the blocking error in a real page of the built site: the engine
the page reports, JSPI, and the difference between a promising entry point (runPythonAsync) and a
synchronous one (runPython). Written to hold on every engine: each expectation follows from what the
page itself reports (navigator.userAgent, WebAssembly.Suspending, crossOriginIsolated).

The sample is built with ``[tool.jsinterop] isolation = "require-corp"``, so the test servers send COOP
``same-origin`` and COEP ``require-corp`` (as the build says): the page is cross-origin isolated. One
test serves it without them (``isolation=None``), for the other column of the README's table."""

from __future__ import annotations

import json

import pytest

from jsinterop.interop.blocking import BlockingFacts, blocking_problem
from jsinterop.testing.browser import OBSERVER_SCRIPT, PagePythonError
from jsinterop.tool.devserver import running_server

pytestmark = [pytest.mark.browser, pytest.mark.engines]

CAPABILITIES = "import json, dataclasses, jsinterop; json.dumps(dataclasses.asdict(jsinterop.capabilities()))"


@pytest.fixture(scope="module")
def page(jsinterop_browsers, jsinterop_engine, jsinterop_site):
    driver = jsinterop_browsers.new_page(jsinterop_engine)
    assert driver.open(jsinterop_site({})).boot_state == "ready"
    yield driver
    report = driver.report()
    driver.close()
    assert report.violations == [] and report.uncaught == [], report


@pytest.fixture(scope="module")
def facts(page):
    """What the page says about itself, in JavaScript, and the engine its user agent names."""
    js = page.run("""return {
        userAgent: navigator.userAgent,
        suspending: typeof WebAssembly === "object" && "Suspending" in WebAssembly,
        crossOriginIsolated: globalThis.crossOriginIsolated === true,
        sharedArrayBuffer: typeof SharedArrayBuffer === "function",
    };""")
    ua = js["userAgent"]
    js["engine"] = "firefox" if "Firefox/" in ua else "chromium" if "Chrome/" in ua else "webkit"
    return js


def test_the_engine_is_one_of_the_three(facts):
    assert facts["engine"] in ("chromium", "firefox", "webkit")
    assert facts["suspending"] is (facts["engine"] != "webkit")  # measured: Chromium 156, Firefox 153 have JSPI


def test_capabilities_under_run_python_async(page, facts):
    caps = json.loads(page.run_python(CAPABILITIES))
    jspi = facts["engine"] != "webkit"
    assert caps == {
        "engine": facts["engine"],
        "jspi": jspi,
        "promising_entry": jspi,  # runPythonAsync is a promising entry point where JSPI exists
        "cross_origin_isolated": True,  # the sample's build asks for COOP/COEP, and the test server sends them
        "shared_array_buffer": facts["sharedArrayBuffer"],
        "worker": False,
        "can_block": jspi,
        "missing": blocking_problem(BlockingFacts(facts["engine"], False, False)) if not jspi else None,
    }
    assert facts["crossOriginIsolated"] is True
    # measured: Chromium 156 and Firefox 153 define SharedArrayBuffer when isolated, WebKitGTK 2.50 does not
    assert facts["sharedArrayBuffer"] is (facts["engine"] != "webkit")
    assert page.run_python("jsinterop.can_run_sync()") is jspi


def test_capabilities_under_a_synchronous_entry_point(page, facts):
    out = page.run_async("return Py.pyodide.runPython(arguments[0]);", CAPABILITIES)
    caps = json.loads(out["value"])
    jspi = facts["engine"] != "webkit"
    missing = blocking_problem(BlockingFacts(facts["engine"], jspi, False))
    assert caps["engine"] == facts["engine"] and caps["jspi"] is jspi
    assert (caps["promising_entry"], caps["can_block"], caps["missing"]) == (False, False, missing)
    if jspi:
        assert missing.startswith(f"this browser ({facts['engine'].capitalize()}) has JSPI, but this call's Python "
                                  "entry point is synchronous (runPython")
    else:
        assert missing.startswith("this browser (WebKit) has no JSPI (WebAssembly.Suspending)")


def test_the_blocking_error_of_a_synchronous_entry_says_the_same(page, facts):
    out = page.run_async("""
        try { return Py.pyodide.runPython(arguments[0]); }
        catch (e) { return String(e.message).trim().split("\\n").pop(); }
    """, "import jsinterop; jsinterop.js_runtime().invoke('Promise.resolve', 3, blocking=True)")
    missing = json.loads(page.run_async("return Py.pyodide.runPython(arguments[0]);", CAPABILITIES)["value"])["missing"]
    assert out["value"] == ("RuntimeError: Waiting synchronously for 'Promise.resolve' needs JSPI (WebAssembly stack "
                            "switching) in the browser and a Python entry point started with runPythonAsync or "
                            f"callPromising: {missing}")


def test_a_blocking_call_under_run_python_async_works_where_jspi_does(page, facts):
    code = "import jsinterop; jsinterop.js_runtime().invoke('Promise.resolve', 3, blocking=True)"
    if facts["engine"] != "webkit":
        assert page.run_python(code) == 3
    else:
        with pytest.raises(PagePythonError, match=r"this browser \(WebKit\) has no JSPI"):
            page.run_python(code)


@pytest.fixture(scope="module")
def not_isolated_url(jsinterop_dist):
    """The built site without COOP/COEP (what a host that sends no headers does, e.g. GitHub Pages)."""
    with running_server(jsinterop_dist, isolation=None, observer_script=OBSERVER_SCRIPT) as url:
        yield url


def test_capabilities_of_a_page_that_is_not_cross_origin_isolated(jsinterop_browsers, jsinterop_engine,
                                                                  not_isolated_url, facts):
    # The site boots without COOP/COEP too; capabilities() then reports no isolation, and no engine
    # defines SharedArrayBuffer there.
    driver = jsinterop_browsers.new_page(jsinterop_engine)
    try:
        assert driver.open(not_isolated_url).boot_state == "ready"
        js = driver.run("return [globalThis.crossOriginIsolated, typeof SharedArrayBuffer];")
        caps = json.loads(driver.run_python(CAPABILITIES))
        report = driver.report()
    finally:
        driver.close()
    assert report.violations == [] and report.uncaught == [], report
    assert js == [False, "undefined"]
    assert (caps["engine"], caps["cross_origin_isolated"], caps["shared_array_buffer"]) == (
        facts["engine"], False, False)
    assert caps["can_block"] is (facts["engine"] != "webkit")  # isolation alone does not make blocking work
