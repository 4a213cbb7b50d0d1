"""Waiting synchronously for a JavaScript Promise (JSPI stack switching), where the engine and the
entry point allow it; and, when they do not, the one sentence saying what is missing.

The decision is :func:`blocking_problem`, a pure function of :class:`BlockingFacts`, so each engine's
answer is tested on CPython; :func:`can_run_sync`, ``Blocking[T]`` (through :func:`require_blocking`)
and ``jsinterop.capabilities()`` all ask it, so they always agree.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from ..environment import ENGINE_NAMES, Engine, engine, has_jspi, waits_on_page

__all__ = ["BlockingFacts", "blocking_error", "blocking_facts", "blocking_problem", "block_on", "can_run_sync",
           "promising_entry", "require_blocking"]

_AWAIT_INSTEAD = "await the call instead (invoke_async, or a stub returning Awaitable[...])"


@dataclasses.dataclass(frozen=True)
class BlockingFacts:
    """What decides whether Python can block on a Promise: the engine, whether it has JSPI, and
    whether the current Python entry point is a promising one."""

    engine: Engine
    jspi: bool
    promising_entry: bool
    waits_on_page: bool = False
    """Python runs in worker mode's worker and can wait for the page with Atomics (the page is
    cross-origin isolated): a call into the page can block without JSPI."""


def promising_entry() -> bool:
    """Whether the code running now was entered through a promising entry point (``runPythonAsync``,
    ``callPromising``...), as Pyodide's ``pyodide.ffi.can_run_sync()`` answers; False on CPython."""
    try:
        from pyodide.ffi import can_run_sync as pyodide_can_run_sync  # only present in Pyodide
    except ImportError:
        return False
    return bool(pyodide_can_run_sync())


def blocking_facts(local: bool = False) -> BlockingFacts:
    """The facts here and now (the entry point is asked again on every call); ``local``: for a
    Promise or coroutine of Python's own realm, which Atomics cannot wait for (only JSPI can)."""
    return BlockingFacts(engine(), has_jspi(), promising_entry(), not local and waits_on_page())


def _where(name: Engine) -> str:
    if name == "node":
        return "this Node.js"
    if name == "other":
        return "this JavaScript host"
    return f"this browser ({ENGINE_NAMES[name]})"


def blocking_problem(facts: BlockingFacts) -> str | None:
    """None when Python can block on a Promise with these facts; else the sentence naming what is
    missing and what to do (the text ``capabilities().missing`` gives and the blocking error ends with)."""
    if facts.engine == "cpython":
        return ("this is CPython, not a browser, so there is no JavaScript Promise to wait for; " + _AWAIT_INSTEAD
                + ", or, in a test, answer a Blocking[...] stub with FakeJSRuntime's setup_import.")
    if facts.waits_on_page:
        return None
    if not facts.jspi:
        if facts.engine == "node":
            return ("this Node.js has no JSPI (WebAssembly.Suspending); run a Node.js that ships it (or node "
                    "--experimental-wasm-jspi), or " + _AWAIT_INSTEAD + ".")
        if facts.engine == "webkit":
            later = ("on WebKit/Safari, a call into the page blocks in worker mode (boot({worker: true}): Atomics in "
                     "a cross-origin isolated worker)")
        else:
            later = ("without JSPI, a call into the page blocks in worker mode (boot({worker: true}): Atomics in a "
                     "cross-origin isolated worker), as on WebKit/Safari")
        return f"{_where(facts.engine)} has no JSPI (WebAssembly.Suspending); {later}; otherwise, {_AWAIT_INSTEAD}."
    if not facts.promising_entry:
        return (f"{_where(facts.engine)} has JSPI, but this call's Python entry point is synchronous (runPython, or "
                "a plain synchronous call from JavaScript); enter Python through a promising one (runPythonAsync, "
                "callPromising, Py.invokeMethodAsync, an async @js_export), or " + _AWAIT_INSTEAD + ".")
    return None


def blocking_error(identifier: str, problem: str) -> RuntimeError:
    """The error a blocking call of ``identifier`` raises where :func:`blocking_problem` gave ``problem``."""
    return RuntimeError(
        f"Waiting synchronously for '{identifier}' needs JSPI (WebAssembly stack switching) in the browser and a "
        f"Python entry point started with runPythonAsync or callPromising: {problem}")


def can_run_sync(local: bool = False) -> bool:
    """Whether a call into the page can block here (a ``Blocking[T]`` stub, ``invoke(..., blocking=True)``):
    JSPI in the engine and a promising entry point (``runPythonAsync``/``callPromising``), or worker
    mode on a cross-origin isolated page (Atomics, with or without JSPI). ``local=True`` asks about a
    Promise or coroutine made where Python runs (in a worker: the worker's own), which only JSPI can
    wait for. False on CPython."""
    return blocking_problem(blocking_facts(local)) is None


def require_blocking(identifier: str, local: bool = False) -> None:
    """Raise a clear error (``RuntimeError``, naming what the engine or the entry point lacks) unless
    Python can block here (see :func:`can_run_sync`)."""
    problem = blocking_problem(blocking_facts(local))
    if problem is not None:
        raise blocking_error(identifier, problem)


def block_on(awaitable: Any, identifier: str) -> Any:
    """The result of ``awaitable`` (a coroutine or a JS Promise of this realm), waited for
    synchronously (JSPI: in a worker, a call into the page waits with Atomics instead, elsewhere)."""
    try:
        require_blocking(identifier, local=True)
    except RuntimeError:
        if hasattr(awaitable, "close"):  # a coroutine that will never run: no "never awaited" warning
            awaitable.close()
        raise
    from pyodide.ffi import run_sync  # only present in Pyodide (require_blocking checked it is)

    return run_sync(awaitable)
