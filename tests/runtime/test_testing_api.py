"""What an app's own tests import and rely on: the names of jsinterop.testing, the plugin's mark, the
typed package (issue 19's first app-author items)."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import jsinterop.testing
import jsinterop.testing.components
from jsinterop.components import Component, Node, h

ROOT = Path(__file__).resolve().parents[2]


def test_render_is_importable_from_jsinterop_testing() -> None:
    from jsinterop.testing import render

    class Hello(Component):
        def render(self) -> Node:
            return h.p("hello", id="hello")

    assert render is jsinterop.testing.components.render
    assert render(Hello).find("#hello").text == "hello"
    assert {"render", "RenderedComponent", "ElementHandle"} <= set(jsinterop.testing.__all__)


def test_the_plugin_registers_the_browser_mark(tmp_path: Path) -> None:
    (tmp_path / "test_marked.py").write_text("import pytest\n\n@pytest.mark.browser\ndef test_x():\n    pass\n")
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "--strict-markers", "-p", "no:cacheprovider",
                             str(tmp_path / "test_marked.py")], capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_package_is_typed() -> None:
    assert (ROOT / "runtime" / "jsinterop" / "py.typed").is_file()
    wheels = sorted((ROOT / "dist" / "wheels").glob("jsinterop-*.whl"))  # the wheel the build made
    assert wheels, "build the site first (./build.sh test does)"
    assert "jsinterop/py.typed" in zipfile.ZipFile(wheels[-1]).namelist()
