"""The public API's type hints are good enough for an app checked with ``mypy --strict`` (the package
ships ``py.typed``): code written as the README shows it type-checks with no ignores. `jsinterop new`'s
template is checked the same way in tests/tools/test_new.py; this covers what the template does not use."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

APP = '''
from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Literal, assert_type

from jsinterop import Blocking, Capabilities, Once, Persistent, capabilities, js_import, release_callback
from jsinterop.components import Component, Node, h, page
from jsinterop.testing import render
from jsinterop.testing.browser import PageDriver, PageReport
from jsinterop.testing.pytest_plugin import pyodide_fixtures_on_shared_browser

selenium_session_runner, selenium_module_scope, selenium = pyodide_fixtures_on_shared_browser()


@js_import("addEventListener", "main.js")
def on_tick(handler: Persistent[Callable[[int], None]]) -> None:
    raise NotImplementedError


@js_import("later", "main.js")
def later(done: Once[Callable[[], None]]) -> Blocking[int]:
    raise NotImplementedError


@js_import("fetchText", "main.js")
def fetch_text(url: str) -> Awaitable[str]:
    raise NotImplementedError


def tick(n: int) -> None:
    print(n)


@page("/item/{id:int}")
class ItemPage(Component):
    id: int = 0

    def render(self) -> Node:
        return h.p(f"item {self.id}", id="item")


def check(driver: PageDriver, url: str) -> None:
    on_tick(tick)
    total: int = later(lambda: None) + 1
    release_callback(tick)
    caps = capabilities()
    assert_type(caps, Capabilities)
    assert_type(caps.engine, Literal["chromium", "firefox", "webkit", "node", "cpython", "other"])
    assert_type(caps.missing, str | None)
    if not caps.can_block and caps.engine == "webkit" and caps.missing is not None:
        print(caps.missing.upper(), caps.jspi, caps.cross_origin_isolated, caps.shared_array_buffer, caps.worker)
    assert_type(ItemPage, type[ItemPage])  # @page keeps the class's own type
    assert_type(ItemPage.id, int)
    assert render(ItemPage, id=3).find("#item").text == f"item 3 {total}"
    report = driver.open(url)  # waits for the boot: a report, never None
    assert_type(report, PageReport)
    assert report.boot_state == "ready" and report.violations == []
    assert_type(driver.open(url, wait=False), None)
    driver.click("#add")
    driver.fill("#draft", "milk")
    assert driver.text("item") == "item 3"
'''


def test_code_using_the_public_api_passes_mypy_strict(tmp_path: Path) -> None:
    (tmp_path / "uses_api.py").write_text(textwrap.dedent(APP))
    result = subprocess.run([sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(tmp_path / "cache"),
                             "uses_api.py"], cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Success: no issues found in 1 source file" in result.stdout
