"""``jsinterop.capabilities()``: what this engine and this entry point allow, as data for an app to
branch on (the same answer :func:`~jsinterop.can_run_sync` and ``Blocking[T]`` give)."""

from __future__ import annotations

import dataclasses

from ..environment import Engine, cross_origin_isolated, has_shared_array_buffer, is_worker
from .blocking import BlockingFacts, blocking_facts, blocking_problem

__all__ = ["Capabilities", "capabilities"]


@dataclasses.dataclass(frozen=True)
class Capabilities:
    """What Python can do here. Every field is a fact of the engine, the page's headers or the current
    entry point; ``can_block`` and ``missing`` follow from them.

    - ``engine``: ``"chromium"``, ``"firefox"``, ``"webkit"``, ``"node"``, ``"cpython"`` (not in a
      JavaScript host) or ``"other"``;
    - ``jspi``: WebAssembly stack switching (``WebAssembly.Suspending``) exists;
    - ``promising_entry``: the running Python code was entered through a promising entry point
      (``runPythonAsync``, ``callPromising``, ``Py.invokeMethodAsync``, an async ``@js_export``);
    - ``cross_origin_isolated``: ``globalThis.crossOriginIsolated`` (the page was served with COOP/COEP);
    - ``shared_array_buffer``: ``typeof SharedArrayBuffer === "function"``;
    - ``worker``: Python runs in a Web Worker;
    - ``can_block``: what :func:`~jsinterop.can_run_sync` answers: a ``Blocking[T]`` call works here;
    - ``missing``: None when it does, else the sentence naming what is missing and what to do, the same
      text the blocking call's error ends with.
    """

    engine: Engine
    jspi: bool
    promising_entry: bool
    cross_origin_isolated: bool
    shared_array_buffer: bool
    worker: bool
    can_block: bool
    missing: str | None

    @classmethod
    def of(cls, facts: BlockingFacts, *, cross_origin_isolated: bool = False, shared_array_buffer: bool = False,
           worker: bool = False) -> Capabilities:
        """The capabilities these facts give (``can_block`` and ``missing`` decided by ``blocking_problem``)."""
        missing = blocking_problem(facts)
        return cls(facts.engine, facts.jspi, facts.promising_entry, cross_origin_isolated, shared_array_buffer,
                   worker, missing is None, missing)


def capabilities() -> Capabilities:
    """What this engine and the current entry point allow (see :class:`Capabilities`). The engine's
    facts are read once; whether the entry point is promising is asked on every call, so the answer
    under ``runPythonAsync`` and under ``runPython`` differ, as ``can_run_sync()`` does."""
    return Capabilities.of(blocking_facts(), cross_origin_isolated=cross_origin_isolated(),
                           shared_array_buffer=has_shared_array_buffer(), worker=is_worker())
