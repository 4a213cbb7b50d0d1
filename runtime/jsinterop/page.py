"""The composition root of the page: the one place that builds the runtime from its parts.

:func:`js_runtime` joins the transport-neutral core (:class:`~jsinterop.JSRuntime`) to the page's
transport (:class:`~jsinterop.pyodide.transport.PyodideTransport`); the loader calls
:func:`connect_page` once per boot (and :func:`restored` first, after restoring a memory snapshot);
:func:`tracked_counts` is what leak tests read.
"""

from __future__ import annotations

import importlib
import sys

from .environment import Host, host
from .interop.runtime import JSRuntime

__all__ = ["connect_page", "js_runtime", "restored", "tracked_counts"]

_page_runtime: JSRuntime | None = None


def js_runtime() -> JSRuntime:
    """The page's :class:`JSRuntime`, created on first use (only in Pyodide, with jsinterop booted).

    After it is shut down (``shutdown()`` or page unload) it stays disconnected: every call raises
    :class:`JSDisconnectedException`, as Blazor's runtime does once its circuit is gone.
    """
    global _page_runtime
    if _page_runtime is None:
        if host() is Host.NATIVE:
            raise RuntimeError("js_runtime() needs a JavaScript host (Pyodide in a browser); on CPython, "
                               "pass a jsinterop.testing.FakeJSRuntime to the code under test instead")
        # Imported here, not at the top: the page's transport exists only inside Pyodide (pyodide.ffi).
        from .pyodide.host import interop_host
        from .pyodide.transport import PyodideTransport

        interop = interop_host()
        _page_runtime = JSRuntime(PyodideTransport(interop.main))
        # In worker mode @js_import stubs call the page through this runtime (typed.imports installs that).
    return _page_runtime


def restored() -> None:
    """Re-initialise what a memory snapshot froze; the loader calls it first after restoring one.

    A release's snapshot (``./build.sh release``) is made under node with ``jsinterop`` and the app's
    modules imported, before any page exists; a restore brings back that interpreter as it was. So:

    - ``sys.path`` loses the duplicates a restore leaves (``""`` twice);
    - the import system forgets what it cached about folders (the wheels' files are installed again);
    - :func:`jsinterop.host` is detected again (it was node's when the snapshot was made);
    - ``random``, when imported, is seeded again (otherwise every visitor would share one sequence).

    Anything else an app computes at import time is frozen too (the time, values read from the host):
    read the page and the clock in ``main()`` or later, which runs on every boot.
    """
    seen: set[str] = set()
    sys.path[:] = [p for p in sys.path if not (p in seen or seen.add(p))]
    importlib.invalidate_caches()
    host.cache_clear()
    if "random" in sys.modules:
        sys.modules["random"].seed()


def connect_page() -> None:
    """Connect the page's runtime to the loader's channel: from now on JavaScript can call Python
    (``Py.invokeMethodAsync``) and Python can call JavaScript. The loader calls it once per boot."""
    js_runtime()


def tracked_counts() -> dict[str, int]:
    """Counts of the page runtime's references, each direction, for leak tests.

    ``jsObjects`` (JS objects Python holds), ``pyObjects`` (Python objects lent to JavaScript),
    ``pendingCalls``/``pythonPendingCalls`` (calls to JS in flight, each side's table),
    ``pendingPyCalls`` (calls from JS in flight), ``pendingPulls``/``pyStreams`` (Python streams
    being read by JavaScript), ``persistentCallbacks`` (``Persistent[Callable]`` functions given to JS).
    The JS-side numbers are also ``Py.debug.trackedCounts()`` in JavaScript.
    """
    return js_runtime().tracked_counts()
