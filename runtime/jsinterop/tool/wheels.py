"""Pure-Python wheels of the build's own packages: jsinterop itself and the app.

Both are written from the files as they are (the installed jsinterop package, the app's package
folder), reproducibly: sorted names, fixed timestamps, so the same sources give the same bytes (and
the lock, the snapshot and the release's hashed names stay put). The page installs these wheels with
``pyodide.loadPackage`` from the site's ``pyodide-lock.json``.

jsinterop's wheel is the package pip installed, loader included (``jsinterop/_loader``), with the
installed distribution's metadata: the same wheel ``pip install`` gives. Its host-only dependencies
are marked ``sys_platform != "emscripten"``, so the lock gives it no dependency in the page.
"""

from __future__ import annotations

import base64
import hashlib
import importlib.metadata
import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from jsinterop.tool.paths import BUNDLED_LOADER, PACKAGE, loader_dir

_EPOCH = (1980, 1, 1, 0, 0, 0)
_SKIPPED_DIRS = {"__pycache__", ".mypy_cache", ".pytest_cache", ".ruff_cache"}


def package_files(folder: Path, prefix: str) -> Iterator[tuple[str, Path]]:
    """(path in the wheel, file) of every file of a package folder, caches left out."""
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder)
        if any(part in _SKIPPED_DIRS for part in rel.parts) or path.suffix in (".pyc", ".pyo") or not path.is_file():
            continue
        yield f"{prefix}/{rel.as_posix()}", path


def _record_hash(data: bytes) -> str:
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def wheel_bytes(name: str, version: str, metadata: str, files: Iterable[tuple[str, bytes]],
                top_level: list[str]) -> bytes:
    """A ``py3-none-any`` wheel of ``files`` (path in the wheel, bytes) with the given METADATA text."""
    dist_info = f"{name.replace('-', '_')}-{version}.dist-info"
    entries = sorted(files)
    entries += [
        (f"{dist_info}/METADATA", metadata.encode()),
        (f"{dist_info}/WHEEL", b"Wheel-Version: 1.0\nGenerator: jsinterop\nRoot-Is-Purelib: true\nTag: py3-none-any\n"),
        (f"{dist_info}/top_level.txt", "".join(f"{t}\n" for t in top_level).encode()),
    ]
    record = "".join(f"{path},{_record_hash(data)},{len(data)}\n" for path, data in entries)
    record += f"{dist_info}/RECORD,,\n"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as wheel:
        for path, data in [*entries, (f"{dist_info}/RECORD", record.encode())]:
            info = zipfile.ZipInfo(path, date_time=_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            wheel.writestr(info, data)
    return out.getvalue()


def canonical_name(name: str) -> str:
    """A distribution's canonical name (PEP 503), as the lock keys it: ``My_App`` -> ``my-app``."""
    return re.sub(r"[-_.]+", "-", name).lower()


def wheel_name(name: str, version: str) -> str:
    """The file name of a ``py3-none-any`` wheel."""
    return f"{name.replace('-', '_')}-{version}-py3-none-any.whl"


def jsinterop_wheel() -> tuple[str, bytes]:
    """(file name, bytes) of jsinterop's own wheel, from the installed package and its metadata."""
    dist = importlib.metadata.distribution("jsinterop")
    metadata = dist.read_text("METADATA") or f"Metadata-Version: 2.1\nName: jsinterop\nVersion: {dist.version}\n"
    files = {rel: path.read_bytes() for rel, path in package_files(PACKAGE, "jsinterop")
             if not rel.startswith("jsinterop/_loader/")}
    loader = loader_dir()
    if loader != BUNDLED_LOADER:  # a checkout: the loader is beside the package, the wheel holds it inside
        files.update({rel: path.read_bytes() for rel, path in package_files(loader, "jsinterop/_loader")})
    else:
        files.update({rel: path.read_bytes() for rel, path in package_files(BUNDLED_LOADER, "jsinterop/_loader")})
    return wheel_name("jsinterop", dist.version), wheel_bytes("jsinterop", dist.version, metadata,
                                                              files.items(), ["jsinterop"])


def app_wheel(name: str, version: str, package_dir: Path, requires: list[str], summary: str = "") -> tuple[str, bytes]:
    """(file name, bytes) of the app's wheel: its package folder, with ``requires`` as Requires-Dist."""
    metadata = "".join([
        "Metadata-Version: 2.1\n", f"Name: {name}\n", f"Version: {version}\n",
        f"Summary: {summary}\n" if summary else "",
        *(f"Requires-Dist: {r}\n" for r in requires),
    ])
    files = [(rel, path.read_bytes()) for rel, path in package_files(package_dir, package_dir.name)
             if not rel.endswith(".js")]  # collocated JS modules are served from the site, not imported
    return wheel_name(name, version), wheel_bytes(name, version, metadata, files, [package_dir.name])
