"""Build dist/: Pyodide, pinned wheels, our wheels, the lock file, the loader and the sample site.

Every download is pinned in tools/pins.toml, cached under .cache/ and verified by hash. Every output
is written only when its content changes, and files in dist/ that the build no longer produces are
removed, so a second build with nothing changed touches nothing and finishes in seconds.

Usage: python tools/build.py build [--dist DIR]
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / ".cache"
PINS = ROOT / "tools" / "pins.toml"
LOCK_NAME = "pyodide-lock.json"
WHEELS_DIR = "wheels"


class BuildError(Exception):
    """A build step failed; the message says which and why."""


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def tree_digest(paths: list[Path]) -> str:
    """A digest of the names and contents of every file under `paths` (files or folders)."""
    h = hashlib.sha256()
    for top in paths:
        files = sorted(p for p in top.rglob("*") if p.is_file()) if top.is_dir() else [top]
        for p in files:
            if "__pycache__" in p.parts or p.suffix == ".pyc":
                continue
            h.update(str(p.relative_to(ROOT)).encode() + b"\0")
            h.update(p.read_bytes() + b"\0")
    return h.hexdigest()


def run(cmd: list[str], what: str, **kwargs) -> subprocess.CompletedProcess:
    proc = subprocess.run(cmd, capture_output=True, text=True, **kwargs)
    if proc.returncode != 0:
        raise BuildError(f"{what} failed ({' '.join(cmd[:4])} ...):\n{proc.stdout}{proc.stderr}")
    return proc


@dataclass
class Dist:
    """dist/ as the build writes it: tracks every output and leaves unchanged files untouched."""

    root: Path
    written: set[Path] = field(default_factory=set)
    changed: list[str] = field(default_factory=list)

    def _claim(self, rel: str) -> Path:
        path = self.root / rel
        self.written.add(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        return path

    def put_bytes(self, rel: str, data: bytes) -> None:
        path = self._claim(rel)
        if path.is_file() and path.stat().st_size == len(data) and path.read_bytes() == data:
            return
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_bytes(data)
        tmp.replace(path)
        self.changed.append(rel)

    def put_file(self, rel: str, source: Path) -> None:
        path = self._claim(rel)
        if path.is_file() and path.stat().st_size == source.stat().st_size and sha256_of(path) == sha256_of(source):
            return
        tmp = path.with_name(path.name + ".tmp")
        shutil.copyfile(source, tmp)
        tmp.replace(path)
        self.changed.append(rel)

    def prune(self) -> None:
        """Remove files (and then empty folders) that this build did not produce."""
        for p in sorted(self.root.rglob("*"), reverse=True):
            if p.is_file() and p not in self.written:
                p.unlink()
                self.changed.append(f"-{p.relative_to(self.root)}")
            elif p.is_dir() and not any(p.iterdir()):
                p.rmdir()


def load_pins() -> dict:
    with PINS.open("rb") as f:
        return tomllib.load(f)


# --- Pyodide from the npm registry -------------------------------------------------------------

def pyodide_tarball(pins: dict) -> Path:
    """The pinned Pyodide npm tarball, fetched once with `npm pack` and checked against its integrity."""
    version, integrity = pins["pyodide"]["version"], pins["pyodide"]["integrity"]
    dest = CACHE / "npm" / f"pyodide-{version}.tgz"
    if not dest.exists():
        dest.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=dest.parent) as tmp:
            print(f"  fetching pyodide@{version} from the npm registry")
            run(["npm", "pack", f"pyodide@{version}", "--pack-destination", tmp, "--silent"],
                f"npm pack pyodide@{version}")
            (Path(tmp) / dest.name).replace(dest)
    algo, _, expected = integrity.partition("-")
    actual = base64.b64encode(hashlib.new(algo, dest.read_bytes()).digest()).decode()
    if actual != expected:
        dest.unlink()
        raise BuildError(f"{dest.name}: integrity mismatch (expected {integrity}, got {algo}-{actual}); "
                         "the corrupt download was removed, run the build again")
    return dest


def pyodide_files(pins: dict) -> Path:
    """The pinned Pyodide package unpacked under .cache/, unpacked once per version."""
    tarball = pyodide_tarball(pins)
    out = CACHE / "npm" / f"pyodide-{pins['pyodide']['version']}"
    if not (out / ".complete").exists():
        shutil.rmtree(out, ignore_errors=True)
        with tarfile.open(tarball) as tar:
            tar.extractall(out, filter="data")
        (out / ".complete").write_text(tarball.name)
    return out / "package"


# --- Wheels ------------------------------------------------------------------------------------

def pinned_wheel(pin: dict, python: str) -> Path:
    """A pinned wheel from PyPI, downloaded once with pip and verified by sha256."""
    dest = CACHE / "wheels" / pin["file"]
    if dest.exists() and sha256_of(dest) == pin["sha256"]:
        return dest
    dest.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=dest.parent) as tmp:
        print(f"  fetching {pin['name']}=={pin['version']} from PyPI")
        run([sys.executable, "-m", "pip", "download", "-q", "--disable-pip-version-check", "--no-deps",
             "--only-binary=:all:", "--python-version", python, "-d", tmp, f"{pin['name']}=={pin['version']}"],
            f"pip download {pin['name']}=={pin['version']}")
        got = Path(tmp) / pin["file"]
        if not got.exists():
            raise BuildError(f"pip download {pin['name']}=={pin['version']} did not produce {pin['file']} "
                             f"(got: {', '.join(os.listdir(tmp)) or 'nothing'})")
        actual = sha256_of(got)
        if actual != pin["sha256"]:
            raise BuildError(f"{pin['file']}: sha256 mismatch (expected {pin['sha256']}, got {actual})")
        got.replace(dest)
    return dest


def local_wheel(spec: dict) -> Path:
    """A wheel built from this repository's sources; rebuilt only when its sources change."""
    digest = tree_digest([ROOT / s for s in spec["sources"]])
    out = CACHE / "local-wheels" / spec["name"]
    stamp = out / "digest.json"
    if stamp.exists():
        record = json.loads(stamp.read_text())
        wheel = out / record["wheel"]
        if record["digest"] == digest and wheel.exists():
            return wheel
    print(f"  building the {spec['name']} wheel")
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    # A fixed timestamp makes the wheel byte-for-byte reproducible (hatchling honours it).
    env = dict(os.environ, SOURCE_DATE_EPOCH="315532800")
    run([sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out), str(ROOT / spec["project"])],
        f"building the {spec['name']} wheel", env=env)
    wheels = list(out.glob("*.whl"))
    if len(wheels) != 1:
        raise BuildError(f"building {spec['name']} produced {len(wheels)} wheels, expected 1")
    stamp.write_text(json.dumps({"digest": digest, "wheel": wheels[0].name}))
    return wheels[0]


def export_types(spec: dict) -> Path:
    """dist/types/<module>.d.ts for the @js_export functions of a local package, regenerated only
    when its sources (or jsinterop's) change."""
    digest = tree_digest([ROOT / s for s in spec["sources"]] + [ROOT / "runtime" / "jsinterop"])
    out = CACHE / "types" / spec["name"] / digest
    if not (out / ".complete").exists():
        print(f"  generating TypeScript declarations for {spec['types']}")
        shutil.rmtree(out.parent, ignore_errors=True)
        out.mkdir(parents=True)
        run([sys.executable, "-m", "jsinterop.typegen", spec["types"], "--path", str(ROOT / spec["project"]),
             "--out", str(out)], f"typegen of {spec['types']}")
        (out / ".complete").write_text(digest)
    return out


# --- The lock file -----------------------------------------------------------------------------

def lock_file(base_lock: Path, wheels: list[Path]) -> bytes:
    """pyodide-lock.json listing exactly the wheels dist/ ships, with their dependencies resolved.

    Pyodide's own lock names ~350 packages whose wheels are not in the npm package; they are
    dropped so that the lock describes what dist/ really holds, then `pyodide lockfile add-wheels`
    adds ours (name, version, sha256, imports, depends) from the wheels themselves.
    """
    key = hashlib.sha256(base_lock.read_bytes())
    for w in wheels:
        key.update(w.name.encode() + sha256_of(w).encode())
    cached = CACHE / "lock" / f"{key.hexdigest()}.json"
    if cached.exists():
        return cached.read_bytes()
    print("  regenerating pyodide-lock.json")
    lock = json.loads(base_lock.read_text())
    lock["packages"] = {}
    with tempfile.TemporaryDirectory() as tmp:
        staging = Path(tmp)
        (staging / WHEELS_DIR).mkdir()
        for w in wheels:
            shutil.copyfile(w, staging / WHEELS_DIR / w.name)
        (staging / "input.json").write_text(json.dumps(lock))
        pyodide_cli = Path(sys.executable).with_name("pyodide")
        run([str(pyodide_cli), "lockfile", "add-wheels", "--input", str(staging / "input.json"),
             "--output", str(staging / LOCK_NAME), "--base-path", str(staging),
             *[str(staging / WHEELS_DIR / w.name) for w in wheels]],
            "pyodide lockfile add-wheels")
        data = (staging / LOCK_NAME).read_bytes()
    cached.parent.mkdir(parents=True, exist_ok=True)
    cached.write_bytes(data)
    return data


# --- The build ---------------------------------------------------------------------------------

def copy_tree(dist: Dist, source: Path, dest: str = "", skip: tuple[str, ...] = ()) -> None:
    for p in sorted(source.rglob("*")):
        rel = p.relative_to(source)
        if not p.is_file() or rel.parts[0] in skip or "__pycache__" in rel.parts:
            continue
        dist.put_file(str(Path(dest) / rel), p)


def build(dist_root: Path) -> Dist:
    pins = load_pins()
    dist = Dist(dist_root)
    dist_root.mkdir(parents=True, exist_ok=True)

    package = pyodide_files(pins)
    for name in pins["pyodide"]["files"]:
        dist.put_file(name, package / name)

    python = pins["pyodide"]["python"]
    wheels = [pinned_wheel(pin, python) for pin in pins["wheel"]]
    wheels += [local_wheel(spec) for spec in pins["local"]]
    for w in wheels:
        dist.put_file(f"{WHEELS_DIR}/{w.name}", w)
    dist.put_bytes(LOCK_NAME, lock_file(package / LOCK_NAME, wheels))

    for spec in pins["local"]:
        if "types" in spec:
            copy_tree(dist, export_types(spec), "types", skip=(".complete",))
            # Collocated JS modules (app/page.py + app/page.js) are served at the package's path.
            package = ROOT / spec["project"] / spec["types"]
            for module in sorted(package.rglob("*.js")):
                dist.put_file(str(Path(spec["types"]) / module.relative_to(package)), module)
    copy_tree(dist, ROOT / "loader")
    # The sample site: its pages and assets (its Python package ships as the `app` wheel).
    copy_tree(dist, ROOT / "www", skip=("app", "pyproject.toml"))
    dist.prune()
    return dist


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["build"])
    parser.add_argument("--dist", type=Path, default=ROOT / "dist", help="output folder (default: dist/)")
    args = parser.parse_args(argv)
    started = time.monotonic()
    try:
        dist = build(args.dist.resolve())
    except BuildError as e:
        print(f"build failed: {e}", file=sys.stderr)
        return 1
    took = time.monotonic() - started
    if dist.changed:
        print(f"built {args.dist}: {len(dist.changed)} file(s) changed in {took:.1f} s")
    else:
        print(f"built {args.dist}: up to date ({took:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
