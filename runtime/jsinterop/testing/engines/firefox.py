"""Headless Firefox (Debian's firefox-esr), driven through its own WebDriver BiDi server (see bidi.py)."""

from __future__ import annotations

import base64
import json
import re
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from ..browser import OBSERVER_SCRIPT, PageDriver
from .bidi import BiDiSession
from .programs import program

__all__ = ["FirefoxBrowser", "FirefoxPage", "PageScriptError", "firefox_path"]

# Quiet on a machine without outside network: no first-run pages, updates, telemetry or probes.
_PREFERENCES = {
    "app.update.disabledForTesting": True,
    "browser.shell.checkDefaultBrowser": False,
    "browser.startup.homepage_override.mstone": "ignore",
    "browser.startup.page": 0,
    "datareporting.policy.dataSubmissionEnabled": False,
    "toolkit.telemetry.reportingpolicy.firstRun": False,
    "network.captive-portal-service.enabled": False,
    "network.connectivity-service.enabled": False,
    "browser.safebrowsing.malware.enabled": False,
    "browser.safebrowsing.phishing.enabled": False,
    "extensions.update.enabled": False,
    "dom.disable_open_during_load": False,
}

# The result as JSON; a key whose value is undefined is kept, as null (as WebDriver classic's serialization does).
_RUN = ("async function (argsJSON) {{ const value = await (function () {{ {script} }}).apply(this, JSON.parse(argsJSON));"
        " return JSON.stringify(value === undefined ? null : value, (key, v) => (v === undefined ? null : v)) ?? 'null'; }}")
_RUN_WITH_CALLBACK = ("async function (argsJSON) {{ const args = JSON.parse(argsJSON);"
                      " const value = await new Promise((done) => (function () {{ {script} }}).apply(this, [...args, done]));"
                      " return JSON.stringify(value === undefined ? null : value, (key, v) => (v === undefined ? null : v)) ?? 'null'; }}")


class PageScriptError(RuntimeError):
    """A script run in a Firefox page threw (selenium's JavascriptException, for the BiDi driver)."""


def firefox_path() -> str:
    """The Firefox binary, from ``JSINTEROP_FIREFOX`` or the usual Debian names."""
    return program("JSINTEROP_FIREFOX", ("firefox-esr", "firefox", "/usr/bin/firefox-esr"), "firefox-esr")

class FirefoxPage(PageDriver):
    """A Firefox window (a BiDi top-level browsing context)."""

    engine = "firefox"

    def __init__(self, browser: FirefoxBrowser) -> None:
        super().__init__()
        self._browser = browser
        self._session = browser.session
        self.context: str = self._session.command("browsingContext.create", {"type": "window"})["context"]
        """The BiDi id of this window."""
        browser.logs[self.context] = []
        self._cold_next = False
        self._bypassing = False

    def activate(self) -> None:
        """Nothing to do: every BiDi command names its window."""

    def _navigate(self, url: str) -> None:
        if self._cold_next != self._bypassing:
            self._session.command("network.setCacheBehavior",
                                  {"cacheBehavior": "bypass" if self._cold_next else "default", "contexts": [self.context]})
            self._bypassing = self._cold_next
        self._cold_next = False
        self._session.command("browsingContext.navigate", {"context": self.context, "url": url, "wait": "complete"},
                              timeout=120)

    def _call(self, declaration: str, args: tuple[Any, ...], timeout: float) -> Any:
        result = self._session.command("script.callFunction", {
            "functionDeclaration": declaration,
            "arguments": [{"type": "string", "value": json.dumps(list(args))}],
            "target": {"context": self.context},
            "awaitPromise": True,
        }, timeout=timeout)
        if result.get("type") == "exception":
            details = result.get("exceptionDetails", {})
            raise PageScriptError(f"the script threw: {details.get('text')}")
        return json.loads(result["result"]["value"])

    def run(self, script: str, *args: Any) -> Any:
        return self._call(_RUN.format(script=script), args, timeout=60)

    def _run_with_callback(self, script: str, args: tuple[Any, ...], timeout: float) -> Any:
        return self._call(_RUN_WITH_CALLBACK.format(script=script), args, timeout=timeout)

    def _center_of(self, selector: str) -> tuple[int, int]:
        found = self.run("const e = document.querySelector(arguments[0]); if (!e) return null;"
                         " e.scrollIntoView({ block: 'center', inline: 'center' });"
                         " const r = e.getBoundingClientRect(); return [r.left + r.width / 2, r.top + r.height / 2];",
                         selector)
        if found is None:
            raise LookupError(f"No element matches '{selector}' in {self.run('return location.pathname;')}")
        return int(found[0]), int(found[1])

    def _actions(self, source: dict[str, Any]) -> None:
        self._session.command("input.performActions", {"context": self.context, "actions": [source]})

    def click(self, selector: str) -> None:
        x, y = self._center_of(selector)
        self._actions({"type": "pointer", "id": "mouse", "parameters": {"pointerType": "mouse"}, "actions": [
            {"type": "pointerMove", "x": x, "y": y, "origin": "viewport"},
            {"type": "pointerDown", "button": 0}, {"type": "pointerUp", "button": 0}]})

    def fill(self, selector: str, text: str) -> None:
        self.click(selector)
        self.run("const e = document.querySelector(arguments[0]); e.focus(); e.value = '';"
                 " e.dispatchEvent(new Event('input', { bubbles: true }));"
                 " e.dispatchEvent(new Event('change', { bubbles: true }));", selector)
        keys = [action for ch in text for action in ({"type": "keyDown", "value": ch}, {"type": "keyUp", "value": ch})]
        self._actions({"type": "key", "id": "keyboard", "actions": keys})

    def accept_dialog(self, timeout: float = 10) -> str:
        deadline = time.monotonic() + timeout
        prompts = self._browser.prompts
        while self.context not in prompts:
            if time.monotonic() > deadline:
                raise TimeoutError(f"no dialog opened in {timeout:.0f} s")
            time.sleep(0.05)
            self._session.command("session.status", {})  # receives the events sent meanwhile
        message = prompts.pop(self.context)
        self._session.command("browsingContext.handleUserPrompt", {"context": self.context, "accept": True})
        return message

    def screenshot(self, path: str) -> None:
        data = self._session.command("browsingContext.captureScreenshot", {"context": self.context})["data"]
        Path(path).write_bytes(base64.b64decode(data))

    def clear_browser_cache(self) -> None:
        """The next visit of this window bypasses the HTTP cache (BiDi's ``network.setCacheBehavior``), as a
        cold visit does; the one after it uses the cache again."""
        self._cold_next = True

    def _browser_errors(self) -> list[str]:
        logged = self._browser.logs.get(self.context, [])
        errors, logged[:] = list(logged), []
        return errors

    def close(self) -> None:
        self._browser.logs.pop(self.context, None)
        self._session.command("browsingContext.close", {"context": self.context})


class FirefoxBrowser:
    """One headless Firefox with a new profile for a test session, spoken to over WebDriver BiDi."""

    engine = "firefox"

    def __init__(self, timeout: float = 60) -> None:
        self._profile = tempfile.TemporaryDirectory(prefix="jsinterop-firefox-")
        profile = Path(self._profile.name)
        (profile / "user.js").write_text("".join(f"user_pref({json.dumps(k)}, {json.dumps(v)});\n"
                                                 for k, v in _PREFERENCES.items()))
        self._stderr = open(profile / "stderr.log", "w+")  # noqa: SIM115 (kept open while Firefox runs)
        self._process = subprocess.Popen(
            [firefox_path(), "--headless", "--no-remote", "--remote-debugging-port=0", "--profile", str(profile)],
            stdout=subprocess.DEVNULL, stderr=self._stderr)
        try:
            self.session = BiDiSession(self._wait_for_endpoint(profile / "stderr.log", timeout) + "/session")
            self.logs: dict[str, list[str]] = {}
            """Errors the browser logged, per window (BiDi ``log.entryAdded`` of level error)."""
            self.prompts: dict[str, str] = {}
            """The message of the dialog open in a window, until it is handled."""
            self.session.on_event(self._record)
            self.session.command("session.subscribe", {"events": ["log.entryAdded", "browsingContext.userPromptOpened"]})
            self.session.command("script.addPreloadScript", {"functionDeclaration": f"() => {{ {OBSERVER_SCRIPT} }}"})
        except BaseException:
            self.quit()
            raise

    def _wait_for_endpoint(self, log: Path, timeout: float) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = re.search(r"WebDriver BiDi listening on (ws://\S+)", log.read_text(errors="replace"))
            if found:
                return found.group(1)
            if self._process.poll() is not None:
                break
            time.sleep(0.05)
        raise RuntimeError(f"Firefox did not start its WebDriver BiDi server in {timeout:.0f} s: "
                           f"{log.read_text(errors='replace')[-2000:]}")

    def _record(self, message: dict[str, Any]) -> None:
        if message.get("method") == "browsingContext.userPromptOpened":
            self.prompts[message["params"]["context"]] = str(message["params"].get("message", ""))
            return
        if message.get("method") != "log.entryAdded":
            return
        entry = message["params"]
        if entry.get("level") == "error":
            context = entry.get("source", {}).get("context")
            if context in self.logs:
                self.logs[context].append(str(entry.get("text")))

    def new_page(self) -> FirefoxPage:
        """A new window."""
        return FirefoxPage(self)

    def quit(self) -> None:
        """Close the browser and remove its profile."""
        session = getattr(self, "session", None)
        if session is not None:
            session.close()
        self._process.terminate()
        try:
            self._process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        self._stderr.close()
        self._profile.cleanup()
