"""Live reload on the host (CPython): the source watcher, the kinds of update, the dev server's event
stream and the watch loop that connects them (jsinterop.tool.watch, jsinterop.tool.live_events)."""

from __future__ import annotations

import http.client
import json
import os
import threading
import urllib.parse
from pathlib import Path

import pytest

from jsinterop.tool.devserver import running_server
from jsinterop.tool.live_events import EVENTS_PATH, EventHub, format_event
from jsinterop.tool.watch import SourceWatcher, live_server, update_for

PAGE = "<!doctype html><html><head><title>t</title></head><body></body></html>"


def touch(path: Path, text: str) -> None:
    """Write ``text`` and move the modification time on (file systems with coarse clocks)."""
    before = path.stat().st_mtime_ns if path.exists() else 0
    path.write_text(text)
    if path.stat().st_mtime_ns == before:
        os.utime(path, ns=(before + 1_000_000, before + 1_000_000))


def test_the_watcher_sees_edits_additions_and_removals_but_not_caches(tmp_path):
    app = tmp_path / "app"
    app.mkdir()
    touch(app / "__init__.py", "x = 1\n")
    touch(app / "style.css", "p {}\n")
    watcher = SourceWatcher([app])
    assert watcher.poll() == []
    touch(app / "__init__.py", "x = 2\n")
    touch(app / "page.py", "y = 1\n")
    (app / "style.css").unlink()
    (app / "__pycache__").mkdir()
    touch(app / "__pycache__" / "page.cpython-313.pyc", "")
    touch(app / ".page.py.swp", "")
    touch(app / "page.py~", "")
    (app / ".mypy_cache").mkdir()
    touch(app / ".mypy_cache" / "x.json", "{}")
    assert watcher.poll() == [app / "__init__.py", app / "page.py", app / "style.css"]
    assert watcher.poll() == []


def test_the_build_output_inside_a_watched_folder_is_not_watched(tmp_path):
    touch(tmp_path / "index.html", "<p>\n")
    (tmp_path / "dist").mkdir()
    watcher = SourceWatcher([tmp_path], ignore=[tmp_path / "dist"])
    touch(tmp_path / "dist" / "index.html", "<p>\n")
    assert watcher.poll() == []
    touch(tmp_path / "index.html", "<p>2\n")
    assert watcher.poll() == [tmp_path / "index.html"]


@pytest.mark.parametrize(("changed", "expected"), [
    ([], None),
    (["layout.mjs", "pyodide-lock.json", "types/app.typed_demo.d.ts"], None),
    (["wheels/app-0.1.0-py3-none-any.whl", "layout.mjs", "pyodide-lock.json"],
     ("python", {"wheels": ["wheels/app-0.1.0-py3-none-any.whl"],
                 "paths": ["layout.mjs", "pyodide-lock.json", "wheels/app-0.1.0-py3-none-any.whl"]})),
    (["style.css", "bench/bench.css"], ("css", {"stylesheets": ["bench/bench.css", "style.css"],
                                               "paths": ["bench/bench.css", "style.css"]})),
    (["index.html"], ("reload", {"paths": ["index.html"]})),
    (["app/weather.js"], ("reload", {"paths": ["app/weather.js"]})),
    (["-old.css"], ("reload", {"paths": ["-old.css"]})),
    (["style.css", "wheels/app-0.1.0-py3-none-any.whl"],
     ("reload", {"paths": ["style.css", "wheels/app-0.1.0-py3-none-any.whl"]})),
])
def test_each_kind_of_change_gets_its_update(changed, expected):
    assert update_for(changed) == expected


def test_an_event_has_one_name_and_its_data_as_one_line_of_json():
    assert format_event("python", {"a": [1, "x\ny"]}) == b'event: python\ndata: {"a":[1,"x\\ny"]}\n\n'
    with pytest.raises(ValueError, match="one word"):
        format_event("a\nb", {})


class Stream:
    """A client of the event stream: reads one event (name, data) at a time."""

    def __init__(self, url: str) -> None:
        parts = urllib.parse.urlsplit(url)
        self.conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        self.conn.request("GET", parts.path)
        self.response = self.conn.getresponse()

    def next(self) -> tuple[str, dict]:
        name = data = None
        while True:
            line = self.response.fp.readline().decode()
            if line.startswith("event: "):
                name = line[7:].strip()
            elif line.startswith("data: "):
                data = json.loads(line[6:])
            elif line == "\n" and name is not None:
                return name, data

    def close(self) -> None:
        self.conn.close()


def get(url: str) -> tuple[int, bytes]:
    parts = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        conn.request("GET", parts.path)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


@pytest.fixture
def site(tmp_path) -> tuple[Path, Path]:
    dist, sources = tmp_path / "dist", tmp_path / "src"
    dist.mkdir()
    sources.mkdir()
    (dist / "index.html").write_text(PAGE)
    touch(sources / "__init__.py", "x = 1\n")
    return dist, sources


def test_the_watch_loop_rebuilds_after_an_edit_and_tells_the_pages(site):
    dist, sources = site
    answers = [["wheels/app-0.1.0-py3-none-any.whl", "layout.mjs"], RuntimeError("app/__init__.py: invalid syntax")]
    called = threading.Event()

    def rebuild() -> list[str]:
        called.set()
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    with live_server(dist, [sources], rebuild, base_path="/sub/") as live:
        status, page = get(live.url)
        assert status == 200
        assert b'<meta name="jsinterop-live-reload" content="/sub/_jsinterop/events">' in page
        stream = Stream(live.url + EVENTS_PATH)
        try:
            assert stream.response.getheader("Content-Type") == "text/event-stream"
            assert "default-src 'self'" in stream.response.getheader("Content-Security-Policy")
            assert stream.next() == ("hello", {"run": live.hub.run})
            assert not called.is_set()  # nothing changed yet: no rebuild
            touch(sources / "__init__.py", "x = 2\n")
            name, data = stream.next()
            assert name == "python" and data["wheels"] == ["wheels/app-0.1.0-py3-none-any.whl"]
            assert isinstance(data["rebuildMs"], int)
            touch(sources / "__init__.py", "x = (\n")
            assert stream.next() == ("build-failed", {"message": "app/__init__.py: invalid syntax"})
        finally:
            stream.close()
    assert [r.get("event", r.get("error")) for r in live.rebuilds] == ["python", "app/__init__.py: invalid syntax"]


def test_streams_end_when_the_server_stops(site):
    dist, _ = site
    hub = EventHub()
    with running_server(dist, events=hub) as url:
        stream = Stream(url + EVENTS_PATH)
        assert stream.next()[0] == "hello"
        assert hub.publish("reload", {"paths": ["index.html"]}) == 1
        assert stream.next() == ("reload", {"paths": ["index.html"]})
    assert stream.response.fp.readline() == b""  # closed by the server
    stream.close()
    assert hub.listeners == 0


def test_a_server_without_live_reload_has_no_stream_and_no_meta(site):
    dist, _ = site
    with running_server(dist) as url:
        status, body = get(url + EVENTS_PATH)  # a client-side route, as on a static host: the page
        assert status == 200 and body.startswith(b"<!doctype html>") and b"jsinterop-live-reload" not in body
        assert b"jsinterop-live-reload" not in get(url)[1]
