"""The boot files in headless Chromium: each is checked against the size and sha256 the build recorded
(a corrupt, truncated or cut-off file rejects the boot within seconds, naming the URL and the reason),
and each crosses the network once per boot, whatever the cache does.

Broken copies of dist/ are served by the dev server; a connection dropped mid-file by a small server
of this module that announces the whole Content-Length and closes after half of the body.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from jsinterop.testing.browser import OBSERVER_SCRIPT
from jsinterop.tool.devserver import DevRequestHandler, running_server

pytestmark = [pytest.mark.browser, pytest.mark.reliability]

BOOT_WITHIN = 30
"""Seconds a broken boot may take to reject (a hang used to last forever)."""

PYODIDE_BOOT_FILES = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip")


def app_wheel(dist: Path) -> str:
    """The development path of the app's wheel."""
    [wheel] = (dist / "wheels").glob("app-*.whl")
    return wheel.relative_to(dist).as_posix()


def linked_copy(dist: Path, dest: Path, replace: dict[str, bytes] | None = None) -> Path:
    """``dist`` as a folder of symlinks, with the files of ``replace`` (path -> bytes) written instead."""
    replace = replace or {}
    for path in dist.rglob("*"):
        if path.is_file():
            rel = path.relative_to(dist).as_posix()
            target = dest / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            if rel in replace:
                target.write_bytes(replace[rel])
            else:
                os.symlink(path, target)
    return dest


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _failed_boot(page, url: str) -> str:
    report = page.open(url, timeout=BOOT_WITHIN)
    assert report.boot_state == "failed", report
    assert report.violations == [] and report.uncaught == [], report
    assert page.run("return document.getElementById('boot-error').hidden") is False
    return page.text("boot-error-message")


@pytest.mark.parametrize("which", ["pyodide.asm.wasm", "python_stdlib.zip", "wheel"])
@pytest.mark.parametrize("damage", ["corrupt", "truncated"])
def test_a_damaged_boot_file_rejects_the_boot_naming_url_and_reason(jsinterop_page, jsinterop_serve, jsinterop_dist,
                                                                     tmp_path, which, damage):
    rel = app_wheel(jsinterop_dist) if which == "wheel" else which
    original = (jsinterop_dist / rel).read_bytes()
    if damage == "corrupt":  # same size, 64 bytes in the middle overwritten
        data = bytearray(original)
        data[len(data) // 2: len(data) // 2 + 64] = bytes(64)
        data = bytes(data)
    else:
        data = original[: len(original) // 2]
    url = jsinterop_serve(linked_copy(jsinterop_dist, tmp_path / "site", {rel: data}), extra_roots=[jsinterop_dist])
    message = _failed_boot(jsinterop_page, url)
    if damage == "corrupt":
        assert message == (f"Failed to load {url}{rel}: its sha256 is {_sha256(data)}, the build recorded "
                           f"{_sha256(original)} (corrupt)")
    else:
        assert message == (f"Failed to load {url}{rel}: it has {len(data)} bytes, the build recorded "
                           f"{len(original)} (corrupt or truncated)")


class _DroppingHandler(DevRequestHandler):
    """The dev server's handler, except that it sends only the first half of one file's body, then
    closes the connection: after announcing the whole Content-Length (the browser sees the body cut
    short), or with no Content-Length (the body is delimited by the close: only its size tells)."""

    drop: str = ""
    announce_length: bool = True

    def do_GET(self) -> None:
        if not self.path.split("?", 1)[0].endswith("/" + self.drop):
            super().do_GET()
            return
        data = Path(self.translate_path(self.path)).read_bytes()
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(self.path))
        if self.announce_length:
            self.send_header("Content-Length", str(len(data)))
        else:
            self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(data[: len(data) // 2])
        self.wfile.flush()
        self.close_connection = True


def dropping_server(directory: Path, drop: str, announce_length: bool) -> contextlib.AbstractContextManager[str]:
    """Serve ``directory`` at / on 127.0.0.1, cutting the connection halfway through ``drop``."""
    handler = type("Handler", (_DroppingHandler,), {"drop": drop, "announce_length": announce_length})
    return running_server(directory, handler_class=handler, observer_script=OBSERVER_SCRIPT)

@pytest.mark.parametrize("which", ["pyodide.asm.wasm", "python_stdlib.zip", "wheel"])
@pytest.mark.parametrize("length", ["Content-Length", "no Content-Length"])
def test_a_connection_dropped_mid_file_rejects_the_boot(jsinterop_page, jsinterop_dist, which, length):
    rel = app_wheel(jsinterop_dist) if which == "wheel" else which
    size = (jsinterop_dist / rel).stat().st_size
    with dropping_server(jsinterop_dist, rel, announce_length=length == "Content-Length") as url:
        message = _failed_boot(jsinterop_page, url)
    if length == "Content-Length":
        reason = re.escape("the download broke off (") + r".+\)"
    else:
        reason = re.escape(f"it has {size // 2} bytes, the build recorded {size} (corrupt or truncated)")
    assert re.fullmatch(re.escape(f"Failed to load {url}{rel}: ") + reason, message), message


# --- each file crosses the network once ------------------------------------------------------------

def _boot_file_requests(page, url: str, dist: Path) -> dict[str, list[int]]:
    """For each boot file of ``dist`` (Pyodide's files, the wheels the sample installs), the transfer
    sizes of the requests the page made for it."""
    wheels = {f"wheels/{p.name}" for p in (dist / "wheels").glob("*.whl")}
    out: dict[str, list[int]] = {}
    for t in page.resource_timings():
        path = t.url.split("?")[0][len(url):] if t.url.startswith(url) else None
        if path in PYODIDE_BOOT_FILES or path in wheels:
            out.setdefault(path, []).append(t.transfer_size)
    return out


@pytest.fixture
def cache_mode(jsinterop_page) -> Callable[[bool], None]:
    """``set(disabled)``: turn this window's HTTP cache off or on (DevTools protocol, this window only)."""
    def set_mode(disabled: bool) -> None:
        jsinterop_page.activate()
        jsinterop_page.driver.execute_cdp_cmd("Network.enable", {})
        jsinterop_page.driver.execute_cdp_cmd("Network.setCacheDisabled", {"cacheDisabled": disabled})

    yield set_mode
    set_mode(False)


@pytest.mark.parametrize("mode", ["cache disabled", "cold cache", "warm cache"])
def test_each_boot_file_crosses_the_network_once(jsinterop_page, jsinterop_server, jsinterop_dist, cache_mode, mode):
    page = jsinterop_page
    cache_mode(mode == "cache disabled")
    if mode != "warm cache":
        page.clear_browser_cache()
    else:
        assert page.open(jsinterop_server).boot_state == "ready"  # fills the cache
    report = page.open(jsinterop_server)
    assert report.boot_state == "ready" and report.console_errors == [], report
    requests = _boot_file_requests(page, jsinterop_server, jsinterop_dist)
    expected = set(PYODIDE_BOOT_FILES) | {app_wheel(jsinterop_dist), "wheels/jsinterop-0.1.0-py3-none-any.whl"}
    assert expected <= requests.keys(), requests
    assert {path: len(sizes) for path, sizes in requests.items() if len(sizes) != 1} == {}, requests
    if mode != "warm cache":  # the body came over the network, once (the dev server sends no-cache:
        # a warm boot revalidates each file once, with a 304 of a few hundred bytes)
        wasm = (jsinterop_dist / "pyodide.asm.wasm").stat().st_size
        assert requests["pyodide.asm.wasm"][0] > wasm, requests["pyodide.asm.wasm"]
