"""The `jsinterop` command: ``jsinterop new|build|serve|test|release|bench`` for an app project.

Also ``python -m jsinterop``. Run in an app folder (the one with the ``pyproject.toml`` holding the
app's ``[project]`` and ``[tool.jsinterop]`` tables), or name it with ``--project DIR``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from jsinterop.tool import build, new

COMMANDS = {
    "new": "create a new app project in DIR (refuses a folder that is not empty)",
    "build": "build the app's site (development form) into dist/",
    "serve": "build, then serve the site and rebuild and update open pages when a source changes",
    "test": "install what the tests need (Chromium, its driver, the test packages), build, run pytest",
    "release": "build the production form of the site (hashed names, .br/.gz, nginx.conf, _headers)",
    "bench": "build a release and time it behind nginx (boot with a warm cache, bytes cold and warm)",
}


def parser() -> argparse.ArgumentParser:
    """The command line: one sub-command per job."""
    top = argparse.ArgumentParser(prog="jsinterop", description=__doc__.splitlines()[0])
    commands = top.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, text in COMMANDS.items():
        sub = commands.add_parser(name, help=text, description=text)
        if name == "new":
            sub.add_argument("dir", metavar="DIR", help="the folder to create the project in")
            sub.add_argument("--name", help="the app's name (default: the folder's name)")
        else:
            sub.add_argument("--project", default=".", metavar="DIR", help="the app project (default: .)")
    return top


def create(directory: Path, name: str | None) -> int:
    """``jsinterop new``: write the project, then say where it is and what to run next."""
    try:
        root = new.create_project(directory, name)
    except new.NewProjectError as error:
        print(f"jsinterop new: {error}", file=sys.stderr)
        return 1
    print(f"created the app {name or root.name!r} in {root}\nnext: cd {directory} && jsinterop serve")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run the command line ``argv`` (default: ``sys.argv[1:]``); returns the exit status."""
    args, rest = parser().parse_known_args(sys.argv[1:] if argv is None else argv)
    if args.command in ("build", "release"):
        return build.main([args.command, *rest])
    if args.command == "new":
        return create(Path(args.dir), args.name)
    print(f"jsinterop {args.command}: not implemented yet", file=sys.stderr)
    return 2
