"""Lazy packages on CPython: jsinterop.load_packages asks the loader (Py.loadPackages) through the
JSRuntime, and @page(..., packages=[...]) installs them before the page first renders. The browser
tests (test_packages_browser.py) run the same against a built site."""

from __future__ import annotations

import asyncio

import pytest

import jsinterop
from jsinterop import JSException, PackageLoadError, load_packages
from jsinterop.components import Component, Router, h, page
from jsinterop.components import routing
from jsinterop.testing import FakeJSRuntime
from jsinterop.testing.components import render


def test_load_packages_calls_the_loader_and_returns_what_it_installed() -> None:
    fake = FakeJSRuntime()
    fake.setup("Py.loadPackages", ["tblib"], returns=["tblib"])
    assert asyncio.run(load_packages(["tblib"], fake)) == ["tblib"]
    assert [i.args for i in fake.invocations_of("Py.loadPackages")] == [[["tblib"]]]
    assert asyncio.run(load_packages([], fake)) == []  # nothing asked: no call
    assert len(fake.invocations_of("Py.loadPackages")) == 1
    assert jsinterop.load_packages is load_packages


def test_a_package_the_site_does_not_ship_raises_package_load_error_naming_it() -> None:
    fake = FakeJSRuntime()
    message = "The Python package 'nope' is not in this site's pyodide-lock.json: the build did not ship it."
    fake.setup("Py.loadPackages", raises=JSException(message, js_name="PackageLoadError"))
    with pytest.raises(PackageLoadError, match="'nope' is not in this site's pyodide-lock.json") as caught:
        asyncio.run(load_packages(["nope"], fake))
    assert caught.value.packages == ("nope",)
    assert isinstance(caught.value, ImportError)
    fake.setup("Py.loadPackages", raises=JSException("something else", js_name="TypeError"))
    with pytest.raises(JSException, match="something else"):
        asyncio.run(load_packages(["x"], fake))


@pytest.mark.parametrize("names", ["tblib", ["tblib", ""], [3]])
def test_load_packages_wants_a_list_of_names(names) -> None:
    with pytest.raises(TypeError, match="load_packages"):
        asyncio.run(load_packages(names, FakeJSRuntime()))


@pytest.fixture
def clean_routes():
    saved, installed = list(routing._routes), set(routing._installed)
    yield
    routing._routes[:] = saved
    routing._installed.clear()
    routing._installed.update(installed)


def test_a_page_with_packages_shows_a_loading_state_then_renders_once_they_are_installed(clean_routes) -> None:
    @page("/chart/{n:int}", packages=["tblib"])
    class Chart(Component):
        n: int = 0

        def render(self):
            import tblib  # noqa: F401  (a stand-in: the page uses the package it asked for)
            return h.p(f"chart {self.n}", id="chart")

    async def scenario():
        fake = FakeJSRuntime()
        fake.setup("Py.loadPackages", ["tblib"], returns=["tblib"])
        rendered = render(Router, js=fake, path="/chart/3")
        first = rendered.find(".jsinterop-packages-loading")
        assert first.text == "Loading tblib..." and first.attrs["role"] == "status" and first.attrs["aria-busy"] == "true"
        await rendered.settle()
        assert rendered.find("#chart").text == "chart 3"
        rendered.navigation.navigate_to("/")
        rendered.flush()
        rendered.navigation.navigate_to("/chart/4")  # installed already: renders at once
        rendered.flush()
        assert rendered.find("#chart").text == "chart 4"
        return fake

    fake = asyncio.run(scenario())
    assert len(fake.invocations_of("Py.loadPackages")) == 1


def test_a_page_whose_packages_fail_shows_an_error_naming_the_package(clean_routes) -> None:
    @page("/broken-chart", packages=["nope"])
    class BrokenChart(Component):
        def render(self):
            return h.p("never", id="never")

    async def scenario():
        fake = FakeJSRuntime()
        fake.setup("Py.loadPackages", raises=JSException(
            "The Python package 'nope' is not in this site's pyodide-lock.json", js_name="PackageLoadError"))
        rendered = render(Router, js=fake, path="/broken-chart")
        await rendered.settle()
        return rendered

    rendered = asyncio.run(scenario())
    failed = rendered.find(".jsinterop-packages-failed")
    assert failed.attrs["role"] == "alert"
    assert "The page could not load nope." in failed.text and "'nope' is not in this site's" in failed.text
    assert rendered.find_all("#never") == []


def test_page_packages_are_checked(clean_routes) -> None:
    with pytest.raises(TypeError, match="a list of package names, not the string 'tblib'"):
        page("/p", packages="tblib")
    with pytest.raises(TypeError, match="non-empty str"):
        page("/p", packages=["ok", ""])
