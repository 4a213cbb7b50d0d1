"""The built site in a real browser, under the strict Content-Security-Policy the dev server sends:
it boots, renders the home page, greets what a user types and counts a real click. It needs a build
(`jsinterop test` makes one). Marked `engines`: `jsinterop test --jsinterop-browser=chromium,firefox,webkit`
runs it on each engine (headless Chromium alone by default)."""

from __future__ import annotations

import pytest

from jsinterop.testing.browser import PageDriver

WAIT_FOR_TEXT = """
const [id, text] = arguments;
for (let tries = 0; tries < 500 && document.getElementById(id)?.textContent !== text; tries++) {
  await new Promise((resolve) => setTimeout(resolve, 10));
}
"""
"""Waits (a few seconds at most) until the element ``id`` shows ``text``: a click renders at once or at
the next frame."""


@pytest.mark.browser
@pytest.mark.engines
def test_the_page_boots_and_the_button_counts(jsinterop_page: PageDriver, jsinterop_server: str) -> None:
    report = jsinterop_page.open(jsinterop_server)
    assert report.boot_state == "ready", report
    assert report.violations == [] and report.console_errors == [] and report.uncaught == []
    jsinterop_page.fill("#name", "Ada")
    jsinterop_page.run_async(WAIT_FOR_TEXT, "greeting", "Hello, Ada!")
    assert jsinterop_page.text("greeting") == "Hello, Ada!"
    assert jsinterop_page.text("count") == "Clicked 0 times"
    jsinterop_page.click("#increment")
    jsinterop_page.run_async(WAIT_FOR_TEXT, "count", "Clicked 1 time")
    assert jsinterop_page.text("count") == "Clicked 1 time"
    assert jsinterop_page.report().violations == []
