"""Headless Chromium (Debian's chromium and chromium-driver), driven by selenium, offline."""

from __future__ import annotations

import os
from typing import Any

from ..browser import OBSERVER_SCRIPT
from .programs import program
from .selenium_page import SeleniumPage

__all__ = ["CHROMIUM_FLAGS", "ChromiumBrowser", "ChromiumPage", "chromium_paths", "launch_chromium"]

CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--js-flags=--expose-gc",
    "--enable-precise-memory-info",  # performance.memory exact (not rounded), for the leak tests
)
"""Flags that work for headless Chromium on a machine without outside network."""


def chromium_paths() -> tuple[str, str]:
    """The Chromium binary and its chromedriver, from the environment or the usual Debian paths."""
    return (program("SE_CHROME_PATH", ("chromium", "/usr/bin/chromium"), "chromium"),
            program("SE_CHROMEDRIVER", ("chromedriver", "/usr/bin/chromedriver"), "chromium-driver"))

def launch_chromium(extra_flags: tuple[str, ...] = ()) -> Any:
    """Start headless Chromium through chromedriver (a selenium WebDriver), without selenium-manager's
    network access."""
    os.environ.setdefault("SE_OFFLINE", "true")
    # selenium is a test dependency: imported only when a browser is launched
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    binary, driver = chromium_paths()
    options = Options()
    options.binary_location = binary
    for flag in (*CHROMIUM_FLAGS, *extra_flags):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(options=options, service=Service(driver))


class ChromiumPage(SeleniumPage):
    """A Chromium window: the observer preloaded and the browser log read through the DevTools protocol."""

    engine = "chromium"

    def _prepare_window(self) -> None:
        self.driver.execute_cdp_cmd("Page.enable", {})
        self.driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": OBSERVER_SCRIPT})

    def _browser_errors(self) -> list[str]:
        return [e["message"] for e in self.driver.get_log("browser") if e["level"] == "SEVERE"]

    def clear_browser_cache(self) -> None:
        """Empty the browser's HTTP cache (for every window of the browser): the next load is cold."""
        self.driver.execute_cdp_cmd("Network.clearBrowserCache", {})


class ChromiumBrowser:
    """One headless Chromium for a test session."""

    engine = "chromium"

    def __init__(self) -> None:
        self.driver = launch_chromium()
        """The selenium WebDriver (pytest-pyodide's runner shares it)."""

    def new_page(self) -> ChromiumPage:
        """A new window."""
        return ChromiumPage(self.driver)

    def quit(self) -> None:
        """Close the browser."""
        self.driver.quit()
