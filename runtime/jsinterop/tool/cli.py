"""The `jsinterop` command: ``jsinterop new|build|serve|test|release|bench`` for an app project.

Also ``python -m jsinterop``. Run in an app folder (the one with the ``pyproject.toml`` holding the
app's ``[project]`` and ``[tool.jsinterop]`` tables), or name it with ``--project DIR``.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

from jsinterop.tool import build, new, prerequisites
from jsinterop.tool.project import ManifestError, Project, load_project

COMMANDS = {
    "new": "create a new app project in DIR (refuses a folder that is not empty)",
    "build": "build the app's site (development form) into dist/",
    "serve": "build, then serve the site; a saved change rebuilds it and updates the open pages",
    "test": "install what the tests need (Chromium, its driver, the test packages), build, run pytest",
    "release": "build the production form of the site (hashed names, .br/.gz, nginx.conf, _headers)",
    "bench": "time a release of the app behind nginx (boot with a warm cache, bytes cold and warm)",
}

TEST_DIST = Path(".jsinterop") / "test-dist"
"""Where ``jsinterop test`` builds the site it tests (with the test wheels), inside the project."""


def parser() -> argparse.ArgumentParser:
    """The command line: one sub-command per job."""
    top = argparse.ArgumentParser(prog="jsinterop", description=__doc__.splitlines()[0])
    commands = top.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, text in COMMANDS.items():
        sub = commands.add_parser(name, help=text, description=text)
        if name == "new":
            sub.add_argument("dir", metavar="DIR", type=Path, help="the folder to create the project in")
            sub.add_argument("--name", help="the app's name (default: the folder's name)")
            continue
        sub.add_argument("--project", default=Path("."), type=Path, metavar="DIR",
                         help="the app project: the folder of its pyproject.toml (default: .)")
        sub.add_argument("--dist", type=Path, metavar="DIR",
                         help=f"the output folder (default: dist/ in the project; for test, {TEST_DIST})")
        if name in ("serve", "release"):
            sub.add_argument("--base-path", metavar="P", help="the URL path the site is served under "
                             "(default: the project's base-path, else /)")
        if name == "serve":
            sub.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")),
                             help="the port (default: $PORT or 8000)")
        if name == "build":
            sub.add_argument("--test", action="store_true", help="add the test wheels (what jsinterop test builds)")
        if name == "test":
            sub.epilog = "Other arguments go to pytest, e.g. `jsinterop test -k counter -v`."
        if name == "bench":
            sub.epilog = ("`--quick` runs each case once; `--engines=chromium,firefox,webkit` runs the bench page "
                          "(boot and interop, against raw Pyodide on the same engine) on each.")
    return top


def _dist(args: argparse.Namespace, project: Project, default: Path = Path("dist")) -> Path:
    return (args.dist if args.dist is not None else project.root / default).resolve()


def command_new(args: argparse.Namespace) -> int:
    """``jsinterop new DIR [--name NAME]``: write the project, then say where it is and what to run next."""
    try:
        root = new.create_project(args.dir, args.name)
    except new.NewProjectError as error:
        print(f"jsinterop new: {error}", file=sys.stderr)
        return 1
    print(f"created the app {args.name or root.name!r} in {root}\nnext: cd {args.dir} && jsinterop serve")
    return 0


def engines_named(pytest_args: list[str]) -> list[str]:
    """The engines a ``--jsinterop-browser=a,b`` (or ``--jsinterop-browser a,b``) among pytest's arguments names."""
    named: list[str] = []
    for i, arg in enumerate(pytest_args):
        if arg.startswith("--jsinterop-browser="):
            named += arg.split("=", 1)[1].split(",")
        elif arg == "--jsinterop-browser" and i + 1 < len(pytest_args):
            named += pytest_args[i + 1].split(",")
    return [name.strip().lower() for name in named if name.strip()]


def command_test(args: argparse.Namespace, project: Project) -> int:
    """``jsinterop test [pytest args]``: the prerequisites, a build with the test wheels, then pytest in
    the project with the plugin's and pytest-pyodide's options pointing at that build."""
    prerequisites.ensure_chromium()
    prerequisites.ensure_engines(engines_named(args.args))
    prerequisites.ensure_test_packages()
    dist = _dist(args, project, TEST_DIST)
    if build.run_command("build", project, dist, test=True) != 0:
        return 1
    cmd = [sys.executable, "-m", "pytest", f"--jsinterop-dist={dist}", f"--dist-dir={dist}", "--runtime=chrome", *args.args]
    return subprocess.run(cmd, cwd=project.root).returncode


def command_serve(args: argparse.Namespace, project: Project) -> int:
    """``jsinterop serve``: build, then the development server with live reload: the app's package,
    its static folder and its pyproject.toml are watched, each change rebuilds the site (the manifest
    read again) and the open pages update (jsinterop.tool.watch)."""
    from jsinterop.tool import watch  # the server and watcher: only this command starts them

    dist = _dist(args, project)
    if build.run_command("build", project, dist) != 0:
        return 1
    base = args.base_path if args.base_path is not None else project.base_path

    def rebuild() -> list[str]:
        return build.build(dist, load_project(project.root)).changed

    return watch.watch_and_serve(dist, [project.app_dir, project.static_dir, project.manifest], rebuild,
                                 args.port, base)


def main(argv: list[str] | None = None) -> int:
    """Run the command line ``argv`` (default: ``sys.argv[1:]``); returns the exit status."""
    command_line = parser()
    args, rest = command_line.parse_known_args(sys.argv[1:] if argv is None else argv)
    if rest and args.command not in ("test", "bench"):
        command_line.error(f"unrecognized arguments: {' '.join(rest)}")
    args.args = rest[1:] if rest[:1] == ["--"] else rest
    if args.command == "new":
        return command_new(args)
    try:
        prerequisites.ensure_node()
        project = load_project(args.project)
        if args.command == "build":
            return build.run_command("build", project, _dist(args, project), test=args.test)
        if args.command == "release":
            return build.run_command("release", project, _dist(args, project), args.base_path)
        if args.command == "serve":
            return command_serve(args, project)
        if args.command == "test":
            return command_test(args, project)
        from jsinterop.tool import bench  # selenium: only the bench needs it at import

        prerequisites.ensure_chromium()
        dist = _dist(args, project)
        if build.run_command("build", project, dist) != 0:
            return 1
        return bench.main(args.args, project, dist)
    except (ManifestError, prerequisites.PrerequisiteError) as e:
        print(f"{args.command} failed: {e}", file=sys.stderr)
        return 1
