"""Headless Chromium for tests, driven by selenium, offline.

:func:`launch_chromium` starts one browser (tests share it for a whole session). :class:`PageDriver`
opens pages of a served ``dist/`` in its own browser window, records what a person would not want
to see (Content-Security-Policy violations, console errors, uncaught exceptions and rejections)
from before the page's first script runs, and waits for the loader's boot state.
"""

from __future__ import annotations

import json
import os
import shutil
import textwrap
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, overload

if TYPE_CHECKING:
    # selenium is a test dependency: its type is named for type checkers only
    from selenium.webdriver.chrome.webdriver import WebDriver as Chrome

__all__ = [
    "CHROMIUM_FLAGS",
    "BootTimeout",
    "PageDriver",
    "PageReport",
    "PagePythonError",
    "ResourceTiming",
    "chromium_paths",
    "launch_chromium",
]

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

# Installed in every new document before its own scripts (through the DevTools protocol, so the
# page's Content-Security-Policy does not apply to it): records what went wrong, for the tests.
_OBSERVER_SCRIPT = r"""
(() => {
  const report = { violations: [], consoleErrors: [], consoleWarnings: [], uncaught: [], progress: [] };
  Object.defineProperty(globalThis, "__jsinteropTestReport", { value: report });
  addEventListener("securitypolicyviolation", (e) => report.violations.push(
    `${e.violatedDirective} blocked ${e.blockedURI || "inline"} at ${e.sourceFile}:${e.lineNumber}`));
  addEventListener("error", (e) => report.uncaught.push(String(e.error?.stack ?? e.message)));
  addEventListener("unhandledrejection", (e) => report.uncaught.push(String(e.reason?.stack ?? e.reason)));
  addEventListener("jsinterop:progress", (e) => report.progress.push([e.detail.fraction, e.detail.label]));
  const original = console.error.bind(console);
  console.error = (...args) => { report.consoleErrors.push(args.map(String).join(" ")); original(...args); };
  const originalWarn = console.warn.bind(console);
  console.warn = (...args) => { report.consoleWarnings.push(args.map(String).join(" ")); originalWarn(...args); };
})();
"""


class PagePythonError(AssertionError):
    """Python code run in the page raised; the message is its traceback."""


class BootTimeout(AssertionError):
    """A page did not reach a final boot state ("ready" or "failed") in time."""


def chromium_paths() -> tuple[str, str]:
    """The Chromium binary and its chromedriver, from the environment or the usual Debian paths."""
    binary = os.environ.get("SE_CHROME_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
    driver = os.environ.get("SE_CHROMEDRIVER") or shutil.which("chromedriver") or "/usr/bin/chromedriver"
    for path, package in ((binary, "chromium"), (driver, "chromium-driver")):
        if not os.path.exists(path):
            raise FileNotFoundError(f"{path} is missing: install Debian's {package} (./build.sh test does it).")
    return binary, driver


def launch_chromium(extra_flags: tuple[str, ...] = ()) -> Chrome:
    """Start headless Chromium through chromedriver, without selenium-manager's network access."""
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


@dataclass
class PageReport:
    """What a page did: its boot state and everything recorded since it was opened."""

    boot_state: str | None
    violations: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    uncaught: list[str] = field(default_factory=list)
    progress: list[tuple[float, str]] = field(default_factory=list)
    browser_errors: list[str] = field(default_factory=list)
    """SEVERE entries of the browser's own log: failed requests, errors outside the page's scripts."""
    console_warnings: list[str] = field(default_factory=list)
    """What the page passed to ``console.warn`` (such as the loader's note that it booted without the
    memory snapshot, and why)."""


@dataclass(frozen=True)
class ResourceTiming:
    """One download of a page (its navigation or a resource), from the browser's resource timing.

    ``transfer_size`` is what came over the network, headers included: 0 when the browser's cache
    answered without asking the server, a few hundred bytes for a revalidation (304).
    ``encoded_size`` is the body as sent (compressed), ``decoded_size`` the body after decoding.
    """

    url: str
    transfer_size: int
    encoded_size: int
    decoded_size: int

    @property
    def from_cache(self) -> bool:
        """Answered by the browser's cache without a request."""
        return self.transfer_size == 0


class PageDriver:
    """Opens pages in a window of its own inside a shared browser.

    Other users of the same browser (such as pytest-pyodide's runner) keep their window; call
    :meth:`activate` (done by :meth:`open`) before driving this one.
    """

    def __init__(self, driver: Chrome) -> None:
        self.driver = driver
        self._previous = driver.current_window_handle
        driver.switch_to.new_window("window")
        self.handle = driver.current_window_handle
        self._browser_errors: list[str] = []
        driver.execute_cdp_cmd("Page.enable", {})
        driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": _OBSERVER_SCRIPT})
        driver.switch_to.window(self._previous)

    def activate(self) -> None:
        """Make this driver's window the one selenium commands act on."""
        if self.driver.current_window_handle != self.handle:
            self.driver.switch_to.window(self.handle)

    @overload
    def open(self, url: str, wait: Literal[True] = True, timeout: float = 90) -> PageReport: ...

    @overload
    def open(self, url: str, wait: Literal[False], timeout: float = 90) -> None: ...

    @overload
    def open(self, url: str, wait: bool = True, timeout: float = 90) -> PageReport | None: ...

    def open(self, url: str, wait: bool = True, timeout: float = 90) -> PageReport | None:
        """Navigate to ``url``; with ``wait``, wait for the boot to finish and return the report."""
        self.activate()
        self._browser_errors.clear()
        self.driver.get_log("browser")  # drop what earlier pages logged
        self.driver.get(url)
        return self.wait_for_boot(timeout) if wait else None

    def wait_for_boot(self, timeout: float = 90) -> PageReport:
        """Wait until the loader marks the page ``ready`` or ``failed``, then report."""
        deadline = time.monotonic() + timeout
        while True:
            state = self.run("return document.documentElement.dataset.jsinteropBoot ?? null;")
            if state in ("ready", "failed"):
                return self.report()
            if time.monotonic() > deadline:
                raise BootTimeout(f"the page did not finish booting in {timeout:.0f} s (state: {state!r}); "
                                  f"report: {self.report()}")
            time.sleep(0.05)

    def run(self, script: str, *args: Any) -> Any:
        """Run synchronous JavaScript in the page (``return`` gives the result)."""
        self.activate()
        return self.driver.execute_script(script, *args)

    def run_async(self, script: str, *args: Any, timeout: float = 60) -> Any:
        """Run an async function body in the page and return what it resolves to.

        Exceptions thrown in the page come back as ``{"error": message}`` so tests can assert on them.
        """
        self.activate()
        self.driver.set_script_timeout(timeout)
        wrapper = (
            "const done = arguments[arguments.length - 1];"
            f"(async () => {{ {script} }})(...Array.from(arguments).slice(0, -1))"
            ".then((value) => done({ value }), (e) => done({ error: String(e?.message ?? e), name: e?.name ?? null }));"
        )
        out = self.driver.execute_async_script(wrapper, *args)
        return out

    def run_python(self, code: str, timeout: float = 60) -> Any:
        """Run Python in the booted page (``Py.pyodide.runPythonAsync``, so top-level ``await`` works)
        and return the value of its last expression, converted to plain JSON-like data.

        A Python exception raises :class:`PagePythonError` carrying the Python traceback.
        """
        out = self.run_async(
            """
            const result = await Py.pyodide.runPythonAsync(arguments[0]);
            if (result && typeof result.toJs === "function") {
                try { return result.toJs({ dict_converter: Object.fromEntries, create_pyproxies: false }); }
                finally { result.destroy(); }
            }
            return result;
            """,
            textwrap.dedent(code),
            timeout=timeout,
        )
        if "error" in out:
            raise PagePythonError(out["error"])
        return out.get("value")

    def _element(self, selector: str) -> Any:
        """The one element matching the CSS ``selector``; a clear LookupError when none does."""
        self.activate()
        found = self.driver.find_elements("css selector", selector)
        if not found:
            raise LookupError(f"No element matches '{selector}' in {self.run('return location.pathname;')}")
        return found[0]

    def click(self, selector: str) -> None:
        """Click the first element matching the CSS ``selector``, as a user does (a real pointer click,
        so a submit button submits its form)."""
        self._element(selector).click()

    def fill(self, selector: str, text: str) -> None:
        """Replace the value of the input or textarea matching ``selector`` with ``text``, typed key by key
        (each keystroke fires ``input``, as a user's typing does)."""
        element = self._element(selector)
        element.click()
        element.clear()
        element.send_keys(text)

    def text(self, element_id: str) -> str:
        """The text content of the element with this id ('' when there is none)."""
        return str(self.run("return document.getElementById(arguments[0])?.textContent ?? '';", element_id))

    def report(self) -> PageReport:
        """Boot state, CSP violations, console errors, uncaught errors and progress events so far."""
        raw = self.run(
            "const r = globalThis.__jsinteropTestReport;"
            "return JSON.stringify({ state: document.documentElement.dataset.jsinteropBoot ?? null,"
            " report: r ?? null });"
        )
        data = json.loads(raw)
        r = data["report"] or {}
        self._browser_errors += [e["message"] for e in self.driver.get_log("browser") if e["level"] == "SEVERE"]
        return PageReport(
            boot_state=data["state"],
            violations=r.get("violations", []),
            console_errors=r.get("consoleErrors", []),
            uncaught=r.get("uncaught", []),
            progress=[(float(f), str(label)) for f, label in r.get("progress", [])],
            browser_errors=list(self._browser_errors),
            console_warnings=r.get("consoleWarnings", []),
        )

    def resource_timings(self) -> list[ResourceTiming]:
        """The page's navigation and every resource it loaded so far, in the order they started."""
        entries = self.run(
            "return [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')]"
            ".map((e) => [e.name, e.transferSize, e.encodedBodySize, e.decodedBodySize]);"
        )
        return [ResourceTiming(url, int(t), int(e), int(d)) for url, t, e, d in entries]

    def clear_browser_cache(self) -> None:
        """Empty the browser's HTTP cache (for every window of the browser): the next load is cold."""
        self.driver.execute_cdp_cmd("Network.clearBrowserCache", {})

    def screenshot(self, path: str) -> None:
        """Save a PNG of the window."""
        self.activate()
        self.driver.save_screenshot(path)

    def close(self) -> None:
        """Close this window and give the browser back to whoever used it before."""
        try:
            self.activate()
            self.driver.close()
        finally:
            self.driver.switch_to.window(self._previous)
