"""Helpers of the release tests: build a release with tools/build.py, from this repository or from
a copy of its sources, and find the release modules (tools/ on sys.path)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

RELEASE_BASE = "/jsi/"
"""The sub-path the session's release is built for and served under."""


def build_release(out: Path, base_path: str, root: Path = ROOT) -> subprocess.CompletedProcess:
    """``tools/build.py release`` of the sources under ``root`` into ``out``; fails the test on error."""
    proc = subprocess.run([sys.executable, str(root / "tools" / "build.py"), "release", "--dist", str(out),
                           "--base-path", base_path], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, f"the release build failed:\n{proc.stdout}{proc.stderr}"
    return proc


def copy_sources(dest: Path) -> None:
    """What a build reads from this repository, copied to ``dest`` so a test can edit it; the
    downloads, the lock files and the compressed files are shared (their caches are keyed by content)."""
    for folder in ("tools", "loader", "runtime", "www"):
        shutil.copytree(ROOT / folder, dest / folder, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, dest / name)
    (dest / ".cache").mkdir()
    for shared in ("npm", "wheels", "lock", "compressed", "snapshot"):
        if (ROOT / ".cache" / shared).is_dir():
            (dest / ".cache" / shared).symlink_to(ROOT / ".cache" / shared)
