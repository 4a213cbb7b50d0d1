"""Live reload of the app's Python code in a running page, without booting Python again.

The dev server (``jsinterop serve``) tells the page when the app's wheel was rebuilt; the loader
(``loader/live-reload.mjs``) downloads and verifies it and calls :func:`reload_app`, which puts the new
files in place of the old ones, forgets the app's imported modules and starts the app again: its
``main()`` runs anew and, with :func:`jsinterop.components.mount`, replaces the page's component tree
(component state starts over; the rest of the page, Python's interpreter and jsinterop stay).
"""

from __future__ import annotations

import importlib
import io
import shutil
import sys
import zipfile
from pathlib import Path
from types import ModuleType
from typing import Any

from .app_host import start_app
from .errors import JSInteropError

__all__ = ["LiveReloadError", "reload_app", "top_level_names"]

PROTECTED = frozenset({"jsinterop"})
"""Top-level packages live reload never replaces: the runtime the page booted stays as it is."""


class LiveReloadError(JSInteropError):
    """The rebuilt app cannot replace the running one (reload the page instead)."""


def top_level_names(names: list[str]) -> set[str]:
    """The top-level modules and packages a wheel holds (its ``.dist-info`` and ``.data`` aside)."""
    tops = set()
    for name in names:
        top = name.split("/", 1)[0]
        if top.endswith((".dist-info", ".data")) or not top:
            continue
        tops.add(top.removesuffix(".py"))
    return tops


def _site_packages(package: str) -> Path:
    """The folder the app's package is installed in (where its wheel was unpacked at boot)."""
    module = sys.modules.get(package) or importlib.import_module(package)
    location = Path(module.__file__ or "")
    return location.parent.parent if location.name == "__init__.py" else location.parent


async def reload_app(module_name: str, wheel: Any) -> ModuleType:
    """Replace the installed app with the files of ``wheel`` (its bytes, or a JavaScript Uint8Array),
    drop every module of the wheel's packages from ``sys.modules``, import ``module_name`` again and
    run its ``main()`` (:func:`jsinterop.app_host.start_app`). Returns the new module.

    Raises :class:`LiveReloadError` when the wheel holds jsinterop itself or does not hold the app, and
    :class:`~jsinterop.errors.AppStartError` when the new code fails to import or its ``main()`` raises
    (the next rebuild can fix it: its modules are imported again then)."""
    data = wheel.to_bytes() if hasattr(wheel, "to_bytes") else bytes(wheel)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        tops = top_level_names(names)
        if tops & PROTECTED:
            raise LiveReloadError(f"The rebuilt wheel holds {', '.join(sorted(tops & PROTECTED))}: live reload only "
                                  "replaces the app's own packages; reload the page.")
        package = module_name.split(".", 1)[0]
        if package not in tops:
            raise LiveReloadError(f"The rebuilt wheel does not hold the app '{module_name}' (it holds "
                                  f"{', '.join(sorted(tops)) or 'nothing'}); reload the page.")
        target = _site_packages(package)
        for top in tops:  # the old files go, so a module deleted from the sources is gone too
            for old in (target / top, target / f"{top}.py"):
                if old.is_dir():
                    shutil.rmtree(old)  # with its __pycache__: stale bytecode is never imported
                elif old.is_file():
                    old.unlink()
        archive.extractall(target, members=[n for n in names if n.split("/", 1)[0].removesuffix(".py") in tops])
    for name in list(sys.modules):
        if name.split(".", 1)[0] in tops:
            del sys.modules[name]
    importlib.invalidate_caches()
    return await start_app(module_name)
