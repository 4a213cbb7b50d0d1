"""``@js_import`` stubs in worker mode: Python runs in a worker, the JS functions are the page's.

A stub cannot hold the page's function (it lives in another thread), so each call takes the runtime's
general path: the arguments cross as wire data (what :meth:`JSRuntime.invoke` accepts), the page
runs the function on its ``globalThis`` (or the module :func:`load_js_module` loaded there), and the
worker waits for the answer with Atomics (the page must be cross-origin isolated). A ``Blocking[T]``
result is awaited by the page while the worker waits; an ``Awaitable[T]`` one is an asynchronous call
(a message: no isolation needed). A primitive result (``bool``, ``int``,
``float``, ``str``) is checked as the page's stubs check it; other results are the wire's values
(a ``JSObjectReference`` annotation gives a reference).
"""

from __future__ import annotations

from typing import Any, Protocol

from ..errors import JSModuleNotLoadedError
from ..interop.runtime import JSObjectReference, JSRuntime

__all__ = ["PageImports"]

_PRIMITIVES = (bool, int, float, str)


class _Stub(Protocol):
    """What PageImports reads of a stub (a :class:`~jsinterop.typed.imports.JSImport`)."""

    @property
    def identifier(self) -> str: ...

    @property
    def module(self) -> str | None: ...

    @property
    def result(self) -> Any: ...


class PageImports:
    """Answers ``@js_import`` stubs and :func:`~jsinterop.load_js_module` through ``runtime`` (an
    :class:`~jsinterop.typed.imports.ImportServer`, installed by :mod:`jsinterop.typed.imports` in worker mode)."""

    def __init__(self, runtime: JSRuntime) -> None:
        self._runtime = runtime
        self._modules: dict[str, JSObjectReference] = {}

    def call_import(self, stub: _Stub, args: tuple[Any, ...]) -> Any:
        """Call the page's function of ``stub`` with ``args``; the result checked by the stub's annotation."""
        if stub.module is None:
            caller: JSRuntime | JSObjectReference = self._runtime
            identifier = stub.identifier.removeprefix("globalThis.")
        else:
            module = self._modules.get(stub.module)
            if module is None:
                raise JSModuleNotLoadedError(f"The JS module '{stub.module}' is not imported: call "
                                             f"await jsinterop.load_js_module('{stub.module}', <its URL>) first.")
            caller, identifier = module, stub.identifier
        result = stub.result
        if result.awaitable:  # the caller awaits it: the page's Promise, by message
            return caller.invoke_async(identifier, *args)
        if result.exact is type(None) and not result.blocking:
            caller.invoke_void(identifier, *args)
            return None
        value = caller.invoke(identifier, *args, blocking=result.blocking)
        if result.exact in _PRIMITIVES:
            return result.from_js(value)
        return value

    async def load_js_module(self, name: str, url: str) -> Any:
        """Import the module at ``url`` on the page (relative to the document) under ``name``: its
        reference (loading the same name twice loads it once)."""
        if name not in self._modules:
            self._modules[name] = await self._runtime.import_module(url)
        return self._modules[name]
