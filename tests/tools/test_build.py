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
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DIST = ROOT / "dist"


def _load_build_module():
    spec = importlib.util.spec_from_file_location("jsinterop_build_tool", ROOT / "tools" / "build.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


build_tool = _load_build_module()


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
    for pin in pins["wheel"]:
        entry = packages[pin["name"]]
        assert entry["version"] == pin["version"]
        assert entry["sha256"] == pin["sha256"]
    for local in pins["local"]:
        assert local["name"] in packages
    assert sorted(packages["pytest"]["depends"]) == ["iniconfig", "packaging", "pluggy", "pygments"]
    assert packages["app"]["depends"] == ["jsinterop"]
    assert "jsinterop" in packages["jsinterop"]["imports"]
    for name, entry in packages.items():
        for dep in entry["depends"]:
            assert dep in packages, f"{name} depends on {dep}, which the lock does not list"


def test_lock_keeps_pyodide_info(lock):
    pins = build_tool.load_pins()
    base = json.loads((build_tool.pyodide_files(pins) / "pyodide-lock.json").read_text())
    assert lock["info"] == base["info"]


def test_local_wheels_are_pure_and_reproducible(tmp_path):
    for p in (DIST / "wheels").glob("*.whl"):
        assert p.name.endswith("-py3-none-any.whl"), p.name
    env = {**os.environ, "SOURCE_DATE_EPOCH": "315532800"}
    digests = []
    for out in (tmp_path / "a", tmp_path / "b"):
        subprocess.run([sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out), str(ROOT)],
                       check=True, capture_output=True, env=env)
        digests.append(sha256(next(out.glob("jsinterop-*.whl"))))
    assert digests[0] == digests[1], "two builds of the same sources must give the same wheel"


def test_rebuild_with_nothing_changed_is_a_no_op():
    build = [sys.executable, str(ROOT / "tools" / "build.py"), "build"]
    subprocess.run(build, capture_output=True, text=True, check=True)  # whatever changed since, now built
    before = {p: p.stat().st_mtime_ns for p in DIST.rglob("*") if p.is_file()}
    proc = subprocess.run(build, capture_output=True, text=True, check=True)
    assert "up to date" in proc.stdout, proc.stdout
    after = {p: p.stat().st_mtime_ns for p in DIST.rglob("*") if p.is_file()}
    assert after == before


def test_build_into_another_folder_prunes_strays(tmp_path):
    out = tmp_path / "dist"
    (out / "wheels").mkdir(parents=True)
    (out / "stale.js").write_text("old")
    (out / "wheels" / "old-0.1-py3-none-any.whl").write_bytes(b"old")
    dist = build_tool.build(out)
    assert not (out / "stale.js").exists()
    assert not (out / "wheels" / "old-0.1-py3-none-any.whl").exists()
    assert "-stale.js" in dist.changed
    assert sorted(p.relative_to(out) for p in out.rglob("*")) == sorted(p.relative_to(DIST) for p in DIST.rglob("*"))
    assert build_tool.build(out).changed == []


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


def test_source_digest_follows_content(tmp_path, monkeypatch):
    monkeypatch.setattr(build_tool, "ROOT", tmp_path)
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
