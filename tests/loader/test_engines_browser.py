"""The per-engine runs catch what breaks on one engine only: a sample page that calls an API one engine
lacks (WebAssembly.Suspending: JSPI, missing from WebKit) fails that engine's run and passes the others."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.engines]

ROOT = Path(__file__).resolve().parents[2]

# What a page author might write on a browser that has JSPI, without checking for it.
ENGINE_SPECIFIC_LINE = "new WebAssembly.Suspending(async () => 0);  // JSPI: not in every engine\n"


@pytest.fixture(scope="module")
def broken_site(jsinterop_site):
    main = (ROOT / "www" / "main.mjs").read_text()
    return jsinterop_site({"main.mjs": ENGINE_SPECIFIC_LINE + main})


def test_a_call_one_engine_lacks_is_caught_by_that_engines_run(jsinterop_page, jsinterop_engine, broken_site):
    report = jsinterop_page.open(broken_site, wait=False)
    jsinterop_page.run_async("for (let i = 0; i < 200 && !globalThis.__jsinteropTestReport?.uncaught.length"
                             " && !document.documentElement.dataset.jsinteropBoot; i++)"
                             " await new Promise((r) => setTimeout(r, 50));")
    report = jsinterop_page.report()
    if jsinterop_engine == "webkit":
        # The module throws before it boots anything: the run sees the engine's own error.
        assert report.boot_state is None
        assert any("Suspending" in error for error in report.uncaught), report
    else:
        assert report.uncaught == [] and report.violations == [], report


def test_the_page_harness_acts_as_a_user_on_every_engine(jsinterop_page, jsinterop_engine, jsinterop_server):
    page = jsinterop_page
    assert page.engine == jsinterop_engine
    report = page.open(jsinterop_server + "counter")
    assert report.boot_state == "ready" and report.violations == [] and report.uncaught == [], report
    page.click("#increment")
    page.run_async("for (let i = 0; i < 100 && !document.getElementById('count').textContent.endsWith('1'); i++)"
                   " await new Promise((r) => setTimeout(r, 20));")
    assert page.text("count") == "Current count: 1"
    page.fill("#draft", "tea")
    page.fill("#draft", "milk")  # replaces what was there
    assert page.run("return [document.activeElement.id, document.getElementById('draft').value]") == ["draft", "milk"]
    with pytest.raises(LookupError, match="#nothing-here"):
        page.click("#nothing-here")
    page.run("console.error('seen by the observer')")
    assert page.report().console_errors[-1] == "seen by the observer"
