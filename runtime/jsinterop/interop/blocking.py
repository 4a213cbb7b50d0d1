"""Waiting synchronously for a JavaScript Promise (JSPI stack switching), where the page allows it."""

from __future__ import annotations

from typing import Any

__all__ = ["block_on", "can_run_sync", "require_blocking"]


def can_run_sync() -> bool:
    """Whether Python can block here on a JS Promise (JSPI stack switching, entered through
    ``runPythonAsync``/``callPromising``). False on CPython and in browsers without JSPI."""
    try:
        from pyodide.ffi import can_run_sync as pyodide_can_run_sync  # only present in Pyodide
    except ImportError:
        return False
    return bool(pyodide_can_run_sync())


def require_blocking(identifier: str) -> None:
    """Raise a clear error unless Python can block on a Promise here."""
    if not can_run_sync():
        raise RuntimeError(
            f"Waiting synchronously for '{identifier}' needs JSPI (WebAssembly stack switching) in the browser "
            "and a Python entry point started with runPythonAsync or callPromising; this call has neither or "
            "only one. Await it instead (invoke_async, or a stub returning Awaitable[...]).")


def block_on(awaitable: Any, identifier: str) -> Any:
    """The result of ``awaitable`` (a coroutine or a JS Promise), waited for synchronously."""
    require_blocking(identifier)
    from pyodide.ffi import run_sync  # only present in Pyodide (require_blocking checked it is)

    return run_sync(awaitable)
