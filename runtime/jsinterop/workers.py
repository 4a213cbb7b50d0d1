"""Python workers started from a main-thread app (the .NET web-worker template's case): heavy work
runs in a Web Worker of its own, and main-thread Python awaits it.

``worker = await start_worker("app.heavy")`` boots a worker that imports ``app.heavy`` (and runs its
``main()``, if any); ``await worker.invoke_async("crunch", data)`` calls its ``@js_invokable``
function ``crunch``; ``worker.dispose()`` stops it. A call whose task is cancelled (or that times
out) is abandoned; a disposed or failed worker fails its pending and later calls with
:class:`~jsinterop.JSDisconnectedException`, and what the page lent to it is released. JavaScript
has the same API: ``await Py.startWorker("app.heavy")`` and its ``invokeMethodAsync``/``dispose``.
"""

from __future__ import annotations

from typing import Any

from .errors import JSDisconnectedException, JSException
from .interop.runtime import JSObjectReference, JSRuntime
from .page import js_runtime

__all__ = ["PythonWorker", "start_worker"]


class PythonWorker:
    """A Python module running in a Web Worker of its own (made by :func:`start_worker`)."""

    def __init__(self, module: str, worker: JSObjectReference) -> None:
        self.module = module
        """The Python module the worker runs."""
        self._worker = worker
        self._disposed = False

    def __repr__(self) -> str:
        return f"<PythonWorker {self.module!r}{' (disposed)' if self._disposed else ''}>"

    @property
    def disposed(self) -> bool:
        """Whether :meth:`dispose` was called."""
        return self._disposed

    async def invoke_async(self, identifier: str, *args: Any, returns: Any = None,
                           timeout: float | None = None) -> Any:
        """Call the worker module's ``@js_invokable`` function ``identifier``; its result converted as
        :meth:`JSRuntime.invoke_async` converts (``returns``). Cancelling the awaiting task, or
        ``timeout`` (seconds), abandons the call."""
        if self._disposed:
            raise JSDisconnectedException(f"The Python worker '{self.module}' was disposed; no more calls can be made.")
        try:
            return await self._worker.invoke_async("invokeMethodAsync", identifier, *args, returns=returns,
                                                   timeout=timeout)
        except JSException as e:
            if e.js_name == "JSDisconnectedException":
                raise JSDisconnectedException(e.message) from None
            raise

    def dispose(self) -> None:
        """Stop the worker: its pending calls fail with JSDisconnectedException. Idempotent."""
        if self._disposed:
            return
        self._disposed = True
        try:
            self._worker.invoke_void("dispose")
        finally:
            self._worker.dispose()


async def start_worker(module: str, *, runtime: JSRuntime | None = None, timeout: float | None = None) -> PythonWorker:
    """Start ``module`` in a new Web Worker and return it once its ``main()`` (if any) has run.

    ``runtime`` is the page's runtime by default (:func:`jsinterop.js_runtime`); a boot that fails
    raises :class:`~jsinterop.JSException` naming why (the module that does not import, ...)."""
    if not isinstance(module, str) or not module:
        raise TypeError(f"start_worker() needs a Python module name like 'app.heavy', got {module!r}")
    rt = runtime if runtime is not None else js_runtime()
    worker = await rt.invoke_async("Py.startWorker", module, returns=JSObjectReference, timeout=timeout)
    return PythonWorker(module, worker)
