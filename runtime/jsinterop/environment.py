"""Where this Python runs: the counterpart of .NET's ``OperatingSystem.IsBrowser``, and which engine.

Each check is computed once, on first use, and is cheap afterwards. All of them are importable and
return False (the engine: ``"cpython"``) on plain CPython. This is the one place that reads the host's
globals (``navigator.userAgent``, ``WebAssembly.Suspending``, ``crossOriginIsolated``...);
``jsinterop.capabilities()`` gathers the answers.
"""

from __future__ import annotations

import sys
from enum import Enum
from functools import cache
from typing import Any, Literal

__all__ = [
    "ENGINE_NAMES",
    "Engine",
    "Host",
    "cross_origin_isolated",
    "engine",
    "engine_of_user_agent",
    "has_jspi",
    "has_shared_array_buffer",
    "host",
    "is_browser",
    "is_node",
    "is_worker",
    "waits_on_page",
]

Engine = Literal["chromium", "firefox", "webkit", "node", "cpython", "other"]
"""The JavaScript engine Python runs on: a browser's (``"chromium"``, ``"firefox"``, ``"webkit"``),
Node.js (``"node"``), none (``"cpython"``), or one not known here (``"other"``: Deno, Bun, a shell, a
browser whose user agent names none of the three)."""

ENGINE_NAMES: dict[Engine, str] = {
    "chromium": "Chromium", "firefox": "Firefox", "webkit": "WebKit", "node": "Node.js", "cpython": "CPython",
    "other": "an unknown engine",
}
"""How messages name each :data:`Engine`."""

# The global-scope classes of the kinds of Web Worker.
_WORKER_SCOPES = frozenset({"DedicatedWorkerGlobalScope", "SharedWorkerGlobalScope", "ServiceWorkerGlobalScope"})


class Host(Enum):
    """The kind of host Python runs in."""

    NATIVE = "native"
    """CPython (or another native interpreter), not WebAssembly."""
    BROWSER_MAIN = "browser-main"
    """WebAssembly on the main thread of a browser page."""
    BROWSER_WORKER = "browser-worker"
    """WebAssembly inside a Web Worker of a browser."""
    NODE = "node"
    """WebAssembly under Node.js."""
    OTHER_WASM = "other-wasm"
    """WebAssembly under some other JavaScript host (Deno, Bun, a shell)."""


@cache
def host() -> Host:
    """Detect the host once; later calls return the cached answer."""
    if sys.platform != "emscripten":
        return Host.NATIVE
    import js  # only exists inside Pyodide

    process = getattr(js, "process", None)
    versions = getattr(process, "versions", None) if process is not None else None
    if versions is not None and getattr(versions, "node", None) is not None and not hasattr(js, "Deno"):
        return Host.NODE
    scope = getattr(getattr(js.globalThis, "constructor", None), "name", None)
    if scope in _WORKER_SCOPES:
        return Host.BROWSER_WORKER
    if hasattr(js, "window") and hasattr(js, "document") and hasattr(js, "navigator"):
        return Host.BROWSER_MAIN
    return Host.OTHER_WASM


def is_browser() -> bool:
    """True when running in WebAssembly inside a browser, on the main thread or in a worker."""
    return host() in (Host.BROWSER_MAIN, Host.BROWSER_WORKER)


def is_worker() -> bool:
    """True when running inside a browser's Web Worker."""
    return host() is Host.BROWSER_WORKER


def is_node() -> bool:
    """True when running in Pyodide under Node.js."""
    return host() is Host.NODE


def engine_of_user_agent(user_agent: str) -> Engine:
    """The browser engine a ``navigator.userAgent`` names: ``"Firefox/"`` is Firefox, ``"Chrome/"``
    Chromium (Chrome, Edge, Opera...), ``"AppleWebKit"`` without ``"Chrome"`` WebKit (Safari, WebKitGTK,
    every browser on iOS), anything else ``"other"``."""
    if "Firefox/" in user_agent:
        return "firefox"
    if "Chrome/" in user_agent:
        return "chromium"
    if "AppleWebKit" in user_agent and "Chrome" not in user_agent:
        return "webkit"
    return "other"


@cache
def engine() -> Engine:
    """The engine Python runs on (see :data:`Engine`), detected once: ``process.versions.node`` for
    Node.js, ``navigator.userAgent`` in a browser (the main thread or a worker)."""
    kind = host()
    if kind is Host.NATIVE:
        return "cpython"
    if kind is Host.NODE:
        return "node"
    if kind is Host.OTHER_WASM:
        return "other"
    import js  # only exists inside Pyodide

    user_agent = getattr(getattr(js, "navigator", None), "userAgent", None)
    return engine_of_user_agent(user_agent) if isinstance(user_agent, str) else "other"


def _global(name: str) -> Any:
    """The JS global ``name``, or None where it is undefined (and on CPython)."""
    if host() is Host.NATIVE:
        return None
    import js  # only exists inside Pyodide

    return getattr(js.globalThis, name, None)


@cache
def has_jspi() -> bool:
    """Whether WebAssembly stack switching (JSPI: ``WebAssembly.Suspending``, or the older
    ``WebAssembly.Suspender``) exists here: the same test as ``JSPI`` in the loader's channel.mjs."""
    wasm = _global("WebAssembly")
    return wasm is not None and any(getattr(wasm, name, None) is not None for name in ("Suspending", "Suspender"))


def waits_on_page() -> bool:
    """Whether Python runs in the worker of worker mode and can wait synchronously for the page
    (SharedArrayBuffer and Atomics: the page is cross-origin isolated). Asked on every call: it is
    False until the loader's worker host exists."""
    if host() is not Host.BROWSER_WORKER:
        return False
    channel = getattr(getattr(_global("Py"), "_interop", None), "main", None)
    return getattr(channel, "canAwaitOnPage", None) is True


@cache
def cross_origin_isolated() -> bool:
    """``globalThis.crossOriginIsolated``: the page (or worker) was served with COOP ``same-origin``
    and COEP ``require-corp`` (or ``credentialless``). False outside a browser."""
    return _global("crossOriginIsolated") is True


@cache
def has_shared_array_buffer() -> bool:
    """Whether ``typeof SharedArrayBuffer === "function"`` here (browsers define it only when cross-origin
    isolated, and WebKitGTK 2.50 not even then)."""
    return _global("SharedArrayBuffer") is not None
