"""Python packages installed after boot: those the build shipped but boot left out (an app's
``[tool.jsinterop] lazy``), from the site's own pyodide-lock.json.

:func:`load_packages` asks the loader (``Py.loadPackages``), which installs them and what they need
with ``pyodide.loadPackage``, each wheel checked against the size and sha256 the build recorded. No
other origin is ever contacted: a package the build did not ship is an error naming it.
"""

from __future__ import annotations

from collections.abc import Iterable

from .errors import JSException, PackageLoadError
from .interop.runtime import JSRuntime
from .page import js_runtime

__all__ = ["load_packages"]

LOADER_FUNCTION = "Py.loadPackages"
"""The loader's function that installs packages (jsinterop.mjs, PyRuntime.loadPackages)."""


async def load_packages(names: Iterable[str], runtime: JSRuntime | None = None) -> list[str]:
    """Install the packages ``names`` (distribution names, e.g. ``["tblib"]``) and what they need, when
    boot did not; returns the names it installed (none when all were installed already: a second call is
    a no-op). ``runtime`` is the JSRuntime to call the loader through (the page's by default).

    Raises :class:`~jsinterop.errors.PackageLoadError` naming a package the site does not ship, or one
    whose wheel failed to download, verify or install.
    """
    if isinstance(names, str):
        raise TypeError(f"load_packages() takes a list of package names, not the string {names!r}: "
                        f"write load_packages([{names!r}])")
    wanted = list(names)
    for name in wanted:
        if not isinstance(name, str) or not name:
            raise TypeError(f"load_packages(): a package name must be a non-empty str, got {name!r}")
    if not wanted:
        return []
    rt = runtime if runtime is not None else js_runtime()
    try:
        return await rt.invoke_async(LOADER_FUNCTION, wanted, returns=list[str])
    except JSException as e:
        if e.js_name == "PackageLoadError":
            raise PackageLoadError(e.message, tuple(wanted)) from None
        raise
