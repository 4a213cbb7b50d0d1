"""Build an app's site: Pyodide, jsinterop's and the app's wheels, their dependencies, the lock file,
the loader, and the app's static files.

The app is a :class:`~jsinterop.tool.project.Project` (its ``pyproject.toml``); this repository's
sample site, ``www/``, is one like any other. Every download is pinned (tool/pins.toml for what every
app gets: Pyodide and the test wheels; the app's own lock files for its dependencies), cached per user
(:func:`jsinterop.tool.paths.cache_dir`) and verified by hash. Every output
is written only when its content changes, and files in dist/ that the build no longer produces are
removed, so a second build with nothing changed touches nothing and finishes in seconds. Changed files
are written beside dist/ first and moved in when the whole build has succeeded: a build that fails
leaves dist/ as it was. The build writes only into a folder that is empty or holds a previous build
(marked by a .jsinterop-dist file).

`release` writes the production form of the same site (release_layout.py: content-hashed names,
Pyodide in a versioned folder, .br/.gz siblings; hosting.py: nginx.conf and _headers).

Only web assets go into the site: never the app's ``.py`` sources (they ship in its wheel), caches,
its tests or its project files (:data:`NOT_SITE_FILES`). The test wheels (pytest and what
``@run_in_pyodide`` needs) go only into the builds ``jsinterop test`` makes (``test=True``).

Usage (the `jsinterop` command calls these; tools/build.py runs them for the sample site):
       python -m jsinterop build [--project DIR] [--dist DIR]
       python -m jsinterop release [--project DIR] [--dist DIR] [--base-path /some/prefix/]
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from jsinterop.tool import hosting, npm, pydeps, release_layout, wheels
from jsinterop.tool.errors import BuildError
from jsinterop.tool.paths import CHECKOUT, PACKAGE, PINS, SNAPSHOT_SCRIPT, cache_dir, loader_dir
from jsinterop.tool.project import Project, load_project

CACHE = cache_dir()
LOCK_NAME = "pyodide-lock.json"
WHEELS_DIR = "wheels"


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def tree_digest(paths: list[Path]) -> str:
    """A digest of the names (relative to each path's parent) and contents of every file under `paths`
    (files or folders): the same sources give the same digest wherever they are."""
    h = hashlib.sha256()
    for top in paths:
        files = sorted(p for p in top.rglob("*") if p.is_file()) if top.is_dir() else [top]
        for p in files:
            if "__pycache__" in p.parts or p.suffix == ".pyc":
                continue
            h.update(str(p.relative_to(top.parent)).encode() + b"\0")
            h.update(p.read_bytes() + b"\0")
    return h.hexdigest()


def run(cmd: list[str], what: str, **kwargs) -> subprocess.CompletedProcess:
    proc = subprocess.run(cmd, capture_output=True, text=True, **kwargs)
    if proc.returncode != 0:
        raise BuildError(f"{what} failed ({' '.join(cmd[:4])} ...):\n{proc.stdout}{proc.stderr}")
    return proc


DIST_MARKER = hosting.DIST_MARKER
"""The file that marks a folder as a build of ours: only such a folder (or an empty one) is written to."""

_MARKER_TEXT = b"This folder is written by jsinterop's tools/build.py: a build deletes what it did not make.\n"


def shown(path: Path) -> str:
    """``path`` relative to the current folder when it is in it, with bytes that are not UTF-8 as ``\\xNN``."""
    if path.is_absolute() and path.is_relative_to(Path.cwd()):
        path = path.relative_to(Path.cwd())
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def check_output_folder(root: Path) -> None:
    """Refuse to build into ``root`` unless it is missing, empty, or a previous build of ours."""
    if not root.exists():
        return
    if not root.is_dir():
        raise BuildError(f"{shown(root)} is not a folder: --dist must name a folder")
    if (root / DIST_MARKER).is_file() or not any(root.iterdir()):
        return
    if (root / "jsinterop.mjs").is_file() and ((root / LOCK_NAME).is_file() or (root / RELEASE_MANIFEST).is_file()):
        return  # a build made before the marker existed: the build adds the marker
    raise BuildError(f"{shown(root)} is not empty and is not a previous build of jsinterop (it has no {DIST_MARKER}): "
                     "a build removes every file it did not make, so it refuses this folder; "
                     "build into an empty or new folder")


@dataclass
class Dist:
    """An output folder as the build writes it: tracks every output and leaves unchanged files untouched.

    Changed files are written into a staging folder beside ``root`` (``.<name>.jsinterop-staging``);
    :meth:`commit` moves them in and removes stale files, so a build that fails leaves ``root`` as it
    was, and a build with nothing changed touches no file of it."""

    root: Path
    written: set[Path] = field(default_factory=set)
    changed: list[str] = field(default_factory=list)
    staged: dict[str, Path] = field(default_factory=dict)

    @property
    def staging(self) -> Path:
        """Where changed files wait for :meth:`commit`: a sibling of ``root``, on the same file system."""
        return self.root.with_name(f".{self.root.name}.jsinterop-staging")

    @classmethod
    def begin(cls, root: Path) -> Dist:
        """A build into ``root``, refused (:func:`check_output_folder`) unless the folder is ours to write."""
        check_output_folder(root)
        dist = cls(root)
        dist.discard()  # what a build that was killed left
        return dist

    def current(self, rel: str) -> Path:
        """Where the file ``rel`` of this build is now: its staged copy if it changed, else in ``root``."""
        return self.staged.get(rel, self.root / rel)

    def _claim(self, rel: str) -> tuple[Path, Path]:
        path = self.root / rel
        self.written.add(path)
        staged = self.staging / rel
        return path, staged

    def _stage(self, rel: str, staged: Path) -> None:
        self.staged[rel] = staged
        self.changed.append(rel)

    def put_bytes(self, rel: str, data: bytes) -> None:
        path, staged = self._claim(rel)
        if path.is_file() and path.stat().st_size == len(data) and path.read_bytes() == data:
            self.staged.pop(rel, None)
            return
        staged.parent.mkdir(parents=True, exist_ok=True)
        staged.write_bytes(data)
        self._stage(rel, staged)

    def put_file(self, rel: str, source: Path) -> None:
        path, staged = self._claim(rel)
        if path.is_file() and path.stat().st_size == source.stat().st_size and sha256_of(path) == sha256_of(source):
            self.staged.pop(rel, None)
            return
        staged.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, staged)
        self._stage(rel, staged)

    def commit(self, keep: frozenset[Path] = frozenset()) -> None:
        """Move the changed files into ``root`` (each replaced at once, so a server reading the folder
        never sees half a file), then remove the files this build did not produce, except ``keep``."""
        self.put_bytes(DIST_MARKER, _MARKER_TEXT)
        self.root.mkdir(parents=True, exist_ok=True)
        for rel, staged in self.staged.items():
            target = self.root / rel
            for folder in reversed(target.relative_to(self.root).parents[:-1]):
                if (self.root / folder).is_file():  # a stale file where this build has a folder
                    (self.root / folder).unlink()
            if target.is_dir() and not target.is_symlink():
                shutil.rmtree(target)  # a stale folder where this build has a file
            target.parent.mkdir(parents=True, exist_ok=True)
            staged.replace(target)
        self.staged.clear()
        self.prune(keep)
        self.discard()

    def discard(self) -> None:
        """Remove the staging folder (after :meth:`commit`, or when the build failed)."""
        shutil.rmtree(self.staging, ignore_errors=True)

    def prune(self, keep: frozenset[Path] = frozenset()) -> None:
        """Remove files (and then empty folders) that this build did not produce, except `keep`."""
        for p in sorted(self.root.rglob("*"), reverse=True):
            if (p.is_file() or p.is_symlink()) and p not in self.written and p not in keep:
                p.unlink()
                self.changed.append(f"-{shown(p.relative_to(self.root))}")
            elif p.is_dir() and not p.is_symlink() and not any(p.iterdir()):
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


def own_wheels(project: Project) -> list[Path]:
    """jsinterop's wheel and the app's (:mod:`jsinterop.tool.wheels`), in the cache under their sources'
    digest: jsinterop's is written once per state of the installed package (a rebuild after an edit of
    the app writes only the app's), and the lock and snapshot caches key on their bytes."""
    key = tree_digest([PACKAGE, loader_dir()])[:16]
    cached = list((CACHE / "local-wheels" / f"jsinterop-{key}").glob("*.whl"))
    made = [(cached[0].name, None) if len(cached) == 1 else wheels.jsinterop_wheel(),
            wheels.app_wheel(project.name, project.version, project.app_dir, project.dependencies)]
    folders = [CACHE / "local-wheels" / f"jsinterop-{key}", None]
    paths = []
    for (name, data), folder in zip(made, folders):
        folder = folder or CACHE / "local-wheels" / hashlib.sha256(data).hexdigest()[:16]
        path = folder / name
        if data is not None and not path.is_file():
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".partial")
            tmp.write_bytes(data)
            tmp.replace(path)  # whole or not at all: a killed build leaves no half wheel
        paths.append(path)
    return paths


def export_types(project: Project) -> Path:
    """types/<module>.d.ts for the @js_export functions of the app's package, regenerated only when its
    sources (or jsinterop's) change."""
    worker = project.worker is True  # worker mode: every export returns a Promise
    digest = tree_digest([project.app_dir, PACKAGE]) + ("-worker" if worker else "")
    out = CACHE / "types" / project.app / digest
    if not (out / ".complete").exists():
        print(f"  generating TypeScript declarations for {project.app}")
        shutil.rmtree(out.parent, ignore_errors=True)
        out.mkdir(parents=True)
        run([sys.executable, "-m", "jsinterop.typegen", project.app, "--path", str(project.app_dir.parent),
             "--out", str(out), *(["--worker"] if worker else [])], f"typegen of {project.app}")
        (out / ".complete").write_text(digest)
    return out


# --- The lock file -----------------------------------------------------------------------------

def lock_alias(wheel: str, info: dict) -> str:
    """The name pyodide-lock is given for ``wheel``: PyPI's Pyodide wheels carry the platform tag
    ``pyemscripten_<abi>_wasm32`` (e.g. msgspec's), which pyodide-lock 0.2.1 does not know; for the
    lock's own ABI (``info["abi_version"]``) it is the platform the lock calls
    ``<info["platform"]>_<arch>``, so the lock step sees that name (the bytes, and so the sha256, are
    the same; the lock then names the file as it is)."""
    pyemscripten = f"-pyemscripten_{info.get('abi_version')}_{info.get('arch', 'wasm32')}.whl"
    if wheel.endswith(pyemscripten):
        return wheel[: -len(pyemscripten)] + f"-{info['platform']}_{info.get('arch', 'wasm32')}.whl"
    return wheel


def lock_file(base_lock: Path, wheels: list[Path]) -> bytes:
    """pyodide-lock.json listing exactly the wheels dist/ ships, with their dependencies resolved.

    Pyodide's own lock names ~350 packages whose wheels are not in the npm package; they are
    dropped so that the lock describes what dist/ really holds, then pyodide-lock's `add_wheels_to_spec`
    (what `pyodide lockfile add-wheels` runs)
    adds ours (name, version, sha256, imports, depends) from the wheels themselves.
    """
    key = hashlib.sha256(base_lock.read_bytes())
    for w in wheels:
        key.update(w.name.encode() + sha256_of(w).encode())
    cached = CACHE / "lock" / f"{key.hexdigest()}.json"
    if cached.exists():
        return cached.read_bytes()
    print("  regenerating pyodide-lock.json")
    from pyodide_lock import PyodideLockSpec  # host-only, and slow to import: only when the lock changes
    from pyodide_lock.utils import add_wheels_to_spec  # the same

    lock = json.loads(base_lock.read_text())
    lock["packages"] = {}
    with tempfile.TemporaryDirectory() as tmp:
        staging = Path(tmp)
        (staging / WHEELS_DIR).mkdir()
        aliases = {lock_alias(w.name, lock["info"]): w.name for w in wheels}
        for alias, name in aliases.items():
            shutil.copyfile(next(w for w in wheels if w.name == name), staging / WHEELS_DIR / alias)
        try:
            spec = add_wheels_to_spec(PyodideLockSpec.from_dict(lock), [staging / WHEELS_DIR / a for a in aliases],
                                      base_path=staging)
            for entry in spec.packages.values():  # each wheel under its own name again
                entry.file_name = f"{WHEELS_DIR}/{aliases[Path(entry.file_name).name]}"
        except RuntimeError as e:  # "Requirement x from ... is not in this distribution."
            raise BuildError(f"pyodide-lock.json: {e} Add it to [project] dependencies (and lock it), or "
                             "mark it for the host only (; sys_platform != \"emscripten\")") from None
        spec.to_json(staging / LOCK_NAME)
        data = (staging / LOCK_NAME).read_bytes()
    cached.parent.mkdir(parents=True, exist_ok=True)
    cached.write_bytes(data)
    return data


# --- The build ---------------------------------------------------------------------------------

NOT_SITE_FILES = frozenset({
    "__pycache__", ".mypy_cache", ".pytest_cache", ".ruff_cache", "node_modules", "tests", "dist",
    "pyproject.toml", "pylock.toml", "package.json", "package-lock.json", "README.md",
})
"""Names in the static folder that never go into the site (with every name starting with a dot and
every ``.py``/``.pyc`` file): caches, tests, project and lock files."""


def is_site_file(rel: Path) -> bool:
    """Whether a file of the static folder (``rel``, relative to it) is a web asset the site serves."""
    return not any(part in NOT_SITE_FILES or part.startswith(".") for part in rel.parts) \
        and rel.suffix not in (".py", ".pyc", ".pyo")


def site_files(source: Path, project_root: Path) -> Iterator[tuple[Path, Path]]:
    """(file, path relative to ``source``) of every file under ``source``, refusing what a site cannot
    hold: a symbolic link that leads out of the project, and a name that is not UTF-8 (no URL names it)."""
    project = project_root.resolve()
    for p in sorted(source.rglob("*")):
        if p.is_symlink() and not p.resolve().is_relative_to(project):
            raise BuildError(f"{shown(p)} is a symbolic link to {p.resolve()}, outside the project: the build "
                             "copies nothing from outside it (copy the file into the project instead)")
        try:
            str(p.relative_to(source)).encode("utf-8")
        except UnicodeEncodeError:
            raise BuildError(f"{shown(p)}: the file name is not UTF-8, so no URL can name it: rename it") from None
        if p.is_file():
            yield p, p.relative_to(source)


def copy_tree(dist: Dist, source: Path, dest: str = "", skip: tuple[str, ...] = (), project_root: Path | None = None) -> None:
    """Put every file under ``source`` into ``dist`` at ``dest``, except the top-level names ``skip``."""
    for p, rel in site_files(source, project_root or source):
        if rel.parts[0] in skip or "__pycache__" in rel.parts:
            continue
        dist.put_file(str(Path(dest) / rel), p)


def sample_project() -> Project:
    """This repository's sample site (``www/``), when jsinterop runs from a checkout."""
    return load_project(CHECKOUT / "www")


def build(dist_root: Path, project: Project | None = None, test: bool = False) -> Dist:
    """The development build of ``project``'s site (default: the repository's sample) into
    ``dist_root`` (see :class:`Dist`: all or nothing); ``test`` adds the test wheels."""
    dist = Dist.begin(dist_root)
    try:
        _build_files(dist, project or sample_project(), test)
        dist.commit()
    finally:
        dist.discard()
    return dist


def _build_files(dist: Dist, project: Project, test: bool) -> None:
    pins = load_pins()

    package = pyodide_files(pins)
    for name in pins["pyodide"]["files"]:
        dist.put_file(name, package / name)

    python = pins["pyodide"]["python"]
    wheel_files = [pinned_wheel(pin, python) for pin in pins["test-wheel"]] if test else []
    wheel_files += own_wheels(project)
    # The app's PyPI dependencies, locked in its pylock.toml (jsinterop.tool.pydeps).
    wheel_files += pydeps.locked_wheels(project.root, project.browser_dependencies, python)
    for w in wheel_files:
        dist.put_file(f"{WHEELS_DIR}/{w.name}", w)
    lock = lock_file(package / LOCK_NAME, wheel_files)
    pydeps.check_lazy(project.lazy, json.loads(lock))
    dist.put_bytes(LOCK_NAME, lock)
    # For the loader's layout.mjs (below): the size and sha256 of every boot file, which the loader
    # checks each download against; the development build has no map (every file keeps its name).
    boot_files = {name: (package / name).read_bytes() for name in pins["pyodide"]["files"]}
    boot_files.update({f"{WHEELS_DIR}/{w.name}": w.read_bytes() for w in wheel_files})

    # npm packages (jsinterop.tool.npm): one bundle per package, the map the loader resolves bare
    # specifiers by, and the app's JS modules with their bare specifiers rewritten to the bundles.
    app_js = {rel: p for rel, p in npm.js_modules(project.static_dir).items()
              if is_site_file(Path(rel)) and not p.is_relative_to(project.app_dir)}
    app_js.update({rel: p for rel, p in npm.js_modules(project.app_dir, project.app).items() if is_site_file(Path(rel))})
    npm_site = npm.npm_site(project.root, project.npm, app_js)

    copy_tree(dist, export_types(project), "types", skip=(".complete",))
    # Collocated JS modules (app/page.py + app/page.js) are served at the package's path.
    for module, rel in site_files(project.app_dir, project.root):
        site_path = str(Path(project.app) / rel)
        if module.suffix == ".js" and is_site_file(rel) and site_path not in npm_site.files:
            dist.put_file(site_path, module)
    copy_tree(dist, loader_dir(), skip=(release_layout.LAYOUT,))
    # The app's static folder: its pages, scripts and styles, nothing else (is_site_file).
    for p, rel in site_files(project.static_dir, project.root):
        if p.is_relative_to(project.app_dir) or not is_site_file(rel) or str(rel) in npm_site.files:
            continue
        dist.put_file(str(rel), p)
    for rel, data in npm_site.files.items():  # the bundles, and the app's JS with its bare specifiers rewritten
        if isinstance(data, bytes):
            dist.put_bytes(rel, data)
        else:
            dist.put_file(rel, data)
    # layout.mjs last: it lists the site's JS initializers (*.lib.module.js at its root).
    initializers = release_layout.initializer_modules(p.relative_to(dist.root).as_posix() for p in dist.written)
    dist.put_bytes(release_layout.LAYOUT, release_layout.layout_module({}, release_layout.boot_records(boot_files),
                                                                       npm_modules=npm_site.modules,
                                                                       lazy=[wheels.canonical_name(n) for n in project.lazy],
                                                                       initializers=initializers,
                                                                       worker=project.worker,
                                                                       isolation=project.isolation))


# --- The release ---------------------------------------------------------------------------------

SNAPSHOT_NAME = "snapshot.bin"
"""The development path of a release's memory snapshot (served as ``snapshot.<hash>.bin``)."""


def pyodide_build_id(pyodide_mjs: Path) -> str:
    """The build id Pyodide stamps into a snapshot and checks on restore (from ``pyodide.mjs``)."""
    found = re.search(r'BUILD_ID:"([0-9a-f]{64})"', pyodide_mjs.read_text())
    if found is None:
        raise BuildError(f"{pyodide_mjs}: no BUILD_ID in it; is this the pinned Pyodide package?")
    return found.group(1)


SNAPSHOTS_KEPT = 3
"""Snapshots (31 MB each) kept in .cache/snapshot/: the newest, so that switching back and forth between
a few states of the sources does not make them again."""


def _prune_snapshots(folder: Path, keep: int) -> None:
    """Remove all but the ``keep`` most recently made snapshots from ``folder``."""
    made = sorted((p for p in folder.iterdir() if (p / "record.json").is_file()),
                  key=lambda p: (p / "record.json").stat().st_mtime, reverse=True)
    for old in made[keep:]:
        shutil.rmtree(old, ignore_errors=True)


SNAPSHOT_FORMAT = loader_dir() / "snapshot-file.mjs"
"""The format of the snapshot file (jsinterop's header, then Pyodide's snapshot), shared by
tools/snapshot.mjs, which writes it, and the loader, which checks it."""


SNAPSHOT_MODULES = ("jsinterop", "jsinterop.app_host", "jsinterop.js_runtime", "jsinterop.components")
"""jsinterop's modules every snapshot imports (with the app's package): what a boot imports anyway."""


def snapshot_contents(project: Project) -> tuple[list[str], list[str]]:
    """(packages, modules) of the app's memory snapshot: jsinterop and the app (with their dependencies
    from the lock), and the modules a boot imports."""
    return ["jsinterop", wheels.canonical_name(project.name)], [*SNAPSHOT_MODULES, project.app]


def memory_snapshot(stage: Path, pins: dict, packages: list[str], modules: list[str]) -> tuple[bytes, dict]:
    """The memory snapshot of Pyodide with ``packages`` installed and ``modules``
    imported, made by tool/snapshot.mjs under node from the files of the development build
    in ``stage``, in jsinterop's snapshot file (loader/snapshot-file.mjs: a header with the build
    digest, the sha256 of everything it is made from, then Pyodide's snapshot); and its record (the
    Pyodide version and build id and the build digest it belongs to, what it holds).

    Cached under .cache/snapshot/, keyed by everything it is made from (Pyodide's files, the lock,
    the wheels, the script, the node version, the packages and modules): a rebuild with nothing
    changed reuses it."""
    node = shutil.which("node")
    if node is None:
        raise BuildError("node is needed to make the release's memory snapshot: install Node.js")
    script = SNAPSHOT_SCRIPT
    node_version = run([node, "--version"], "node --version").stdout.strip()
    key = hashlib.sha256(json.dumps([packages, modules, node_version]).encode())
    for name in sorted([*pins["pyodide"]["files"], LOCK_NAME]):
        key.update(name.encode() + sha256_of(stage / name).encode())
    for wheel in sorted((stage / WHEELS_DIR).glob("*.whl")):
        key.update(wheel.name.encode() + sha256_of(wheel).encode())
    key.update(sha256_of(script).encode())
    key.update(sha256_of(SNAPSHOT_FORMAT).encode())
    build_digest = key.hexdigest()  # in the snapshot's header and its record: tells builds apart
    cached = CACHE / "snapshot" / build_digest
    if not (cached / "record.json").is_file():
        print("  making the memory snapshot (node tools/snapshot.mjs)")
        started = time.monotonic()
        shutil.rmtree(cached, ignore_errors=True)
        cached.mkdir(parents=True)
        proc = run([node, str(script), str(stage), str(cached / SNAPSHOT_NAME), build_digest, *packages, "--", *modules],
                   "making the memory snapshot", timeout=600)
        made = json.loads(proc.stdout.strip().splitlines()[-1])
        build_id = pyodide_build_id(stage / "pyodide.mjs")
        if made.get("buildId") not in (None, build_id):
            raise BuildError(f"the snapshot's Pyodide build id {made['buildId']} is not pyodide.mjs's {build_id}")
        record = {"pyodide": made["version"], "buildId": build_id, "build": build_digest,
                  "packages": packages, "modules": modules,
                  "bytes": made["bytes"], "seconds": round(time.monotonic() - started, 1)}
        (cached / "record.json").write_text(json.dumps(record))
        _prune_snapshots(cached.parent, keep=SNAPSHOTS_KEPT)
    record = json.loads((cached / "record.json").read_text())
    if record["pyodide"] != pins["pyodide"]["version"]:
        raise BuildError(f"the snapshot was made with Pyodide {record['pyodide']}, the pin is {pins['pyodide']['version']}")
    record.pop("seconds", None)
    data = (cached / SNAPSHOT_NAME).read_bytes()
    return data, {**record, "sha256": hashlib.sha256(data).hexdigest()}


RELEASE_MANIFEST = "release-manifest.json"
"""Lists the immutable files of the release in a folder, so that the next release there keeps them."""


def previous_release(dist_root: Path) -> frozenset[Path]:
    """The immutable files of the release already in `dist_root` (none if it holds no release).

    A release keeps them, so that a page opened before a deploy can still load the modules it has not
    loaded yet; the release after removes them."""
    try:
        listed = json.loads((dist_root / RELEASE_MANIFEST).read_text())["immutable"]
    except (FileNotFoundError, KeyError, ValueError):
        return frozenset()
    return frozenset(dist_root / p for p in listed if ".." not in Path(p).parts)


def development_files(root: Path) -> dict[str, bytes]:
    """Every file of a built site, by its path relative to `root` (not the build's marker)."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and p != root / DIST_MARKER}


def release(dist_root: Path, base_path: str | None = None, project: Project | None = None,
            ) -> tuple[Dist, list[release_layout.ReleaseFile]]:
    """Build the production form of ``project``'s site (default: the repository's sample) into
    `dist_root`, to be served at `base_path` (default: the project's ``base-path``)."""
    project = project or sample_project()
    base = hosting.normalize_base_path(project.base_path if base_path is None else base_path)
    check_output_folder(dist_root)  # before the work, not after it
    pins = load_pins()
    # The development build it starts from, in the cache (one per project folder).
    stage = build(CACHE / "release-stage" / hashlib.sha256(str(project.root).encode()).hexdigest()[:16], project)
    version = pins["pyodide"]["version"]
    files = development_files(stage.root)
    snapshot = None
    if project.snapshot:
        files[SNAPSHOT_NAME], record = memory_snapshot(stage.root, pins, *snapshot_contents(project))
        snapshot = (SNAPSHOT_NAME, record)
    tree = release_layout.release_tree(files, version, pins["pyodide"]["files"], base, snapshot=snapshot)
    dist = Dist.begin(dist_root)
    try:
        keep = previous_release(dist_root)
        immutable = []
        for f in tree:
            for out in (f, *release_layout.siblings(f, CACHE / "compressed")):
                dist.put_bytes(out.path, out.data)
                if out.immutable:
                    immutable.append(out.path)
        served = {f.path: f.immutable for f in tree}
        isolation = release_layout.isolation_of(files[release_layout.LAYOUT])  # what the build records
        dist.put_bytes("nginx.conf", hosting.nginx_conf(base, f"pyodide/{version}/", release_layout.HASH_LENGTH,
                                                        isolation=isolation).encode())
        dist.put_bytes("_headers", hosting.headers_file(base, served, [p for p in served if p.endswith(".wasm")],
                                                        isolation=isolation).encode())
        dist.put_bytes(".nojekyll", b"")  # GitHub Pages: serve the files as they are, no Jekyll
        dist.put_bytes(RELEASE_MANIFEST, (json.dumps({"immutable": sorted(immutable)}, indent=1) + "\n").encode())
        dist.commit(keep)
    finally:
        dist.discard()
    return dist, tree


def size_report(tree: list[release_layout.ReleaseFile], dist_root: Path) -> str:
    """Raw, gzip and brotli sizes of the runtime, the wheels and the JavaScript of a release."""
    groups = {
        "pyodide.asm.wasm": lambda p: p.endswith("/pyodide.asm.wasm"),
        "python_stdlib.zip": lambda p: p.endswith("/python_stdlib.zip"),
        "Pyodide's JS (pyodide.mjs, pyodide.asm.mjs)": lambda p: p.startswith("pyodide/") and p.endswith(".mjs"),
        "wheels": lambda p: p.endswith(".whl"),
        "memory snapshot": lambda p: p.startswith("snapshot.") and p.endswith(".bin"),
        "our JS (loader, site, app modules)": lambda p: not p.startswith("pyodide/") and p.endswith((".mjs", ".js")),
    }
    rows = [("", "files", "raw", "gzip", "brotli")]
    for label, matches in groups.items():
        paths = [f.path for f in tree if matches(f.path)]
        sizes = []
        for suffix in ("", ".gz", ".br"):
            # A tiny file that does not shrink has no sibling: the client gets it raw.
            sizes.append(sum((dist_root / (p + suffix) if (dist_root / (p + suffix)).exists() else dist_root / p)
                             .stat().st_size for p in paths))
        rows.append((label, str(len(paths)), *(f"{s:,}" for s in sizes)))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return "\n".join("  " + "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths)))
                     for r in rows)


def report(command: str, dist: Dist, tree: list[release_layout.ReleaseFile] | None, took: float) -> None:
    """Print what a build or release did (with a release's sizes)."""
    if tree is not None:
        print(f"precompressed sizes in bytes:\n{size_report(tree, dist.root)}")
    if dist.changed:
        print(f"built {shown(dist.root)}: {len(dist.changed)} file(s) changed in {took:.1f} s")
    else:
        print(f"built {shown(dist.root)}: up to date ({took:.1f} s)")


def run_command(command: str, project: Project, dist_root: Path, base_path: str | None = None,
                test: bool = False) -> int:
    """``build`` or ``release`` of ``project`` into ``dist_root``, reported; 1 with the error on failure."""
    started = time.monotonic()
    try:
        if command == "release":
            dist, tree = release(dist_root.resolve(), base_path, project)
        else:
            dist, tree = build(dist_root.resolve(), project, test=test), None
    except (BuildError, release_layout.ReleaseError, ValueError) as e:
        print(f"{command} failed: {e}", file=sys.stderr)
        return 1
    report(command, dist, tree, time.monotonic() - started)
    return 0


def main(argv: list[str]) -> int:
    """``tools/build.py``: the build of this repository's sample site (``www/``) into ``dist/``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["build", "release"])
    parser.add_argument("--project", type=Path, default=CHECKOUT / "www", help="the app project (default: www/)")
    parser.add_argument("--dist", type=Path, default=CHECKOUT / "dist", help="output folder (default: dist/)")
    parser.add_argument("--base-path", default=None,
                        help="release: the URL path the site is served under (default: the project's "
                             "base-path, else /); it goes into nginx.conf, _headers and 404.html")
    parser.add_argument("--test", action="store_true", help="build: add the test wheels (pytest, ...)")
    args = parser.parse_args(argv)
    try:
        project = load_project(args.project)
    except ValueError as e:
        print(f"{args.command} failed: {e}", file=sys.stderr)
        return 1
    return run_command(args.command, project, args.dist, args.base_path, test=args.test)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
