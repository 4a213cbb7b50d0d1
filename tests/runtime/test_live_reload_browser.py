"""Live reload in a real page: ``jsinterop serve``'s watcher (jsinterop.tool.watch) rebuilds a copy of the
sample app after a source edit, and the open page updates itself without a manual reload: a Python
change is re-imported without booting Python again, a stylesheet is swapped in place, a page change
reloads the page."""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from jsinterop.tool import build
from jsinterop.tool.paths import CHECKOUT
from jsinterop.tool.project import load_project
from jsinterop.tool.watch import LiveServer, live_server

pytestmark = pytest.mark.browser




@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of this repository's sample app (www/, an app project like any other), which the tests edit."""
    root = tmp_path_factory.mktemp("project")
    shutil.copytree(CHECKOUT / "www", root / "www", ignore=shutil.ignore_patterns("__pycache__"))
    return root


@pytest.fixture(scope="module")
def live(project: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The copy built and served with live reload, watching its app package and static folder."""
    dist = tmp_path_factory.mktemp("live") / "dist"
    app = load_project(project / "www")
    rebuild = lambda: build.build(dist, app).changed  # noqa: E731
    rebuild()
    with live_server(dist, [app.app_dir, app.static_dir], rebuild, log=print) as server:
        yield server


def wait_for(page, script: str, timeout: float = 90) -> object:
    """Poll ``script`` (a JS expression) in the page until it is truthy; its value."""
    deadline = time.monotonic() + timeout
    while True:
        value = page.run(f"return {script};")
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{script} stayed falsy for {timeout:.0f} s; report: {page.report()}")
        time.sleep(0.05)


def greeting(page) -> str:
    page.fill("#name", "Ada")
    page.click("#greet")
    return page.text("greeting")


def test_a_python_edit_is_reimported_without_a_reload(live, project, jsinterop_page):
    report = jsinterop_page.open(live.url)
    assert report.boot_state == "ready", report
    assert greeting(jsinterop_page).startswith("Hello, Ada, from Python")
    jsinterop_page.run("window.sameDocument = true;")  # gone if the page reloads

    source = project / "www" / "app" / "__init__.py"
    text = source.read_text()
    assert 'return f"Hello, {name}, from Python' in text
    source.write_text(text.replace('return f"Hello, {name}, from Python', 'return f"Howdy, {name}, from Python'))

    update = wait_for(jsinterop_page, "Py.liveReloads?.[0]")
    assert update["kind"] == "python", update
    print(f"live reload: rebuild {update['rebuild']} ms, download {update['download']:.0f} ms, "
          f"re-import {update['reimport']:.0f} ms")
    assert jsinterop_page.run("return window.sameDocument === true;")  # no reload, no new boot
    assert greeting(jsinterop_page).startswith("Howdy, Ada, from Python")
    report = jsinterop_page.report()
    assert report.violations == [] and report.console_errors == [] and report.uncaught == [], report
    assert live.rebuilds[-1]["event"] == "python"


def test_a_stylesheet_is_swapped_and_a_page_edit_reloads(live, project, jsinterop_page):
    report = jsinterop_page.open(live.url)
    assert report.boot_state == "ready", report
    jsinterop_page.run("window.sameDocument = true;")
    count = jsinterop_page.run("return Py.liveReloads.length;")

    style = project / "www" / "style.css"
    style.write_text(style.read_text() + "\n#greeting { outline: 3px solid rgb(1, 2, 3); }\n")
    update = wait_for(jsinterop_page, f"Py.liveReloads[{count}]")
    assert update["kind"] == "css"
    assert wait_for(jsinterop_page, "getComputedStyle(document.getElementById('greeting')).outlineColor "
                                    "=== 'rgb(1, 2, 3)'")
    assert jsinterop_page.run("return window.sameDocument === true;")

    page = project / "www" / "index.html"
    page.write_text(page.read_text().replace("<title>jsinterop sample</title>", "<title>live reloaded</title>"))
    wait_for(jsinterop_page, "document.title === 'live reloaded'")
    assert jsinterop_page.run("return window.sameDocument === undefined;")  # a new document
    report = jsinterop_page.wait_for_boot()
    assert report.boot_state == "ready" and report.violations == [], report
