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


def test_the_testing_extra_pins_the_dev_tools_and_the_page_gets_none_of_it() -> None:
    """`pip install jsinterop[testing]` brings what browser tests need, pinned as this repository pins
    them; the wheel the page loads depends on nothing (the lock's entry is empty)."""
    import json
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    dev = {req.split("==")[0]: req for req in project["dependency-groups"]["dev"]}
    testing = project["project"]["optional-dependencies"]["testing"]
    assert {req.split("==")[0] for req in testing} == {"pytest", "pytest-pyodide", "selenium"}
    for req in testing:
        pin, marker = (part.strip() for part in req.split(";"))
        assert pin == dev[pin.split("==")[0]] and marker == "sys_platform != 'emscripten'"
    lock = json.loads((ROOT / "dist" / "pyodide-lock.json").read_text())
    assert lock["packages"]["jsinterop"]["depends"] == []


def test_the_fake_event_a_click_returns_is_exported() -> None:
    from jsinterop.components import Component, Node, h
    from jsinterop.testing import FakeEvent, render

    class Button(Component):
        def render(self) -> Node:
            return h.button("go", id="go", on_click=lambda e: None)

    assert isinstance(render(Button).find("#go").click(), FakeEvent)
