"""The page harness of the browser tests, the same on every engine.

:class:`PageDriver` opens pages of a served site in a window of its own inside a shared browser,
records what a person would not want to see (Content-Security-Policy violations, console errors,
uncaught exceptions and rejections) from before the page's first script runs, and waits for the
loader's boot state. Each engine drives it its own way (:mod:`jsinterop.testing.engines`: Chromium and
WebKitGTK through selenium, Firefox through its own WebDriver BiDi).
"""

from __future__ import annotations

import json
import textwrap
import time
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any, Literal, overload

__all__ = [
    "OBSERVER_SCRIPT",
    "BootTimeout",
    "EngineUnsupported",
    "ObserverMissing",
    "PageDriver",
    "PagePythonError",
    "PageReport",
    "ResourceTiming",
]

OBSERVER_SCRIPT = r"""
(() => {
  if (globalThis.__jsinteropTestReport) return;  // installed twice (preloaded and served): keep the first
  const report = { violations: [], consoleErrors: [], consoleWarnings: [], uncaught: [], progress: [] };
  Object.defineProperty(globalThis, "__jsinteropTestReport", { value: report });
  addEventListener("securitypolicyviolation", (e) => report.violations.push(
    `${e.violatedDirective} blocked ${e.blockedURI || "inline"} at ${e.sourceFile}:${e.lineNumber}`));
  // V8's stack starts with the message, SpiderMonkey's and JavaScriptCore's do not: keep both
  const described = (error, message) => {
    const stack = error?.stack === undefined ? undefined : String(error.stack);
    const text = String(error instanceof Error ? `${error.name}: ${error.message}` : message ?? error);
    return stack === undefined || stack.includes(String(error?.message ?? text)) ? stack ?? text : `${text}\n${stack}`;
  };
  addEventListener("error", (e) => report.uncaught.push(described(e.error, e.message)));
  addEventListener("unhandledrejection", (e) => report.uncaught.push(described(e.reason, undefined)));
  addEventListener("jsinterop:progress", (e) => report.progress.push([e.detail.fraction, e.detail.label]));
  const original = console.error.bind(console);
  console.error = (...args) => { report.consoleErrors.push(args.map(String).join(" ")); original(...args); };
  const originalWarn = console.warn.bind(console);
  console.warn = (...args) => { report.consoleWarnings.push(args.map(String).join(" ")); originalWarn(...args); };
})();
"""
"""Records what went wrong in a page, for the tests. Installed in every new document before its own
scripts: by the engine where it can (Chromium's DevTools protocol, Firefox's BiDi preload scripts, to
which the page's Content-Security-Policy does not apply), and as a same-origin script that the test
server puts first in each page's ``<head>`` (WebKitGTK's driver can do neither)."""

# The async wrapper every engine runs ``run_async`` scripts in: the last argument is the callback.
ASYNC_WRAPPER = (
    "const done = arguments[arguments.length - 1];"
    "(async () => {{ {script} }})(...Array.from(arguments).slice(0, -1))"
    ".then((value) => done({{ value }}), (e) => done({{ error: String(e?.message ?? e), name: e?.name ?? null }}));"
)


class PagePythonError(AssertionError):
    """Python code run in the page raised; the message is its traceback."""


class BootTimeout(AssertionError):
    """A page did not reach a final boot state ("ready" or "failed") in time."""


class ObserverMissing(AssertionError):
    """A page has no test observer (OBSERVER_SCRIPT): what it did wrong could not be reported."""


class EngineUnsupported(NotImplementedError):
    """The engine's driver cannot do what the test asked (the message names the engine and the gap)."""


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


class PageDriver(ABC):
    """A window of its own inside a shared browser, on one engine (:attr:`engine`).

    Other users of the same browser (such as pytest-pyodide's runner) keep their window; every
    command first makes this window the active one. The engine's driver implements the few
    primitives (navigation, running a script, a click, keystrokes); the rest is the same everywhere.
    """

    engine: str = ""
    """"chromium", "firefox" or "webkit"."""

    def __init__(self) -> None:
        self._logged: list[str] = []

    @abstractmethod
    def activate(self) -> None:
        """Make this page's window the one the engine's commands act on."""

    @abstractmethod
    def _navigate(self, url: str) -> None:
        """Load ``url`` in this window and return once its load event fired."""

    @abstractmethod
    def run(self, script: str, *args: Any) -> Any:
        """Run synchronous JavaScript in the page (``return`` gives the result, as JSON-like data)."""

    @abstractmethod
    def _run_with_callback(self, script: str, args: tuple[Any, ...], timeout: float) -> Any:
        """Run ``script`` with ``args`` plus a callback as its last argument; return what it was called with."""

    @abstractmethod
    def click(self, selector: str) -> None:
        """Click the first element matching the CSS ``selector``, as a user does (a real pointer click,
        so a submit button submits its form); no match is a :class:`LookupError`."""

    @abstractmethod
    def fill(self, selector: str, text: str) -> None:
        """Replace the value of the input or textarea matching ``selector`` with ``text``, typed key by key
        (each keystroke fires ``input``, as a user's typing does)."""

    @abstractmethod
    def screenshot(self, path: str) -> None:
        """Save a PNG of the window."""

    @abstractmethod
    def close(self) -> None:
        """Close this window and give the browser back to whoever used it before."""

    @abstractmethod
    def accept_dialog(self, timeout: float = 10) -> str:
        """Wait for the page's ``alert``/``confirm``/``prompt`` dialog, accept it and return its message."""

    def clear_browser_cache(self) -> None:
        """Empty the browser's HTTP cache: the next load is cold."""
        raise EngineUnsupported(f"{self.engine}'s driver cannot empty the HTTP cache of a running browser")

    def _browser_errors(self) -> list[str]:
        """Errors the engine itself logged since the last call (failed requests, errors outside the page's
        scripts); engines without a log give none."""
        return []

    @overload
    def open(self, url: str, wait: Literal[True] = True, timeout: float = 90) -> PageReport: ...

    @overload
    def open(self, url: str, wait: Literal[False], timeout: float = 90) -> None: ...

    @overload
    def open(self, url: str, wait: bool = True, timeout: float = 90) -> PageReport | None: ...

    def open(self, url: str, wait: bool = True, timeout: float = 90) -> PageReport | None:
        """Navigate to ``url``; with ``wait``, wait for the boot to finish and return the report."""
        self.activate()
        self._browser_errors()  # drop what earlier pages logged
        self._logged = []
        self._navigate(url)
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

    def run_async(self, script: str, *args: Any, timeout: float = 60) -> Any:
        """Run an async function body in the page and return what it resolves to, as ``{"value": ...}``.

        Exceptions thrown in the page come back as ``{"error": message, "name": ...}`` so tests can
        assert on them.
        """
        self.activate()
        return self._run_with_callback(ASYNC_WRAPPER.format(script=script), args, timeout)

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
        if data["report"] is None:
            raise ObserverMissing(
                f"{self.run('return location.href;')} has no test observer, so nothing it did wrong would be seen: "
                f"{self.engine}'s driver cannot install one, so serve the page with the test servers "
                "(jsinterop_server, jsinterop_serve, jsinterop_site; nginx_server.serving(observer_script=...)), "
                "which load OBSERVER_SCRIPT first")
        r = data["report"]
        self._logged += self._browser_errors()
        return PageReport(
            boot_state=data["state"],
            violations=r.get("violations", []),
            console_errors=r.get("consoleErrors", []),
            uncaught=r.get("uncaught", []),
            progress=[(float(f), str(label)) for f, label in r.get("progress", [])],
            browser_errors=list(self._logged),
            console_warnings=r.get("consoleWarnings", []),
        )

    def resource_timings(self) -> list[ResourceTiming]:
        """The page's navigation and every resource it loaded so far, in the order they started."""
        entries = self.run(
            "return [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')]"
            ".map((e) => [e.name, e.transferSize, e.encodedBodySize, e.decodedBodySize]);"
        )
        return [ResourceTiming(url, int(t), int(e), int(d)) for url, t, e, d in entries]
