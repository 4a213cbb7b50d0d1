"""An app's npm packages (``[tool.jsinterop.npm]``): installed with npm, pinned by the package-lock the
app commits, bundled with esbuild into ES modules served from the site under ``npm/``.

- :func:`installed` installs a table (package -> exact version) into the per-user cache
  (``cache_dir()/npm-apps/<key>``, the key being the sha256 of the package.json and the lock), never
  into the app folder: the app keeps only its ``package-lock.json``, every app with the same lock
  shares one install, and a build never runs npm when the cache has it. Without a lock, or when the
  table no longer matches it, ``npm install`` resolves and the new lock is written into the app
  folder; otherwise ``npm ci`` installs exactly what the lock names. Install scripts never run
  (``--ignore-scripts``): bundling needs none.
- :func:`entry_points`: every package of the table, and every sub-path its ``exports`` map documents
  (``chart.js/auto``, ``chart.js/helpers``) or the app's JS imports. With code splitting an entry
  that nobody imports costs the page nothing (it is never downloaded), and Python may name a module
  by a string it computes, which no scan could find.
- :func:`bundle`: one esbuild run over all entry points (``--bundle --splitting --format=esm
  --minify``), so a sub-path shares one instance of the package: ``chart.js`` ->
  ``npm/chart.js.mjs``, ``chart.js/auto`` -> ``npm/chart.js/auto.mjs``, shared code in
  ``npm/chunk-<hash>.mjs``. esbuild is the toolchain's own npm pin (``tool/npm-tools/``, installed
  the same way).
- :func:`rewrite_specifiers`: the bare specifiers of the app's own JS modules become relative URLs of
  the bundles (an import map would be an inline script, which the strict CSP refuses); one the build
  cannot resolve is an :class:`UnresolvedSpecifierError` naming the file and the specifier.

:func:`npm_site` does all of it for the build; the loader gets the specifier -> site path map in
``layout.mjs`` (``NPM_MODULES``), so Python imports a package by its name.
"""

from __future__ import annotations

import hashlib
import json
import posixpath
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from jsinterop.tool.errors import BuildError
from jsinterop.tool.paths import TOOL, cache_dir

__all__ = ["LOCK_NAME", "SITE_FOLDER", "NpmError", "NpmSite", "UnresolvedSpecifierError", "bare_specifiers",
           "bundle", "check_table", "documented_sub_paths", "entry_points", "esbuild", "installed", "is_bare",
           "js_modules", "lock_matches", "npm_site", "package_json", "package_of", "rewrite_specifiers", "site_path"]

SITE_FOLDER = "npm"
"""The site folder the bundles are served from."""

LOCK_NAME = "package-lock.json"
"""The lock file the app commits, beside its pyproject.toml."""

TOOLS = TOOL / "npm-tools"
"""The toolchain's own npm pins (esbuild): package.json and its package-lock.json."""

TABLE = "[tool.jsinterop.npm]"
JS_SUFFIXES = (".js", ".mjs")
ESBUILD_FLAGS = ("--bundle", "--splitting", "--format=esm", "--minify", "--platform=browser",
                 "--out-extension:.js=.mjs", "--chunk-names=chunk-[hash]", "--log-level=warning")
"""How every bundle is made (part of its cache key)."""

_NAME = re.compile(r"^(?:@[a-z0-9][a-z0-9._~-]*/)?[a-z0-9][a-z0-9._~-]*$")
_EXACT_VERSION = re.compile(r"^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$")
_SUB_PATH = re.compile(r"^[A-Za-z0-9._~@-]+(?:/[A-Za-z0-9._~@-]+)*$")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


class NpmError(BuildError):
    """The npm packages of an app cannot be installed or bundled; the message says which and why."""


class UnresolvedSpecifierError(NpmError):
    """An app's JS module imports a bare specifier that is neither in ``[tool.jsinterop.npm]`` nor a
    module the build bundled."""

    def __init__(self, file: str, specifier: str, hint: str) -> None:
        self.file, self.specifier = file, specifier
        super().__init__(f"{file}: imports '{specifier}', a bare npm specifier this build cannot resolve: {hint}")


@dataclass(frozen=True)
class NpmSite:
    """What the npm packages add to a site: ``files`` (site path -> the file, or the bytes of an app
    module whose specifiers were rewritten) and ``modules`` (specifier -> site path of its bundle)."""

    files: dict[str, Path | bytes] = field(default_factory=dict)
    modules: dict[str, str] = field(default_factory=dict)


# --- the table and the lock ----------------------------------------------------------------------

def check_table(table: dict[str, str]) -> None:
    """Refuse a table entry that is not an npm package name with an exact version."""
    for name, version in table.items():
        if not isinstance(name, str) or not _NAME.match(name):
            raise NpmError(f"{TABLE}: {name!r} is not an npm package name (e.g. \"chart.js\" or \"@scope/name\")")
        if not isinstance(version, str) or not _EXACT_VERSION.match(version):
            raise NpmError(f"{TABLE}: \"{name}\" = {json.dumps(version)}: give an exact version (e.g. \"4.5.0\"), "
                           f"not a range; {LOCK_NAME} pins its dependencies")


def package_json(table: dict[str, str], name: str = "jsinterop-app-npm") -> bytes:
    """The package.json npm installs ``table`` from (written into the install folder, not the app)."""
    return (json.dumps({"name": name, "version": "0.0.0", "private": True,
                        "dependencies": dict(sorted(table.items()))}, indent=2) + "\n").encode()


def lock_matches(lock: bytes, table: dict[str, str]) -> bool:
    """Whether a package-lock was resolved from exactly ``table`` (its root package's dependencies)."""
    try:
        root = json.loads(lock)["packages"][""]
    except (ValueError, KeyError, TypeError):
        return False
    return root.get("dependencies", {}) == dict(table) and not root.get("devDependencies")


def _npm(args: list[str], cwd: Path, what: str) -> None:
    npm = shutil.which("npm")
    if npm is None:
        raise NpmError(f"{what}: npm is needed for the app's {TABLE} packages: install Node.js (it comes with npm)")
    proc = subprocess.run([npm, *args, "--ignore-scripts", "--no-audit", "--no-fund", "--no-update-notifier"],
                          cwd=cwd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise NpmError(f"{what} failed (npm {' '.join(args)}):\n{proc.stdout}{proc.stderr}")


def _write_atomically(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    tmp.replace(path)


def installed(table: dict[str, str], lock_file: Path, *, update_lock: bool = True,
              cache: Path | None = None) -> Path:
    """The folder (holding ``node_modules``) where ``table`` is installed as ``lock_file`` pins it.

    The lock matches the table: ``npm ci`` (once; then the cached folder). No lock, or one the table no
    longer matches: ``npm install`` re-resolves (from the old lock, so unchanged packages keep their
    versions) and the new lock is written to ``lock_file``; with ``update_lock=False`` that is an error."""
    check_table(table)
    root = (cache or cache_dir()) / "npm-apps"
    manifest = package_json(table)
    old = lock_file.read_bytes() if lock_file.is_file() else None
    if old is not None and lock_matches(old, table):
        folder = root / hashlib.sha256(manifest + old).hexdigest()[:20]
        if (folder / ".complete").is_file():
            return folder
        return _install(root, folder, manifest, old, ["ci"], f"npm ci of {shown_path(lock_file)}")
    if not update_lock:
        raise NpmError(f"{lock_file} does not match the packages it is for ({', '.join(sorted(table))}): "
                       "reinstall jsinterop")
    root.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=root, prefix=".resolve-") as tmp:
        work = Path(tmp)
        (work / "package.json").write_bytes(manifest)
        if old is not None:
            (work / LOCK_NAME).write_bytes(old)
        print(f"  resolving the npm packages {', '.join(f'{n}@{v}' for n, v in sorted(table.items()))}")
        _npm(["install", "--package-lock-only"], work, f"resolving {TABLE}")
        new = (work / LOCK_NAME).read_bytes()
    _write_atomically(lock_file, new)
    folder = root / hashlib.sha256(manifest + new).hexdigest()[:20]
    if (folder / ".complete").is_file():
        return folder
    return _install(root, folder, manifest, new, ["ci"], f"npm ci of {shown_path(lock_file)}")


def shown_path(path: Path) -> str:
    """``path`` as an error shows it: relative to the working folder when it is inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _install(root: Path, folder: Path, manifest: bytes, lock: bytes, command: list[str], what: str) -> Path:
    """Install into a temporary folder, then move it to ``folder`` (a build that is killed leaves no half install)."""
    root.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(dir=root, prefix=".install-"))
    try:
        (work / "package.json").write_bytes(manifest)
        (work / LOCK_NAME).write_bytes(lock)
        print(f"  installing {what.removeprefix('npm ci of ')} (npm ci)")
        _npm(command, work, what)
        (work / ".complete").write_text("installed by jsinterop.tool.npm\n")
        try:
            work.rename(folder)
        except OSError:
            if not (folder / ".complete").is_file():  # not another build that installed the same lock
                raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return folder


def esbuild(cache: Path | None = None) -> list[str]:
    """The command that runs the pinned esbuild (``tool/npm-tools/``), installed once per user."""
    tools = json.loads((TOOLS / "package.json").read_text())["dependencies"]
    folder = installed(tools, TOOLS / LOCK_NAME, update_lock=False, cache=cache)
    node = shutil.which("node")
    if node is None:
        raise NpmError("node is needed to run esbuild for the app's npm packages: install Node.js")
    return [node, str(folder / "node_modules" / "esbuild" / "bin" / "esbuild")]


# --- entry points --------------------------------------------------------------------------------

def package_of(specifier: str) -> str:
    """The package a bare specifier names: ``chart.js/auto`` -> ``chart.js``, ``@a/b/c`` -> ``@a/b``."""
    parts = specifier.split("/")
    return "/".join(parts[:2]) if specifier.startswith("@") else parts[0]


def is_bare(specifier: str) -> bool:
    """Whether a module specifier is a bare npm specifier: not ``./``, ``../`` or ``/``, and no URL scheme."""
    return bool(specifier) and not specifier.startswith(("./", "../", "/")) and not _SCHEME.match(specifier)


def _export_target(value: object) -> str | None:
    """The file an ``exports`` entry gives a browser's ES module import, or None."""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return next((t for t in map(_export_target, value) if t), None)
    if isinstance(value, dict):
        for condition in ("browser", "import", "module", "default"):
            if condition in value and (target := _export_target(value[condition])):
                return target
    return None


def documented_sub_paths(package_dir: Path) -> list[str]:
    """The sub-paths (``auto`` of ``./auto``) a package's ``exports`` map gives a JS module, without patterns."""
    exports = json.loads((package_dir / "package.json").read_text()).get("exports")
    if not isinstance(exports, dict) or not all(isinstance(k, str) and k.startswith(".") for k in exports):
        return []
    found = []
    for key, value in exports.items():
        sub = key[2:]
        target = _export_target(value)
        if key == "." or "*" in key or not _SUB_PATH.match(sub) or target is None:
            continue
        if target.endswith((".js", ".mjs", ".cjs")):
            found.append(sub)
    return sorted(found)


def site_path(specifier: str) -> str:
    """Where the bundle of a specifier is served: ``chart.js/auto`` -> ``npm/chart.js/auto.mjs``."""
    return f"{SITE_FOLDER}/{specifier}.mjs"


def entry_points(node_modules: Path, table: dict[str, str], imported: Iterable[str] = ()) -> list[str]:
    """The specifiers to bundle: each package of ``table``, each sub-path its ``exports`` map documents,
    and, for a package without an ``exports`` map, each sub-path of it in ``imported`` (the app's JS imports)."""
    entries = set(table)
    for name in table:
        entries.update(f"{name}/{sub}" for sub in documented_sub_paths(node_modules / name))
    for spec in imported:  # a deep import of a package with no exports map (one with a map allows only it)
        name = package_of(spec)
        if (name in table and spec != name and _SUB_PATH.match(spec[len(name) + 1:]) and ".." not in spec.split("/")
                and "exports" not in json.loads((node_modules / name / "package.json").read_text())):
            entries.add(spec)
    return sorted(entries)


def bundle(install: Path, entries: list[str], cache: Path | None = None) -> dict[str, Path]:
    """One esbuild run over ``entries`` (specifiers resolved in ``install``): site path -> file, cached
    by the install, the entries, esbuild's pin and its flags."""
    command = esbuild(cache)
    key = hashlib.sha256(json.dumps([install.name, entries, list(ESBUILD_FLAGS), command[-1]]).encode())
    key.update((TOOLS / LOCK_NAME).read_bytes())
    out = (cache or cache_dir()) / "npm-bundles" / key.hexdigest()[:20]
    if not (out / ".complete").is_file():
        shutil.rmtree(out, ignore_errors=True)
        out.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(dir=out.parent, prefix=".bundle-"))
        try:
            print(f"  bundling {', '.join(entries)} (esbuild)")
            proc = subprocess.run([*command, *ESBUILD_FLAGS, f"--outdir={staging / 'site'}",
                                   *[f"{e}={e}" for e in entries]], cwd=install, capture_output=True, text=True)
            if proc.returncode != 0:
                raise NpmError(f"esbuild could not bundle {', '.join(entries)}:\n{proc.stdout}{proc.stderr}")
            (staging / ".complete").write_text("\n".join(entries) + "\n")
            staging.rename(out)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    site = out / "site"
    return {f"{SITE_FOLDER}/{p.relative_to(site).as_posix()}": p for p in sorted(site.rglob("*")) if p.is_file()}


# --- the app's JS --------------------------------------------------------------------------------

def js_modules(folder: Path, prefix: str = "") -> dict[str, Path]:
    """The JS modules under ``folder`` by site path (``prefix`` + their path), leaving out
    ``node_modules`` and hidden folders."""
    found = {}
    for p in sorted(folder.rglob("*")):
        rel = p.relative_to(folder)
        if p.suffix in JS_SUFFIXES and p.is_file() and not any(part == "node_modules" or part.startswith(".")
                                                                for part in rel.parts):
            found[posixpath.join(prefix, rel.as_posix()) if prefix else rel.as_posix()] = p
    return found


_REGEX_AFTER = frozenset("(,=:[!&|?{};+-*%<>~^") | {"return", "typeof", "case", "do", "else", "in", "of",
                                                    "new", "delete", "void", "throw", "yield", "await"}
"""After these tokens a ``/`` starts a regular expression literal, not a division."""


def _specifiers(text: str) -> list[tuple[int, int, str]]:
    """(start, end, specifier) of each import specifier of a JS module: the string after ``from``,
    after ``import`` and in ``import(...)``. A small lexer skips comments, other strings, template
    literals and regular expressions, so that text in them is never taken for an import."""
    found: list[tuple[int, int, str]] = []
    tokens: list[str] = []  # the significant tokens so far ("<str>" for a string)
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c.isspace():
            i += 1
        elif text.startswith("//", i):
            i = text.find("\n", i) if "\n" in text[i:] else n
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            i = n if end < 0 else end + 2
        elif c in "'\"`":
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == "\\" else 1
            if c != "`" and (tokens[-1:] == ["from"] or (tokens[-1:] == ["import"] and tokens[-2:-1] != ["."])
                             or (tokens[-2:] == ["import", "("] and tokens[-3:-2] != ["."])):
                found.append((i + 1, j, text[i + 1:j]))
            tokens.append("<str>")
            i = j + 1
        elif c == "/" and (not tokens or tokens[-1] in _REGEX_AFTER):
            j, in_class = i + 1, False
            while j < n and text[j] != "\n" and (in_class or text[j] != "/"):
                if text[j] == "\\":
                    j += 1
                elif text[j] in "[]":
                    in_class = text[j] == "["
                j += 1
            tokens.append("<regex>")
            i = j + 1
        elif c.isalnum() or c in "_$":
            j = i
            while j < n and (text[j].isalnum() or text[j] in "_$"):
                j += 1
            tokens.append(text[i:j])
            i = j
        else:
            tokens.append(c)
            i += 1
    return found


def bare_specifiers(text: str) -> set[str]:
    """The bare specifiers a JS module imports."""
    return {spec for _, _, spec in _specifiers(text) if is_bare(spec)}


def rewrite_specifiers(path: str, text: str, modules: dict[str, str], table: dict[str, str]) -> str:
    """``text`` (the app's JS module served at ``path``) with each bare specifier replaced by the relative
    URL of its bundle in ``modules``; one not there is an :class:`UnresolvedSpecifierError`."""
    out, last = [], 0
    for start, end, spec in _specifiers(text):
        if not is_bare(spec):
            continue
        if spec not in modules:
            name = package_of(spec)
            if name in table:
                hint = (f"'{name}' is in {TABLE} but '{spec}' is not a module of it "
                        f"(it has: {', '.join(s for s in sorted(modules) if package_of(s) == name)})")
            else:
                hint = f"add \"{name}\" = \"<exact version>\" to {TABLE} in pyproject.toml, or import a file by a path starting with ./, ../ or /"
            raise UnresolvedSpecifierError(path, spec, hint)
        url = posixpath.relpath(modules[spec], posixpath.dirname(path) or ".")
        out.append(text[last:start])
        out.append(url if url.startswith("../") else "./" + url)
        last = end
    out.append(text[last:])
    return "".join(out)


# --- the build's one call ------------------------------------------------------------------------

def npm_site(app_dir: Path, table: dict[str, str], app_js: dict[str, Path], cache: Path | None = None) -> NpmSite:
    """The npm part of a site: the bundles of ``table`` (installed as ``app_dir/package-lock.json`` pins
    it, written there the first time) and the app's JS modules ``app_js`` (site path -> file) whose
    bare specifiers were rewritten to them; with ``modules``, the map the loader resolves names by."""
    texts = {}
    for rel, p in app_js.items():
        try:
            texts[rel] = p.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise NpmError(f"{rel}: not UTF-8 text; the build reads its imports, so save it as UTF-8") from None
    imported = {rel: bare_specifiers(text) for rel, text in texts.items()}
    if not table:
        for rel, specs in sorted(imported.items()):
            if specs:
                rewrite_specifiers(rel, texts[rel], {}, table)  # raises, naming the file and the specifier
        return NpmSite()
    install = installed(table, app_dir / LOCK_NAME, cache=cache)
    entries = entry_points(install / "node_modules", table, set().union(*imported.values()))
    files: dict[str, Path | bytes] = dict(bundle(install, entries, cache))
    modules = {e: site_path(e) for e in entries}
    missing = [e for e in modules.values() if e not in files]
    if missing:
        raise NpmError(f"esbuild did not write {', '.join(missing)}")
    for rel, specs in sorted(imported.items()):
        if specs:
            files[rel] = rewrite_specifiers(rel, texts[rel], modules, table).encode()
    return NpmSite(files, modules)

