"""The app project's manifest (jsinterop.tool.project): defaults, and errors that name the file, the
key and what is expected; and what of the project goes into the site (jsinterop.tool.build)."""

from __future__ import annotations

from pathlib import Path

import pytest

from jsinterop.tool import build
from jsinterop.tool.project import KEYS, ManifestError, load_project

ROOT = Path(__file__).resolve().parents[2]


def make_project(root: Path, tool: str = "", project: str = 'name = "my-app"\nversion = "0.1.0"\n',
                 package: str = "my_app") -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text(f"[project]\n{project}\n[tool.jsinterop]\n{tool}\n")
    if package:
        (root / package).mkdir(exist_ok=True)
        (root / package / "__init__.py").write_text("def main() -> None: ...\n")
    (root / "www").mkdir(exist_ok=True)
    return root


def test_a_new_project_needs_no_key(tmp_path: Path) -> None:
    project = load_project(make_project(tmp_path / "p"))
    assert (project.name, project.version, project.app) == ("my-app", "0.1.0", "my_app")
    assert project.app_dir == (tmp_path / "p" / "my_app").resolve()
    assert project.static_dir == (tmp_path / "p" / "www").resolve()
    assert (project.base_path, project.snapshot, project.npm, project.lazy) == ("/", True, {}, [])
    assert (project.worker, project.isolation) == (False, None)  # no COOP/COEP unless asked for


@pytest.mark.parametrize(("tool", "worker", "isolation"), [
    ("worker = true", True, "require-corp"),  # worker mode is isolated by default: its sync calls need it
    ("worker = true\nisolation = false", True, None),  # GitHub Pages: no headers, async calls only
    ("worker = true\nisolation = \"credentialless\"", True, "credentialless"),
    ("isolation = \"require-corp\"", False, "require-corp"),
    ("isolation = \"credentialless\"", False, "credentialless"),
    ("worker = false\nisolation = false", False, None),
])
def test_worker_mode_and_cross_origin_isolation(tmp_path: Path, tool: str, worker: bool, isolation: str | None) -> None:
    project = load_project(make_project(tmp_path / "p", tool))
    assert (project.worker, project.isolation) == (worker, isolation)


def test_a_src_layout_is_found(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p", package="")
    (root / "src" / "my_app").mkdir(parents=True)
    (root / "src" / "my_app" / "__init__.py").write_text("")
    assert load_project(root).app_dir == (root / "src" / "my_app").resolve()


@pytest.mark.parametrize(("tool", "expected"), [
    ("colour = 1", r"\[tool\.jsinterop\]: unknown key\(s\) 'colour': the keys are app, static,.* worker, isolation,"),
    ("snapshot = \"yes\"", r"\[tool\.jsinterop\]: `snapshot` must be true or false, got 'yes'"),
    ("app = \"missing\"", r"`app` is 'missing', but neither .*missing nor .*src/missing is a Python package"),
    ("static = \"nowhere\"", r"`static` is 'nowhere', but .*nowhere is not a folder inside the project"),
    ("lazy = [\"attrs\"]", r"`lazy` names 'attrs', which is not in \[project\] dependencies"),
    ("npm = { \"chart.js\" = 4 }", r"`npm\.chart\.js` must be an exact version string"),
    ("lazy = \"attrs\"", r"`lazy` must be a list of strings, got 'attrs'"),
    ("worker = \"yes\"", r"\[tool\.jsinterop\]: `worker` must be true or false, got 'yes'"),
    ("worker = 1", r"`worker` must be true or false, got 1"),
    ("isolation = \"same-origin\"", r"\[tool\.jsinterop\]: `isolation` must be \"require-corp\", \"credentialless\" or "
                                    r"false \(the Cross-Origin-Embedder-Policy .*\), got 'same-origin'"),
    ("isolation = true", r"`isolation` must be \"require-corp\", \"credentialless\" or false .*, got True"),
    ("worker = true\nisolation = \"\"", r"`isolation` must be .*, got ''"),
])
def test_manifest_errors_name_the_file_the_key_and_what_is_expected(tmp_path: Path, tool: str, expected: str) -> None:
    root = make_project(tmp_path / "p", tool)
    with pytest.raises(ManifestError, match=expected) as caught:
        load_project(root)
    assert str(root / "pyproject.toml") in str(caught.value)


def test_a_missing_manifest_or_project_table_is_named(tmp_path: Path) -> None:
    with pytest.raises(ManifestError, match=r"pyproject.toml: no such file: .*jsinterop new DIR"):
        load_project(tmp_path)
    (tmp_path / "pyproject.toml").write_text("[tool.jsinterop]\n")
    with pytest.raises(ManifestError, match=r"\[project\] is missing: it needs at least `name` and `version`"):
        load_project(tmp_path)
    (tmp_path / "pyproject.toml").write_text("[project\n")
    with pytest.raises(ManifestError, match=r"pyproject.toml: not valid TOML"):
        load_project(tmp_path)


def test_the_sample_site_is_an_app_project() -> None:
    project = build.sample_project()
    assert (project.name, project.app, project.static_dir.name) == ("app", "app", "www")
    # Isolated, so that its worker page can call the page synchronously; its pages boot on the main thread.
    assert (project.worker, project.isolation) == (False, "require-corp")


def test_the_readme_s_key_table_lists_every_key() -> None:
    readme = (ROOT / "README.md").read_text()
    table = readme[readme.index("| key | default | what |"):]
    table = table[: table.index("\n\n")]
    assert [line.split("`")[1] for line in table.splitlines()[2:]] == list(KEYS)


@pytest.mark.parametrize(("rel", "served"), [
    ("index.html", True), ("app/page.js", True), ("css/site.css", True),
    ("app/page.py", False), ("tests/test_app.py", False), ("__pycache__/x.pyc", False),
    (".mypy_cache/3.13/x.json", False), ("pyproject.toml", False), ("pylock.toml", False),
    ("package-lock.json", False), ("node_modules/chart.js/index.js", False), (".gitignore", False),
])
def test_only_web_assets_go_into_the_site(rel: str, served: bool) -> None:
    assert build.is_site_file(Path(rel)) is served
