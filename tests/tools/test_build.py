"""The build: pinned downloads verified by hash, a lock that lists every wheel, and no-op rebuilds.

These tests read the dist/ that `./build.sh test` built just before, and drive tools/build.py
against temporary folders for the rest (no network: everything comes from .cache/).
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import re
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DIST = ROOT / "dist"


from jsinterop.tool import build as build_tool


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def lock() -> dict:
    return json.loads((DIST / "pyodide-lock.json").read_text())


def test_pyodide_runtime_files_are_the_pinned_package():
    pins = build_tool.load_pins()
    package = build_tool.pyodide_files(pins)
    for name in pins["pyodide"]["files"]:
        assert (DIST / name).read_bytes() == (package / name).read_bytes(), name
    assert json.loads((package / "package.json").read_text())["version"] == pins["pyodide"]["version"]


def test_lock_lists_every_wheel_with_its_sha256(lock):
    shipped = sorted(p.name for p in (DIST / "wheels").glob("*.whl"))
    listed = sorted(Path(entry["file_name"]).name for entry in lock["packages"].values())
    assert shipped == listed
    for name, entry in lock["packages"].items():
        wheel = DIST / entry["file_name"]
        assert wheel.is_file(), f"{name}: {entry['file_name']} is not in dist/"
        assert entry["sha256"] == sha256(wheel), name
        assert not entry["file_name"].startswith(("/", "http")), "wheel URLs must be relative"


def test_dev_layout_records_size_and_sha256_of_every_boot_file(lock):
    layout = (DIST / "layout.mjs").read_text()
    assert "export const FILES = Object.freeze({\n});" in layout and "export const SNAPSHOT = null;" in layout
    body = re.search(r"BOOT_FILES = Object\.freeze\((\{.*?\})\);\n", layout, re.S).group(1)
    records = json.loads(re.sub(r",\s*\}$", "}", body))
    expected = {"pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip"}
    expected |= {entry["file_name"] for entry in lock["packages"].values()}
    assert set(records) == expected
    for path, record in records.items():
        assert record == {"bytes": (DIST / path).stat().st_size, "sha256": sha256(DIST / path)}, path
    # The repository's own layout.mjs (which no build serves) records nothing.
    assert "export const BOOT_FILES = Object.freeze({});" in (ROOT / "loader" / "layout.mjs").read_text()


def test_lock_has_pinned_and_local_wheels_with_dependencies(lock):
    pins = build_tool.load_pins()
    packages = lock["packages"]
    for pin in pins["test-wheel"]:  # ./build.sh test builds dist/ with the test wheels
        entry = packages[pin["name"]]
        assert entry["version"] == pin["version"]
        assert entry["sha256"] == pin["sha256"]
    assert sorted(packages["pytest"]["depends"]) == ["iniconfig", "packaging", "pluggy", "pygments"]
    assert packages["app"]["depends"] == ["jsinterop"]
    # One package, two jobs: jsinterop's host-only dependencies (the command's) are not the page's.
    assert packages["jsinterop"]["depends"] == []
    assert "jsinterop" in packages["jsinterop"]["imports"]
    for name, entry in packages.items():
        for dep in entry["depends"]:
            assert dep in packages, f"{name} depends on {dep}, which the lock does not list"


def test_lock_keeps_pyodide_info(lock):
    pins = build_tool.load_pins()
    base = json.loads((build_tool.pyodide_files(pins) / "pyodide-lock.json").read_text())
    assert lock["info"] == base["info"]


def test_local_wheels_are_pure_and_reproducible():
    from jsinterop.tool import wheels

    for p in (DIST / "wheels").glob("*.whl"):
        assert p.name.endswith("-py3-none-any.whl"), p.name
    assert wheels.jsinterop_wheel() == wheels.jsinterop_wheel(), "the same sources must give the same wheel"
    name, data = wheels.jsinterop_wheel()
    assert (DIST / "wheels" / name).read_bytes() == data


def test_jsinterop_wheel_holds_the_package_and_the_loader_but_no_cache():
    import io
    import zipfile

    from jsinterop.tool import wheels

    names = zipfile.ZipFile(io.BytesIO(wheels.jsinterop_wheel()[1])).namelist()
    assert "jsinterop/tool/cli.py" in names and "jsinterop/_loader/jsinterop.mjs" in names
    assert "jsinterop/tool/pins.toml" in names and "jsinterop/tool/snapshot.mjs" in names
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]


def test_rebuild_with_nothing_changed_is_a_no_op():
    build = [sys.executable, str(ROOT / "tools" / "build.py"), "build", "--test"]  # dist/ as ./build.sh test made it
    subprocess.run(build, capture_output=True, text=True, check=True)  # whatever changed since, now built
    before = {p: p.stat().st_mtime_ns for p in DIST.rglob("*") if p.is_file()}
    proc = subprocess.run(build, capture_output=True, text=True, check=True)
    assert "up to date" in proc.stdout, proc.stdout
    after = {p: p.stat().st_mtime_ns for p in DIST.rglob("*") if p.is_file()}
    assert after == before


def test_build_into_another_folder_prunes_strays(tmp_path):
    out = tmp_path / "dist"
    (out / "wheels").mkdir(parents=True)
    (out / build_tool.DIST_MARKER).write_text("")  # a previous build of ours
    (out / "stale.js").write_text("old")
    (out / "wheels" / "old-0.1-py3-none-any.whl").write_bytes(b"old")
    dist = build_tool.build(out, test=True)  # as dist/ (./build.sh test)
    assert not (out / "stale.js").exists()
    assert not (out / "wheels" / "old-0.1-py3-none-any.whl").exists()
    assert "-stale.js" in dist.changed
    assert sorted(p.relative_to(out) for p in out.rglob("*")) == sorted(p.relative_to(DIST) for p in DIST.rglob("*"))
    assert build_tool.build(out, test=True).changed == []


def test_tampered_pyodide_download_is_rejected(tmp_path, monkeypatch):
    monkeypatch.setattr(build_tool, "CACHE", tmp_path)
    (tmp_path / "npm").mkdir()
    fake = tmp_path / "npm" / "pyodide-314.0.7.tgz"
    fake.write_bytes(b"not the real tarball")
    pins = {"pyodide": {"version": "314.0.7", "integrity": build_tool.load_pins()["pyodide"]["integrity"]}}
    with pytest.raises(build_tool.BuildError, match=r"pyodide-314.0.7.tgz: integrity mismatch"):
        build_tool.pyodide_tarball(pins)
    assert not fake.exists(), "a corrupt download must not stay in the cache"


def test_cached_wheel_with_wrong_hash_is_not_used(tmp_path, monkeypatch):
    monkeypatch.setattr(build_tool, "CACHE", tmp_path)
    (tmp_path / "wheels").mkdir()
    (tmp_path / "wheels" / "x-1.0-py3-none-any.whl").write_bytes(b"tampered")
    calls = []
    monkeypatch.setattr(build_tool, "run", lambda cmd, what, **kw: calls.append(what))
    pin = {"name": "x", "version": "1.0", "file": "x-1.0-py3-none-any.whl", "sha256": "0" * 64}
    with pytest.raises(build_tool.BuildError, match=r"did not produce x-1.0-py3-none-any.whl"):
        build_tool.pinned_wheel(pin, "3.14")
    assert calls == ["pip download x==1.0"], "a wheel whose hash does not match must be downloaded again"


def test_source_digest_follows_content(tmp_path):
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "a.py").write_text("x = 1\n")
    first = build_tool.tree_digest([pkg])
    (pkg / "__pycache__").mkdir()
    (pkg / "__pycache__" / "a.cpython-313.pyc").write_bytes(b"junk")
    assert build_tool.tree_digest([pkg]) == first
    (pkg / "a.py").write_text("x = 2\n")
    assert build_tool.tree_digest([pkg]) != first


def test_dev_dependency_group_agrees_with_requirements_lock():
    import tomllib

    group = tomllib.loads((ROOT / "pyproject.toml").read_text())["dependency-groups"]["dev"]
    locked = {}
    for line in (ROOT / "requirements-dev.txt").read_text().splitlines():
        if line and not line.startswith("#"):
            name, _, version = line.partition("==")
            locked[name.lower().replace("_", "-")] = version
    for requirement in group:
        name, _, version = requirement.partition("==")
        name = name.split("[")[0].lower()
        assert locked.get(name) == version, f"{requirement} is not what requirements-dev.txt pins"


# --- builds that fail leave the output as it was ---------------------------------------------------

@pytest.fixture(scope="module")
def sources(tmp_path_factory) -> Path:
    """A copy of the sources a build reads, for tests that break them (each restores what it changed)."""
    from releases import copy_sources

    root = tmp_path_factory.mktemp("sources")
    copy_sources(root)
    return root


def build_from(sources: Path, out: Path, command: str = "build") -> subprocess.CompletedProcess:
    """``tools/build.py build --dist out`` of the sources under ``sources``."""
    return subprocess.run([sys.executable, str(sources / "tools" / "build.py"), command, "--dist", str(out)],
                          capture_output=True, text=True, timeout=600)


def snapshot_of(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file under ``folder`` (and every entry of its parent) with its bytes and mtime."""
    files = {str(p.relative_to(folder)): (p.read_bytes(), p.stat().st_mtime_ns) for p in folder.rglob("*") if p.is_file()}
    return {**files, "..": (repr(sorted(p.name for p in folder.parent.iterdir())).encode(), 0)}


@pytest.fixture
def built(sources, tmp_path) -> Path:
    """A dev build of ``sources`` in a fresh folder."""
    out = tmp_path / "site"
    proc = build_from(sources, out)
    assert proc.returncode == 0, proc.stderr
    return out


@pytest.fixture
def edit(sources):
    """``edit(relative_path, text)`` writes a file of ``sources``; every edit is undone after the test."""
    saved: dict[Path, bytes | None] = {}

    def write(rel: str | bytes, text: str) -> Path:
        path = sources / os.fsdecode(rel)
        saved.setdefault(path, path.read_bytes() if path.exists() else None)
        path.write_text(text)
        return path

    yield write
    for path, data in saved.items():
        if data is None:
            path.unlink()
        else:
            path.write_bytes(data)


def test_an_app_module_that_fails_at_import_fails_the_build_naming_it(sources, built, edit):
    before = snapshot_of(built)
    edit("www/app/bad_export.py", "import socket\nfrom jsinterop import js_export\n\n\n"
                                  "@js_export\ndef peer(s: socket.socket) -> int:\n    return 1\n")
    proc = build_from(sources, built)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "app.bad_export" in proc.stderr and "parameter 's' of 'peer'" in proc.stderr, proc.stderr
    assert "cannot be marshalled" in proc.stderr, proc.stderr
    assert snapshot_of(built) == before, "a failed build must leave the folder as it was (types/ and the old wheel)"


def test_a_syntax_error_leaves_dist_as_it_was(sources, built, edit):
    before = snapshot_of(built)
    counter = sources / "www" / "app" / "counter.py"
    edit("www/app/counter.py", counter.read_text() + "\ndef broken(:\n")
    proc = build_from(sources, built)
    assert proc.returncode == 1
    assert "app.counter" in proc.stderr and "SyntaxError" in proc.stderr and "counter.py" in proc.stderr, proc.stderr
    assert snapshot_of(built) == before, "the new app wheel and lock must not be in place after a failed build"


def test_a_module_that_imports_only_in_pyodide_is_skipped(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "jsinterop.typegen", "app", "--path", str(ROOT / "www"),
                           "--out", str(tmp_path)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "skipped app.bench (ModuleNotFoundError: No module named 'js')" in proc.stderr
    assert (tmp_path / "app.typed_demo.d.ts").is_file()


@pytest.mark.parametrize("command", ["build", "release"])
def test_a_file_name_that_is_not_utf8_fails_the_build_naming_it(sources, built, edit, command):
    before = snapshot_of(built)
    edit(b"www/caf\xe9.txt", "not UTF-8 in its name")
    proc = build_from(sources, built, command)
    assert proc.returncode == 1
    assert "www/caf\\xe9.txt" in proc.stderr and "not UTF-8" in proc.stderr, proc.stderr
    assert snapshot_of(built) == before


def test_a_release_that_fails_leaves_the_previous_release_as_it_was(tmp_path, monkeypatch):
    out = tmp_path / "site"
    build_tool.release(out, "/")
    before = snapshot_of(out)

    def fail(*args, **kwargs):
        raise build_tool.BuildError("the headers failed on purpose")

    monkeypatch.setattr(build_tool.hosting, "headers_file", fail)
    monkeypatch.setattr(build_tool.release_layout, "loader_stub", lambda hashed: b"export * from './elsewhere.mjs';\n")
    with pytest.raises(build_tool.BuildError, match="on purpose"):
        build_tool.release(out, "/")
    assert snapshot_of(out) == before, "jsinterop.mjs must not point at new files while _headers is stale"


def test_a_running_dev_server_keeps_serving_across_a_build_that_changes_files(sources, built, edit):
    from jsinterop.tool.devserver import running_server

    with running_server(built) as url:
        edit("www/style.css", "body { color: rebeccapurple; }\n")
        assert build_from(sources, built).returncode == 0
        with urllib.request.urlopen(url + "style.css") as response:
            assert response.read() == b"body { color: rebeccapurple; }\n"
        with urllib.request.urlopen(url + "jsinterop.mjs") as response:
            assert response.status == 200


def test_a_changed_file_is_staged_until_the_build_commits(tmp_path):
    out = tmp_path / "site"
    out.mkdir()
    (out / build_tool.DIST_MARKER).write_bytes(b"")
    (out / "same.txt").write_bytes(b"same")
    (out / "old.txt").write_bytes(b"old")
    dist = build_tool.Dist.begin(out)
    dist.put_bytes("same.txt", b"same")
    dist.put_bytes("old.txt", b"new")
    dist.put_bytes("sub/added.txt", b"added")
    assert dist.current("same.txt") == out / "same.txt"
    assert dist.current("old.txt").read_bytes() == b"new" and not dist.current("old.txt").is_relative_to(out)
    assert (out / "old.txt").read_bytes() == b"old" and not (out / "sub").exists()
    dist.commit()
    assert (out / "old.txt").read_bytes() == b"new" and (out / "sub" / "added.txt").read_bytes() == b"added"
    assert dist.current("old.txt") == out / "old.txt" and not dist.staging.exists()
    assert sorted(dist.changed) == sorted(["old.txt", "sub/added.txt", build_tool.DIST_MARKER])


def test_release_errors_name_the_file():
    files = {"index.html": b"<html><head></head></html>", "main.mjs": b"import './x.mjs';\n\xff\xfe"}
    with pytest.raises(build_tool.release_layout.ReleaseError, match=r"main\.mjs: .*not UTF-8"):
        build_tool.release_layout.release_tree(files, "314.0.7", [])


# --- --dist: only an empty folder or a previous build of ours ---------------------------------------

def test_dist_that_is_not_ours_is_refused_naming_it(tmp_path):
    mine = tmp_path / "documents"
    mine.mkdir()
    (mine / "thesis.txt").write_text("years of work")
    with pytest.raises(build_tool.BuildError, match=rf"{mine}.* not empty .*{build_tool.DIST_MARKER}"):
        build_tool.build(mine)
    assert sorted(p.name for p in mine.iterdir()) == ["thesis.txt"]
    proc = subprocess.run([sys.executable, str(ROOT / "tools" / "build.py"), "release", "--dist", str(mine)],
                          capture_output=True, text=True)
    assert proc.returncode == 1 and str(mine) in proc.stderr, proc.stderr
    assert sorted(p.name for p in mine.iterdir()) == ["thesis.txt"]


def test_dist_marker_makes_a_folder_ours(tmp_path):
    out = tmp_path / "new"
    out.mkdir()
    build_tool.build(out)  # an empty folder is fine
    assert (out / build_tool.DIST_MARKER).is_file()
    (out / "stale.js").write_text("old")
    assert "-stale.js" in build_tool.build(out).changed  # a previous build of ours: its strays are removed
    legacy = tmp_path / "legacy"  # a build from before the marker existed
    legacy.mkdir()
    (legacy / "jsinterop.mjs").write_text("old")
    (legacy / "pyodide-lock.json").write_text("{}")
    build_tool.build(legacy)
    assert (legacy / build_tool.DIST_MARKER).is_file()


# --- symbolic links -------------------------------------------------------------------------------

def test_a_link_out_of_the_project_is_refused_naming_it(sources, built, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("private")
    link = sources / "www" / "leak.txt"
    link.symlink_to(secret)
    try:
        before = snapshot_of(built)
        proc = build_from(sources, built)
        assert proc.returncode == 1
        assert "www/leak.txt" in proc.stderr and "outside the project" in proc.stderr, proc.stderr
        assert snapshot_of(built) == before
    finally:
        link.unlink()
    inside = sources / "www" / "readme.txt"  # the project is www/ (an app project like any other)
    inside.symlink_to(sources / "www" / "style.css")
    try:
        assert build_from(sources, built).returncode == 0
        assert (built / "readme.txt").read_bytes() == (sources / "www" / "style.css").read_bytes()
        assert not (built / "readme.txt").is_symlink()
    finally:
        inside.unlink()


def test_a_pyemscripten_wheel_gets_into_the_lock_under_its_own_name():
    info = {"abi_version": "2026_0", "arch": "wasm32", "platform": "emscripten_5_0_3", "python": "3.14.2"}
    name = "msgspec-0.23.0-cp314-cp314-pyemscripten_2026_0_wasm32.whl"
    assert build_tool.lock_alias(name, info) == "msgspec-0.23.0-cp314-cp314-emscripten_5_0_3_wasm32.whl"
    assert build_tool.lock_alias("attrs-26.1.0-py3-none-any.whl", info) == "attrs-26.1.0-py3-none-any.whl"
    # another ABI's wheel keeps its name, and pyodide-lock then refuses it (it cannot run in this Pyodide)
    assert build_tool.lock_alias(name.replace("2026_0", "2025_0"), info) == name.replace("2026_0", "2025_0")


def test_worker_mode_declarations_make_every_export_a_promise(tmp_path):
    # [tool.jsinterop] worker = true: the page calls each export by message, so each returns a Promise.
    plain, worker = tmp_path / "plain", tmp_path / "worker"
    for out, extra in ((plain, []), (worker, ["--worker"])):
        proc = subprocess.run([sys.executable, "-m", "jsinterop.typegen", "app", "--path", str(ROOT / "www"),
                               "--out", str(out), *extra], capture_output=True, text=True)
        assert proc.returncode == 0, proc.stderr
    assert "add(a: number, b: number): number;" in (plain / "app.typed_demo.d.ts").read_text()
    assert "add(a: number, b: number): Promise<number>;" in (worker / "app.typed_demo.d.ts").read_text()
