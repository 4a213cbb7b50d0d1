"""Live reload for ``jsinterop serve``: watch the app's sources, rebuild what changed, update the open pages.

:func:`watch_and_serve` serves the built site with the dev server and its event stream
(:mod:`jsinterop.tool.live_events`), polls the sources' modification times (:class:`SourceWatcher`, no
dependency), calls the build's ``rebuild()`` when something changed, and publishes what the pages
must do about the files that changed (:func:`update_for`):

- ``python``: only wheels changed (the app's Python code): the page downloads and verifies the app's
  new wheel, and re-imports the app without booting Python again (``loader/live-reload.mjs``,
  :mod:`jsinterop.live_reload`); a page whose changed wheel is not its app's reloads;
- ``css``: only stylesheets changed: the page swaps them in place;
- ``reload``: anything else (HTML, JavaScript, the loader, a removed file): the page reloads;
- ``build-failed``: the rebuild raised; the pages log its message and keep running the last good build.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jsinterop.tool.devserver import make_server, normalize_base_path
from jsinterop.tool.live_events import EventHub

__all__ = ["BOOKKEEPING", "POLL_INTERVAL", "SETTLE", "LiveServer", "SourceWatcher", "live_server", "update_for",
           "watch_and_serve"]

POLL_INTERVAL = 0.1
"""Seconds between two looks at the sources' modification times."""

SETTLE = 0.05
"""Seconds without a further change before a rebuild starts (an editor saving several files at once)."""

BOOKKEEPING = frozenset({"layout.mjs", "pyodide-lock.json", ".jsinterop-dist"})
"""Files every wheel change rewrites (the boot records, the lock): the page reads their new content
when it reloads the app, so they never make a change kind of their own."""

IGNORED_PARTS = ("__pycache__", "node_modules")
IGNORED_SUFFIXES = (".pyc", ".pyo", ".swp", ".swx", ".tmp", "~")


def _watched(path: Path, top: Path) -> bool:
    """Whether a file under ``top`` is a source: not a cache, an editor's temporary or a hidden file."""
    parts = path.relative_to(top).parts
    if any(p.startswith(".") or p in IGNORED_PARTS for p in parts):
        return False
    name = parts[-1] if parts else path.name
    return not (name.endswith(IGNORED_SUFFIXES) or name.startswith("#"))


class SourceWatcher:
    """The files under ``sources`` (folders or files) and their modification times: :meth:`poll` says
    which were added, changed or removed since the last look. Nothing under ``ignore`` is watched (the
    build's output, when it is inside a watched folder: its own writes would trigger rebuilds)."""

    def __init__(self, sources: Iterable[Path], ignore: Iterable[Path] = ()) -> None:
        self.sources = [Path(s).resolve() for s in sources]
        self.ignore = [Path(p).resolve() for p in ignore]
        self._seen = self.scan()

    def scan(self) -> dict[Path, tuple[int, int]]:
        """Every watched file now, with its (mtime in ns, size)."""
        found: dict[Path, tuple[int, int]] = {}
        for top in self.sources:
            files = [top] if top.is_file() else (p for p in top.rglob("*") if _watched(p, top))
            for path in files:
                try:
                    st = path.stat()
                except OSError:
                    continue  # removed while we looked
                if path.is_file() and not any(path.is_relative_to(i) for i in self.ignore):
                    found[path] = (st.st_mtime_ns, st.st_size)
        return found

    def poll(self) -> list[Path]:
        """The files added, changed or removed since the last call (or since the watcher was made)."""
        now = self.scan()
        changed = sorted(p for p in now.keys() | self._seen.keys() if now.get(p) != self._seen.get(p))
        self._seen = now
        return changed


def update_for(changed: Iterable[str]) -> tuple[str, dict[str, Any]] | None:
    """The event that tells a page what to do about the site paths a rebuild ``changed`` (``-path`` for
    a removed file): ``(kind, data)`` or None when no page needs to know (see the module's docstring)."""
    paths = sorted(set(changed))
    wheels = [p for p in paths if p.startswith("wheels/") and p.endswith(".whl")]
    rest = [p for p in paths if p not in wheels and p not in BOOKKEEPING and not p.startswith("types/")]
    if not wheels and not rest:
        return None
    if wheels and not rest:
        return "python", {"wheels": wheels, "paths": paths}
    if not wheels and all(p.endswith(".css") and not p.startswith("-") for p in rest):
        return "css", {"stylesheets": rest, "paths": paths}
    return "reload", {"paths": paths}


@dataclass
class LiveServer:
    """A dev server with live reload, running on background threads (see :func:`live_server`)."""

    url: str
    hub: EventHub
    rebuilds: list[dict[str, Any]] = field(default_factory=list)
    """One record per rebuild: ``sources`` (changed), ``began`` (time.time()), ``seconds``, ``event`` (kind or
    None) or ``error``."""


def _watch_loop(watcher: SourceWatcher, rebuild: Callable[[], list[str]], server: LiveServer, stop: threading.Event,
                interval: float, log: Callable[[str], None]) -> None:
    while not stop.wait(interval):
        changed = watcher.poll()
        if not changed:
            continue
        while not stop.wait(SETTLE) and (more := watcher.poll()):
            changed += more
        started, began = time.monotonic(), time.time()
        try:
            site_changes = rebuild()
        except Exception as e:  # a dev loop outlives any failing build: the next save may fix it
            took = time.monotonic() - started
            message = str(e) or type(e).__name__
            server.rebuilds.append({"sources": [str(p) for p in changed], "seconds": took, "error": message})
            server.hub.publish("build-failed", {"message": message})
            log(f"rebuild failed ({took:.2f} s): {message}")
            continue
        took = time.monotonic() - started
        update = update_for(site_changes)
        record: dict[str, Any] = {"sources": [str(p) for p in changed], "began": began, "seconds": took,
                                  "event": update[0] if update else None}
        server.rebuilds.append(record)
        if update is None:
            log(f"rebuilt in {took:.2f} s: nothing the pages use changed")
            continue
        kind, data = update
        pages = server.hub.publish(kind, {**data, "rebuildMs": round(took * 1000)})
        log(f"rebuilt in {took:.2f} s: {len(site_changes)} file(s) changed; {kind} sent to {pages} page(s)")


@contextlib.contextmanager
def live_server(dist: Path, sources: list[Path], rebuild: Callable[[], list[str]], port: int = 0,
                base_path: str = "/", host: str = "127.0.0.1", interval: float = POLL_INTERVAL,
                log: Callable[[str], None] = lambda line: None) -> Iterator[LiveServer]:
    """Serve ``dist`` with live reload on background threads while the block runs; yields the
    :class:`LiveServer` (its ``url`` is the mount point's). ``rebuild()`` rebuilds the site and returns
    the site paths it changed; it is called on the watcher's thread, one rebuild at a time."""
    hub = EventHub()
    server = make_server(dist, port=port, host=host, base_path=base_path, quiet=True, events=hub)
    real_host, real_port = server.server_address[:2]
    live = LiveServer(f"http://{real_host}:{real_port}{normalize_base_path(base_path)}", hub)
    watcher = SourceWatcher(sources, ignore=[dist])
    stop = threading.Event()
    serving = threading.Thread(target=server.serve_forever, name="jsinterop-devserver", daemon=True)
    watching = threading.Thread(target=_watch_loop, args=(watcher, rebuild, live, stop, interval, log),
                                name="jsinterop-watch", daemon=True)
    serving.start()
    watching.start()
    try:
        yield live
    finally:
        stop.set()
        watching.join(timeout=60)  # a rebuild under way finishes first
        hub.close()
        server.shutdown()
        server.server_close()
        serving.join(timeout=5)


def watch_and_serve(dist: Path, sources: list[Path], rebuild: Callable[[], list[str]], port: int = 8000,
                    base_path: str = "/", host: str = "127.0.0.1") -> int:
    """``jsinterop serve``: serve the built site ``dist`` at ``http://host:port/base_path`` until Ctrl+C,
    watching ``sources`` (the app's package folder and static folder; files or folders) and calling
    ``rebuild()`` (which rebuilds ``dist`` and returns the site paths it changed, as the build's
    ``Dist.changed``) after each change; the open pages update themselves. Returns the exit status."""
    def log(line: str) -> None:
        print(f"jsinterop serve: {line}", flush=True)

    try:
        context = live_server(Path(dist), [Path(s) for s in sources], rebuild, port, base_path, host, log=log)
        live = context.__enter__()
    except (FileNotFoundError, ValueError, OSError) as e:
        print(f"jsinterop serve: {e}", file=sys.stderr)
        return 1
    shown = ", ".join(os.path.relpath(s) for s in sources)
    print(f"Serving {Path(dist).resolve()} at {live.url} with live reload, watching {shown} (Ctrl+C to stop)",
          flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        context.__exit__(None, None, None)
    return 0
