"""`jsinterop new DIR [--name NAME]`: write a new app project from the template in ``templates/app/``.

The template is a working app: its files are copied as they are, but for two placeholders, replaced in
the text of every file and in folder names: ``__project__`` (the project's name, as written in
``pyproject.toml``) and ``__app__`` (the app's import name, also the package folder's name). A file
named ``_gitignore`` becomes ``.gitignore`` (a ``.gitignore`` inside this package would apply to
the template itself).
"""

from __future__ import annotations

import keyword
import os
import re
import shutil
import sys
from pathlib import Path

from jsinterop.tool.paths import TEMPLATES
from jsinterop.tool.project import import_name

__all__ = ["APP_TEMPLATE", "InvalidProjectNameError", "NewProjectError", "ProjectExistsError", "RESERVED_NAMES",
           "create_project", "import_name", "check_project_name"]

APP_TEMPLATE = TEMPLATES / "app"
"""The files of a new app project."""

PROJECT_PLACEHOLDER = "__project__"
APP_PLACEHOLDER = "__app__"
RENAMED_FILES = {"_gitignore": ".gitignore"}
SKIPPED = frozenset({"__pycache__", ".mypy_cache", ".pytest_cache"})
"""Caches that running the template's code in place may leave: never copied."""

RESERVED_NAMES = frozenset({"jsinterop", "js", "pyodide", "pyodide_js", "micropip", "pytest", "tests", "www",
                            "dist"})
"""Import names an app cannot have: those of the page's own modules, the tests' tools, and the
project's own folders (``tests/``, ``www/``, ``dist/``). Standard-library module names and Python
keywords are refused too."""

_NAME = re.compile(r"[A-Za-z](?:[A-Za-z0-9._-]*[A-Za-z0-9])?")
_ALLOWED = ("ASCII letters, digits, '-', '_' and '.', starting with a letter and ending with a letter or "
            "digit (e.g. 'expenses' or 'my-app')")


class NewProjectError(Exception):
    """`jsinterop new` could not create the project; the message says why and what to do."""


class ProjectExistsError(NewProjectError, FileExistsError):
    """The folder for the new project exists and is not empty (or is not a folder)."""


class InvalidProjectNameError(NewProjectError, ValueError):
    """The project's name is not a valid distribution name, or its import name is not usable."""


def check_project_name(name: str) -> str:
    """``name`` if it is a valid project name, else an :class:`InvalidProjectNameError` naming it and
    saying what is allowed; returns its import name."""
    if not _NAME.fullmatch(name):
        raise InvalidProjectNameError(f"{name!r} is not a valid app name: use {_ALLOWED}; pass --name NAME to "
                                      "choose one other than the folder's name")
    package = import_name(name)
    if keyword.iskeyword(package) or package in sys.stdlib_module_names or package in RESERVED_NAMES:
        raise InvalidProjectNameError(f"{name!r} cannot be an app's name: its import name {package!r} is "
                                      f"{_taken_by(package)}; choose another with --name NAME")
    return package


def _taken_by(package: str) -> str:
    if keyword.iskeyword(package):
        return "a Python keyword"
    if package in sys.stdlib_module_names:
        return "a module of Python's standard library"
    return "taken by jsinterop, its tests' tools or a folder of the project"


def create_project(directory: Path, name: str | None = None) -> Path:
    """Write a new app project into ``directory`` (created; it may exist if it is empty) and return
    its resolved path. ``name`` (default: the folder's name) names the project; its import name
    (:func:`import_name`) names the app package.

    Raises :class:`ProjectExistsError` for a folder that is not empty and
    :class:`InvalidProjectNameError` for a name that cannot be a project's. Nothing is written then,
    and a failure while writing leaves no half project behind.
    """
    target = Path(directory).expanduser().resolve()
    if target.exists() and not target.is_dir():
        raise ProjectExistsError(f"{target} exists and is not a folder: name a new or empty folder for the project")
    if target.is_dir() and any(target.iterdir()):
        raise ProjectExistsError(f"{target} is not empty: `jsinterop new` writes only into a new or empty folder, "
                                 "so that it overwrites nothing; name another folder")
    project = name if name is not None else target.name
    package = check_project_name(project)
    staging = target.parent / f".{target.name}.jsinterop-new"
    shutil.rmtree(staging, ignore_errors=True)
    try:
        _write_template(staging, {PROJECT_PLACEHOLDER: project, APP_PLACEHOLDER: package})
        if target.is_dir():
            target.rmdir()
        os.replace(staging, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def _write_template(root: Path, values: dict[str, str]) -> None:
    """Copy the template into ``root`` with the placeholders in ``values`` replaced."""
    for source in sorted(APP_TEMPLATE.rglob("*")):
        relative = source.relative_to(APP_TEMPLATE)
        if not source.is_file() or SKIPPED.intersection(relative.parts):
            continue
        parts = [_substitute(RENAMED_FILES.get(part, part), values) for part in relative.parts]
        target = root.joinpath(*parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(_substitute(source.read_text(encoding="utf-8"), values), encoding="utf-8")


def _substitute(text: str, values: dict[str, str]) -> str:
    for placeholder, value in values.items():
        text = text.replace(placeholder, value)
    return text
