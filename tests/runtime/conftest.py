"""Fixtures of the browser tests of the runtime: a booted page of the site, served with the JS
fixtures module beside it, prepared by the test module's PRELUDE (Python run in the page)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from jsinterop.testing.browser import PageDriver

FIXTURES = Path(__file__).with_name("interop_fixtures.mjs")


@pytest.fixture(scope="module")
def interop_page(request, jsinterop_browsers, jsinterop_engine, jsinterop_site):
    """A booted page with ``./interop-fixtures.mjs``, after running the module's ``PRELUDE``, which
    must define ``rt`` (the runtime under test) and ``baseline`` (its tracked counts)."""
    url = jsinterop_site({"interop-fixtures.mjs": FIXTURES})
    driver = jsinterop_browsers.new_page(jsinterop_engine)
    report = driver.open(url)
    assert report.boot_state == "ready", report
    driver.run_python(request.module.PRELUDE)
    yield driver
    final = driver.report()
    driver.close()
    assert final.violations == [] and final.uncaught == [], final


@pytest.fixture
def py(interop_page: PageDriver) -> Callable[[str], Any]:
    """Run a snippet in the page and check it left the tracked counts at the module's baseline."""

    def run(code: str) -> Any:
        value = interop_page.run_python(code, timeout=120)
        same, counts = interop_page.run_python("[rt.tracked_counts() == baseline, rt.tracked_counts()]")
        assert same, f"tracked counts changed: {counts}"
        return value

    return run
