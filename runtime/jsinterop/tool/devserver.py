"""The development server for a built ``dist/``: ``python -m jsinterop.devserver dist --port 8000``.

It serves the folder the way the site must be served, so what works here works on a static host:

- correct MIME types (``application/wasm``, ``text/javascript`` for ``.mjs``);
- ``Cache-Control: no-cache`` (development: every load revalidates, nothing stale);
- the strict Content-Security-Policy :data:`CONTENT_SECURITY_POLICY` (``--no-csp`` leaves it out, for
  tests that the site is still safe on a host that sends none);
- history-API fallback: a path with no file extension that names no file gets the mount's
  ``index.html`` (with a ``<base href>`` of the mount, so its relative URLs still resolve); a
  missing asset (a path with an extension) gets 404;
- cross-origin isolation when the build asks for it (``[tool.jsinterop] isolation``, recorded in the
  dist's ``layout.mjs``): every response then carries ``Cross-Origin-Opener-Policy: same-origin`` and
  ``Cross-Origin-Embedder-Policy: <require-corp or credentialless>`` (:func:`isolation_headers`);
- every HTML page gets ``<meta name="jsinterop-environment" content="Development">``, which turns
  the loader's detailed errors on (Python tracebacks on errors of calls from JavaScript);
- an optional mount point (``--base-path /some/prefix/``) to try a sub-path deployment;
- a path whose real location (after symbolic links) is outside the folder, and outside the extra roots
  it is given (``--extra-root DIR``), is a 404;
- a client gets :data:`HEADER_TIMEOUT` seconds to send a request's line and headers (a response, however
  long, is not cut);
- with an :class:`~jsinterop.tool.live_events.EventHub` (``jsinterop serve``, :mod:`jsinterop.tool.watch`),
  the event stream at ``<mount>_jsinterop/events`` and, in every page,
  ``<meta name="jsinterop-live-reload" content="<its URL>">``, which tells the loader to connect to it.
"""

from __future__ import annotations

import argparse
import contextlib
import html
import http.server
import os
import posixpath
import re
import sys
import threading
import time
import urllib.parse
from collections.abc import Iterable, Iterator
from enum import Enum
from functools import partial
from pathlib import Path
from typing import Literal

from jsinterop.tool import release_layout
from jsinterop.tool.live_events import EVENTS_PATH, EventHub

__all__ = ["CONTENT_SECURITY_POLICY", "FROM_BUILD", "HEADER_TIMEOUT", "ISOLATIONS", "MIME_TYPES",
           "DevRequestHandler", "dist_isolation", "isolation_headers", "make_server", "running_server", "main"]

CONTENT_SECURITY_POLICY = ("default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; "
                           "base-uri 'self'; form-action 'self'")
"""The policy every page of the site must work under: no eval, no inline script, handler or style, no
``<base>`` that moves the page's URLs and no form posting to another origin."""

MIME_TYPES: dict[str, str] = {
    ".wasm": "application/wasm",
    ".mjs": "text/javascript",
    ".js": "text/javascript",
    ".json": "application/json",
    ".map": "application/json",
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
    ".txt": "text/plain; charset=utf-8",
    ".ts": "text/plain; charset=utf-8",
    ".zip": "application/zip",
    ".whl": "application/zip",
    ".data": "application/octet-stream",
}
"""Content types by file extension; anything else is ``application/octet-stream``."""

HEADER_TIMEOUT = 10.0
"""Seconds a client has to send a request's line and headers before its connection is closed."""

OBSERVER_PATH = "__jsinterop-test-observer.js"
"""Where a server made with an ``observer_script`` serves it, under the mount point."""

ISOLATIONS = ("require-corp", "credentialless")
"""The values of ``Cross-Origin-Embedder-Policy`` a site may be served cross-origin isolated with
(``[tool.jsinterop] isolation``): ``credentialless`` keeps cross-origin images without CORP working."""


class _FromBuild(Enum):
    FROM_BUILD = "the isolation the served build's layout.mjs records"


FROM_BUILD = _FromBuild.FROM_BUILD
"""``make_server(isolation=FROM_BUILD)`` (the default): send the headers the served build asks for."""

Isolation = str | None | Literal[_FromBuild.FROM_BUILD]
"""An ``isolation=`` argument: one of :data:`ISOLATIONS`, None (no COOP/COEP), or :data:`FROM_BUILD`."""


def isolation_headers(isolation: str | None) -> dict[str, str]:
    """The response headers that make a site cross-origin isolated with COEP ``isolation`` (one of
    :data:`ISOLATIONS`): COOP ``same-origin`` and that COEP; none for None. The one place they are
    spelled: the dev server sends them, and the release's nginx.conf and ``_headers`` write them."""
    if isolation is None:
        return {}
    if isolation not in ISOLATIONS:
        raise ValueError(f"isolation {isolation!r} is not a Cross-Origin-Embedder-Policy a site can be isolated "
                         f"with: use {' or '.join(map(repr, ISOLATIONS))}, or None for no COOP/COEP headers")
    return {"Cross-Origin-Opener-Policy": "same-origin", "Cross-Origin-Embedder-Policy": isolation}


def dist_isolation(directory: str | os.PathLike[str]) -> str | None:
    """The isolation the build in ``directory`` records (``ISOLATION`` of the layout module its loader
    imports, development build or release), or None when it records none (or is no build of ours)."""
    layout = release_layout.site_layout(Path(directory))
    return None if layout is None else release_layout.isolation_of(layout)


_HEAD_TAG = re.compile(rb"<head(\s[^>]*)?>", re.IGNORECASE)
_ENVIRONMENT_META = b'<meta name="jsinterop-environment" content="Development">'
"""Added to every HTML page served: the loader then turns detailed errors on by default."""



def normalize_base_path(base_path: str) -> str:
    """``"some/prefix"`` -> ``"/some/prefix/"``; the mount point always starts and ends with ``/``. Only
    plain path characters: a space, ``?``, ``#``, a quote, ``<`` or a backslash could never be served
    (and a release puts the base path into nginx.conf and HTML)."""
    if not re.fullmatch(r"[A-Za-z0-9._~/-]*", base_path):
        raise ValueError(f"base path {base_path!r} must be a plain URL path such as /some/prefix/ "
                         "(letters, digits, '.', '_', '~', '-')")
    parts = [p for p in base_path.split("/") if p]
    if any(p in (".", "..") for p in parts):
        raise ValueError(f"base path {base_path!r} must not contain '.' or '..' segments")
    return "/" + "".join(p + "/" for p in parts)


class _HeaderDeadline:
    """A request's input while its line and headers are read: no read waits past ``deadline``."""

    def __init__(self, rfile, connection, deadline: float) -> None:
        self.rfile, self.connection, self.deadline = rfile, connection, deadline

    def readline(self, limit: int = -1) -> bytes:
        """A line, read one receive at a time, each waiting only for what is left until the deadline
        (a client that sends a byte at a time cannot hold the connection longer)."""
        line = bytearray()
        while limit < 0 or len(line) < limit:
            remaining = self.deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("the request's line and headers did not arrive in time")
            self.connection.settimeout(remaining)
            chunk = self.rfile.peek(1)  # what is buffered, or one receive
            if not chunk:
                break
            end = chunk.find(b"\n")
            n = len(chunk) if end < 0 else end + 1
            line += self.rfile.read(n if limit < 0 else min(n, limit - len(line)))
            if line.endswith(b"\n"):
                break
        return bytes(line)

    def __getattr__(self, name: str):
        return getattr(self.rfile, name)


class DevRequestHandler(http.server.SimpleHTTPRequestHandler):
    """Serves ``directory`` under ``base_path`` with the headers and fallback described above."""

    protocol_version = "HTTP/1.1"  # keep-alive: a boot makes a dozen requests
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, **MIME_TYPES}
    base_path = "/"
    quiet = False
    csp = True
    header_timeout: float | None = HEADER_TIMEOUT
    roots: tuple[str, ...] = ()
    """The real folders whose files may be served: ``directory`` and the extra roots."""
    events: EventHub | None = None
    """The live-reload event stream's hub, when the server has one."""
    observer_script: bytes | None = None
    """A script (tests only) served at :data:`OBSERVER_PATH` and put first in every page's ``<head>``."""

    def __init__(self, *args, base_path: str = "/", quiet: bool = False, csp: bool = True,
                 header_timeout: float | None = HEADER_TIMEOUT, roots: tuple[str, ...] = (),
                 events: EventHub | None = None, observer_script: bytes | None = None, **kwargs) -> None:
        self.base_path = normalize_base_path(base_path)
        self.events = events
        self.observer_script = observer_script
        self.quiet = quiet
        self.csp = csp
        self.header_timeout = header_timeout
        self.roots = roots or (os.path.realpath(kwargs.get("directory") or os.getcwd()),)
        super().__init__(*args, **kwargs)

    def handle_one_request(self) -> None:
        """One request, whose line and headers must arrive within :attr:`header_timeout` seconds."""
        if self.header_timeout is not None and not isinstance(self.rfile, _HeaderDeadline):
            self.rfile = _HeaderDeadline(self.rfile, self.connection, time.monotonic() + self.header_timeout)
        super().handle_one_request()

    def parse_request(self) -> bool:
        try:
            return super().parse_request()
        finally:  # the headers are in: the response takes as long as it takes
            if isinstance(self.rfile, _HeaderDeadline):
                self.rfile = self.rfile.rfile
                self.connection.settimeout(None)

    def finish(self) -> None:
        if isinstance(self.rfile, _HeaderDeadline):
            self.rfile = self.rfile.rfile
        super().finish()

    def _servable(self, fs_path: Path) -> bool:
        """Whether the real location of ``fs_path`` is in the served folder or an extra root."""
        real = os.path.realpath(fs_path)
        return any(real == root or real.startswith(root.rstrip(os.sep) + os.sep) for root in self.roots)

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-cache")
        if self.csp:
            self.send_header("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        self.send_header("X-Content-Type-Options", "nosniff")
        for name, value in isolation_headers(getattr(self.server, "isolation", None)).items():
            self.send_header(name, value)
        super().end_headers()

    def log_message(self, format: str, *args) -> None:  # noqa: A002 (the base class's name)
        if not self.quiet:
            super().log_message(format, *args)

    def guess_type(self, path: str | os.PathLike[str]) -> str:
        return MIME_TYPES.get(Path(path).suffix.lower(), "application/octet-stream")

    # --- routing -------------------------------------------------------------------------------

    def _route(self) -> tuple[str, str | None]:
        """Decide what the request gets: ("file", None), ("fallback", index path) or ("404", None)."""
        path = urllib.parse.urlsplit(self.path).path
        if not (path + "/").startswith(self.base_path):
            return "404", None
        decoded = urllib.parse.unquote(path[len(self.base_path):])
        if decoded.startswith("/") or "\\" in decoded or "\0" in decoded:
            return "404", None  # an encoded absolute path (/%2Fetc): never a file of the site
        relative = posixpath.normpath(decoded or ".")
        if relative.startswith(".."):
            return "404", None
        fs_path = Path(self.directory, relative)
        if not self._servable(fs_path):
            return "404", None  # a link that leads out of the served folders
        if fs_path.is_file() or (fs_path.is_dir() and (fs_path / "index.html").is_file()):
            return "file", None
        if fs_path.is_dir() and not path.endswith("/"):
            return "file", None  # the base class redirects to the path with a slash
        last = relative.rsplit("/", 1)[-1]
        if "." in last:
            return "404", None  # a missing asset: never answer it with HTML
        index = Path(self.directory, "index.html")
        return ("fallback", str(index)) if index.is_file() else ("404", None)

    def translate_path(self, path: str) -> str:
        path = urllib.parse.urlsplit(path).path
        if (path + "/").startswith(self.base_path):
            path = "/" + path[len(self.base_path):]
        return super().translate_path(path)

    def _serve(self, head_only: bool) -> None:
        if self.events is not None and urllib.parse.urlsplit(self.path).path == self.base_path + EVENTS_PATH:
            self._send_events(self.events, head_only)
            return
        if self.observer_script is not None and urllib.parse.urlsplit(self.path).path == self.base_path + OBSERVER_PATH:
            self._send_bytes(self.observer_script, MIME_TYPES[".js"], head_only)
            return
        kind, index = self._route()
        if kind == "404":
            self.send_error(404, "Not Found")
            return
        if kind == "file":
            page = self._html_file()
            if page is None:
                super().do_HEAD() if head_only else super().do_GET()
                return
            index = str(page)
        self._send_html(Path(index), fallback=kind == "fallback", head_only=head_only)

    def _html_file(self) -> Path | None:
        """The HTML file a "file" request names (a page, or a folder's index.html), else None."""
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
            if not self.path.split("?", 1)[0].endswith("/"):
                return None  # the base class redirects to the folder's URL first
        return path if path.suffix == ".html" and path.is_file() else None

    def _send_html(self, page: Path, fallback: bool, head_only: bool) -> None:
        """Serve a page marked as served by the development server; a fallback page also gets a
        ``<base href>`` of the mount so that its relative URLs resolve from any deep link."""
        body = page.read_bytes()
        extra = b""
        if self.observer_script is not None:  # first, so that it runs before any script of the page
            extra += f'<script src="{html.escape(self.base_path + OBSERVER_PATH)}"></script>'.encode()
        extra += _ENVIRONMENT_META
        if self.events is not None:
            extra += f'<meta name="jsinterop-live-reload" content="{html.escape(self.base_path + EVENTS_PATH)}">'.encode()
        if fallback and b"<base" not in body.lower():
            extra += f'<base href="{html.escape(self.base_path)}">'.encode()
        body = _HEAD_TAG.sub(lambda m: m.group(0) + extra, body, count=1)
        self._send_bytes(body, MIME_TYPES[".html"], head_only)

    def _send_bytes(self, body: bytes, content_type: str, head_only: bool) -> None:
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not head_only:
            self.wfile.write(body)

    def _send_events(self, events: EventHub, head_only: bool) -> None:
        """The live-reload event stream (text/event-stream), open until the client leaves or the hub
        closes; the connection is not reused after it."""
        self.close_connection = True
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Connection", "close")
        self.end_headers()
        if head_only:
            return
        stream = events.stream()
        try:
            for chunk in stream:
                self.wfile.write(chunk)
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            pass  # the page went away
        finally:
            stream.close()

    def do_GET(self) -> None:
        self._serve(head_only=False)

    def do_HEAD(self) -> None:
        self._serve(head_only=True)


class DevServer(http.server.ThreadingHTTPServer):
    """A threading HTTP server whose threads never block interpreter exit."""

    daemon_threads = True
    header_timeout: float | None = HEADER_TIMEOUT
    """Seconds a client has to send a request's line and headers (see :func:`make_server`)."""
    isolation: str | None = None
    """The COEP every response is cross-origin isolated with (:func:`isolation_headers`), or None."""

    def handle_error(self, request, client_address) -> None:
        """A browser that goes away mid-download is normal; anything else is reported."""
        if isinstance(sys.exc_info()[1], (ConnectionResetError, BrokenPipeError)):
            return
        super().handle_error(request, client_address)


def make_server(directory: str | os.PathLike[str], port: int = 8000, host: str = "127.0.0.1",
                base_path: str = "/", quiet: bool = False, csp: bool = True,
                extra_roots: Iterable[str | os.PathLike[str]] = (),
                header_timeout: float | None = HEADER_TIMEOUT, events: EventHub | None = None,
                observer_script: str | None = None,
                handler_class: type[DevRequestHandler] = DevRequestHandler,
                isolation: Isolation = FROM_BUILD) -> DevServer:
    """Create (but do not start) a server for ``directory``; ``port=0`` picks a free port; ``csp=False``
    sends no Content-Security-Policy (to test what a page does on a host that sends none); ``events``
    gives it the live-reload event stream (see the module's docstring).

    ``isolation`` is the COEP every response is cross-origin isolated with (with COOP ``same-origin``:
    :func:`isolation_headers`), None for none; by default what the build in ``directory`` records
    (:func:`dist_isolation`: the app's ``[tool.jsinterop] isolation``), read when the server is made.

    Files are served from ``directory`` and, through symbolic links in it, from ``extra_roots`` (such
    as the ``dist/`` a test folder of links points into); a link that leads elsewhere is a 404. A
    client has ``header_timeout`` seconds (None: forever) to send a request's line and headers.
    ``observer_script`` (tests only) is served at :data:`OBSERVER_PATH` under the mount and loaded first in
    every page's ``<head>``: a same-origin script, so the strict CSP allows it, for engines whose driver
    cannot install one before the page's scripts (WebKitGTK). ``handler_class`` (tests) is a subclass of
    :class:`DevRequestHandler` that answers some requests its own way."""
    directory = Path(directory).resolve()
    if not directory.is_dir():
        raise FileNotFoundError(f"{directory} is not a folder: build it first (./build.sh)")
    base_path = normalize_base_path(base_path)  # refused now rather than on every request
    chosen = dist_isolation(directory) if isolation is FROM_BUILD else isolation
    isolation_headers(chosen)  # a value no browser knows is refused now too
    roots = tuple(os.path.realpath(root) for root in (directory, *extra_roots))
    handler = partial(handler_class, directory=str(directory), base_path=base_path, quiet=quiet, csp=csp,
                      header_timeout=header_timeout, roots=roots, events=events,
                      observer_script=None if observer_script is None else observer_script.encode())
    server = DevServer((host, port), handler)
    server.header_timeout = header_timeout
    server.isolation = chosen
    return server


@contextlib.contextmanager
def running_server(directory: str | os.PathLike[str], base_path: str = "/", port: int = 0,
                   csp: bool = True, extra_roots: Iterable[str | os.PathLike[str]] = (),
                   header_timeout: float | None = HEADER_TIMEOUT, events: EventHub | None = None,
                   observer_script: str | None = None,
                   handler_class: type[DevRequestHandler] = DevRequestHandler,
                   isolation: Isolation = FROM_BUILD) -> Iterator[str]:
    """Serve ``directory`` on a background thread; yields the URL of the mount point. ``csp=False``
    leaves the Content-Security-Policy header out; ``events`` adds the live-reload event stream (closed
    when the server stops); ``isolation`` as :func:`make_server` has it (default: what the build says)."""
    server = make_server(directory, port=port, base_path=base_path, quiet=True, csp=csp, extra_roots=extra_roots,
                         header_timeout=header_timeout, events=events, observer_script=observer_script,
                         handler_class=handler_class, isolation=isolation)
    thread = threading.Thread(target=server.serve_forever, name="jsinterop-devserver", daemon=True)
    thread.start()
    try:
        host, real_port = server.server_address[:2]
        yield f"http://{host}:{real_port}{normalize_base_path(base_path)}"
    finally:
        if events is not None:
            events.close()  # its streams would hold their threads
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def served_as(isolation: str | None) -> str:
    """How a server's start line tells the isolation it serves with: `` cross-origin isolated (COEP ...)``
    or nothing."""
    return "" if isolation is None else f" cross-origin isolated (COOP same-origin, COEP {isolation})"


def main(argv: list[str] | None = None) -> int:
    """Command line: serve a folder until interrupted."""
    parser = argparse.ArgumentParser(prog="python -m jsinterop.devserver", description=__doc__.splitlines()[0])
    parser.add_argument("directory", nargs="?", default="dist", help="the built site (default: dist)")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", 8000)))
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--base-path", default="/", help="serve under this sub-path, e.g. /some/prefix/")
    parser.add_argument("--no-csp", action="store_true",
                        help="send no Content-Security-Policy (to test the site on a host that sends none)")
    parser.add_argument("--extra-root", action="append", default=[], metavar="DIR",
                        help="also serve files that symbolic links in the folder lead to under DIR (repeatable)")
    parser.add_argument("--header-timeout", type=float, default=HEADER_TIMEOUT, metavar="SECONDS",
                        help=f"close a connection whose request headers take longer (default {HEADER_TIMEOUT:g})")
    parser.add_argument("--isolation", choices=[*ISOLATIONS, "off"], default=None,
                        help="serve cross-origin isolated with this COEP (with COOP same-origin), or not at all "
                             "(off); default: what the build records ([tool.jsinterop] isolation)")
    args = parser.parse_args(argv)
    isolation: Isolation = FROM_BUILD if args.isolation is None else None if args.isolation == "off" else args.isolation
    try:
        server = make_server(args.directory, args.port, args.host, args.base_path, csp=not args.no_csp,
                             extra_roots=args.extra_root, header_timeout=args.header_timeout, isolation=isolation)
    except (FileNotFoundError, ValueError, OSError) as e:
        print(f"devserver: {e}", file=sys.stderr)
        return 1
    print(f"Serving {Path(args.directory).resolve()} at http://{args.host}:{server.server_address[1]}"
          f"{normalize_base_path(args.base_path)}{served_as(server.isolation)} (Ctrl+C to stop)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
