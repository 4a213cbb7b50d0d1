"""Where this Python runs: the counterpart of .NET's ``OperatingSystem.IsBrowser``.

Each check is computed once, on first use, and is cheap afterwards. All of them are importable and
return False on plain CPython.
"""

from __future__ import annotations

import sys
from enum import Enum
from functools import cache

__all__ = ["Host", "host", "is_browser", "is_node", "is_worker"]

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
