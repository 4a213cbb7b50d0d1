"""Where an engine's programs are: one lookup for every engine's browser, driver and screen."""

from __future__ import annotations

import os
import shutil

__all__ = ["program"]


def program(env: str | None, names: tuple[str, ...], package: str) -> str:
    """The program named by the environment variable ``env``, else the first of ``names`` found (a name
    on PATH, or an absolute path that exists); none is a FileNotFoundError naming the Debian ``package``."""
    chosen = os.environ.get(env) if env else None
    if chosen:
        found: str | None = chosen if os.path.exists(chosen) else None
    else:
        found = next((path for name in names
                      if (path := name if os.path.isabs(name) and os.path.exists(name) else shutil.which(name))), None)
    if found is None:
        raise FileNotFoundError(f"{chosen or names[-1]} is missing: install Debian's {package} "
                                "(./build.sh test does it).")
    return found
