"""Work a main-thread app hands to a Python worker of its own (``jsinterop.workers.start_worker``):
the page's Python stays responsive while the worker computes."""

from __future__ import annotations

import time

from jsinterop import is_worker, js_invokable


@js_invokable
def crunch(n: int) -> int:
    """The sum of the squares below ``n``: CPU work."""
    return sum(i * i for i in range(n))


@js_invokable
def busy(milliseconds: int) -> int:
    """Compute for ``milliseconds``; the number of loop iterations."""
    deadline = time.monotonic() + milliseconds / 1000
    iterations = 0
    while time.monotonic() < deadline:
        iterations += 1
    return iterations


@js_invokable
def where() -> bool:
    """Whether this runs in a worker (``is_worker()``)."""
    return is_worker()
