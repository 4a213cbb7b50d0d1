"""The app on CPython, no browser: ``render`` mounts a component into a fake DOM, with a strict fake
JavaScript runtime (a JavaScript call nobody planned fails the test)."""

from __future__ import annotations

from jsinterop.testing import FakeJSRuntime, render

from __app__.counter import Counter, clicks_label
from __app__.pages import Home


def test_the_button_counts_clicks() -> None:
    page = render(Counter)
    assert page.find("#count").text == "Clicked 0 times"
    page.find("#increment").click()
    assert page.find("#count").text == "Clicked 1 time"


def test_a_start_parameter_sets_the_first_count() -> None:
    assert render(Counter, start=41).find("#count").text == "Clicked 41 times"
    assert clicks_label(2) == "Clicked 2 times"


def test_the_home_page_greets_what_you_type_and_calls_no_javascript() -> None:
    fake = FakeJSRuntime()
    page = render(Home, js=fake)
    assert page.find("#greeting").text == "Hello, stranger!"
    page.find("#name").input("Ada")
    assert page.find("#greeting").text == "Hello, Ada!"
    page.find("#increment").click()
    assert page.find("#count").text == "Clicked 1 time"
    assert fake.invocations == []
