"""`jsinterop new`: the project it writes from the template (files, names, the pyproject tables), what
it refuses (a folder that is not empty, a name that cannot be an app's), and that the new project's
CPython tests pass and its package and tests pass `mypy --strict` against jsinterop's own types."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

from jsinterop.tool import cli
from jsinterop.tool.new import (APP_TEMPLATE, InvalidProjectNameError, NewProjectError, ProjectExistsError,
                                create_project, import_name)

ROOT = Path(__file__).resolve().parents[2]

PROJECT_FILES = {
    ".gitignore", "README.md", "pyproject.toml",
    "{app}/__init__.py", "{app}/counter.py", "{app}/pages.py",
    "www/index.html", "www/main.mjs", "www/style.css", "www/favicon.svg",
    "tests/conftest.py", "tests/test_counter.py", "tests/test_browser.py", "tests/test_in_pyodide.py",
}


def files_of(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()
            and not {"__pycache__", ".mypy_cache", ".pytest_cache"} & set(p.relative_to(root).parts)}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new project ``demo``, written once for the module (the tests below only read it, or run its
    own tests in it)."""
    return create_project(tmp_path_factory.mktemp("apps") / "demo")


def test_new_writes_the_whole_project_with_the_name_in_place(demo: Path) -> None:
    assert demo.name == "demo" and demo.is_absolute()
    assert files_of(demo) == {f.format(app="demo") for f in PROJECT_FILES}
    for path in demo.rglob("*"):
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            assert "__app__" not in text and "__project__" not in text, path
    html = (demo / "www" / "index.html").read_text()
    assert '<meta name="jsinterop-app" content="demo">' in html
    assert '<script type="module" src="./main.mjs"></script>' in html and 'href="./style.css"' in html
    assert "<style" not in html and not re.search(r"<script(?![^>]*\bsrc=)", html) and " on" not in html.lower()
    assert (demo / "www" / "main.mjs").read_bytes() == (ROOT / "www" / "main.mjs").read_bytes()
    assert "def main() -> None:" in (demo / "demo" / "__init__.py").read_text()
    assert '@page("/")' in (demo / "demo" / "pages.py").read_text()
    assert '@run_in_pyodide(packages=["demo"])' in (demo / "tests" / "test_in_pyodide.py").read_text()
    ignored = (demo / ".gitignore").read_text().split()
    assert {"/dist/", "/.venv/", "__pycache__/", "/node_modules/", ".mypy_cache/", ".pytest_cache/"} <= set(ignored)


def test_the_pyproject_has_the_app_s_tables(demo: Path) -> None:
    text = (demo / "pyproject.toml").read_text()
    project = tomllib.loads(text)
    assert project["project"]["name"] == "demo" and project["project"]["version"] == "0.1.0"
    assert project["project"]["requires-python"] == ">=3.12"
    assert project["project"]["dependencies"] == ["jsinterop"]
    assert project["tool"]["jsinterop"] == {}  # every key has a default: shown commented out
    for key in ("app", "static", "base-path", "snapshot", "lazy", "worker", "isolation", "tool.jsinterop.npm"):
        assert re.search(rf"^# \[?{re.escape(key)}\b", text, re.M), key
    assert '# app = "demo"' in text and '# static = "www"' in text and "# snapshot = true" in text
    assert "# worker = false" in text and "# isolation = false" in text
    pytest_options = project["tool"]["pytest"]["ini_options"]
    assert pytest_options["pythonpath"] == ["."] and pytest_options["testpaths"] == ["tests"]
    assert "--jsinterop-dist=.jsinterop/test-dist" in pytest_options["addopts"]
    assert "--dist-dir=.jsinterop/test-dist" in pytest_options["addopts"]  
    assert project["build-system"]["build-backend"] == "hatchling.build"
    assert project["tool"]["hatch"]["build"]["targets"]["wheel"]["packages"] == ["demo"]
    assert project["tool"]["mypy"]["strict"] is True and project["tool"]["mypy"]["files"] == ["demo", "tests"]


def test_a_name_with_a_dash_names_the_project_and_its_import_name_the_package(tmp_path: Path) -> None:
    root = create_project(tmp_path / "folder", name="My-App")
    assert import_name("My-App") == "my_app" and import_name("a.b-_c") == "a_b__c"
    assert files_of(root) == {f.format(app="my_app") for f in PROJECT_FILES}
    assert tomllib.loads((root / "pyproject.toml").read_text())["project"]["name"] == "My-App"
    assert '<meta name="jsinterop-app" content="my_app">' in (root / "www" / "index.html").read_text()
    assert "from my_app.counter import" in (root / "tests" / "test_counter.py").read_text()
    assert '@run_in_pyodide(packages=["My-App"])' in (root / "tests" / "test_in_pyodide.py").read_text()


def test_an_empty_folder_is_used(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    assert create_project(tmp_path / "empty") == tmp_path / "empty"
    assert (tmp_path / "empty" / "empty" / "__init__.py").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty"]  # no staging folder left beside it


def test_a_folder_that_is_not_empty_is_refused_and_left_alone(tmp_path: Path) -> None:
    target = tmp_path / "demo"
    target.mkdir()
    (target / "notes.txt").write_text("mine")
    with pytest.raises(ProjectExistsError, match=rf"{re.escape(str(target))} is not empty: .*name another folder"):
        create_project(target)
    assert files_of(target) == {"notes.txt"}
    (tmp_path / "file").write_text("x")
    with pytest.raises(ProjectExistsError, match=r"file exists and is not a folder"):
        create_project(tmp_path / "file")
    assert issubclass(ProjectExistsError, FileExistsError) and issubclass(ProjectExistsError, NewProjectError)


@pytest.mark.parametrize(("name", "why"), [
    ("2048", r"'2048' is not a valid app name: use ASCII letters, digits, '-', '_' and '\.', starting with a letter"),
    ("my app", r"'my app' is not a valid app name: use ASCII letters"),
    ("demo-", r"'demo-' is not a valid app name"),
    ("café", r"'café' is not a valid app name"),
    ("json", r"'json' cannot be an app's name: its import name 'json' is a module of Python's standard library"),
    ("Class", r"'Class' cannot be an app's name: its import name 'class' is a Python keyword"),
    ("jsinterop", r"'jsinterop' cannot be an app's name: .* taken by jsinterop"),
    ("tests", r"'tests' cannot be an app's name: .*a folder of the project"),
])
def test_a_name_that_cannot_be_an_app_s_is_refused_saying_what_is_allowed(tmp_path: Path, name: str,
                                                                          why: str) -> None:
    with pytest.raises(InvalidProjectNameError, match=why):
        create_project(tmp_path / "app", name=name)
    assert list(tmp_path.iterdir()) == []  # nothing written
    with pytest.raises(InvalidProjectNameError, match="choose"):
        create_project(tmp_path / name)  # the folder's name is the default name


def test_the_command_creates_the_project_and_reports_a_refusal(tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["new", str(tmp_path / "shop"), "--name", "shop-app"]) == 0
    assert (tmp_path / "shop" / "shop_app" / "pages.py").is_file()
    assert "jsinterop serve" in capsys.readouterr().out
    assert cli.main(["new", str(tmp_path / "shop")]) == 1
    assert f"{tmp_path / 'shop'} is not empty" in capsys.readouterr().err
    assert cli.main(["new", str(tmp_path / "2048")]) == 1
    assert "'2048' is not a valid app name" in capsys.readouterr().err


def run_in(project: Path, *command: str) -> subprocess.CompletedProcess[str]:
    """Run ``python -m <command>`` with this interpreter (the .venv with jsinterop) in ``project``."""
    return subprocess.run([sys.executable, "-m", *command], cwd=project, capture_output=True, text=True,
                          timeout=600)


def test_the_new_project_s_cpython_tests_pass(demo: Path) -> None:
    result = run_in(demo, "pytest", "-m", "not browser", "-p", "no:cacheprovider")
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"\b3 passed, 2 deselected\b", result.stdout), result.stdout


def test_the_new_project_passes_mypy_strict(demo: Path, tmp_path: Path) -> None:
    cache = ["--cache-dir", str(tmp_path / "mypy-cache")]
    strict = run_in(demo, "mypy", "--strict", *cache, "demo", "tests")
    assert strict.returncode == 0, strict.stdout + strict.stderr
    assert "Success: no issues found in 7 source files" in strict.stdout
    configured = run_in(demo, "mypy", *cache)  # `mypy` alone: the project's [tool.mypy] (strict, app and tests)
    assert configured.returncode == 0 and "in 7 source files" in configured.stdout, configured.stdout


def test_the_template_ships_in_the_jsinterop_wheel() -> None:
    wheels = sorted((ROOT / "dist" / "wheels").glob("jsinterop-*.whl"))  # the wheel the build made
    assert wheels, "build the site first (./build.sh test does)"
    names = set(zipfile.ZipFile(wheels[-1]).namelist())
    template = {"jsinterop/tool/templates/app/" + p.relative_to(APP_TEMPLATE).as_posix()
                for p in APP_TEMPLATE.rglob("*") if p.is_file() and "__pycache__" not in p.parts}
    assert "jsinterop/tool/new.py" in names and "jsinterop/tool/templates/app/_gitignore" in template
    assert template <= names, sorted(template - names)
