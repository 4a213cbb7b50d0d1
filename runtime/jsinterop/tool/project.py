"""An app project: its ``pyproject.toml`` (``[project]`` and ``[tool.jsinterop]``), read and checked.

Every key of ``[tool.jsinterop]`` has a default, so a new project needs none:

- ``app``: the app's Python package (default: the project's name as an import name);
- ``static``: the folder of the site's pages, scripts and styles (default ``www``);
- ``base-path``: the URL path the release is served under (default ``/``; ``--base-path`` overrides);
- ``snapshot``: whether a release has a memory snapshot (default true);
- ``npm``: npm packages, name to exact version (default none);
- ``lazy``: dependencies shipped but installed on first use, not at boot (default none);
- ``worker``: whether the app boots in a Web Worker by default (default false);
- ``isolation``: the ``Cross-Origin-Embedder-Policy`` the site is served cross-origin isolated with
  (``"require-corp"`` or ``"credentialless"``, with COOP ``same-origin``), or false for no COOP/COEP
  headers (default: ``"require-corp"`` when ``worker`` is true, else false);
- ``prerender``: reserved for prerendered pages.

An error names the file, the key and what is expected (:class:`ManifestError`).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from packaging.requirements import InvalidRequirement, Requirement

from jsinterop.tool import pydeps
from jsinterop.tool.devserver import ISOLATIONS
from jsinterop.tool.wheels import canonical_name as normalize

MANIFEST = "pyproject.toml"

KEYS = ("app", "static", "base-path", "snapshot", "npm", "lazy", "worker", "isolation", "prerender")
"""The keys ``[tool.jsinterop]`` may have; any other is an error naming it."""

_NAME = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$")

PAGE_ENVIRONMENT = {"sys_platform": "emscripten", "platform_system": "Emscripten", "os_name": "posix",
                    "platform_machine": "wasm32", "implementation_name": "cpython"}
"""The environment markers of the page (Pyodide), for ``; sys_platform != "emscripten"`` and the like."""


class ManifestError(ValueError):
    """The app's ``pyproject.toml`` is missing or wrong; the message names the file, the key and what
    is expected."""


def import_name(project_name: str) -> str:
    """The import name of a distribution name: ``my-app`` -> ``my_app``."""
    return re.sub(r"[-.]+", "_", project_name).lower()


def requirement_name(requirement: str) -> str:
    """The normalized distribution name of a PEP 508 requirement (``"Attrs>=23; ..."`` -> ``attrs``)."""
    return normalize(pydeps.requirement_name(requirement))


@dataclass(frozen=True)
class Project:
    """An app project as the build sees it (see the module's docstring for the keys)."""

    root: Path
    name: str
    version: str
    app: str
    app_dir: Path
    static_dir: Path
    base_path: str = "/"
    snapshot: bool = True
    npm: dict[str, str] = field(default_factory=dict)
    lazy: list[str] = field(default_factory=list)
    dependencies: list[str] = field(default_factory=list)
    worker: bool = False
    isolation: str | None = None
    prerender: Any = None

    @property
    def manifest(self) -> Path:
        """The project's ``pyproject.toml``."""
        return self.root / MANIFEST

    @property
    def browser_dependencies(self) -> list[str]:
        """``[project] dependencies`` the page needs from PyPI: all but jsinterop (the build ships it)
        and those whose marker excludes the page (e.g. ``; sys_platform != "emscripten"``), without
        their markers (pip would evaluate them against the host)."""
        found = []
        for text in self.dependencies:
            requirement = Requirement(text)
            if requirement.marker is not None and not requirement.marker.evaluate(PAGE_ENVIRONMENT):
                continue
            requirement.marker = None
            if normalize(requirement.name) not in pydeps.PROVIDED:
                found.append(str(requirement))
        return found


def _expect(where: str, key: str, value: Any, kind: type | tuple[type, ...], expected: str) -> Any:
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise ManifestError(f"{where}: `{key}` must be {expected}, got {value!r}")
    return value


def _string_list(where: str, key: str, value: Any) -> list[str]:
    _expect(where, key, value, list, "a list of strings")
    for item in value:
        _expect(where, key, item, str, "a list of strings")
    return list(value)


def _isolation(where: str, value: Any, worker: bool) -> str | None:
    """``isolation``'s value checked: one of :data:`~jsinterop.tool.devserver.ISOLATIONS`, or None for
    ``false``; absent, ``"require-corp"`` in worker mode (its synchronous calls need it), else None."""
    if value is None:
        return ISOLATIONS[0] if worker else None
    if value is False:
        return None
    if isinstance(value, str) and value in ISOLATIONS:
        return value
    allowed = ", ".join(f'"{v}"' for v in ISOLATIONS)
    raise ManifestError(f"{where}: `isolation` must be {allowed} or false (the Cross-Origin-Embedder-Policy the "
                        f"site is served cross-origin isolated with, or none), got {value!r}")


def load_project(root: Path) -> Project:
    """The project in folder ``root`` (its ``pyproject.toml``), checked; raises :class:`ManifestError`."""
    root = root.resolve()
    path = root / MANIFEST
    if not path.is_file():
        raise ManifestError(f"{path}: no such file: an app project has a pyproject.toml with [project] and "
                            "[tool.jsinterop] tables (`jsinterop new DIR` writes one), or name the project "
                            "with --project DIR")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise ManifestError(f"{path}: not valid TOML: {e}") from None
    project = data.get("project")
    if not isinstance(project, dict):
        raise ManifestError(f"{path}: [project] is missing: it needs at least `name` and `version`")
    where = f"{path}: [project]"
    name = _expect(where, "name", project.get("name"), str, "the app's name (a string)")
    if not _NAME.match(name):
        raise ManifestError(f"{where}: `name` must be a distribution name (letters, digits, '-', '_', '.'), "
                            f"got {name!r}")
    version = _expect(where, "version", project.get("version"), str, "a version string such as \"0.1.0\"")
    dependencies = _string_list(where, "dependencies", project.get("dependencies", []))
    for text in dependencies:
        try:
            Requirement(text)
        except InvalidRequirement as e:
            raise ManifestError(f"{where}: `dependencies` has {text!r}, which is not a requirement (PEP 508): {e}") from None

    tool = data.get("tool", {}).get("jsinterop", {})
    where = f"{path}: [tool.jsinterop]"
    _expect(f"{path}: [tool]", "jsinterop", tool, dict, "a table")
    unknown = sorted(set(tool) - set(KEYS))
    if unknown:
        raise ManifestError(f"{where}: unknown key(s) {', '.join(map(repr, unknown))}: the keys are "
                            f"{', '.join(KEYS)}")
    app = _expect(where, "app", tool.get("app", import_name(name)), str, "the app's Python package name")
    if not app.isidentifier():
        raise ManifestError(f"{where}: `app` must be a Python package name (an identifier), got {app!r}")
    app_dir = next((d for d in (root / app, root / "src" / app) if (d / "__init__.py").is_file()), None)
    if app_dir is None:
        raise ManifestError(f"{where}: `app` is {app!r}, but neither {root / app} nor {root / 'src' / app} is a "
                            "Python package (a folder with __init__.py): set `app` to the package's name")
    static = _expect(where, "static", tool.get("static", "www"), str, "a folder relative to the project")
    static_dir = (root / static).resolve()
    if not static_dir.is_dir() or not static_dir.is_relative_to(root):
        raise ManifestError(f"{where}: `static` is {static!r}, but {static_dir} is not a folder inside the project")
    base_path = _expect(where, "base-path", tool.get("base-path", "/"), str, "a URL path such as \"/demo/\"")
    snapshot = _expect(where, "snapshot", tool.get("snapshot", True), bool, "true or false")
    npm = _expect(where, "npm", tool.get("npm", {}), dict, "a table of npm package names to exact versions")
    for package, version_pin in npm.items():
        _expect(where, f"npm.{package}", version_pin, str, "an exact version string such as \"4.5.0\"")
    lazy = _string_list(where, "lazy", tool.get("lazy", []))
    declared = {requirement_name(r) for r in dependencies}
    for package in lazy:
        if requirement_name(package) not in declared:
            raise ManifestError(f"{where}: `lazy` names {package!r}, which is not in [project] dependencies: "
                                "a lazy package is a dependency that is installed on first use")
    worker = _expect(where, "worker", tool.get("worker", False), bool, "true or false")
    isolation = _isolation(where, tool.get("isolation"), worker)
    return Project(root=root, name=name, version=version, app=app, app_dir=app_dir, static_dir=static_dir,
                   base_path=base_path, snapshot=snapshot, npm=dict(npm), lazy=lazy, dependencies=dependencies,
                   worker=worker, isolation=isolation, prerender=tool.get("prerender"))
