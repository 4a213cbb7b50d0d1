"""Waiting synchronously for a JavaScript Promise (JSPI stack switching), where the engine and the
entry point allow it; and, when they do not, the one sentence saying what is missing.

The decision is :func:`blocking_problem`, a pure function of :class:`BlockingFacts`, so each engine's
answer is tested on CPython; :func:`can_run_sync`, ``Blocking[T]`` (through :func:`require_blocking`)
and ``jsinterop.capabilities()`` all ask it, so they always agree.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from ..environment import ENGINE_NAMES, Engine, engine, has_jspi

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


def promising_entry() -> bool:
    """Whether the code running now was entered through a promising entry point (``runPythonAsync``,
    ``callPromising``...), as Pyodide's ``pyodide.ffi.can_run_sync()`` answers; False on CPython."""
    try:
        from pyodide.ffi import can_run_sync as pyodide_can_run_sync  # only present in Pyodide
    except ImportError:
        return False
    return bool(pyodide_can_run_sync())


def blocking_facts() -> BlockingFacts:
    """The facts here and now (the entry point is asked again on every call)."""
    return BlockingFacts(engine(), has_jspi(), promising_entry())


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
    if not facts.jspi:
        if facts.engine == "node":
            return ("this Node.js has no JSPI (WebAssembly.Suspending); run a Node.js that ships it (or node "
                    "--experimental-wasm-jspi), or " + _AWAIT_INSTEAD + ".")
        if facts.engine == "webkit":
            later = "blocking on WebKit/Safari comes with worker mode (Atomics in a cross-origin isolated worker)"
        else:
            later = ("blocking without JSPI comes with worker mode (Atomics in a cross-origin isolated worker), as "
                     "on WebKit/Safari")
        return f"{_where(facts.engine)} has no JSPI (WebAssembly.Suspending); {later}; until then, {_AWAIT_INSTEAD}."
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


def can_run_sync() -> bool:
    """Whether Python can block here on a JS Promise: JSPI in the engine, and a promising entry point
    (``runPythonAsync``/``callPromising``). False on CPython and in browsers without JSPI (WebKit today)."""
    return blocking_problem(blocking_facts()) is None


def require_blocking(identifier: str) -> None:
    """Raise a clear error (``RuntimeError``, naming what the engine or the entry point lacks) unless
    Python can block on a Promise here."""
    problem = blocking_problem(blocking_facts())
    if problem is not None:
        raise blocking_error(identifier, problem)


def block_on(awaitable: Any, identifier: str) -> Any:
    """The result of ``awaitable`` (a coroutine or a JS Promise), waited for synchronously."""
    try:
        require_blocking(identifier)
    except RuntimeError:
        if hasattr(awaitable, "close"):  # a coroutine that will never run: no "never awaited" warning
            awaitable.close()
        raise
    from pyodide.ffi import run_sync  # only present in Pyodide (require_blocking checked it is)

    return run_sync(awaitable)
