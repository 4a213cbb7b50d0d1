"""WebKitGTK (Debian's webkit2gtk-driver: WebKitWebDriver and its MiniBrowser), driven by selenium, on a
virtual screen (Debian's xvfb: MiniBrowser has no headless mode).

Its driver has no BiDi, no DevTools protocol and no browser log: the test server puts the observer
script first in each page's ``<head>`` (see ``OBSERVER_SCRIPT``), and the HTTP cache of a running
browser cannot be emptied (a new session starts with an empty one).
"""

from __future__ import annotations

import os
import subprocess
from typing import Any

from ..browser import EngineUnsupported
from .programs import program
from .selenium_page import SeleniumPage

__all__ = ["WebKitBrowser", "WebKitPage", "webkit_paths"]

_MINIBROWSER = ("/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser",
                "/usr/lib/aarch64-linux-gnu/webkit2gtk-4.1/MiniBrowser")


def webkit_paths() -> tuple[str, str, str]:
    """WebKitWebDriver, MiniBrowser and Xvfb, from the environment or the usual Debian paths."""
    return (program("JSINTEROP_WEBKIT_DRIVER", ("WebKitWebDriver", "/usr/bin/WebKitWebDriver"), "webkit2gtk-driver"),
            program("JSINTEROP_WEBKIT_BROWSER", _MINIBROWSER, "webkit2gtk-driver"),
            program(None, ("Xvfb", "/usr/bin/Xvfb"), "xvfb"))

class WebKitPage(SeleniumPage):
    """A WebKitGTK window. The observer comes from the test server, not the driver."""

    engine = "webkit"

    def clear_browser_cache(self) -> None:
        raise EngineUnsupported("WebKitGTK's driver cannot empty the HTTP cache of a running browser: a cold-cache "
                                "test needs a new WebKitBrowser (each session starts with an empty cache)")


class WebKitBrowser:
    """One WebKitGTK MiniBrowser on its own virtual screen, for a test session."""

    engine = "webkit"

    def __init__(self) -> None:
        os.environ.setdefault("SE_OFFLINE", "true")
        # selenium is a test dependency: imported only when a browser is launched
        from selenium import webdriver
        from selenium.webdriver.webkitgtk.options import Options
        from selenium.webdriver.webkitgtk.service import Service

        driver, browser, xvfb = webkit_paths()
        # -displayfd: Xvfb picks a free display and writes its number to the pipe once it is ready
        self._screen = subprocess.Popen([xvfb, "-displayfd", "1", "-screen", "0", "1280x1024x24", "-nolisten", "tcp"],
                                        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        assert self._screen.stdout is not None
        display = self._screen.stdout.readline().strip()
        if not display:
            self._screen.kill()
            raise RuntimeError("Xvfb did not start (no display number): is Debian's xvfb installed?")
        options = Options()
        options.binary_location = browser
        options.add_argument("--automation")
        options.page_load_strategy = "normal"  # "eager" never returns from get() of a routed page here
        try:
            self.driver: Any = webdriver.WebKitGTK(
                options=options, service=Service(driver, env={**os.environ, "DISPLAY": f":{display}"}))
        except BaseException:
            self._screen.kill()
            raise

    def new_page(self) -> WebKitPage:
        """A new window."""
        return WebKitPage(self.driver)

    def quit(self) -> None:
        """Close the browser and its screen."""
        try:
            self.driver.quit()
        finally:
            self._screen.terminate()
            self._screen.wait(timeout=10)
