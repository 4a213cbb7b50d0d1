"""The dev server: MIME types, no-cache, the strict CSP, history-API fallback, sub-path mounts."""

from __future__ import annotations

import http.client
import select
import socket
import time
import urllib.parse

import pytest

from jsinterop.tool import devserver, release_layout
from jsinterop.tool.devserver import CONTENT_SECURITY_POLICY, make_server, normalize_base_path, running_server

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


@pytest.mark.parametrize("base_path", ["/a b/", "/a?b/", "/a#b/", '/a"b/', "/a'b/", "/a<b/", "/a\\b/", "/caf\u00e9/"])
def test_a_base_path_that_can_never_be_served_is_refused_at_start(site, base_path, capsys):
    with pytest.raises(ValueError, match="must be a plain URL path"):
        make_server(site, port=0, base_path=base_path)
    assert devserver.main([str(site), "--port", "0", "--base-path", base_path]) == 1
    assert "must be a plain URL path" in capsys.readouterr().err


@pytest.mark.parametrize("path", ["%2Fetc", "%2Fno-such-dir", "%2Fetc%2Fpasswd", "%2F%2Fetc", "docs%2F..%2F..%2Fetc"])
def test_an_encoded_absolute_path_is_404_whether_it_exists_or_not(root_url, path):
    assert get(root_url + path)[0] == 404


@pytest.fixture(scope="module")
def linked_site(tmp_path_factory):
    """A site whose files are links: one into a folder given as an extra root, one elsewhere."""
    top = tmp_path_factory.mktemp("linked")
    for name in ("dist", "elsewhere", "site"):
        (top / name).mkdir()
    (top / "dist" / "app.js").write_text("export const app = 1;\n")
    (top / "dist" / "lib").mkdir()
    (top / "dist" / "lib" / "x.js").write_text("export const x = 1;\n")
    (top / "elsewhere" / "secret.txt").write_text("secret")
    (top / "site" / "index.html").write_bytes(INDEX)
    (top / "site" / "app.js").symlink_to(top / "dist" / "app.js")
    (top / "site" / "lib").symlink_to(top / "dist" / "lib")
    (top / "site" / "secret.txt").symlink_to(top / "elsewhere" / "secret.txt")
    (top / "site" / "away").symlink_to(top / "elsewhere")
    return top


def test_a_link_out_of_the_folder_is_404_unless_it_leads_into_a_given_root(linked_site):
    top = linked_site
    with running_server(top / "site") as url:
        for path in ("app.js", "lib/x.js", "secret.txt", "away/secret.txt", "away/", "away/route", "lib/missing"):
            status, _, body = get(url + path)
            assert status == 404 and b"secret" not in body, path
        assert get(url + "route")[0] == 200
    with running_server(top / "site", extra_roots=[top / "dist"]) as url:
        assert get(url + "app.js")[:1] == (200,) and get(url + "lib/x.js")[2] == b"export const x = 1;\n"
        for path in ("secret.txt", "away/secret.txt"):
            assert get(url + path)[0] == 404, path


def _closed_within(sock: socket.socket, seconds: float) -> bool:
    """Whether the server closes ``sock`` (or answers and closes) within ``seconds``."""
    sock.settimeout(seconds)
    try:
        while sock.recv(4096):
            pass
        return True
    except (ConnectionResetError, BrokenPipeError):
        return True
    except TimeoutError:
        return False


def test_clients_that_never_finish_their_headers_are_dropped(site):
    with running_server(site, header_timeout=0.5) as url:
        parts = urllib.parse.urlsplit(url)
        clients = []
        for _ in range(40):
            sock = socket.create_connection((parts.hostname, parts.port), timeout=10)
            sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")  # and never the blank line
            clients.append(sock)
        try:
            assert all(_closed_within(sock, 10) for sock in clients)
            assert get(url)[0] == 200  # the server still answers
        finally:
            for sock in clients:
                sock.close()


def test_headers_sent_a_byte_at_a_time_do_not_hold_the_connection(site):
    with running_server(site, header_timeout=0.5) as url:
        parts = urllib.parse.urlsplit(url)
        with socket.create_connection((parts.hostname, parts.port), timeout=10) as sock:
            sock.sendall(b"GET / HTTP/1.1\r\n")
            dropped = False
            for _ in range(100):  # 10 s of one header byte every 0.1 s
                try:
                    sock.sendall(b"X")
                except (ConnectionResetError, BrokenPipeError):
                    dropped = True
                    break
                readable, _, _ = select.select([sock], [], [], 0.1)
                if readable and _closed_within(sock, 1):
                    dropped = True
                    break
            assert dropped, "the headers' deadline is for all of them, not for each read"


def test_a_long_response_is_not_cut_by_the_header_timeout(tmp_path):
    (tmp_path / "big.data").write_bytes(b"x" * (32 << 20))
    with running_server(tmp_path, header_timeout=0.3) as url:
        parts = urllib.parse.urlsplit(url)
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        conn.request("GET", "/big.data")
        response = conn.getresponse()
        first = response.read(65536)
        time.sleep(1.5)  # a slow reader: the server's sends block longer than the header timeout
        rest = response.read()
        conn.close()
    assert len(first) + len(rest) == 32 << 20


def test_the_default_header_timeout_is_ten_seconds(site):
    server = make_server(site, port=0)
    try:
        assert server.header_timeout == devserver.HEADER_TIMEOUT == 10
    finally:
        server.server_close()


# --- cross-origin isolation: what the build records ([tool.jsinterop] isolation) -------------------

ISOLATED = {"cross-origin-opener-policy": "same-origin", "cross-origin-embedder-policy": "require-corp"}


def _isolation_headers(headers: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in headers.items() if k.startswith("cross-origin-")}


def _built_site(root, isolation):
    """A folder the dev server takes for a development build recording ``isolation``."""
    root.mkdir()
    (root / "index.html").write_bytes(INDEX)
    (root / "jsinterop.mjs").write_text('import "./layout.mjs";\n')
    (root / "layout.mjs").write_bytes(release_layout.layout_module({}, {}, isolation=isolation))
    return root


@pytest.mark.parametrize("isolation", ["require-corp", "credentialless"])
def test_a_build_that_asks_for_isolation_is_served_isolated_on_every_response(tmp_path, isolation):
    site = _built_site(tmp_path / "site", isolation)
    expected = {"cross-origin-opener-policy": "same-origin", "cross-origin-embedder-policy": isolation}
    with running_server(site) as url:
        for path in ("", "index.html", "jsinterop.mjs", "layout.mjs", "client/route", "missing.js"):
            status, headers, _ = get(url + path)
            assert _isolation_headers(headers) == expected, (path, status)
            assert headers["content-security-policy"] == CONTENT_SECURITY_POLICY, path
        assert _isolation_headers(get(url, method="HEAD")[1]) == expected


def test_a_build_that_does_not_ask_for_isolation_gets_no_coop_or_coep(tmp_path, root_url):
    with running_server(_built_site(tmp_path / "site", None)) as url:
        for path in ("", "jsinterop.mjs", "client/route", "missing.js"):
            assert _isolation_headers(get(url + path)[1]) == {}, path
    assert _isolation_headers(get(root_url)[1]) == {}  # nor a folder that is no build of ours


def test_an_explicit_isolation_overrides_the_build(tmp_path, site):
    built = _built_site(tmp_path / "site", "require-corp")
    with running_server(built, isolation=None) as url:
        assert _isolation_headers(get(url)[1]) == {}
    with running_server(site, isolation="require-corp") as url:
        assert _isolation_headers(get(url + "jsinterop.mjs")[1]) == ISOLATED
    with pytest.raises(ValueError, match=r"isolation 'same-origin' is not a Cross-Origin-Embedder-Policy .*"
                                         r"use 'require-corp' or 'credentialless', or None"):
        make_server(site, port=0, isolation="same-origin")


@pytest.mark.parametrize(("options", "expected"), [
    ([], "credentialless"), (["--isolation", "require-corp"], "require-corp"), (["--isolation", "off"], None)])
def test_the_command_line_serves_what_the_build_says_or_what_it_is_told(tmp_path, options, expected):
    import subprocess
    import sys

    built = _built_site(tmp_path / "site", "credentialless")
    process = subprocess.Popen([sys.executable, "-m", "jsinterop.devserver", str(built), "--port", "0", *options],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = process.stdout.readline()  # "Serving <dir> at http://127.0.0.1:<port>/ cross-origin isolated (...) ..."
        assert (f"cross-origin isolated (COOP same-origin, COEP {expected})" in line) is (expected is not None), line
        url = line.split(" at ", 1)[1].split()[0]
        headers = _isolation_headers(get(url + "jsinterop.mjs")[1])
        assert headers.get("cross-origin-embedder-policy") == expected
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_a_release_is_served_with_the_isolation_of_the_layout_its_loader_imports(tmp_path):
    # A release keeps the previous release's files: only the layout jsinterop.mjs leads to counts.
    site = tmp_path / "release"
    site.mkdir()
    (site / "index.html").write_bytes(INDEX)
    (site / "jsinterop.mjs").write_text('export * from "./jsinterop.0123456789.mjs";\n')
    (site / "jsinterop.0123456789.mjs").write_text('import { LAZY } from "./assets.abcdefabcd.mjs";\n')
    (site / "assets.abcdefabcd.mjs").write_text('export { WORKER } from "./layout.1111111111.mjs";\n')
    (site / "layout.1111111111.mjs").write_bytes(release_layout.layout_module({}, {}, isolation="credentialless"))
    (site / "layout.0000000000.mjs").write_bytes(release_layout.layout_module({}, {}))  # the previous release's
    assert devserver.dist_isolation(site) == "credentialless"
    (tmp_path / "layout.2222222222.mjs").write_bytes(release_layout.layout_module({}, {}, isolation="require-corp"))
    (site / "jsinterop.mjs").write_text('export * from "../layout.2222222222.mjs";\n')  # not a file of the site
    assert devserver.dist_isolation(site) is None
    (site / "jsinterop.mjs").write_text('export * from "./jsinterop.0123456789.mjs";\n')
    with running_server(site) as url:
        assert _isolation_headers(get(url)[1])["cross-origin-embedder-policy"] == "credentialless"
