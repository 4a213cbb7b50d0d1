"""The browser engines the tests run on: Chromium, Firefox and WebKit, each started once per session.

``Browsers`` starts an engine's browser the first time a test asks for it and closes them all at
the end; ``browser.new_page()`` gives a :class:`~jsinterop.testing.browser.PageDriver` on it.
"""

from __future__ import annotations

from typing import Protocol

from ..browser import PageDriver
from .chromium import ChromiumBrowser
from .firefox import FirefoxBrowser
from .webkit import WebKitBrowser

__all__ = ["ENGINES", "Browser", "Browsers", "UnknownEngine", "launch_browser", "parse_engines"]

ENGINES = ("chromium", "firefox", "webkit")
"""The engines, in the order the suite runs them."""


class UnknownEngine(ValueError):
    """An engine name that is not one of :data:`ENGINES`."""


class Browser(Protocol):
    """A running browser of one engine."""

    engine: str

    def new_page(self) -> PageDriver:
        """A new window of this browser."""
        ...

    def quit(self) -> None:
        """Close the browser."""
        ...


def parse_engines(text: str) -> tuple[str, ...]:
    """``"chromium,firefox"`` as ``("chromium", "firefox")``; a name not in :data:`ENGINES` is refused."""
    names = tuple(dict.fromkeys(name.strip().lower() for name in text.split(",") if name.strip()))
    unknown = [name for name in names if name not in ENGINES]
    if unknown or not names:
        raise UnknownEngine(f"unknown browser engine {', '.join(map(repr, unknown)) or repr(text)}: "
                            f"use one or more of {', '.join(ENGINES)}, separated by commas")
    return names


def launch_browser(engine: str) -> Browser:
    """Start the browser of ``engine``."""
    if engine == "chromium":
        return ChromiumBrowser()
    if engine == "firefox":
        return FirefoxBrowser()
    if engine == "webkit":
        return WebKitBrowser()
    raise UnknownEngine(f"unknown browser engine {engine!r}: use one of {', '.join(ENGINES)}")


class Browsers:
    """The session's browsers: one per engine, started on first use."""

    def __init__(self) -> None:
        self._running: dict[str, Browser] = {}

    def get(self, engine: str) -> Browser:
        """The running browser of ``engine``, started now if it is not yet."""
        if engine not in self._running:
            self._running[engine] = launch_browser(engine)
        return self._running[engine]

    def chromium(self) -> ChromiumBrowser:
        """The running Chromium (its selenium WebDriver is ``.driver``), started now if it is not yet."""
        browser = self.get("chromium")
        assert isinstance(browser, ChromiumBrowser)
        return browser

    def new_page(self, engine: str) -> PageDriver:
        """A new window in the browser of ``engine``."""
        return self.get(engine).new_page()

    def quit(self) -> None:
        """Close every browser started."""
        running, self._running = self._running, {}
        for browser in running.values():
            browser.quit()
