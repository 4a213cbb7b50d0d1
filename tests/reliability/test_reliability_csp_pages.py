"""Every page of the sample site under the strict Content-Security-Policy, in headless Chromium.

The dev server sends ``default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self';
base-uri 'self'; form-action 'self'``, and, as the sample's build asks (``isolation = "require-corp"``),
COOP ``same-origin`` and COEP ``require-corp``: every page must also be cross-origin isolated.
Each HTML page of dist/ and each route of the sample app boots, then every button on it is clicked
(alert/confirm/prompt answered), and the page must have recorded zero ``securitypolicyviolation``
events, zero console errors and zero uncaught errors or rejections. The one page built to fail
(boot-error.html) must fail readably, with only its own boot error in the console.
"""

from __future__ import annotations

import urllib.request
from pathlib import Path

import pytest

from jsinterop.tool.devserver import CONTENT_SECURITY_POLICY
from jsinterop.testing.browser import PageDriver

pytestmark = [pytest.mark.browser, pytest.mark.engines]

STRICT = ("default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; base-uri 'self'; "
          "form-action 'self'")
FAILING_PAGES = {"boot-error.html"}
"""Pages that fail to boot on purpose (they show what a failed boot looks like)."""
RAW_PYODIDE_PAGES = {"bench/boot.html"}
"""The benchmark's boot frame: opened as ?mode=ours (our loader); ?mode=raw is bare Pyodide, the
benchmark's baseline, with no boot signal of its own to wait for."""

NOT_CLICKED = {"bench/index.html"}
"""Its one button runs the whole benchmark (minutes); tests/tools/test_bench.py runs it in quick mode."""

CLICK_EVERY_BUTTON = """
    for (const name of ["alert", "confirm", "prompt"]) window[name] = () => (name === "confirm" ? true : null);
    let clicked = 0;
    for (let round = 0; round < 2; round++) {  // a click may render new buttons
        for (const button of [...document.querySelectorAll("button:not([disabled])")]) {
            if (!button.isConnected) continue;
            button.click();
            clicked++;
            await new Promise((resolve) => setTimeout(resolve, 30));
        }
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    return clicked;
"""


def html_pages(dist: Path) -> list[str]:
    return sorted(str(p.relative_to(dist)) for p in dist.rglob("*.html"))


def test_the_dev_server_sends_the_strict_policy_and_isolation(jsinterop_server):
    assert CONTENT_SECURITY_POLICY == STRICT
    for path in ("", "counter", "call-python.html", "jsinterop.mjs"):
        with urllib.request.urlopen(jsinterop_server + path) as response:
            assert response.headers["Content-Security-Policy"] == STRICT, path
            assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin", path
            assert response.headers["Cross-Origin-Embedder-Policy"] == "require-corp", path


def test_the_policy_keeps_the_base_url_and_form_targets_on_this_origin(jsinterop_page, jsinterop_engine,
                                                                        jsinterop_server):
    # Markup put in the page by other means than h (which refuses <base>): the policy alone must hold.
    assert jsinterop_page.open(jsinterop_server).boot_state == "ready"
    outcome = jsinterop_page.run_async("""
        const other = "http://127.0.0.1:9/";  // another origin (a closed port on this machine)
        const before = document.baseURI;
        const base = document.createElement("base");
        base.href = other;
        document.head.append(base);
        const moved = document.baseURI;
        base.remove();
        window.stayed = true;  // gone if the form navigates the page away
        const form = document.createElement("form");
        form.method = "post";
        form.action = other + "collect";
        const field = document.createElement("input");
        field.name = "secret";
        field.value = "s";
        form.append(field);
        document.body.append(form);
        let refused = null;
        try { form.submit(); } catch (e) { refused = String(e); }  // Firefox throws where the policy blocks it
        await new Promise((resolve) => setTimeout(resolve, 500));
        form.remove();
        return { before, moved, stayed: window.stayed === true, href: location.href, refused };
    """)
    assert "value" in outcome, outcome  # an error here: the page was navigated away
    assert outcome["value"]["moved"] == outcome["value"]["before"] and outcome["value"]["stayed"] is True
    if jsinterop_engine == "firefox":  # its own error: NS_ERROR_CSP_FORM_ACTION_VIOLATION
        assert "0x805a0061" in outcome["value"]["refused"], outcome
    else:
        assert outcome["value"]["refused"] is None, outcome
    violations = jsinterop_page.report().violations
    assert any(v.startswith("base-uri blocked http://127.0.0.1:9/") for v in violations), violations
    assert any(v.startswith("form-action blocked http://127.0.0.1:9/collect") for v in violations), violations


def check_clean(page: PageDriver, where: str) -> None:
    report = page.report()
    assert report.violations == [], f"{where}: CSP violations {report.violations}"
    assert report.console_errors == [], f"{where}: console errors {report.console_errors}"
    assert report.uncaught == [], f"{where}: uncaught {report.uncaught}"


@pytest.mark.engines("chromium")  # time: every page's boot and interactions run per engine in test_boot_page.py
def test_every_html_page_boots_and_works_under_the_policy(jsinterop_page, jsinterop_server, jsinterop_dist):
    pages = html_pages(jsinterop_dist)
    # worker.html boots Python in a worker (without isolation here; isolated, with the app's routes in a
    # worker too: test_reliability_worker.py)
    assert {"index.html", "call-python.html", "typed-interop.html", "bench/index.html", "worker.html"} <= set(pages)
    for name in pages:
        query = "?mode=ours" if name in RAW_PYODIDE_PAGES else ""
        report = jsinterop_page.open(f"{jsinterop_server}{name}{query}")
        if name in FAILING_PAGES:
            assert report.boot_state == "failed", name
            assert report.violations == [] and report.uncaught == [], report
            assert len(report.console_errors) == 1 and "main" in report.console_errors[0], report
            assert jsinterop_page.run("return document.getElementById('boot-error-message')?.textContent") != ""
            continue
        assert report.boot_state == "ready", f"{name}: {report}"
        assert jsinterop_page.run("return globalThis.crossOriginIsolated") is True, name  # COEP require-corp holds
        if name not in NOT_CLICKED:
            jsinterop_page.run_async(CLICK_EVERY_BUTTON)
        check_clean(jsinterop_page, name)


def test_every_route_of_the_app_renders_and_works_under_the_policy(jsinterop_page, jsinterop_server):
    # One boot; each route the app registers (@page) is then reached the way a link or the back
    # button reaches it (history + popstate), rendered, and has its buttons pressed.
    assert jsinterop_page.open(jsinterop_server).boot_state == "ready"
    templates = jsinterop_page.run_python(
        "from jsinterop.components.routing import routes\n[r.template for r in routes()]")
    assert "/" in templates and len(templates) >= 5
    clicked = 0
    for template in templates:
        assert "{" not in template, f"a route with parameters needs a sample URL here: {template}"
        rendered = jsinterop_page.run_async("""
            history.pushState(null, "", new URL(arguments[0].replace(/^\\/+/, ""), document.baseURI));
            dispatchEvent(new PopStateEvent("popstate"));
            await new Promise((resolve) => setTimeout(resolve, 150));
            return document.querySelector("main")?.textContent.trim().length ?? 0;
        """, template)["value"]
        assert rendered > 0, template
        clicked += jsinterop_page.run_async(CLICK_EVERY_BUTTON)["value"]
        check_clean(jsinterop_page, template)
    assert clicked >= len(templates)  # the routes have buttons, and they were pressed
