"""An app's Python dependencies from PyPI, resolved for the browser and locked in ``pylock.toml``.

:func:`locked_wheels` is what the build calls: the app's ``[project] dependencies`` (PEP 508 strings;
``jsinterop`` itself is left out, the build provides it) are resolved by pip's own resolver for the
pinned Pyodide (its Python version, the ``pyemscripten`` platform tag and pure ``py3-none-any``
wheels), locked in the app folder's ``pylock.toml`` (PEP 751; the app commits it), and the locked
wheels are downloaded into the per-user cache and checked by sha256. A build with unchanged
requirements reuses the lock without running the resolver; a changed one resolves again, as npm does
with package-lock.json.

The resolver runs with the user's pip configuration (index, extra indexes, certificates), so the
lock's URLs are those of the index pip was pointed at. pip evaluates environment markers of
dependencies against the host interpreter (only the wheel tags follow the target).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from jsinterop.tool.errors import BuildError
from jsinterop.tool.paths import cache_dir
from jsinterop.tool.wheels import canonical_name as normalize  # PEP 503's normalised name

LOCK_NAME = "pylock.toml"
"""The lock file an app folder holds (PEP 751's default name)."""

PLATFORM = "pyemscripten_2026_0_wasm32"
"""The wheel platform tag of Pyodide 314's wasm wheels (PyPI's ``pyemscripten`` builds)."""

PROVIDED = frozenset({"jsinterop"})
"""Packages the build itself provides: never resolved from the index."""

_NAME = re.compile(r"^\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)")


class DependencyError(BuildError):
    """An app's Python dependencies cannot be resolved, locked or downloaded; the message says which."""


class NoBrowserWheelError(DependencyError):
    """A dependency has no wheel that runs in the browser (no pyemscripten or pure-Python build)."""


class UnresolvableRequirementError(DependencyError):
    """A requirement (or a set of them) that no published version satisfies."""


class WheelHashMismatchError(DependencyError):
    """A downloaded wheel is not the file the lock records."""


def requirement_name(requirement: str) -> str:
    """The package name of a PEP 508 requirement string (``"attrs>=23; python_version>'3'"`` -> ``attrs``)."""
    found = _NAME.match(requirement)
    if found is None:
        raise UnresolvableRequirementError(f"{requirement!r} is not a requirement (PEP 508: a package name, then "
                                           "optional extras, version and marker)")
    return found.group(1)


def app_requirements(requirements: Iterable[str]) -> list[str]:
    """The requirements to resolve: stripped, each once, in order, without the packages the build provides."""
    out: list[str] = []
    for requirement in requirements:
        requirement = requirement.strip()
        if requirement and normalize(requirement_name(requirement)) not in PROVIDED and requirement not in out:
            out.append(requirement)
    return out


@dataclass(frozen=True)
class Target:
    """What a wheel must run on: the pinned Pyodide's Python version, platform tag and ABIs."""

    python: str
    platform: str = PLATFORM

    @property
    def abis(self) -> tuple[str, ...]:
        """The ABI tags a wheel may have: CPython's of this version, the stable ABI, or none (pure)."""
        return (f"cp{self.python.replace('.', '')}", "abi3", "none")

    def pip_options(self) -> list[str]:
        """pip's options selecting wheels for this target (``any`` platform wheels are always taken)."""
        abis = [option for abi in self.abis for option in ("--abi", abi)]
        return ["--only-binary=:all:", "--python-version", self.python, "--platform", self.platform,
                "--implementation", "cp", *abis]

    def describe(self) -> str:
        """The tags looked for, for error messages."""
        return (f"python {self.python} ({self.abis[0]}), platform {self.platform} or any, "
                f"abi {', '.join(self.abis[:-1])} or none")

    def record(self) -> dict[str, object]:
        """The target as the lock's header records it."""
        return {"python": self.python, "platform": self.platform, "abis": list(self.abis)}


@dataclass(frozen=True)
class LockedWheel:
    """One package of the lock: its wheel's file name, where it comes from, its sha256 and size."""

    name: str
    version: str
    file: str
    url: str
    sha256: str
    size: int | None = None


# --- resolving (pip) -----------------------------------------------------------------------------

def sha256_of(path: Path) -> str:
    """The hex sha256 of the file at ``path``."""
    with path.open("rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def run_pip(args: list[str]) -> subprocess.CompletedProcess:
    """``python -m pip ARGS`` of the interpreter running the build (its pip, its configuration)."""
    return subprocess.run([sys.executable, "-m", "pip", *args, "--disable-pip-version-check"],
                          capture_output=True, text=True)


def _pip_errors(proc: subprocess.CompletedProcess) -> str:
    """pip's ERROR lines (its warnings about unreachable indexes left out), or its whole output."""
    lines = [line for line in (proc.stderr + proc.stdout).splitlines() if line.startswith("ERROR:")]
    return "\n".join(lines) or (proc.stderr + proc.stdout).strip()


def _named(requirement: str) -> str:
    """``'numpy'``, or ``'numpy' (numpy>=2)`` when the requirement says more than the name."""
    name = requirement_name(requirement)
    return f"'{name}'" if name == requirement else f"'{name}' ({requirement})"


def _resolution_error(errors: str, requirements: list[str], target: Target) -> DependencyError:
    """The error for a failed resolution, naming the requirement pip could not satisfy."""
    found = re.search(r"satisfies the requirement (.+?) \(from versions: (.*?)\)", errors)
    if found and found.group(2).strip() == "none":
        wanted = found.group(1)
        return NoBrowserWheelError(
            f"the Python dependency {_named(wanted)} has no wheel for the browser: looked for "
            f"{target.describe()} on the package index. A package with compiled code runs in Pyodide only when "
            "its project publishes a pyemscripten wheel; remove it from [project] dependencies, or check its name")
    if found:
        versions = found.group(2).split(", ")
        shown = ("... " if len(versions) > 8 else "") + ", ".join(versions[-8:])
        return UnresolvableRequirementError(
            f"the requirement '{found.group(1)}' cannot be satisfied: the browser wheels ({target.describe()}) "
            f"have the versions {shown}; change it in [project] dependencies")
    return UnresolvableRequirementError(
        f"the Python dependencies {', '.join(requirements)} cannot be resolved for the browser "
        f"({target.describe()}): pip said\n{errors}")


def resolve(requirements: list[str], target: Target) -> list[LockedWheel]:
    """The wheels pip's resolver picks for ``requirements`` on ``target`` (dependencies included),
    from pip's installation report (``pip install --dry-run --report``); sizes are not known yet."""
    with tempfile.TemporaryDirectory() as tmp:
        report_path = Path(tmp) / "report.json"
        proc = run_pip(["install", "--dry-run", "--ignore-installed", "--quiet", "--report", str(report_path),
                        *target.pip_options(), *requirements])
        if proc.returncode != 0 or not report_path.is_file():
            raise _resolution_error(_pip_errors(proc), requirements, target)
        report = json.loads(report_path.read_text())
    wheels = []
    for item in report["install"]:
        name, version = item["metadata"]["name"], item["metadata"]["version"]
        if normalize(name) in PROVIDED:
            continue
        url = item["download_info"]["url"]
        sha256 = item["download_info"].get("archive_info", {}).get("hashes", {}).get("sha256")
        file = url.rsplit("/", 1)[-1].split("#", 1)[0]
        if not file.endswith(".whl") or sha256 is None:
            raise NoBrowserWheelError(f"the Python dependency '{name}' {version} resolved to {url}, which is not a "
                                      f"wheel with a sha256: looked for {target.describe()}")
        wheels.append(LockedWheel(normalize(name), version, file, url, sha256))
    return sorted(wheels, key=lambda w: w.name)


# --- the lock file ---------------------------------------------------------------------------------

def _toml(value: object) -> str:
    """A TOML value: strings, integers, lists of them (JSON's string escapes are TOML's)."""
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return json.dumps(value)


def lock_text(requirements: list[str], target: Target, wheels: list[LockedWheel]) -> str:
    """``pylock.toml`` (PEP 751) for ``wheels``, with a ``[tool.jsinterop]`` header recording what it
    was resolved from (the requirements and the target), which decides whether a build reuses it."""
    lines = [
        "# Generated by jsinterop's build from [project] dependencies of pyproject.toml: the Python packages",
        "# the app ships for the browser. Commit it; a build with the same requirements reuses it, a changed",
        "# one resolves again. Delete it to resolve again (e.g. to take newer versions).",
        'lock-version = "1.0"',
        f'environments = [{_toml("sys_platform == " + chr(39) + "emscripten" + chr(39))}]',
        f"requires-python = {_toml('==' + target.python + '.*')}",
        'created-by = "jsinterop"',
        "",
        "[tool.jsinterop]",
        f"requirements = {_toml(requirements)}",
        *(f"{key} = {_toml(value)}" for key, value in target.record().items()),
    ]
    for w in wheels:
        lines += ["", "[[packages]]", f"name = {_toml(w.name)}", f"version = {_toml(w.version)}",
                  "", "[[packages.wheels]]", f"name = {_toml(w.file)}", f"url = {_toml(w.url)}"]
        if w.size is not None:
            lines.append(f"size = {w.size}")
        lines.append(f"hashes = {{ sha256 = {_toml(w.sha256)} }}")
    return "\n".join(lines) + "\n"


def read_lock(path: Path, requirements: list[str], target: Target) -> list[LockedWheel] | None:
    """The wheels of the lock at ``path`` when it was resolved from ``requirements`` for ``target``;
    None when there is no lock or it was made from anything else (the build resolves again)."""
    if not path.is_file():
        return None
    try:
        data = tomllib.loads(path.read_text())
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise DependencyError(f"{path}: not a valid lock file ({e}); delete it and build again") from None
    header = data.get("tool", {}).get("jsinterop", {})
    if header != {"requirements": requirements, **target.record()}:
        return None
    try:
        return [LockedWheel(p["name"], p["version"], w["name"], w["url"], w["hashes"]["sha256"], w.get("size"))
                for p in data.get("packages", []) for w in p["wheels"]]
    except (KeyError, TypeError) as e:
        raise DependencyError(f"{path}: a package entry lacks {e}; delete the lock and build again") from None


# --- downloads -------------------------------------------------------------------------------------

def wheel_cache() -> Path:
    """Where downloaded wheels are kept (the per-user cache, by file name; checked by sha256 on use)."""
    return cache_dir() / "wheels"


def download(wheels: list[LockedWheel], target: Target) -> list[Path]:
    """The cached files of ``wheels``, downloading (with pip) those missing or not matching their sha256.
    A download that does not match is removed and raises :class:`WheelHashMismatchError` naming it."""
    cache = wheel_cache()
    missing = [w for w in wheels if not ((cache / w.file).is_file() and sha256_of(cache / w.file) == w.sha256)]
    if missing:
        cache.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=cache) as tmp:
            print(f"  fetching {', '.join(f'{w.name}=={w.version}' for w in missing)} from the package index")
            proc = run_pip(["download", "--quiet", "--no-deps", "-d", tmp, *target.pip_options(),
                            *(w.url for w in missing)])
            if proc.returncode != 0:
                raise DependencyError(f"downloading the locked wheels failed: pip said\n{_pip_errors(proc)}")
            for w in missing:
                got = Path(tmp) / w.file
                if not got.is_file():
                    raise DependencyError(f"downloading {w.url} did not produce {w.file}")
                actual = sha256_of(got)
                if actual != w.sha256:
                    got.unlink()
                    raise WheelHashMismatchError(
                        f"{w.file} (from {w.url}): sha256 mismatch, the lock records {w.sha256}, the download has "
                        f"{actual}; the download was removed. If the lock is right the index served another "
                        f"file; otherwise delete {LOCK_NAME} to resolve again")
                os.replace(got, cache / w.file)
    return [cache / w.file for w in wheels]


def lock(project_root: Path, requirements: list[str], python: str) -> list[LockedWheel]:
    """The locked wheels of an app (``project_root/pylock.toml``): reused when it was made from the same
    requirements and target, else resolved with pip and written again (with the wheels' sizes)."""
    wanted, target = app_requirements(requirements), Target(python)
    path = project_root / LOCK_NAME
    locked = read_lock(path, wanted, target)
    if locked is not None:
        return locked
    resolved = resolve(wanted, target) if wanted else []
    files = download(resolved, target)
    locked = [LockedWheel(w.name, w.version, w.file, w.url, w.sha256, f.stat().st_size)
              for w, f in zip(resolved, files)]
    text = lock_text(wanted, target, locked)
    if not path.is_file() or path.read_text() != text:
        path.write_text(text)
    return locked


def locked_wheels(project_root: Path, requirements: list[str], python: str) -> list[Path]:
    """The app's dependency wheels for the build: locked in ``project_root/pylock.toml`` (see :func:`lock`),
    downloaded into the per-user cache and checked by sha256. The build puts them into the site's
    ``wheels/`` and ``pyodide-lock.json``; the app's wheel names them in Requires-Dist."""
    return download(lock(project_root, requirements, python), Target(python))


def check_lazy(lazy: Iterable[str], lock: dict) -> None:
    """Refuse a ``[tool.jsinterop] lazy`` name that is not among the packages of the site's
    pyodide-lock.json (``lock``, parsed): boot would install nothing less, and ``load_packages`` of it
    would fail in the page."""
    shipped = {normalize(name) for name in lock.get("packages", {})}
    unknown = [name for name in lazy if normalize(name) not in shipped]
    if unknown:
        raise DependencyError(f"[tool.jsinterop] lazy names {', '.join(repr(n) for n in unknown)}, which the build "
                              f"does not ship (it ships {', '.join(sorted(shipped))}): add it to [project] "
                              "dependencies, or remove it from lazy")
