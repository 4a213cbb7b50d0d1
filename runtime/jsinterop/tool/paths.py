"""Where the toolchain's files are: the package's own resources (pins, loader, snapshot script,
templates) and the per-user download cache. The one place that knows these paths."""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent
"""The installed ``jsinterop`` package folder."""

TOOL = PACKAGE / "tool"
PINS = TOOL / "pins.toml"
"""What the toolchain downloads for every app (Pyodide, the test wheels), pinned by hash."""

SNAPSHOT_SCRIPT = TOOL / "snapshot.mjs"
"""Makes a release's memory snapshot under node."""

TEMPLATES = TOOL / "templates"
"""The files `jsinterop new` writes."""

CHECKOUT = PACKAGE.parent.parent
"""The repository root when jsinterop runs from a checkout (an editable install); otherwise the
folder above site-packages, which nothing reads."""

BUNDLED_LOADER = PACKAGE / "_loader"
"""Where a wheel of jsinterop holds the loader (pyproject.toml's force-include of ``loader/``)."""


def loader_dir() -> Path:
    """The loader's ES modules: inside the installed wheel, or ``loader/`` of the checkout."""
    if BUNDLED_LOADER.is_dir():
        return BUNDLED_LOADER
    checkout = CHECKOUT / "loader"
    if (checkout / "jsinterop.mjs").is_file():
        return checkout
    raise FileNotFoundError(f"the jsinterop loader is missing: neither {BUNDLED_LOADER} nor {checkout} exists; "
                            "reinstall jsinterop")


def cache_dir() -> Path:
    """The per-user download cache: ``$JSINTEROP_CACHE``, else ``$XDG_CACHE_HOME/jsinterop``, else
    ``~/.cache/jsinterop``. Shared by every app of the user; everything in it is keyed by content."""
    if os.environ.get("JSINTEROP_CACHE"):
        return Path(os.environ["JSINTEROP_CACHE"]).resolve()
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base).resolve() / "jsinterop"
