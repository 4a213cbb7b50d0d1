"""pytest-pyodide's ``selenium`` on the session's shared browser (the plugin's
``pyodide_fixtures_on_shared_browser``): Pyodide gets time to boot on a busy machine, and a page test
that shortened the browser's script timeout in between does not make the next ``@run_in_pyodide``
test time out. The three tests run in this order."""

from __future__ import annotations

import pytest
from pytest_pyodide import run_in_pyodide

pytestmark = pytest.mark.browser


@run_in_pyodide(packages=["jsinterop"])
def test_run_in_pyodide_boots_pyodide_in_the_shared_browser(selenium):
    # imported inside: the body runs in Pyodide
    import sys

    assert sys.platform == "emscripten"


def test_a_page_test_shortens_the_shared_browser_s_script_timeout(jsinterop_page, jsinterop_server):
    assert jsinterop_page.open(jsinterop_server).boot_state == "ready"
    assert jsinterop_page.run_async("return 1;", timeout=1) == {"value": 1}  # the browser's timeout is now 1 s


@run_in_pyodide(packages=["jsinterop"])
def test_run_in_pyodide_after_it_gets_its_own_timeout_back(selenium):
    # imported inside: the body runs in Pyodide
    import time

    end = time.monotonic() + 2  # longer than the 1 s the page test left on the browser
    while time.monotonic() < end:
        pass
