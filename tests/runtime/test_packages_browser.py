"""Lazy packages in a real page under the strict CSP: a site whose app depends on tblib, pytest and
pluggy, with tblib and pytest lazy (layout.mjs's LAZY_PACKAGES, as the build writes it for an app's
``[tool.jsinterop] lazy``). Boot leaves them out, and what only they need (pytest's iniconfig,
packaging, pygments), but not pluggy, which the app needs itself; ``jsinterop.load_packages`` and
``@page(..., packages=[...])`` install them from the site's own lock. An app that lists micropip in
its dependencies gets it shipped like any other, and ``micropip.install`` of a package the site ships
takes it from the site's lock."""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest

from jsinterop.testing.browser import PageDriver
from jsinterop.tool import build, pydeps, release_layout

pytestmark = pytest.mark.browser

LAZY = ["tblib", "pytest"]
ONLY_FOR_LAZY = ["iniconfig", "packaging", "pygments"]


@pytest.fixture(scope="module")
def lazy_site(jsinterop_dist: Path, jsinterop_site) -> str:
    """The built site, with the app depending on tblib, pytest and pluggy and the first two lazy."""
    lock = json.loads((jsinterop_dist / "pyodide-lock.json").read_text())
    lock["packages"]["app"]["depends"] += ["tblib", "pytest", "pluggy"]
    files = build.development_files(jsinterop_dist)
    layout = release_layout.layout_module({}, release_layout.boot_records(files), lazy=LAZY)
    return jsinterop_site({"pyodide-lock.json": json.dumps(lock), "layout.mjs": layout.decode()})


def open_page(browsers, engine: str, url: str) -> PageDriver:
    driver = browsers.new_page(engine)
    report = driver.open(url)
    assert report.boot_state == "ready", report
    return driver


@pytest.fixture(scope="module")
def lazy_page(jsinterop_browsers, jsinterop_engine, lazy_site: str) -> Iterator[PageDriver]:
    driver = open_page(jsinterop_browsers, jsinterop_engine, lazy_site)
    yield driver
    final = driver.report()
    driver.close()
    assert final.violations == [] and final.uncaught == [], final


def loaded(driver: PageDriver) -> list[str]:
    return driver.run("return Object.keys(Py.pyodide.loadedPackages).sort();")


def test_boot_leaves_out_the_lazy_packages_and_what_only_they_need(lazy_page: PageDriver) -> None:
    installed = loaded(lazy_page)
    assert {"jsinterop", "app", "pluggy"} <= set(installed)
    assert not set(LAZY + ONLY_FOR_LAZY) & set(installed), installed
    assert lazy_page.run_python("""
    import importlib.util, sys
    [name for name in ("tblib", "pytest", "iniconfig") if name in sys.modules or importlib.util.find_spec(name)]
    """) == []


def test_load_packages_installs_a_lazy_package_once(lazy_page: PageDriver) -> None:
    first, second, name = lazy_page.run_python("""
    import jsinterop
    first = await jsinterop.load_packages(["tblib"])
    second = await jsinterop.load_packages(["tblib"])
    import tblib
    [first, second, tblib.__name__]
    """)
    assert (first, second, name) == (["tblib"], [], "tblib")


def test_load_packages_installs_what_a_lazy_package_needs(lazy_page: PageDriver) -> None:
    installed = lazy_page.run_python("""
    import jsinterop
    installed = await jsinterop.load_packages(["pytest"])
    import pytest, iniconfig
    sorted(installed)
    """)
    assert installed == sorted(["pytest", *ONLY_FOR_LAZY])  # pluggy was there already


def test_a_package_the_site_does_not_ship_raises_naming_it(lazy_page: PageDriver) -> None:
    error = lazy_page.run_python("""
    import jsinterop
    try:
        await jsinterop.load_packages(["no-such-package"])
    except jsinterop.PackageLoadError as e:
        result = [type(e).__name__, str(e), list(e.packages)]
    result
    """)
    assert error[0] == "PackageLoadError"
    assert error[1].startswith("The Python package 'no-such-package' is not in this site's pyodide-lock.json")
    assert error[2] == ["no-such-package"]


def test_a_page_with_packages_installs_them_before_it_first_renders(jsinterop_browsers, jsinterop_engine, lazy_site: str) -> None:
    driver = open_page(jsinterop_browsers, jsinterop_engine, lazy_site)
    try:
        seen = driver.run_python("""
        import asyncio, sys
        import js
        from pyodide.ffi import create_proxy, to_js
        from jsinterop.components import Component, h, page

        rendered_with = []

        @page("/lazy-chart", packages=["tblib"])
        class LazyChart(Component):
            def render(self):
                rendered_with.append("tblib" in sys.modules or __import__("tblib").__name__)
                return h.p("chart", id="lazy-chart")

        @page("/lazy-broken", packages=["no-such-package"])
        class LazyBroken(Component):
            def render(self):
                return h.p("never", id="lazy-broken")

        added = []  # the class of every element added to the page, in order (a MutationObserver's record)

        def record(mutations, _observer):
            for mutation in mutations:
                added.extend(node.className for node in mutation.addedNodes if node.nodeType == 1)

        observer = js.MutationObserver.new(create_proxy(record))
        observer.observe(js.document.body, to_js({"childList": True, "subtree": True}, dict_converter=js.Object.fromEntries))

        async def visit(route, done):
            added.clear()
            js.history.pushState(None, "", route)
            js.dispatchEvent(js.PopStateEvent.new("popstate"))
            for _ in range(2400):  # at most two minutes on a busy machine
                if js.document.querySelector(done):
                    await asyncio.sleep(0)  # the observer's records of the last patch
                    states = ["loading"] if "jsinterop-packages-loading" in added else []
                    return states + [js.document.querySelector(done).textContent]
                await asyncio.sleep(0.05)
            return ["timed out", list(added)]

        chart = await visit("lazy-chart", "#lazy-chart")
        broken = await visit("lazy-broken", ".jsinterop-packages-failed")
        [chart, bool(rendered_with) and all(rendered_with), broken, js.document.querySelectorAll("#lazy-broken").length == 0]
        """, timeout=120)
        chart, rendered_after_install, broken, never_rendered = seen
        assert chart == ["loading", "chart"]
        assert rendered_after_install is True
        assert broken[0] == "loading" and "The page could not load no-such-package." in broken[1]
        assert "'no-such-package' is not in this site's pyodide-lock.json" in broken[1]
        assert never_rendered is True
        final = driver.report()
        assert final.violations == [] and final.uncaught == [], final
    finally:
        driver.close()


@pytest.fixture(scope="module")
def micropip_site(jsinterop_dist: Path, jsinterop_site, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The built site as the build makes it for an app that lists micropip in [project] dependencies:
    micropip's wheel (from PyPI, through pydeps' lock and cache) in wheels/ and in the lock, the app
    depending on it."""
    python = build.load_pins()["pyodide"]["python"]
    (micropip,) = pydeps.locked_wheels(tmp_path_factory.mktemp("app"), ["micropip"], python)
    package = build.pyodide_files(build.load_pins())
    shipped = sorted((jsinterop_dist / "wheels").glob("*.whl"))
    lock = json.loads(build.lock_file(package / "pyodide-lock.json", [*shipped, micropip]))
    lock["packages"]["app"]["depends"] += ["micropip"]
    files = {**build.development_files(jsinterop_dist), f"wheels/{micropip.name}": micropip.read_bytes()}
    layout = release_layout.layout_module({}, release_layout.boot_records(files))
    return jsinterop_site({"pyodide-lock.json": json.dumps(lock), "layout.mjs": layout.decode(),
                           f"wheels/{micropip.name}": micropip})


def test_micropip_installs_a_package_the_site_ships_from_the_sites_lock(jsinterop_browsers, jsinterop_engine, micropip_site: str) -> None:
    driver = open_page(jsinterop_browsers, jsinterop_engine, micropip_site)
    try:
        result = driver.run_python("""
        import sys
        import micropip
        before = "tblib" in sys.modules
        await micropip.install("tblib")
        import tblib
        [before, tblib.__name__, [p.name for p in micropip.list().values() if p.name == "tblib"]]
        """, timeout=120)
        assert result == [False, "tblib", ["tblib"]]
        urls = driver.run("return performance.getEntriesByType('resource').map((e) => e.name);")
        origins = {urllib.parse.urlsplit(url).netloc for url in urls}
        assert origins == {urllib.parse.urlsplit(micropip_site).netloc}, urls  # no other origin
        assert any(url.endswith(".whl") and "/tblib-" in url for url in urls)
        final = driver.report()
        assert final.violations == [] and final.uncaught == [], final
    finally:
        driver.close()
