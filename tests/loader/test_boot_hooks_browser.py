"""boot()'s hooks in a real page under the strict CSP: JS initializers (``*.lib.module.js`` listed in
layout.mjs: every ``beforeStart(options)`` before Pyodide loads, every ``afterStarted(Py)`` after the app
started, a throwing one failing the boot naming its file) and ``loadBootResource`` (another same-origin
URL, a Response: both verified like any download; a cross-origin URL refused)."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

HERE = Path(__file__).parent

FIRST = """
const calls = (globalThis.initializerCalls ??= []);
const wasmFetched = () => performance.getEntriesByType("resource").some((e) => e.name.endsWith("pyodide.asm.wasm"));
export async function beforeStart(options) {
  calls.push(["first.beforeStart", options.app, wasmFetched(), globalThis.Py === undefined]);
  await new Promise((resolve) => setTimeout(resolve, 50));
  calls.push(["first.beforeStart done"]);
  options.loadBootResource = (kind, name) => void calls.push(["asked", kind, name]);
}
export function afterStarted(Py) {
  calls.push(["first.afterStarted", Py === globalThis.Py, document.documentElement.dataset.jsinteropBoot,
              Boolean(document.querySelector("#app nav"))]);
}
"""
SECOND = """
export function beforeStart(options) { globalThis.initializerCalls.push(["second.beforeStart"]); }
export async function afterStarted(Py) { globalThis.initializerCalls.push(["second.afterStarted", Py.app]); }
"""
THROWS = """
export function beforeStart() { throw new Error("no license key"); }
"""


def layout_listing(dist: Path, initializers: list[str]) -> str:
    """The build's layout.mjs with ``initializers`` listed (as the build lists *.lib.module.js files)."""
    text = (dist / "layout.mjs").read_text()
    line = "export const INITIALIZERS = Object.freeze([]);"
    assert line in text
    return text.replace(line, f"export const INITIALIZERS = Object.freeze({initializers!r});".replace("'", '"'))


def test_initializers_run_in_order_around_the_boot(jsinterop_site, jsinterop_dist, jsinterop_page):
    url = jsinterop_site({"layout.mjs": layout_listing(jsinterop_dist, ["first.lib.module.js", "second.lib.module.js"]),
                          "first.lib.module.js": FIRST, "second.lib.module.js": SECOND})
    report = jsinterop_page.open(url)
    assert report.boot_state == "ready", report
    assert report.violations == [] and report.console_errors == [], report
    calls = jsinterop_page.run("return globalThis.initializerCalls;")
    asked = [c for c in calls if c[0] == "asked"]
    assert [c for c in calls if c[0] != "asked"] == [
        ["first.beforeStart", "app", False, True],  # before Pyodide: no wasm fetched, no Py
        ["first.beforeStart done"],                  # awaited before the next one
        ["second.beforeStart"],
        ["first.afterStarted", True, "booting", True],  # after the app's main() rendered, before ready
        ["second.afterStarted", "app"],
    ]
    # beforeStart set options.loadBootResource: the boot asked it about every file it loads
    assert ["asked", "runtime", "pyodide.asm.wasm"] in asked and ["asked", "module", "pyodide.mjs"] in asked
    assert any(c[1] == "wheel" and c[2].startswith("wheels/app-") for c in asked)


def test_an_initializer_that_throws_fails_the_boot_naming_its_file(jsinterop_site, jsinterop_dist, jsinterop_page):
    url = jsinterop_site({"layout.mjs": layout_listing(jsinterop_dist, ["broken.lib.module.js"]),
                          "broken.lib.module.js": THROWS})
    report = jsinterop_page.open(url)
    assert report.boot_state == "failed"
    message = jsinterop_page.text("boot-error-message")
    assert re.fullmatch(r"The JS initializer http://[^ ]+/broken\.lib\.module\.js failed in beforeStart\(\): "
                        r"no license key", message), message


@pytest.fixture(scope="module")
def hooks_site(jsinterop_site, jsinterop_dist) -> str:
    wheel = next(jsinterop_dist.glob("wheels/app-*.whl"))
    return jsinterop_site({"boot-hooks.html": HERE / "boot_hooks.html", "boot-hooks.mjs": HERE / "boot_hooks.mjs",
                           f"mirror/wheels/{wheel.name}": wheel})


def boot_case(page, url: str, case: str, timeout: float = 90) -> str:
    """Boot the hooks page with ``case``; "ready" or "failed: <the BootError's message>"."""
    page.open(f"{url}boot-hooks.html?case={case}", wait=True)
    deadline = time.monotonic() + timeout
    while (outcome := page.run("return globalThis.bootOutcome ?? null;")) is None:
        assert time.monotonic() < deadline, f"boot() did not settle; report: {page.report()}"
        time.sleep(0.05)
    return outcome


def test_load_boot_resource_is_asked_about_every_boot_file(hooks_site, jsinterop_page):
    assert boot_case(jsinterop_page, hooks_site, "default") == "ready"
    asked = jsinterop_page.run("return globalThis.asked;")
    kinds = {name: kind for kind, name, _ in asked}
    assert kinds["pyodide.mjs"] == kinds["pyodide.asm.mjs"] == "module"
    assert kinds["pyodide.asm.wasm"] == kinds["python_stdlib.zip"] == "runtime"
    assert {kind for name, kind in kinds.items() if name.startswith("wheels/")} == {"wheel"}
    assert all(default == hooks_site + name for _, name, default in asked)


def test_a_redirect_to_a_same_origin_copy_boots_from_it(hooks_site, jsinterop_page):
    assert boot_case(jsinterop_page, hooks_site, "redirect") == "ready"
    wheels = [t.url for t in jsinterop_page.resource_timings() if "/app-" in t.url and t.url.endswith(".whl")]
    assert wheels == [f"{hooks_site}mirror/{wheels[0].split('/mirror/')[1]}"], wheels
    assert jsinterop_page.report().violations == []


def test_a_response_with_wrong_bytes_fails_the_hash_check_naming_the_file(hooks_site, jsinterop_page):
    outcome = boot_case(jsinterop_page, hooks_site, "wrong-bytes")
    assert re.fullmatch(r"failed: Failed to load http://[^ ]+/wheels/app-[^ ]+\.whl \(the Response loadBootResource "
                        r"gave\): its sha256 is [0-9a-f]{64}, the build recorded [0-9a-f]{64} \(corrupt\)", outcome), outcome


def test_a_cross_origin_url_is_refused_naming_it(hooks_site, jsinterop_page):
    outcome = boot_case(jsinterop_page, hooks_site, "cross-origin")
    assert re.fullmatch(r"failed: loadBootResource returned http://127\.0\.0\.1:9/wheels/app-[^ ]+\.whl for "
                        r"wheels/app-[^ ]+\.whl: a cross-origin URL is refused .*", outcome), outcome
    assert jsinterop_page.report().violations == []
