"""Start the app the page's loader asked for: import its package and run its ``main()``.

The loader (``jsinterop.mjs``) calls :func:`start_app` once Pyodide and the packages are in. Keeping
this step in Python gives app authors ordinary tracebacks and one documented contract.
"""

from __future__ import annotations

import importlib
import inspect
from types import ModuleType

__all__ = ["AppStartError", "connect_page", "restored", "start_app"]


class AppStartError(Exception):
    """The app named by the page could not be imported or its ``main()`` failed."""


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
    import sys

    from .environment import host

    seen: set[str] = set()
    sys.path[:] = [p for p in sys.path if not (p in seen or seen.add(p))]
    importlib.invalidate_caches()
    host.cache_clear()
    if "random" in sys.modules:
        sys.modules["random"].seed()


def connect_page() -> None:
    """Connect the page's runtime to the loader's channel: from now on JavaScript can call Python
    (``Py.invokeMethodAsync``) and Python can call JavaScript. The loader calls it once per boot."""
    from .js_runtime import js_runtime

    js_runtime()


async def start_app(module_name: str) -> ModuleType:
    """Import ``module_name`` and run its ``main()`` (a coroutine function or a plain function), if any.

    Raises :class:`AppStartError` naming the app and the original exception, which stays chained as
    ``__cause__`` so the traceback shows where it happened.
    """
    if not isinstance(module_name, str) or not module_name:
        raise AppStartError(f"The app name must be a non-empty module name, got {module_name!r}.")
    try:
        module = importlib.import_module(module_name)
    except Exception as e:
        raise AppStartError(f"Importing the app module '{module_name}' failed: {type(e).__name__}: {e}") from e
    main = getattr(module, "main", None)
    if main is None:
        return module
    if not callable(main):
        raise AppStartError(f"'{module_name}.main' is not callable (it is a {type(main).__name__}).")
    try:
        result = main()
        if inspect.isawaitable(result):
            await result
    except Exception as e:
        raise AppStartError(f"The app's main() in '{module_name}' raised {type(e).__name__}: {e}") from e
    return module
