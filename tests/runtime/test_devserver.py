"""The dev server: MIME types, no-cache, the strict CSP, history-API fallback, sub-path mounts."""

from __future__ import annotations

import http.client
import urllib.parse

import pytest

from jsinterop.devserver import CONTENT_SECURITY_POLICY, normalize_base_path, running_server

INDEX = b"<!doctype html><html><head><title>t</title></head><body>index</body></html>"
DEV = b'<meta name="jsinterop-environment" content="Development">'
SERVED_INDEX = INDEX.replace(b"<head>", b"<head>" + DEV)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("site")
    (root / "index.html").write_bytes(INDEX)
    (root / "pyodide.asm.wasm").write_bytes(b"\0asm\1\0\0\0")
    (root / "jsinterop.mjs").write_text("export const x = 1;\n")
    (root / "pyodide.js").write_text("var x;\n")
    (root / "pyodide-lock.json").write_text("{}")
    (root / "python_stdlib.zip").write_bytes(b"PK\5\6" + b"\0" * 18)
    (root / "wheels").mkdir()
    (root / "wheels" / "a-1.0-py3-none-any.whl").write_bytes(b"PK")
    (root / "docs").mkdir()
    (root / "docs" / "index.html").write_bytes(b"<html><head></head><body>docs</body></html>")
    return root


def get(url: str, method: str = "GET") -> tuple[int, dict[str, str], bytes]:
    parts = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        conn.request(method, parts.path + (f"?{parts.query}" if parts.query else ""))
        resp = conn.getresponse()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
    finally:
        conn.close()


@pytest.fixture(scope="module")
def root_url(site):
    with running_server(site) as url:
        yield url


@pytest.fixture(scope="module")
def prefix_url(site):
    with running_server(site, base_path="/some/prefix/") as url:
        yield url


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("pyodide.asm.wasm", "application/wasm"),
        ("jsinterop.mjs", "text/javascript"),
        ("pyodide.js", "text/javascript"),
        ("pyodide-lock.json", "application/json"),
        ("python_stdlib.zip", "application/zip"),
        ("wheels/a-1.0-py3-none-any.whl", "application/zip"),
        ("index.html", "text/html; charset=utf-8"),
    ],
)
def test_mime_types(root_url, path, content_type):
    status, headers, _ = get(root_url + path)
    assert status == 200
    assert headers["content-type"] == content_type


def test_development_headers_on_every_response(root_url):
    for path in ("", "jsinterop.mjs", "client/route", "missing.js"):
        _, headers, _ = get(root_url + path)
        assert headers["cache-control"] == "no-cache", path
        assert headers["content-security-policy"] == CONTENT_SECURITY_POLICY, path
        assert headers["x-content-type-options"] == "nosniff", path


def test_csp_is_the_strict_policy():
    assert CONTENT_SECURITY_POLICY == ("default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; "
                                       "base-uri 'self'; form-action 'self'")
    assert "unsafe-inline" not in CONTENT_SECURITY_POLICY
    assert "'unsafe-eval'" not in CONTENT_SECURITY_POLICY


def test_the_test_server_can_leave_the_policy_out(site):
    # For tests that a page is safe where a host sends no CSP: everything else is the same.
    with running_server(site, csp=False) as url:
        for path in ("", "jsinterop.mjs", "client/route", "missing.js"):
            _, headers, body = get(url + path)
            assert "content-security-policy" not in headers, path
            assert headers["cache-control"] == "no-cache" and headers["x-content-type-options"] == "nosniff", path
        assert get(url)[2] == SERVED_INDEX


def test_root_serves_index_marked_as_development(root_url):
    status, _, body = get(root_url)
    assert status == 200 and body == SERVED_INDEX
    assert get(root_url + "index.html")[2] == SERVED_INDEX
    assert get(root_url + "docs/")[2] == b"<html><head>" + DEV + b"</head><body>docs</body></html>"


@pytest.mark.parametrize("path", ["alert-user", "item/42", "deep/client/route", "alert-user?x=1"])
def test_history_fallback_serves_index_with_base(root_url, path):
    status, headers, body = get(root_url + path)
    assert status == 200
    assert headers["content-type"].startswith("text/html")
    assert body == INDEX.replace(b"<head>", b'<head>' + DEV + b'<base href="/">')


@pytest.mark.parametrize("path", ["missing.js", "wheels/missing.whl", "deep/route/app.css", "favicon.ico"])
def test_missing_asset_is_404(root_url, path):
    status, headers, body = get(root_url + path)
    assert status == 404
    assert b"index" not in body


def test_head_requests(root_url):
    status, headers, body = get(root_url + "pyodide.asm.wasm", "HEAD")
    assert (status, headers["content-length"], body) == (200, "8", b"")
    status, headers, body = get(root_url + "client/route", "HEAD")
    assert status == 200 and body == b"" and int(headers["content-length"]) > len(SERVED_INDEX)


def test_revalidation_gives_304(root_url):
    _, headers, _ = get(root_url + "pyodide.asm.wasm")
    parts = urllib.parse.urlsplit(root_url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    conn.request("GET", "/pyodide.asm.wasm", headers={"If-Modified-Since": headers["last-modified"]})
    assert conn.getresponse().status == 304
    conn.close()


def test_directory_index_and_traversal(root_url):
    assert get(root_url + "docs/")[2].startswith(b"<html><head>" + DEV)
    assert get(root_url + "docs")[0] == 301
    assert get(root_url + "../../etc/passwd")[0] == 404
    assert get(root_url + "%2e%2e/%2e%2e/etc/passwd")[0] == 404


def test_sub_path_mount(prefix_url):
    assert prefix_url.endswith("/some/prefix/")
    assert get(prefix_url)[2] == SERVED_INDEX
    assert get(prefix_url + "pyodide.asm.wasm")[1]["content-type"] == "application/wasm"
    status, _, body = get(prefix_url + "deep/link")
    assert status == 200 and body == INDEX.replace(b"<head>", b'<head>' + DEV + b'<base href="/some/prefix/">')
    origin = prefix_url[: -len("/some/prefix/")]
    assert get(origin + "/index.html")[0] == 404
    assert get(origin + "/other/route")[0] == 404
    assert get(prefix_url + "missing.mjs")[0] == 404


@pytest.mark.parametrize(("given", "expected"), [("/", "/"), ("", "/"), ("a/b", "/a/b/"), ("/a//b/", "/a/b/")])
def test_normalize_base_path(given, expected):
    assert normalize_base_path(given) == expected


def test_normalize_base_path_rejects_dots():
    with pytest.raises(ValueError, match="must not contain"):
        normalize_base_path("/a/../b")


def test_the_command_line_serves_without_the_policy_when_asked(site):
    import subprocess
    import sys

    process = subprocess.Popen([sys.executable, "-m", "jsinterop.devserver", str(site), "--port", "0", "--no-csp"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = process.stdout.readline()  # "Serving <dir> at http://127.0.0.1:<port>/ (Ctrl+C to stop)"
        url = line.split(" at ", 1)[1].split()[0]
        status, headers, _ = get(url + "jsinterop.mjs")
        assert status == 200 and "content-security-policy" not in headers
    finally:
        process.terminate()
        process.wait(timeout=10)
