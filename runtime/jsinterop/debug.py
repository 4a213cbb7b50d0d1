"""Leak hunting: what is alive across the boundary right now."""

from __future__ import annotations

__all__ = ["tracked_counts"]


def tracked_counts() -> dict[str, int]:
    """Counts of the page runtime's references, each direction, for leak tests.

    ``jsObjects`` (JS objects Python holds), ``pyObjects`` (Python objects lent to JavaScript),
    ``pendingCalls``/``pythonPendingCalls`` (calls to JS in flight, each side's table),
    ``pendingPyCalls`` (calls from JS in flight), ``pendingPulls``/``pyStreams`` (Python streams
    being read by JavaScript), ``persistentCallbacks`` (``Persistent[Callable]`` functions given to JS).
    The JS-side numbers are also ``Py.debug.trackedCounts()`` in JavaScript.
    """
    from .js_runtime import js_runtime

    return js_runtime().tracked_counts()
