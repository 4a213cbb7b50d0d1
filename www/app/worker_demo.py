"""Python in a Web Worker (``worker.html`` boots this module with ``boot({worker: true})``): a 2 s
computation runs off the page's thread, so the page's animation and text input stay live, and the
worker updates an element of the page synchronously every 100 ms while it computes (a synchronous
call into the page: the worker waits with Atomics, which needs the page to be cross-origin isolated)."""

from __future__ import annotations

import time

from jsinterop import (JSObjectReference, PyObjectReference, SynchronousCallUnavailableError, js_invokable,
                       js_runtime)


class Computation:
    """What the page's script calls, through a reference (``worker-demo.js``)."""

    @js_invokable
    def run(self, milliseconds: int) -> dict[str, object]:
        """Compute for ``milliseconds``, writing the progress into ``#ticks`` every 100 ms; returns
        the number of updates and of loop iterations (or why the page could not be updated)."""
        runtime = js_runtime()
        try:
            ticks = runtime.invoke("document.getElementById", "ticks", returns=JSObjectReference)
        except SynchronousCallUnavailableError as e:
            ticks, problem = None, str(e)
        else:
            problem = None
        start = time.monotonic()
        deadline = start + milliseconds / 1000
        next_update, updates, iterations, total = start, 0, 0, 0
        while (now := time.monotonic()) < deadline:
            total += sum(range(200))
            iterations += 1
            if ticks is not None and now >= next_update:
                updates += 1
                ticks.set_value("textContent", f"{updates} updates from the worker, {iterations} iterations")
                next_update += 0.1
        if ticks is not None:
            ticks.dispose()
        return {"updates": updates, "iterations": iterations, "problem": problem}

    @js_invokable
    def title(self) -> str:
        """The page's ``document.title``, read synchronously from the worker."""
        return str(js_runtime().get_value("document.title"))


async def main() -> None:
    """Hand the page's script a reference to the computation."""
    module = await js_runtime().import_module("./worker-demo.js")
    await module.invoke_void_async("setUp", PyObjectReference.create(Computation()))
