"""How deeply synchronous calls between JavaScript and Python are nested on the stack right now.

A synchronous call from JavaScript into Python that calls JavaScript synchronously, which calls Python
again, and so on, costs both engines' stacks at every level. Left alone it ends in Python's
RecursionError wrapped in one error per level, or, on a promising (JSPI) stack, which is much smaller,
in a stack overflow that Pyodide cannot survive. Every synchronous crossing counts itself here, and the
level past the limit raises one readable :class:`~jsinterop.errors.JSRecursionError` instead.
"""

from __future__ import annotations

from typing import Any

from ..errors import JSRecursionError

__all__ = ["MAX_SYNC_NESTING", "sync_nesting"]

MAX_SYNC_NESTING = 48
"""How deeply synchronous calls between JavaScript and Python may nest (JS -> Python -> JS -> ...).
Each level costs both engines stack; past this one a call raises :class:`JSRecursionError` at once,
well before either stack overflows (which, on a promising JSPI stack, would be fatal to Pyodide)."""


_nesting = [0]
"""How many synchronous calls between JavaScript and Python are on the stack now (see sync_nesting)."""


class _SyncNesting:
    """Counts one level of synchronous JS <-> Python nesting while it is entered; past
    :data:`MAX_SYNC_NESTING` it raises :class:`JSRecursionError` instead of going deeper."""

    __slots__ = ()

    def __enter__(self) -> None:
        level = _nesting[0] + 1
        if level > MAX_SYNC_NESTING:
            raise JSRecursionError(
                f"JavaScript and Python are calling each other synchronously {level} levels deep, past the limit "
                f"of {MAX_SYNC_NESTING}: a synchronous call from one side calls the other back, and so on. "
                "Break the cycle, or make one of the calls asynchronous.")
        _nesting[0] = level

    def __exit__(self, *exc: Any) -> None:
        _nesting[0] -= 1


sync_nesting = _SyncNesting()
"""``with sync_nesting:`` around a synchronous crossing (one instance: entering it allocates nothing)."""
