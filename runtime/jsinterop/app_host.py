"""Start the app the page's loader asked for: import its package and run its ``main()``.

The loader (``jsinterop.mjs``) calls :func:`start_app` once Pyodide and the packages are in. Keeping
this step in Python gives app authors ordinary tracebacks and one documented contract.
"""

from __future__ import annotations

import importlib
import inspect
from types import ModuleType

from .errors import AppStartError
from .page import js_runtime, restored
from .typed.imports import serve_imports
from .typed.page_imports import PageImports

__all__ = ["AppStartError", "connect_page", "restored", "start_app"]


def connect_page() -> None:
    """Connect the page's runtime to the loader's channel: from now on JavaScript can call Python
    (``Py.invokeMethodAsync``) and Python can call JavaScript. The loader calls it once per boot. In
    worker mode (the loader's host says so) ``@js_import`` stubs call the page's functions through the
    runtime (:class:`~jsinterop.typed.page_imports.PageImports`): the worker holds none of them."""
    runtime = js_runtime()
    from .pyodide.host import interop_host  # only in Pyodide, where the loader calls this

    if getattr(interop_host(), "workerMode", False) is True:
        serve_imports(PageImports(runtime))


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
