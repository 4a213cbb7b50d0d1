"""The built site served for worker mode's browser tests (tests/runtime and the reliability suite):
cross-origin isolated (COOP same-origin, COEP require-corp, as the sample's build asks, on top of the dev
server's strict CSP) or not, with the routed app booted in a worker (worker-app.html) beside the sample's
worker.html, and a test's own files; plus running Python where worker mode runs it
(``Py.runPythonAsync``, in the worker)."""

from __future__ import annotations

import contextlib
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from jsinterop.testing.browser import OBSERVER_SCRIPT, PageDriver, PagePythonError
from jsinterop.tool.devserver import running_server

WORKER_PAGES = ("worker.html", "worker-app.html")
"""The pages that boot Python in a worker: the sample's, and the routed app's index.html in worker mode."""


def build_site(root: Path, dist: Path, files: dict[str, Path] | None = None) -> Path:
    """``dist`` linked into ``root``, worker-app.html (index.html with the worker meta) and ``files``."""
    for path in dist.rglob("*"):
        if path.is_file():
            target = root / path.relative_to(dist)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.symlink_to(path)
    index = (dist / "index.html").read_text()
    marker = '<meta name="jsinterop-app"'
    assert marker in index
    (root / "worker-app.html").write_text(
        index.replace(marker, '<meta name="jsinterop-worker" content="true">\n    ' + marker, 1))
    for name, source in (files or {}).items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.is_symlink():
            target.unlink()
        target.write_bytes(source.read_bytes())
    return root


@contextlib.contextmanager
def serving(root: Path, dist: Path, isolated: bool = True) -> Iterator[str]:
    """Serves ``root`` under the strict CSP, with the test observer, cross-origin isolated or (``isolated``
    False: GitHub Pages' case) not, whatever the build asks; yields its URL."""
    with running_server(root, observer_script=OBSERVER_SCRIPT, extra_roots=[dist],
                        isolation="require-corp" if isolated else None) as url:
        yield url


def python(driver: PageDriver, code: str, timeout: float = 60) -> Any:
    """Runs ``code`` in the worker (``Py.runPythonAsync``) and returns its last expression's value;
    a Python exception raises PagePythonError with its message."""
    out = driver.run_async("return await Py.runPythonAsync(arguments[0]);", textwrap.dedent(code), timeout=timeout)
    if "error" in out:
        raise PagePythonError(out["error"])
    return out.get("value")


def load_modules(driver: PageDriver, folder: str, sources: dict[str, Path]) -> None:
    """Writes the Python fixture modules into the worker's file system and imports them there."""
    texts = {name: path.read_text() for name, path in sources.items()}
    python(driver, f"""
    import sys, pathlib, importlib
    folder = pathlib.Path({folder!r}); folder.mkdir(parents=True, exist_ok=True)
    for name, source in {texts!r}.items():
        (folder / f"{{name}}.py").write_text(source)
    sys.path.insert(0, str(folder))
    for name in {list(texts)!r}:
        importlib.import_module(name)
    1
    """)
