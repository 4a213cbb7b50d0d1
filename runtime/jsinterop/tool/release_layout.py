"""The production layout of dist/ (./build.sh release), computed from a development build.

:func:`release_tree` turns the files of a development build into the files of a release:

- every file the app owns gets a content hash: in its name (``main.<hash>.mjs``,
  ``pyodide-lock.<hash>.json``), or, where the name must stay as it is, in its folder
  (``wheels/<hash>/app-0.1.0-py3-none-any.whl``, ``types/<hash>/app.typed_demo.d.ts``, whose names
  pip-style installers and TypeScript go by); every reference to it is rewritten (HTML ``src`` and
  ``href``, module imports, ``new URL(..., import.meta.url)``, CSS ``url()``, the lock's ``file_name``s);
- Pyodide's files go under ``pyodide/<version>/``;
- entry points keep their names: the HTML pages and ``jsinterop.mjs``, which becomes a one-line
  module re-exporting the hashed loader (with ``jsinterop.d.mts``, its declarations); ``404.html`` is
  a copy of ``index.html``;
- ``layout.mjs`` is generated: the map from development paths to served paths that the loader
  (``assets.mjs``) resolves every URL through, so Python code importing ``./app/alert_user.js``
  gets the hashed module, and the size and sha256 of every boot file by its served path (the
  development build generates its own, with the same records and no map).

A file's hash is taken after its references are rewritten, so a change anywhere reaches every file
that refers to it, and nothing else. :func:`compress` makes the ``.gz`` and ``.br`` siblings.
"""

from __future__ import annotations

import gzip
import hashlib
import html
import json
import posixpath
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

HASH_LENGTH = 10
"""Hex digits of the sha256 of a file's content used in its name or folder."""

LOADER = "jsinterop.mjs"
WORKER_ENTRY = "worker.mjs"
"""The script of worker mode's worker (``new Worker(...)``): like the loader, a stable name a stub keeps."""
STABLE_MODULES = (LOADER, WORKER_ENTRY)
"""Modules a release serves under their own names (no-cache stubs of the content-hashed modules): the
loader pages import by name, and the worker's script, which the hashed loader names and cannot hash
(it imports the layout, which would have to name it)."""
LAYOUT = "layout.mjs"
LOCK = "pyodide-lock.json"
ENTRY_PAGE = "index.html"
NOT_FOUND_PAGE = "404.html"

DECLARATION_SUFFIXES = (".d.ts", ".d.mts")
"""TypeScript declarations: they keep their names (TypeScript finds them by name), in a hash folder."""

HASH_FOLDER_TOPS = ("wheels",)
"""Folders whose files keep their names and get a hash folder (a wheel's name is its metadata)."""

TEXT_SUFFIXES = (".html", ".mjs", ".js", ".css", ".json", ".svg", ".txt", ".ts", ".mts", ".map")
COMPRESSIBLE_SUFFIXES = (*TEXT_SUFFIXES, ".wasm", ".zip", ".whl", ".bin")
"""Files that get ``.gz`` and ``.br`` siblings: text, wasm, zip archives (the stdlib, wheels), and the
memory snapshot (``snapshot.<hash>.bin``)."""

BROTLI_QUALITY = 11
GZIP_LEVEL = 9
SNAPSHOT_SUFFIX = ".bin"
SNAPSHOT_BROTLI_QUALITY = 9
"""Brotli quality of the memory snapshot (31 MB, window 2**24): 9 makes 5.26 MB in ~4 s; 11 had not finished
after 3 minutes here, and a snapshot changes with every change of the app."""


class ReleaseError(Exception):
    """The development build cannot be turned into a release; the message says why."""


@dataclass(frozen=True)
class ReleaseFile:
    """One file of a release: where it is served, its bytes, and whether its path names its content."""

    path: str
    data: bytes
    immutable: bool


# --- names ---------------------------------------------------------------------------------------

def content_hash(data: bytes) -> str:
    """The first :data:`HASH_LENGTH` hex digits of the sha256 of ``data``."""
    return hashlib.sha256(data).hexdigest()[:HASH_LENGTH]


def _split_suffix(name: str) -> tuple[str, str]:
    for suffix in DECLARATION_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)], suffix
    stem, dot, ext = name.rpartition(".")
    return (stem, dot + ext) if stem else (name, "")


def hashed_name(path: str, digest: str) -> str:
    """``app/page.js`` -> ``app/page.<digest>.js`` (``x.d.ts`` -> ``x.<digest>.d.ts``)."""
    folder, name = posixpath.split(path)
    stem, suffix = _split_suffix(name)
    return posixpath.join(folder, f"{stem}.{digest}{suffix}")


def in_hash_folder(path: str, digest: str) -> str:
    """``wheels/x.whl`` -> ``wheels/<digest>/x.whl``: the name stays, the folder names the content."""
    folder, name = posixpath.split(path)
    return posixpath.join(folder, digest, name)


def is_declaration(path: str) -> bool:
    """Whether ``path`` is a TypeScript declaration file."""
    return path.endswith(DECLARATION_SUFFIXES)


def declaration_of(module: str) -> str | None:
    """The declaration file TypeScript reads for a module: ``x.js`` -> ``x.d.ts``, ``x.mjs`` -> ``x.d.mts``."""
    if module.endswith(".mjs"):
        return module[: -len(".mjs")] + ".d.mts"
    if module.endswith(".js"):
        return module[: -len(".js")] + ".d.ts"
    return None


def declared_module(path: str) -> str | None:
    """The module a declaration file describes: ``jsinterop.d.mts`` -> ``jsinterop.mjs``."""
    if path.endswith(".d.mts"):
        return path[: -len(".d.mts")] + ".mjs"
    if path.endswith(".d.ts"):
        return path[: -len(".d.ts")] + ".js"
    return None


# --- references ----------------------------------------------------------------------------------

# `import"./x.mjs"` (no space) is how esbuild's minified bundles import a chunk for its side effects.
_JS_IMPORT = re.compile(r"""(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s*)(?P<q>["'])(?P<spec>\.\.?/[^"'\n]*)(?P=q)""")
_JS_URL = re.compile(r"""\bnew\s+URL\(\s*(?P<q>["'])(?P<spec>\.\.?/[^"'\n]*)(?P=q)\s*,\s*import\.meta\.url\s*\)""")
_HTML_ATTRIBUTE = re.compile(r"""\b(?:src|href)\s*=\s*(?P<q>["'])(?P<spec>[^"']*)(?P=q)""", re.IGNORECASE)
_CSS_URL = re.compile(r"""\burl\(\s*(?P<q>["']?)(?P<spec>[^"')\s]+)(?P=q)\s*\)|@import\s+(?P<q2>["'])(?P<spec2>[^"']+)(?P=q2)""")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def _patterns(path: str) -> tuple[re.Pattern[str], ...]:
    if path.endswith(".html"):
        return (_HTML_ATTRIBUTE,)
    if path.endswith(".css"):
        return (_CSS_URL,)
    if path.endswith((".mjs", ".js", ".mts", ".ts")):
        return (_JS_IMPORT, _JS_URL)
    return ()


@dataclass(frozen=True)
class Reference:
    """A relative URL in a file: where its path is in the text, and the file it names."""

    start: int
    end: int
    target: str
    declaration: bool
    """The specifier names a module (``./x.js``) whose declaration file (``x.d.ts``) is the target."""


def _relative(spec: str) -> bool:
    return bool(spec) and not spec.startswith(("/", "#", "?")) and not _SCHEME.match(spec)


def find_references(path: str, text: str, exists: Callable[[str], bool]) -> list[Reference]:
    """The relative URLs in ``text`` (the file at ``path``) that name files for which ``exists`` is
    true. Anything else (routes, folders, absolute URLs, files outside the build) is left alone."""
    found = []
    for pattern in _patterns(path):
        for m in pattern.finditer(text):
            group = "spec" if m.group("spec") is not None else "spec2"
            spec = m.group(group)
            if not _relative(spec):
                continue
            bare = re.split(r"[?#]", spec, maxsplit=1)[0]
            target = posixpath.normpath(posixpath.join(posixpath.dirname(path), bare))
            if target.startswith("../") or target == "..":
                continue
            start = m.start(group)
            if exists(target):
                found.append(Reference(start, start + len(bare), target, False))
            elif is_declaration(path) and (declared := declaration_of(target)) and exists(declared):
                found.append(Reference(start, start + len(bare), declared, True))
    return sorted(found, key=lambda r: r.start)


def _specifier(from_path: str, to_path: str, original: str, declaration: bool) -> str:
    if declaration:
        to_path = declared_module(to_path) or to_path
    spec = posixpath.relpath(to_path, posixpath.dirname(from_path) or ".")
    if original.startswith(("./", "../")) and not spec.startswith("../"):
        spec = "./" + spec
    return spec


def rewrite(path: str, text: str, references: list[Reference], served_path: str,
            served: Callable[[str], str]) -> str:
    """``text`` with each reference pointing from ``served_path`` (where the file will be served)
    at ``served(target)``; a reference whose target does not move keeps its original spelling."""
    out, last = [], 0
    for ref in references:
        original = text[ref.start:ref.end]
        target = served(ref.target)
        unchanged = target == ref.target and posixpath.dirname(served_path) == posixpath.dirname(path)
        out.append(text[last:ref.start])
        out.append(original if unchanged else _specifier(served_path, target, original, ref.declaration))
        last = ref.end
    out.append(text[last:])
    return "".join(out)


# --- generated files -----------------------------------------------------------------------------

BOOT_RUNTIME_FILES = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip")
"""Pyodide's files a boot loads (by development path); with the wheels, the boot files whose size and
sha256 the layout module records (the loader refuses a boot file that does not match)."""


def is_boot_file(path: str) -> bool:
    """Whether the development path ``path`` names a boot file: one of Pyodide's runtime files or a wheel."""
    return path in BOOT_RUNTIME_FILES or (path.startswith(f"{HASH_FOLDER_TOPS[0]}/") and path.endswith(".whl"))


def boot_records(files: dict[str, bytes], served: Callable[[str], str] = lambda p: p) -> dict[str, dict]:
    """Served path -> ``{"bytes": size, "sha256": hex}`` of every boot file among ``files`` (development
    path -> bytes), ``served`` giving the path each is served at."""
    return {served(p): {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
            for p, data in sorted(files.items()) if is_boot_file(p)}


INITIALIZER_SUFFIX = ".lib.module.js"
"""JS initializers (Blazor's ``<name>.lib.module.js``): a module with this suffix at the root of the site
(the root of the app's static folder, or put there by a library) may export ``beforeStart(options)``
and ``afterStarted(Py)``, which ``boot()`` calls."""


def initializer_modules(paths: Iterable[str]) -> list[str]:
    """The JS initializers among a site's development paths: every ``*.lib.module.js`` at the site's
    root, in name order (the order ``boot()`` calls them in)."""
    return sorted(p for p in paths if "/" not in p and p.endswith(INITIALIZER_SUFFIX) and p != INITIALIZER_SUFFIX)


def layout_module(files: dict[str, str], boot_files: dict[str, dict], snapshot: dict | None = None,
                  npm_modules: dict[str, str] | None = None, lazy: Iterable[str] = (),
                  initializers: Iterable[str] = (), worker: bool = False, isolation: str | None = None) -> bytes:
    """``layout.mjs`` of a build, read by the loader's assets.mjs: development path -> served path
    (``FILES``; empty in the development build), the size and sha256 of each boot file by served path
    (``BOOT_FILES``, from :func:`boot_records`), the record of the release's memory snapshot
    (``SNAPSHOT``: its served ``path``, the Pyodide version and build id and the build digest it
    belongs to, the packages and modules it holds, its size and sha256), or null; the bundles of
    the app's npm packages (``NPM_MODULES``: bare specifier -> development path, from
    ``jsinterop.tool.npm``; a release maps the paths through ``FILES``); the Python packages boot
    does not install (``LAZY_PACKAGES``: an app's ``lazy``, installed on demand by
    ``jsinterop.load_packages``); and the development paths of the site's JS initializers
    (``INITIALIZERS``, from :func:`initializer_modules`), so the loader imports exactly those, with no
    request that could 404; whether the app boots in a Web Worker by default (``WORKER``, the app's
    ``[tool.jsinterop] worker``) and the COEP the site is served cross-origin isolated with
    (``ISOLATION``: ``"require-corp"``, ``"credentialless"`` or null, the app's ``isolation``), which
    every server of the build reads back with :func:`isolation_of`."""
    npm = json.dumps(dict(sorted((npm_modules or {}).items())), indent=2)
    body = "".join(f"  {json.dumps(k)}: {json.dumps(v)},\n" for k, v in sorted(files.items()))
    records = "".join(f"  {json.dumps(k)}: {json.dumps(v, sort_keys=True)},\n" for k, v in sorted(boot_files.items()))
    record = json.dumps(snapshot, sort_keys=True) if snapshot else "null"
    return ("// Generated by ./build.sh: where this build serves each file, by its development path (the\n"
            "// name it has in the repository), and what it recorded about the boot files. Only assets.mjs\n"
            "// reads it.\n\n"
            "/** Development path -> path of the file served, both relative to dist/. */\n"
            f"export const FILES = Object.freeze({{\n{body}}});\n\n"
            "/** Served path -> {bytes, sha256} of each boot file (the loader refuses one that does not match). */\n"
            f"export const BOOT_FILES = Object.freeze({{\n{records}}});\n\n"
            "/** The memory snapshot the loader restores Pyodide from, or null (see tools/snapshot.mjs). */\n"
            f"export const SNAPSHOT = {record};\n\n"
            "/** Bare npm specifier -> development path of its ES module bundle ([tool.jsinterop.npm]). */\n"
            f"export const NPM_MODULES = Object.freeze({npm});\n\n"
            "/** Python packages the build ships and boot does not install (Py.loadPackages installs them). */\n"
            f"export const LAZY_PACKAGES = Object.freeze({json.dumps(sorted(set(lazy)))});\n\n"
            "/** Development paths of the JS initializers (*.lib.module.js at the site's root), in call order. */\n"
            f"export const INITIALIZERS = Object.freeze({json.dumps(list(initializers))});\n\n"
            "/** Whether the app boots in a Web Worker by default ([tool.jsinterop] worker). */\n"
            f"export const WORKER = {json.dumps(bool(worker))};\n\n"
            "/** The Cross-Origin-Embedder-Policy the site is served cross-origin isolated with (with COOP\n"
            " * same-origin), or null: not isolated ([tool.jsinterop] isolation). */\n"
            f"export const ISOLATION = {json.dumps(isolation)};\n").encode()


_NPM_MODULES = re.compile(r"^export const NPM_MODULES = Object\.freeze\((\{.*?\})\);$", re.S | re.M)
_LAZY_PACKAGES = re.compile(r"^export const LAZY_PACKAGES = Object\.freeze\((\[.*?\])\);$", re.S | re.M)
_WORKER = re.compile(r"^export const WORKER = (true|false);$", re.M)
_ISOLATION = re.compile(r'^export const ISOLATION = (null|"[a-z-]+");$', re.M)


def npm_modules_of(layout: bytes) -> dict[str, str]:
    """The ``NPM_MODULES`` map of a layout module :func:`layout_module` wrote (empty if it has none)."""
    found = _NPM_MODULES.search(layout.decode())
    return json.loads(found.group(1)) if found else {}


def lazy_packages_of(layout: bytes) -> list[str]:
    """The ``LAZY_PACKAGES`` of a layout module :func:`layout_module` wrote (empty if it has none)."""
    found = _LAZY_PACKAGES.search(layout.decode())
    return json.loads(found.group(1)) if found else []


def worker_of(layout: bytes) -> bool:
    """The ``WORKER`` of a layout module :func:`layout_module` wrote (false if it has none)."""
    found = _WORKER.search(layout.decode())
    return found is not None and found.group(1) == "true"


def isolation_of(layout: bytes) -> str | None:
    """The ``ISOLATION`` of a layout module :func:`layout_module` wrote: the COEP the site is served
    cross-origin isolated with, or None (also when it has none)."""
    found = _ISOLATION.search(layout.decode())
    return json.loads(found.group(1)) if found else None


_LAYOUT_NAME = re.compile(rf"^layout(\.[0-9a-f]{{{HASH_LENGTH}}})?\.mjs$")


def site_layout(dist: Path) -> bytes | None:
    """The layout module the loader of the built site in ``dist`` imports: ``layout.mjs`` in a development
    build, the ``layout.<hash>.mjs`` that ``jsinterop.mjs`` leads to in a release (not an older one a
    release keeps for open pages); None for a folder with neither."""
    if (dist / LAYOUT).is_file():
        return (dist / LAYOUT).read_bytes()
    pending, seen = [LOADER], set()
    while pending:
        path = pending.pop()
        if path in seen or path.startswith("../") or not (dist / path).is_file():  # only files of the site
            continue
        seen.add(path)
        if _LAYOUT_NAME.match(path):
            return (dist / path).read_bytes()
        text = (dist / path).read_text(encoding="utf-8", errors="replace")
        folder = posixpath.dirname(path)
        pending += [posixpath.normpath(posixpath.join(folder, m.group("spec"))) for m in _JS_IMPORT.finditer(text)]
    return None


def loader_stub(hashed_loader: str) -> bytes:
    """The stable ``jsinterop.mjs`` of a release: a re-export of the content-hashed loader."""
    return ("// jsinterop's loader: the stable entry point of this release, served no-cache. Pages import this\n"
            "// module by name; it re-exports the content-hashed loader, which browsers keep for a year.\n"
            f'export * from "./{hashed_loader}";\n').encode()


def stable_stub(dev: str, hashed: str) -> bytes:
    """The stub a release serves under the stable name ``dev`` (one of :data:`STABLE_MODULES`)."""
    if dev == LOADER:
        return loader_stub(hashed)
    return ("// The script of jsinterop's worker (worker mode): the stable name the loader starts it by, served\n"
            "// no-cache; it runs the content-hashed worker module, which browsers keep for a year.\n"
            f'import "./{hashed}";\n').encode()


def rewrite_lock(data: bytes, served: dict[str, str]) -> bytes:
    """The lock file with each package's ``file_name`` pointing at its served path."""
    lock = json.loads(data)
    for name, entry in lock["packages"].items():
        file_name = entry["file_name"]
        if file_name not in served:
            raise ReleaseError(f"{LOCK}: the wheel of '{name}' ({file_name}) is not in the build")
        entry["file_name"] = served[file_name]
    return json.dumps(lock, separators=(",", ":"), sort_keys=True).encode()


# --- the tree ------------------------------------------------------------------------------------

def _is_text(path: str) -> bool:
    return path.endswith(TEXT_SUFFIXES)


def is_entry(path: str) -> bool:
    """Entry points keep their names: HTML pages, the loader, and the loader's declarations."""
    return path.endswith(".html") or path in STABLE_MODULES or declared_module(path) == LOADER


def _order(nodes: set[str], deps: dict[str, set[str]]) -> list[str]:
    """``nodes`` with every node after the nodes it depends on; a cycle is an error naming it."""
    order: list[str] = []
    state: dict[str, int] = {}

    def visit(node: str, trail: list[str]) -> None:
        if state.get(node) == 2:
            return
        if state.get(node) == 1:
            cycle = trail[trail.index(node):] + [node]
            raise ReleaseError("these files refer to each other in a cycle, so none can be named by its "
                               f"content: {' -> '.join(cycle)}")
        state[node] = 1
        for dep in sorted(deps.get(node, ())):
            visit(dep, [*trail, node])
        state[node] = 2
        order.append(node)

    for node in sorted(nodes):
        visit(node, [])
    return order


def _reaching(target: str, deps: dict[str, set[str]]) -> set[str]:
    """Every node that depends on ``target``, directly or not."""
    found: set[str] = set()
    changed = True
    while changed:
        changed = False
        for node, ds in deps.items():
            if node not in found and (target in ds or ds & found):
                found.add(node)
                changed = True
    return found


def with_base(page: bytes, base_path: str) -> bytes:
    """An HTML page with ``<base href="base_path">`` first in its head: its relative URLs then resolve
    from the site's root folder whatever URL the page is served at (a client-side route)."""
    head = re.search(rb"<head(\s[^>]*)?>", page, re.IGNORECASE)
    if head is None:
        raise ReleaseError(ENTRY_PAGE + " has no <head> to put a <base href> in")
    if re.search(rb"<base\s", page, re.IGNORECASE):
        return page
    tag = f'<base href="{html.escape(base_path)}">'.encode()
    return page[: head.end()] + tag + page[head.end():]


def _text(path: str, data: bytes) -> str:
    """The text of the file at ``path``; a file that is not UTF-8 is an error naming it."""
    try:
        return data.decode()
    except UnicodeDecodeError as e:
        raise ReleaseError(f"{path}: not UTF-8 text (byte {e.start} is {data[e.start]:#04x}); "
                           "the release reads its references, so save it as UTF-8") from None


class _Layout:
    """A release being laid out: the files placed so far, and where each development path went."""

    def __init__(self, files: dict[str, bytes]) -> None:
        self.files = files
        self.served: dict[str, str] = {}  # development path -> served path, for files that move
        self.out: dict[str, ReleaseFile] = {}
        self.refs = {p: find_references(p, _text(p, data), files.__contains__)
                     for p, data in files.items() if _is_text(p)}

    def place(self, dev: str, path: str, data: bytes, immutable: bool = True, moves: bool = True) -> None:
        """Serve ``data`` at ``path``; with ``moves``, references to ``dev`` now point there."""
        if path in self.out:
            raise ReleaseError(f"two files would be served as {path}")
        if moves:
            self.served[dev] = path
        self.out[path] = ReleaseFile(path, data, immutable)

    def rewritten(self, dev: str) -> bytes:
        """The file ``dev`` with its references pointing at the files placed so far."""
        if dev not in self.refs:
            return self.files[dev]
        return rewrite(dev, _text(dev, self.files[dev]), self.refs[dev], dev, lambda t: self.served.get(t, t)).encode()


def _place_fixed_names(layout: _Layout, pyodide_version: str, pyodide_files: Iterable[str]) -> None:
    """Pyodide's files in their version folder; wheels and declarations in a hash folder; the lock."""
    for name in pyodide_files:
        if name not in layout.files:
            raise ReleaseError(f"Pyodide's {name} is not in the build")
        layout.place(name, f"pyodide/{pyodide_version}/{name}", layout.files[name])
    for dev, data in layout.files.items():
        if dev not in layout.served and not is_entry(dev) and (
                dev.split("/", 1)[0] in HASH_FOLDER_TOPS or is_declaration(dev)):
            layout.place(dev, in_hash_folder(dev, content_hash(data)), data)
    if LOCK in layout.files:
        lock = rewrite_lock(layout.files[LOCK], layout.served)
        layout.place(LOCK, hashed_name(LOCK, content_hash(lock)), lock)


def _place_by_content(layout: _Layout, snapshot: tuple[str, dict] | None = None) -> dict[str, str]:
    """Every other file but the entry points, named by its content after its references are
    rewritten, each after the files it refers to; returns the hashed path of each stable module."""
    pending = {p for p in layout.files if p not in layout.served and not is_entry(p)}
    pending |= set(STABLE_MODULES) & layout.files.keys()
    deps = {p: {r.target for r in layout.refs.get(p, []) if r.target in pending and r.target not in STABLE_MODULES}
            for p in pending}
    if LAYOUT in pending:  # it maps every file it can name: all but those that import it (the loader)
        deps[LAYOUT] = pending - _reaching(LAYOUT, deps) - {LAYOUT, *STABLE_MODULES}
        if snapshot is not None and snapshot[0] in pending:
            deps[LAYOUT] |= {snapshot[0]}
    hashed: dict[str, str] = {}
    for dev in _order(pending, deps):
        if dev == LAYOUT:
            record = None
            if snapshot is not None:
                dev_path, info = snapshot
                if dev_path not in layout.served:
                    raise ReleaseError(f"the memory snapshot {dev_path} is not in the release")
                record = {**info, "path": layout.served[dev_path]}
            data = layout_module({k: v for k, v in layout.served.items() if k.split("/", 1)[0] not in HASH_FOLDER_TOPS},
                                 boot_records(layout.files, lambda p: layout.served.get(p, p)), record,
                                 npm_modules_of(layout.files[LAYOUT]),  # the development build's map
                                 lazy_packages_of(layout.files[LAYOUT]),  # and its lazy packages
                                 initializer_modules(layout.files),
                                 worker_of(layout.files[LAYOUT]), isolation_of(layout.files[LAYOUT]))
        else:
            data = layout.rewritten(dev)
        path = hashed_name(dev, content_hash(data))
        if dev in STABLE_MODULES:
            hashed[dev] = path  # references to jsinterop.mjs and worker.mjs keep the stable name
        layout.place(dev, path, data, moves=dev not in STABLE_MODULES)
    return hashed


def _place_entries(layout: _Layout, hashed: dict[str, str], base_path: str) -> None:
    """The entry points under their own names, the stubs of the stable modules, and 404.html."""
    for dev in sorted(p for p in layout.files if is_entry(p)):
        data = stable_stub(dev, hashed[dev]) if dev in hashed else layout.rewritten(dev)
        layout.place(dev, dev, data, immutable=False, moves=False)
    if NOT_FOUND_PAGE in layout.out:
        raise ReleaseError(f"the site has its own {NOT_FOUND_PAGE}; a release writes it as a copy of {ENTRY_PAGE}")
    layout.place(NOT_FOUND_PAGE, NOT_FOUND_PAGE, with_base(layout.out[ENTRY_PAGE].data, base_path),
                 immutable=False, moves=False)


def release_tree(files: dict[str, bytes], pyodide_version: str, pyodide_files: Iterable[str],
                 base_path: str = "/", snapshot: tuple[str, dict] | None = None) -> list[ReleaseFile]:
    """The files of a release served at ``base_path``, from the files of a development build
    (development path -> bytes). ``404.html`` is ``index.html`` with ``<base href="base_path">``.
    ``snapshot`` is (development path in ``files``, record) of a memory snapshot: the layout module's
    ``SNAPSHOT`` is the record with the snapshot's served ``path``; ``NPM_MODULES``, ``LAZY_PACKAGES``,
    ``WORKER`` and ``ISOLATION`` are the development build's."""
    if ENTRY_PAGE not in files:
        raise ReleaseError(f"the site has no {ENTRY_PAGE}: a release needs its entry page")
    if LOADER in files and LAYOUT not in files:
        raise ReleaseError(f"{LOADER} is there but {LAYOUT} is not: the loader cannot find its files")
    layout = _Layout(files)
    _place_fixed_names(layout, pyodide_version, pyodide_files)
    hashed = _place_by_content(layout, snapshot)
    _place_entries(layout, hashed, base_path)
    return sorted(layout.out.values(), key=lambda f: f.path)


# --- precompression ------------------------------------------------------------------------------

def compressible(path: str) -> bool:
    """Whether a file gets ``.gz`` and ``.br`` siblings."""
    return path.endswith(COMPRESSIBLE_SUFFIXES)


def _compress(data: bytes, encoding: str, quality: int) -> bytes:
    if encoding == "gz":
        return gzip.compress(data, compresslevel=GZIP_LEVEL, mtime=0)
    import brotli  # pinned in requirements-dev.txt

    return brotli.compress(data, quality=quality, lgwin=24) if quality != BROTLI_QUALITY else brotli.compress(data, quality=quality)


def compress(data: bytes, encoding: str, cache: Path | None = None, quality: int = BROTLI_QUALITY) -> bytes:
    """``data`` compressed as ``encoding`` ("gz" or "br", at brotli ``quality``), cached by content
    under ``cache`` (brotli at quality 11 takes half a minute for Pyodide's wasm)."""
    if encoding not in ("gz", "br"):
        raise ValueError(f"unknown encoding {encoding!r}: use 'gz' or 'br'")
    if cache is None:
        return _compress(data, encoding, quality)
    level = ("" if quality == BROTLI_QUALITY else "w24") + str(quality) if encoding == "br" else str(GZIP_LEVEL)
    key = cache / f"{hashlib.sha256(data).hexdigest()}.{encoding}{level}"
    if key.is_file():
        return key.read_bytes()
    out = _compress(data, encoding, quality)
    cache.mkdir(parents=True, exist_ok=True)
    tmp = key.with_name(key.name + ".tmp")
    tmp.write_bytes(out)
    tmp.replace(key)
    return out


def siblings(file: ReleaseFile, cache: Path | None = None) -> list[ReleaseFile]:
    """The ``.gz`` and ``.br`` siblings of a compressible file, each only if it is smaller."""
    if not compressible(file.path):
        return []
    out = []
    quality = SNAPSHOT_BROTLI_QUALITY if file.path.endswith(SNAPSHOT_SUFFIX) else BROTLI_QUALITY
    for encoding in ("gz", "br"):
        data = compress(file.data, encoding, cache, quality)
        if len(data) < len(file.data):
            out.append(ReleaseFile(f"{file.path}.{encoding}", data, file.immutable))
    return out
