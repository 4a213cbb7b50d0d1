"""is_browser() / is_worker() / is_node() on CPython, and their detection logic against fake hosts."""

from __future__ import annotations

import sys
import types

import pytest

import jsinterop
from jsinterop import environment
from jsinterop.environment import Host


def test_false_on_cpython():
    assert jsinterop.is_browser() is False
    assert jsinterop.is_worker() is False
    assert jsinterop.is_node() is False
    assert jsinterop.host() is Host.NATIVE


def test_computed_once(monkeypatch):
    environment.host.cache_clear()
    try:
        first = environment.host()
        monkeypatch.setattr(sys, "platform", "emscripten")  # would change the answer if recomputed
        assert environment.host() is first
    finally:
        monkeypatch.undo()
        environment.host.cache_clear()


class _Obj(types.SimpleNamespace):
    pass


def _fake_js(scope: str, **globals_) -> types.ModuleType:
    js = types.ModuleType("js")
    for k, v in globals_.items():
        setattr(js, k, v)
    js.globalThis = _Obj(constructor=_Obj(name=scope))
    return js


@pytest.mark.parametrize(
    ("js_globals", "scope", "expected"),
    [
        ({"window": object(), "document": object(), "navigator": object()}, "Window", Host.BROWSER_MAIN),
        ({"navigator": object()}, "DedicatedWorkerGlobalScope", Host.BROWSER_WORKER),
        ({"navigator": object()}, "SharedWorkerGlobalScope", Host.BROWSER_WORKER),
        ({"navigator": object()}, "ServiceWorkerGlobalScope", Host.BROWSER_WORKER),
        ({"process": _Obj(versions=_Obj(node="20.20.2"))}, "Object", Host.NODE),
        ({"process": _Obj(versions=_Obj(node="2.0")), "Deno": object()}, "Object", Host.OTHER_WASM),
        ({}, "Object", Host.OTHER_WASM),
    ],
)
def test_detection_in_wasm_hosts(monkeypatch, js_globals, scope, expected):
    js = _fake_js(scope, **js_globals)
    monkeypatch.setitem(sys.modules, "js", js)
    monkeypatch.setattr(sys, "platform", "emscripten")
    environment.host.cache_clear()
    try:
        assert environment.host() is expected
        assert environment.is_browser() is (expected in (Host.BROWSER_MAIN, Host.BROWSER_WORKER))
        assert environment.is_worker() is (expected is Host.BROWSER_WORKER)
        assert environment.is_node() is (expected is Host.NODE)
    finally:
        monkeypatch.undo()
        environment.host.cache_clear()
