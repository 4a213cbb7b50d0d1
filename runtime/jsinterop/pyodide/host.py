"""The page's host: the loader's InteropHost (:func:`interop_host`) and the one piece of code that
touches the internals of Pyodide's event loop (:func:`resume_now`)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

__all__ = ["interop_host", "resume_now"]


def resume_now(settle: Callable[..., Any], *args: Any) -> None:
    """``settle(*args)`` completes a future (or starts a task); the task then resumes (or starts) here
    and now.

    Pyodide's event loop would schedule the task's wake-up as a new browser task, and run it through
    a JSPI-capable (promising) entry point, which costs a second browser task: two hops of the event
    loop for every awaited call or started coroutine. JavaScript calls the entry points that use this
    (``end_invoke``, ``call_async``, ``pull_stream``) through such an entry point already
    (``callPromising`` where JSPI exists, see startPython in channel.mjs), so running the task right
    away keeps what it may do (block on a Promise with ``run_sync``) and saves hops. When a task is
    already running (one suspended by ``run_sync``, or the caller's own), it is scheduled as usual.
    """
    loop = asyncio.get_event_loop()
    if asyncio.current_task(loop) is not None:
        settle(*args)
        return
    ready: list[asyncio.Handle] = []

    def collect(callback: Callable[..., Any], *cb_args: Any, context: Any = None) -> asyncio.Handle:
        handle = asyncio.Handle(callback, cb_args, loop, context=context)
        ready.append(handle)
        return handle

    loop.call_soon = collect  # type: ignore[method-assign]
    try:
        settle(*args)
    finally:
        del loop.call_soon
    if not ready:
        return
    if asyncio._get_running_loop() is not loop:
        asyncio._set_running_loop(loop)  # as Pyodide's loop does before each callback
    for handle in ready:
        if not handle.cancelled():
            handle._run()


def interop_host() -> Any:
    """The loader's InteropHost (``globalThis.Py._interop``); a clear error when jsinterop is not booted."""
    import js  # only present in Pyodide

    py = getattr(js, "Py", None)
    host = getattr(py, "_interop", None) if py is not None else None
    if host is None:
        raise RuntimeError("jsinterop's JavaScript side is not loaded in this page: "
                           "boot the page with boot() from jsinterop.mjs")
    return host
