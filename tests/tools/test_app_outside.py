"""An app of one's own, made as a new user makes it: outside the repository, in a fresh venv,
``pip install <checkout>``, ``jsinterop new demo``, then ``jsinterop test`` passes in it and
``jsinterop release --base-path /demo/`` boots behind nginx under the strict CSP.

The downloads come from the per-user cache (JSINTEROP_CACHE, which build.sh points at .cache/), as on
a warm machine; pip itself reaches PyPI for jsinterop's host dependencies and the test packages."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import tomllib
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
        # One package, two jobs: the toolchain ships in the wheel but the page (and its snapshot) never
        # imports it.
        assert jsinterop_page.run_python("import sys; [m for m in sys.modules if m.startswith('jsinterop.tool')]") == []
        jsinterop_page.click("#increment")
        jsinterop_page.run_async("""
            for (let i = 0; i < 500 && document.getElementById("count")?.textContent !== "Clicked 1 time"; i++) {
              await new Promise((resolve) => setTimeout(resolve, 10));
            }""")
        assert jsinterop_page.text("count") == "Clicked 1 time"


SPENDING = '''"""The demo's expenses: a pure PyPI package (attrs), a compiled one (msgspec) and an npm one
(chart.js, through www/spending-chart.mjs)."""

from __future__ import annotations

import attrs
import msgspec


@attrs.frozen
class Expense:
    label: str
    amount: float


EXPENSES = [Expense("rent", 900.0), Expense("food", 250.5)]


def encoded() -> str:
    return msgspec.json.encode([attrs.asdict(e) for e in EXPENSES]).decode()
'''

SPENDING_CHART = '''import { Chart } from "chart.js/auto";

export function barChart(canvas, labels, values) {
  return new Chart(canvas, {
    type: "bar",
    data: { labels, datasets: [{ label: "spent", data: values }] },
    options: { animation: false, responsive: false },
  });
}
'''


def test_an_app_with_pypi_and_npm_dependencies_uses_all_three(outside: Outside, jsinterop_page: PageDriver,
                                                             jsinterop_serve) -> None:
    app = outside.app.parent / "expenses"
    shutil.copytree(outside.app, app, ignore=shutil.ignore_patterns(".jsinterop", "dist", "release", "__pycache__"))
    manifest = app / "pyproject.toml"
    text = manifest.read_text().replace('dependencies = ["jsinterop"]', 'dependencies = ["jsinterop", "attrs", "msgspec"]')
    manifest.write_text(text + '\n[tool.jsinterop.npm]\n"chart.js" = "4.5.0"\n')
    (app / "demo" / "spending.py").write_text(SPENDING)
    (app / "www" / "spending-chart.mjs").write_text(SPENDING_CHART)
    built = subprocess.run([str(outside.venv / "bin" / "jsinterop"), "build"], cwd=app, env=outside.env,
                           capture_output=True, text=True, timeout=900)
    assert built.returncode == 0, built.stdout + built.stderr
    # The app commits its locks: pylock.toml (PyPI) and package-lock.json (npm).
    locked = tomllib.loads((app / "pylock.toml").read_text())
    assert {p["name"] for p in locked["packages"]} >= {"attrs", "msgspec"}
    assert json.loads((app / "package-lock.json").read_text())["packages"]["node_modules/chart.js"]["version"] == "4.5.0"
    site = app / "dist"
    wheels = sorted(p.name for p in (site / "wheels").glob("*.whl"))
    assert any(w.startswith("attrs-") and w.endswith("-py3-none-any.whl") for w in wheels), wheels
    assert any(w.startswith("msgspec-") and "pyemscripten" in w for w in wheels), wheels
    assert (site / "npm" / "chart.js" / "auto.mjs").is_file()
    assert '"chart.js/auto"' not in (site / "spending-chart.mjs").read_text()  # rewritten to the bundle's URL

    report = jsinterop_page.open(jsinterop_serve(site), wait=True, timeout=120)
    assert report.boot_state == "ready", report
    out = jsinterop_page.run_python("""
import js
import msgspec
from jsinterop import JSObjectReference, js_runtime
from demo.spending import EXPENSES, encoded

rt = js_runtime()
element = js.document.createElement("canvas")
element.id, element.width, element.height = "spending", 320, 200
js.document.body.append(element)
async with await rt.import_module("./spending-chart.mjs") as module:
    async with await rt.invoke_async("document.getElementById", "spending", returns=JSObjectReference) as canvas:
        async with await module.invoke_async("barChart", canvas, [e.label for e in EXPENSES],
                                             [e.amount for e in EXPENSES], returns=JSObjectReference) as chart:
            labels = await chart.get_value_async("data.labels")
            data = await chart.get_value_async("data.datasets.0.data")
            await chart.invoke_void_async("destroy")
[msgspec.json.decode(encoded()), labels, data, msgspec._core.__file__.endswith(".so")]
""", timeout=120)
    assert jsinterop_page.run_python("import sys; [m for m in sys.modules if m.startswith('jsinterop.tool')]") == []
    assert out == [[{"label": "rent", "amount": 900.0}, {"label": "food", "amount": 250.5}],
                   ["rent", "food"], [900.0, 250.5], True]
    assert jsinterop_page.report().violations == [] and jsinterop_page.report().console_errors == []
