"""capabilities(), can_run_sync() and the blocking error on CPython: the decision for every engine and
entry point (a pure function of the facts), the engine read from real user agents, and the probes
against fake JavaScript hosts."""

from __future__ import annotations

import dataclasses
import sys
import types
import warnings
from collections.abc import Iterator
from typing import Any

import pytest

import jsinterop
from jsinterop import Blocking, Capabilities, capabilities, can_run_sync, js_import
from jsinterop import environment
from jsinterop.interop.blocking import BlockingFacts, blocking_error, blocking_problem, require_blocking
from jsinterop.testing import FakeJSRuntime

PREFIX = ("Waiting synchronously for 'later' needs JSPI (WebAssembly stack switching) in the browser and a Python "
          "entry point started with runPythonAsync or callPromising: ")
AWAIT = "await the call instead (invoke_async, or a stub returning Awaitable[...])"

CPYTHON = ("this is CPython, not a browser, so there is no JavaScript Promise to wait for; " + AWAIT
           + ", or, in a test, answer a Blocking[...] stub with FakeJSRuntime's setup_import.")
WEBKIT_NO_JSPI = ("this browser (WebKit) has no JSPI (WebAssembly.Suspending); on WebKit/Safari, a call into the page "
                  "blocks in worker mode (boot({worker: true}): Atomics in a cross-origin isolated worker); otherwise, "
                  + AWAIT + ".")
FIREFOX_NO_JSPI = ("this browser (Firefox) has no JSPI (WebAssembly.Suspending); without JSPI, a call into the page "
                   "blocks in worker mode (boot({worker: true}): Atomics in a cross-origin isolated worker), as on "
                   "WebKit/Safari; otherwise, " + AWAIT + ".")
NODE_NO_JSPI = ("this Node.js has no JSPI (WebAssembly.Suspending); run a Node.js that ships it (or node "
                "--experimental-wasm-jspi), or " + AWAIT + ".")


def sync_entry(where: str) -> str:
    return (f"{where} has JSPI, but this call's Python entry point is synchronous (runPython, or a plain "
            "synchronous call from JavaScript); enter Python through a promising one (runPythonAsync, callPromising, "
            "Py.invokeMethodAsync, an async @js_export), or " + AWAIT + ".")


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        (BlockingFacts("chromium", True, True), None),
        (BlockingFacts("firefox", True, True), None),
        (BlockingFacts("node", True, True), None),
        (BlockingFacts("chromium", True, False), sync_entry("this browser (Chromium)")),
        (BlockingFacts("firefox", True, False), sync_entry("this browser (Firefox)")),
        (BlockingFacts("node", True, False), sync_entry("this Node.js")),
        (BlockingFacts("other", True, False), sync_entry("this JavaScript host")),
        (BlockingFacts("webkit", False, False), WEBKIT_NO_JSPI),
        (BlockingFacts("webkit", False, True), WEBKIT_NO_JSPI),  # no JSPI is the answer, whatever the entry
        (BlockingFacts("firefox", False, False), FIREFOX_NO_JSPI),
        (BlockingFacts("node", False, False), NODE_NO_JSPI),
        (BlockingFacts("cpython", False, False), CPYTHON),
        # worker mode on an isolated page: a call into the page waits with Atomics, JSPI or not
        (BlockingFacts("webkit", False, False, waits_on_page=True), None),
        (BlockingFacts("firefox", True, False, waits_on_page=True), None),
    ],
)
def test_blocking_problem_per_engine_and_entry_point(facts, expected):
    assert blocking_problem(facts) == expected
    caps = Capabilities.of(facts)
    assert (caps.engine, caps.jspi, caps.promising_entry) == (facts.engine, facts.jspi, facts.promising_entry)
    assert caps.can_block is (expected is None)
    assert caps.missing == expected


def test_the_error_ends_with_the_missing_sentence():
    error = blocking_error("later", WEBKIT_NO_JSPI)
    assert type(error) is RuntimeError
    assert str(error) == PREFIX + WEBKIT_NO_JSPI


@pytest.mark.parametrize(
    ("user_agent", "expected"),
    [
        ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0 "
         "Safari/537.36", "chromium"),  # headless Chromium 156, measured
        ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 "
         "Safari/537.36 Edg/156.0.0.0", "chromium"),
        ("Mozilla/5.0 (X11; Linux x86_64; rv:153.0) Gecko/20100101 Firefox/153.0", "firefox"),  # Firefox ESR 153, measured
        ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/60.5 Safari/605.1.15",
         "webkit"),  # WebKitGTK 2.50's MiniBrowser, measured
        ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/26.0 "
         "Safari/605.1.15", "webkit"),
        ("Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
         "CriOS/156.0 Mobile/15E148 Safari/604.1", "webkit"),  # every browser on iOS is WebKit
        ("Deno/2.5.0", "other"),
        ("", "other"),
    ],
)
def test_engine_of_user_agent(user_agent, expected):
    assert environment.engine_of_user_agent(user_agent) == expected


def test_capabilities_on_cpython():
    caps = capabilities()
    assert caps == Capabilities("cpython", False, False, False, False, False, False, CPYTHON)
    assert caps.can_block is can_run_sync() is False
    assert jsinterop.Capabilities is Capabilities and "capabilities" in jsinterop.__all__
    with pytest.raises(dataclasses.FrozenInstanceError):
        caps.can_block = True  # type: ignore[misc]


def test_require_blocking_on_cpython_says_it_is_not_a_browser():
    with pytest.raises(RuntimeError) as info:
        require_blocking("later")
    assert str(info.value) == PREFIX + CPYTHON


def test_a_blocking_call_under_the_fake_runtime_fails_the_same_way():
    # FakeJSRuntime keeps its behaviour: rt.invoke(..., blocking=True) is refused as on CPython, without
    # leaving a coroutine that was never awaited; a Blocking[...] stub is answered by its setup.
    fake = FakeJSRuntime()
    fake.setup("later", 4, returns=8)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(RuntimeError) as info:
            fake.invoke("later", 4, blocking=True)
    assert str(info.value) == PREFIX + CPYTHON

    @js_import("later", "typed.js")
    def later_blocking(x: int) -> Blocking[int]: ...

    fake.setup_import("later", 4, module="typed.js", returns=8)
    with fake.serving_typed_imports():
        assert later_blocking(4) == 8


class _Obj(types.SimpleNamespace):
    pass


_CHROMIUM_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0"
_WEBKIT_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/60.5 Safari/605.1.15"

_CACHED = (environment.host, environment.engine, environment.has_jspi, environment.cross_origin_isolated,
           environment.has_shared_array_buffer)


@pytest.fixture
def fake_host(monkeypatch) -> Iterator[Any]:
    """Make this process look like Pyodide in a JS host described by the arguments."""

    def install(scope: str, user_agent: str | None, promising: bool, **globals_: Any) -> None:
        js = types.ModuleType("js")
        global_this = _Obj(constructor=_Obj(name=scope), **globals_)
        for name, value in globals_.items():
            setattr(js, name, value)
        if user_agent is not None:
            js.navigator = _Obj(userAgent=user_agent)
            global_this.navigator = js.navigator
            if scope == "Window":
                js.window = js.document = object()
        js.globalThis = global_this
        ffi = types.ModuleType("pyodide.ffi")
        ffi.can_run_sync = lambda: promising  # type: ignore[attr-defined]
        monkeypatch.setitem(sys.modules, "js", js)
        monkeypatch.setitem(sys.modules, "pyodide", types.ModuleType("pyodide"))
        monkeypatch.setitem(sys.modules, "pyodide.ffi", ffi)
        monkeypatch.setattr(sys, "platform", "emscripten")
        for probe in _CACHED:
            probe.cache_clear()

    yield install
    monkeypatch.undo()
    for probe in _CACHED:
        probe.cache_clear()


def test_capabilities_of_a_chromium_page_under_coop_coep(fake_host):
    fake_host("Window", _CHROMIUM_UA, True, WebAssembly=_Obj(Suspending=object), crossOriginIsolated=True,
              SharedArrayBuffer=object)
    assert capabilities() == Capabilities("chromium", True, True, True, True, False, True, None)
    assert can_run_sync() is True


def test_capabilities_of_a_synchronous_entry_in_a_chromium_worker(fake_host):
    fake_host("DedicatedWorkerGlobalScope", _CHROMIUM_UA, False, WebAssembly=_Obj(Suspending=object))
    caps = capabilities()
    assert caps == Capabilities("chromium", True, False, False, False, True, False, sync_entry("this browser (Chromium)"))
    with pytest.raises(RuntimeError, match="entry point is synchronous"):
        require_blocking("later")


def test_capabilities_of_webkit_isolated_without_shared_array_buffer(fake_host):
    # Measured in WebKitGTK 2.50's MiniBrowser under COOP same-origin + COEP require-corp: crossOriginIsolated
    # is true, SharedArrayBuffer undefined, and there is no WebAssembly.Suspending.
    fake_host("Window", _WEBKIT_UA, False, WebAssembly=_Obj(), crossOriginIsolated=True)
    assert capabilities() == Capabilities("webkit", False, False, True, False, False, False, WEBKIT_NO_JSPI)
    with pytest.raises(RuntimeError) as info:
        require_blocking("later")
    assert str(info.value) == PREFIX + WEBKIT_NO_JSPI


def test_capabilities_under_node(fake_host):
    fake_host("Object", None, False, WebAssembly=_Obj(Suspending=object), process=_Obj(versions=_Obj(node="24.0")))
    assert capabilities().engine == "node"
    assert capabilities().missing == sync_entry("this Node.js")
