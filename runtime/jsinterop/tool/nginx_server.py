"""nginx serving a release the way a user's server would: ``dist/nginx.conf`` included in the
location of a sub-path, on a free loopback port, run without root's files (its own prefix, pid file
and logs in a temporary folder, ``daemon off``), for the tests and the bench.

    with serving(release_dir, "/jsi/") as server:
        urllib.request.urlopen(server.url + "index.html")
"""

from __future__ import annotations

import contextlib
import html
import os
import shutil
import socket
import subprocess
import tempfile
import time
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from jsinterop.tool import hosting
from jsinterop.tool.devserver import OBSERVER_PATH

BROTLI_MODULE = Path("/usr/lib/nginx/modules/ngx_http_brotli_static_module.so")
"""Where Debian's libnginx-mod-http-brotli-static puts ngx_brotli's static module."""


class NginxError(RuntimeError):
    """nginx is missing or did not start; the message says why (with its error log)."""


@dataclass(frozen=True)
class NginxServer:
    """A running nginx: the URL of the site's sub-path, and whether it serves the ``.br`` files."""

    url: str
    brotli: bool
    prefix: Path

    def error_log(self) -> str:
        """What nginx logged so far (warnings and errors)."""
        log = self.prefix / "error.log"
        return log.read_text() if log.exists() else ""


def nginx_binary() -> str:
    """The nginx executable; a clear error when it is not installed."""
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if os.access("/usr/sbin/nginx", os.X_OK) else None)
    if found is None:
        raise NginxError("nginx is missing: ./build.sh test installs it "
                         "(as root: apt-get install nginx libnginx-mod-http-brotli-static)")
    return found


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_conf(dist: Path, include: Path, prefix: Path, port: int, base_path: str, brotli: bool,
                observer: Path | None = None) -> str:
    """A whole nginx configuration: one server on ``port`` whose location ``base_path`` serves ``dist``
    with ``include`` (the release's nginx.conf) inside it, and the bare prefix redirected to it, as the
    include's own comment shows; ``observer`` (tests only) is served at the dev server's ``OBSERVER_PATH``."""
    temp = prefix / "temp"
    user = "user root;\n" if os.geteuid() == 0 else ""  # workers as root can read a private temp folder
    module = f"load_module {BROTLI_MODULE};\n" if brotli else ""
    return f"""\
{module}{user}daemon off;
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 128; }}
http {{
    access_log {prefix}/access.log;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    sendfile on;
    server {{
        listen 127.0.0.1:{port};
        server_name localhost;
        {hosting.bare_prefix_redirect(base_path)}
        {_observer_location(base_path, observer)}location {base_path} {{
            alias {dist}/;
            include {include};
        }}
    }}
}}
"""


def _observer_location(base_path: str, observer: Path | None) -> str:
    if observer is None:
        return ""
    return (f"location = {base_path}{OBSERVER_PATH} {{ alias {observer}; default_type text/javascript; "
            "add_header Cache-Control no-cache; }\n        ")


def with_observer(include: str, base_path: str) -> str:
    """The release's nginx include, with the entry page loading the test observer first in its ``<head>``
    (the include already rewrites that tag, to add the ``<base href>``)."""
    tag = '<head><script src=\\"' + html.escape(base_path + OBSERVER_PATH) + '\\"></script>'
    rewritten = include.replace('sub_filter "<head>" "<head>', 'sub_filter "<head>" "' + tag, 1)
    if rewritten == include:
        raise NginxError("the release's nginx.conf has no sub_filter of <head> to load the test observer from")
    return rewritten


def _wait_until_listening(proc: subprocess.Popen, port: int, prefix: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            log = (prefix / "error.log").read_text() if (prefix / "error.log").exists() else ""
            raise NginxError(f"nginx exited with code {proc.returncode}:\n{proc.stderr.read() if proc.stderr else ''}{log}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return
        time.sleep(0.05)
    raise NginxError(f"nginx did not listen on 127.0.0.1:{port} within {timeout:.0f} s")


@contextlib.contextmanager
def serving(dist: Path, base_path: str = "/", timeout: float = 10,
            observer_script: str | None = None) -> Iterator[NginxServer]:
    """Serve the release in ``dist`` with its nginx.conf under ``base_path`` until the block ends.

    Without ngx_brotli's static module the include's brotli lines are dropped (gzip_static alone)
    and a warning says so. ``observer_script`` (tests only; see the dev server's option of that name) is
    loaded first by the entry page (index.html and the client-side routes), not by the other pages."""
    binary = nginx_binary()
    base = hosting.normalize_base_path(base_path)
    include = Path(dist).resolve() / "nginx.conf"
    if not include.is_file():
        raise NginxError(f"{include} is missing: build the release first (./build.sh release)")
    brotli = BROTLI_MODULE.exists()
    with tempfile.TemporaryDirectory(prefix="jsinterop-nginx-") as tmp:
        prefix = Path(tmp)
        (prefix / "temp").mkdir()
        shipped = include.read_text()
        text = shipped
        observer = None
        if observer_script is not None:
            observer = prefix / "observer.js"
            observer.write_text(observer_script)
            text = with_observer(text, base)
        if not brotli:
            warnings.warn("nginx has no brotli_static module (libnginx-mod-http-brotli-static): serving .gz only",
                          stacklevel=2)
            text = hosting.without_brotli(text)
        if text != shipped:
            include = prefix / "nginx-include.conf"
            include.write_text(text)
        for attempt in range(3):
            port = free_port()
            (prefix / "nginx.conf").write_text(server_conf(Path(dist).resolve(), include, prefix, port, base, brotli,
                                                                  observer))
            proc = subprocess.Popen([binary, "-p", str(prefix), "-c", str(prefix / "nginx.conf"),
                                     "-e", str(prefix / "error.log")],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            try:
                _wait_until_listening(proc, port, prefix, timeout)
                break
            except NginxError:
                proc.kill()
                proc.wait()
                if attempt == 2 or "Address already in use" not in (prefix / "error.log").read_text():
                    raise
        try:
            yield NginxServer(f"http://127.0.0.1:{port}{base}", brotli, prefix)
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
