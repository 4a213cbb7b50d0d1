"""An app of one's own, made as a new user makes it: outside the repository, in a fresh venv,
``pip install <checkout>``, ``jsinterop new demo``, then ``jsinterop test`` passes in it and
``jsinterop release --base-path /demo/`` boots behind nginx under the strict CSP.

The downloads come from the per-user cache (JSINTEROP_CACHE, which build.sh points at .cache/), as on
a warm machine; pip itself reaches PyPI for jsinterop's host dependencies and the test packages."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from jsinterop.testing.browser import PageDriver
from jsinterop.tool import nginx_server

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.browser


@dataclass
class Outside:
    """A fresh venv with jsinterop installed from this checkout, and a new app made with it."""

    venv: Path
    app: Path
    env: dict[str, str]

    def jsinterop(self, *args: str, timeout: float = 900) -> subprocess.CompletedProcess[str]:
        """Run the venv's `jsinterop` command in the app's folder."""
        return subprocess.run([str(self.venv / "bin" / "jsinterop"), *args], cwd=self.app, env=self.env,
                              capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def outside(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Outside]:
    root = tmp_path_factory.mktemp("outside")
    assert not root.resolve().is_relative_to(ROOT)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTEST_ADDOPTS")}
    venv = root / "venv"
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    started = time.monotonic()
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, env=env)
    pip = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "--disable-pip-version-check",
                          str(ROOT)], env=env, capture_output=True, text=True, timeout=600)
    assert pip.returncode == 0, pip.stdout + pip.stderr
    made = subprocess.run([str(venv / "bin" / "jsinterop"), "new", "demo"], cwd=root, env=env,
                          capture_output=True, text=True, timeout=120)
    assert made.returncode == 0, made.stderr
    print(f"\npip install + jsinterop new: {time.monotonic() - started:.1f} s")
    yield Outside(venv, root / "demo", env)


def test_the_installed_command_lists_its_commands(outside: Outside) -> None:
    helped = outside.jsinterop("--help")
    assert helped.returncode == 0
    for command in ("new", "build", "serve", "test", "release", "bench"):
        assert command in helped.stdout
    # The installed wheel carries the loader and the toolchain; nothing is read from this checkout.
    where = subprocess.run([str(outside.venv / "bin" / "python"), "-c",
                            "from jsinterop.tool import paths; print(paths.loader_dir())"],
                           env=outside.env, capture_output=True, text=True, check=True).stdout.strip()
    assert "site-packages" in where and not Path(where).is_relative_to(ROOT)


def test_jsinterop_test_passes_in_a_new_app(outside: Outside) -> None:
    proc = outside.jsinterop("test", "-v")
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    ran = {line.split(" ")[0] for line in proc.stdout.splitlines() if line.endswith("%]") and " PASSED " in line}
    # The template's three kinds of test: on CPython, in the browser, and inside Pyodide.
    assert {path.split("::")[0] for path in ran} >= {"tests/test_counter.py", "tests/test_browser.py",
                                                    "tests/test_in_pyodide.py"}, proc.stdout
    # The test build has the test wheels; `jsinterop build` output never has them.
    assert any((outside.app / ".jsinterop" / "test-dist" / "wheels").glob("pytest-*.whl"))
    built = outside.jsinterop("build")
    assert built.returncode == 0, built.stderr
    site = outside.app / "dist"
    assert sorted(p.name.split("-")[0] for p in (site / "wheels").glob("*.whl")) == ["demo", "jsinterop"]
    assert not [p for p in site.rglob("*") if p.suffix == ".py" or p.name in ("tests", "__pycache__", "pyproject.toml")]


def test_a_release_under_a_sub_path_boots_behind_nginx(outside: Outside, jsinterop_page: PageDriver) -> None:
    out = outside.app / "release"
    proc = outside.jsinterop("release", "--base-path", "/demo/", "--dist", str(out))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "precompressed sizes in bytes" in proc.stdout
    print(proc.stdout)
    with nginx_server.serving(out, "/demo/") as server:
        assert server.url.endswith("/demo/")
        report = jsinterop_page.open(server.url, wait=True, timeout=120)
        assert report.boot_state == "ready", report
        assert report.violations == [] and report.console_errors == [] and report.uncaught == []
        assert jsinterop_page.run("return Py.fromSnapshot") is True
        jsinterop_page.click("#increment")
        jsinterop_page.run_async("""
            for (let i = 0; i < 500 && document.getElementById("count")?.textContent !== "Clicked 1 time"; i++) {
              await new Promise((resolve) => setTimeout(resolve, 10));
            }""")
        assert jsinterop_page.text("count") == "Clicked 1 time"
