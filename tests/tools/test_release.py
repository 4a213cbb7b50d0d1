"""./build.sh release: a production dist/ whose files are named by their content, served by a real
nginx with the generated include under a sub-path, in headless Chromium and by plain HTTP requests.

The session builds one release into a temporary folder (tests/tools/conftest.py); the deploy test
builds its own twice, from a copy of the sources it edits in between.
"""

from __future__ import annotations

import gzip
import hashlib
import http.client
import json
import posixpath
import re
import shutil
import subprocess
import time
import urllib.parse
from pathlib import Path

import brotli
import pytest
from releases import RELEASE_BASE, ROOT, build_release, copy_sources

from jsinterop.tool import hosting
from jsinterop.tool.build import load_pins
from jsinterop.tool import nginx_server
from jsinterop.tool import release_layout

DIST = ROOT / "dist"
VERSION = "314.0.7"
HASH = re.compile(r"^[0-9a-f]{10}$")
ENTRY_POINTS = {"index.html", "404.html", "boot-error.html", "call-python.html", "typed-interop.html", "worker.html",
                "bench/index.html", "bench/boot.html", "jsinterop.mjs", "worker.mjs", "jsinterop.d.mts"}
DEPLOY_FILES = {"nginx.conf", "_headers", "release-manifest.json", ".nojekyll", ".jsinterop-dist"}
ISOLATION_HEADERS = {"Cross-Origin-Opener-Policy": "same-origin", "Cross-Origin-Embedder-Policy": "require-corp"}
"""What every response of the sample's release carries: www/pyproject.toml has isolation = "require-corp"."""


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def served_files(root: Path) -> dict[str, bytes]:
    """The files of a release a browser gets: no siblings, no deploy files."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and p.suffix not in (".gz", ".br") and p.relative_to(root).as_posix() not in DEPLOY_FILES}


def development_name(path: str) -> str:
    """A release path without its hash or version folder: the name the development build uses."""
    path = path.removeprefix(f"pyodide/{VERSION}/")
    path = re.sub(r"(^|/)[0-9a-f]{10}/", r"\1", path)
    return re.sub(r"\.[0-9a-f]{10}(?=\.)", "", path, count=1)


def layout_files(root: Path) -> dict[str, str]:
    """The FILES map of the release's generated layout module."""
    [module] = root.glob("layout.*.mjs")
    body = re.search(r"FILES = Object\.freeze\((\{.*?\})\);\n", module.read_text(), re.S).group(1)
    return json.loads(re.sub(r",\s*\}$", "}", body))


def get(url: str, encoding: str | None = None, method: str = "GET") -> tuple[int, dict[str, str], bytes]:
    """One plain HTTP request; ``encoding`` is sent as Accept-Encoding (none at all when None)."""
    parts = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        conn.putrequest(method, parts.path or "/", skip_accept_encoding=True)
        if encoding is not None:
            conn.putheader("Accept-Encoding", encoding)
        conn.endheaders()
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


# --- the release, on disk ------------------------------------------------------------------------

def test_every_owned_file_is_named_by_its_content(release_dist):
    files = served_files(release_dist)
    for path, data in files.items():
        if path in ENTRY_POINTS:
            continue
        if path.startswith(f"pyodide/{VERSION}/"):
            continue  # versioned, checked below
        folder, name = path.rsplit("/", 1) if "/" in path else ("", path)
        stem = re.search(r"\.([0-9a-f]{10})\.", name)
        digest = stem.group(1) if stem else folder.rsplit("/", 1)[-1]
        assert HASH.match(digest), f"{path} has neither a content hash in its name nor a hash folder"
        assert digest == sha(data)[:10], f"{path}: the hash in its path is not its content's"
        assert path.startswith(("wheels/", "types/")) or stem, path
    for name in ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip"):
        assert files[f"pyodide/{VERSION}/{name}"] == (DIST / name).read_bytes(), name  # the pinned package's
    # The same site as the development build: every file is there, under its release name.
    # dist/ is the test build (./build.sh test): it also has the test wheels, which a release never has.
    test_wheels = {f"wheels/{pin['file']}" for pin in load_pins()["test-wheel"]}
    dev = {p.relative_to(DIST).as_posix() for p in DIST.rglob("*") if p.is_file()} - DEPLOY_FILES - test_wheels
    # (and the memory snapshot, which only a release has: tests/tools/test_snapshot.py)
    released = {development_name(p) for p in files} - {"404.html", "snapshot.bin"}
    assert released == dev
    assert not released & test_wheels, "test-only wheels never go into a release"


def test_references_point_at_files_of_the_release(release_dist):
    files = served_files(release_dist)
    html_refs = re.compile(r"""\b(?:src|href)="([^"]+)\"""")
    js_refs = re.compile(r"""(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)"(\.\.?/[^"]+)\"""")
    checked = 0
    for path, data in files.items():
        pattern = html_refs if path.endswith(".html") else js_refs if path.endswith((".mjs", ".js")) else None
        for spec in pattern.findall(data.decode()) if pattern else []:
            spec = spec.split("?")[0].split("#")[0]
            if re.match(r"^([a-z]+:|/)", spec) or not re.search(r"\.(m?js|css|svg|json|html|d\.m?ts)$", spec):
                continue  # another site, a route or folder, or a type-only import (no extension)
            target = posixpath.normpath(posixpath.join(posixpath.dirname(path), spec))
            assert target in files, f"{path} refers to {spec}, which the release does not have"
            checked += 1
    assert checked > 30
    index = files["index.html"].decode()
    assert re.search(r'src="\./main\.[0-9a-f]{10}\.mjs"', index) and re.search(r'href="\./style\.[0-9a-f]{10}\.css"', index)
    loader = files[re.search(r'"\./(jsinterop\.[0-9a-f]{10}\.mjs)"', files["jsinterop.mjs"].decode()).group(1)].decode()
    for module in ("assets", "errors", "fetch-assets", "dom-patcher", "channel", "streams", "lockfile", "router"):
        assert re.search(rf'from "\./{module}\.[0-9a-f]{{10}}\.mjs"', loader), module
    channel = files[re.search(r'"\./(channel\.[0-9a-f]{10}\.mjs)"', loader).group(1)].decode()
    for module in ("wire", "typed", "columns"):  # the interop modules the channel imports, hashed too
        assert re.search(rf'from "\./{module}\.[0-9a-f]{{10}}\.mjs"', channel), module
    assert 'from "./pyodide/314.0.7/pyodide.js"' in files["jsinterop.d.mts"].decode()


def test_loader_entry_is_a_small_stable_module(release_dist):
    stub = (release_dist / "jsinterop.mjs").read_text()
    code = [line for line in stub.splitlines() if line and not line.startswith("//")]
    assert len(stub) < 400 and len(code) == 1 and re.fullmatch(r'export \* from "\./jsinterop\.[0-9a-f]{10}\.mjs";', code[0])


def test_layout_maps_development_paths_to_served_ones(release_dist):
    mapped = layout_files(release_dist)
    assert mapped["pyodide.mjs"] == f"pyodide/{VERSION}/pyodide.mjs"
    assert mapped["pyodide.asm.wasm"] == f"pyodide/{VERSION}/pyodide.asm.wasm"
    assert re.fullmatch(r"pyodide-lock\.[0-9a-f]{10}\.json", mapped["pyodide-lock.json"])
    assert re.fullmatch(r"app/alert_user\.[0-9a-f]{10}\.js", mapped["app/alert_user.js"])
    for dev, served in mapped.items():
        assert (release_dist / served).is_file(), f"{dev} -> {served}, which is not in the release"
        assert development_name(served) == dev


def layout_boot_files(root: Path) -> dict[str, dict]:
    """The BOOT_FILES records of a build's layout module (``layout.mjs`` or a release's ``layout.<hash>.mjs``)."""
    [module] = list(root.glob("layout.*.mjs")) or [root / "layout.mjs"]
    body = re.search(r"BOOT_FILES = Object\.freeze\((\{.*?\})\);\n", module.read_text(), re.S).group(1)
    return json.loads(re.sub(r",\s*\}$", "}", body))


def test_layout_records_size_and_sha256_of_every_boot_file_by_served_path(release_dist):
    records = layout_boot_files(release_dist)
    lock = json.loads((release_dist / layout_files(release_dist)["pyodide-lock.json"]).read_text())
    expected = {f"pyodide/{VERSION}/{name}" for name in release_layout.BOOT_RUNTIME_FILES}
    expected |= {entry["file_name"] for entry in lock["packages"].values()}
    assert set(records) == expected
    for path, record in records.items():
        data = (release_dist / path).read_bytes()
        assert record == {"bytes": len(data), "sha256": sha(data)}, path
    for entry in lock["packages"].values():
        assert records[entry["file_name"]]["sha256"] == entry["sha256"], entry["name"]
    # The development build records the same files under their own names.
    dev = layout_boot_files(DIST)  # the test build: less its test wheels, which a release never has
    test_wheels = {f"wheels/{pin['file']}" for pin in load_pins()["test-wheel"]}
    assert {development_name(p): r for p, r in records.items()} == {p: r for p, r in dev.items() if p not in test_wheels}


def test_release_loader_resolves_development_paths_to_served_files(release_dist):
    node = shutil.which("node")
    assert node, "node is required (build.sh installs it)"
    [assets] = release_dist.glob("assets.*.mjs")
    script = """
        const m = await import(process.argv[1]);
        const out = [m.assetURL("pyodide.mjs"), m.assetURL("pyodide-lock.json"), m.assetURL("no-such.js"),
                     m.servedURL(new URL("app/alert_user.js?v=1#x", m.DIST)), m.servedURL("https://elsewhere/app/alert_user.js"),
                     m.servedURL(new URL("constructor", m.DIST))];
        console.log(JSON.stringify(out.map((u) => u.href.replace(m.DIST.href, "./"))));
    """
    proc = subprocess.run([node, "--input-type=module", "-e", script, assets.as_uri()], capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 0, proc.stderr
    mapped = layout_files(release_dist)
    assert json.loads(proc.stdout) == [f"./pyodide/{VERSION}/pyodide.mjs", "./" + mapped["pyodide-lock.json"], "./no-such.js",
                                       "./" + mapped["app/alert_user.js"] + "?v=1#x", "https://elsewhere/app/alert_user.js",
                                       "./constructor"]


def test_lock_points_at_wheels_in_hash_folders(release_dist):
    lock = json.loads((release_dist / layout_files(release_dist)["pyodide-lock.json"]).read_bytes())
    assert set(lock["packages"]) == {"jsinterop", "app"}  # no test wheel (pytest, ...) in a release
    for name, entry in lock["packages"].items():
        folder, wheel = re.fullmatch(r"wheels/([0-9a-f]{10})/([^/]+\.whl)", entry["file_name"]).groups()
        data = (release_dist / entry["file_name"]).read_bytes()
        assert sha(data) == entry["sha256"] and sha(data)[:10] == folder, name
        assert (DIST / "wheels" / wheel).read_bytes() == data, name


def test_404_page_is_the_entry_page_with_the_sites_base(release_dist):
    index = (release_dist / "index.html").read_text()
    assert "<base" not in index
    assert (release_dist / "404.html").read_text() == index.replace("<head>", f'<head><base href="{RELEASE_BASE}">', 1)


def test_precompressed_siblings_decode_to_the_file(release_dist):
    must = [f"pyodide/{VERSION}/pyodide.asm.wasm", f"pyodide/{VERSION}/python_stdlib.zip",
            f"pyodide/{VERSION}/pyodide.asm.mjs", "index.html", "jsinterop.mjs"]
    must += [p.relative_to(release_dist).as_posix() for p in release_dist.glob("wheels/*/*.whl")]
    must += [p.relative_to(release_dist).as_posix() for p in release_dist.glob("*.mjs") if p.stat().st_size > 1000]
    for path, data in served_files(release_dist).items():
        for suffix, decode in ((".gz", gzip.decompress), (".br", brotli.decompress)):
            sibling = release_dist / (path + suffix)
            if path in must:
                assert sibling.is_file(), f"{path} has no {suffix} sibling"
            if sibling.is_file():
                packed = sibling.read_bytes()
                assert decode(packed) == data and len(packed) < len(data), path + suffix
            else:
                assert not release_layout.compressible(path) or len(data) < 1000, f"{path} lacks {suffix}"
    wasm = release_dist / f"pyodide/{VERSION}/pyodide.asm.wasm"
    assert (wasm.with_name(wasm.name + ".br")).stat().st_size < 0.35 * wasm.stat().st_size


def _headers_rules(text: str) -> list[tuple[str, dict[str, str]]]:
    rules: list[tuple[str, dict[str, str]]] = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        if line.startswith("/"):
            rules.append((line.strip(), {}))
        else:
            name, _, value = line.strip().partition(": ")
            rules[-1][1][name] = value
    return rules


def _matches(rule: str, path: str) -> bool:
    return path.startswith(rule[:-1]) if rule.endswith("*") else path == rule


def test_headers_file_gives_each_file_one_cache_policy(release_dist):
    rules = _headers_rules((release_dist / "_headers").read_text())
    assert len(rules) <= 100, "Cloudflare Pages reads at most 100 rules"
    assert rules[0] == (f"{RELEASE_BASE}*", {"Content-Security-Policy": hosting.CONTENT_SECURITY_POLICY,
                                             "X-Content-Type-Options": "nosniff",
                                             **ISOLATION_HEADERS})  # the sample's isolation = "require-corp"
    assert hosting.CONTENT_SECURITY_POLICY == ("default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; "
                                               "style-src 'self'; base-uri 'self'; form-action 'self'")
    immutable = set(json.loads((release_dist / "release-manifest.json").read_text())["immutable"])
    for path in served_files(release_dist):
        url = RELEASE_BASE + path
        policies = [h["Cache-Control"] for rule, h in rules if "Cache-Control" in h and _matches(rule, url)]
        expected = hosting.IMMUTABLE if path in immutable else hosting.REVALIDATE
        assert policies == [expected], f"{path}: {policies}"
        assert (path in immutable) == (path not in ENTRY_POINTS), path
    for url in (RELEASE_BASE, f"{RELEASE_BASE}bench/", f"{RELEASE_BASE}call-python"):
        assert [h["Cache-Control"] for rule, h in rules if _matches(rule, url) and "Cache-Control" in h] == ["no-cache"]
    wasm = [rule for rule, h in rules if h.get("Content-Type") == "application/wasm"]
    assert wasm == [f"{RELEASE_BASE}pyodide/{VERSION}/pyodide.asm.wasm"]


def test_release_rebuild_with_nothing_changed_is_a_no_op(release_dist):
    before = {p: p.stat().st_mtime_ns for p in release_dist.rglob("*") if p.is_file()}
    proc = build_release(release_dist, RELEASE_BASE)
    assert "up to date" in proc.stdout, proc.stdout
    assert "pyodide.asm.wasm" in proc.stdout and "brotli" in proc.stdout  # the size report
    assert {p: p.stat().st_mtime_ns for p in release_dist.rglob("*") if p.is_file()} == before


def test_a_change_renames_the_file_and_every_file_that_refers_to_it():
    site = {"index.html": b'<html><head><script type="module" src="./main.mjs"></script></head></html>',
            "main.mjs": b'import { x } from "./a.mjs";\nimport "./b.mjs";\n',
            "a.mjs": b"export const x = 1;\n", "b.mjs": b"globalThis.b = 1;\n"}

    def names(files: dict[str, bytes]) -> dict[str, str]:
        return {development_name(f.path): f.path for f in release_layout.release_tree(files, VERSION, [])}

    first = names(site)
    second = names({**site, "a.mjs": b"export const x = 2;\n"})
    assert first["b.mjs"] == second["b.mjs"]
    assert first["a.mjs"] != second["a.mjs"] and first["main.mjs"] != second["main.mjs"]
    assert first["index.html"] == second["index.html"] == "index.html"
    with pytest.raises(release_layout.ReleaseError, match=r"cycle.*a\.mjs -> b\.mjs -> a\.mjs"):
        release_layout.release_tree({**site, "a.mjs": b'import "./b.mjs";\n', "b.mjs": b'import "./a.mjs";\n'},
                                    VERSION, [])


def test_the_layout_module_lists_the_lazy_packages_in_both_forms():
    development = release_layout.layout_module({}, {}, lazy=["tblib", "pytest", "tblib"])
    assert b'export const LAZY_PACKAGES = Object.freeze(["pytest", "tblib"]);' in development
    assert b"export const LAZY_PACKAGES = Object.freeze([]);" in release_layout.layout_module({}, {})
    site = {"index.html": b'<html><head><script type="module" src="./jsinterop.mjs"></script></head></html>',
            "jsinterop.mjs": b'import "./assets.mjs";\n', "assets.mjs": b'import "./layout.mjs";\n',
            "layout.mjs": development}
    (layout,) = [f for f in release_layout.release_tree(site, VERSION, [])  # the release keeps the build's list
                 if development_name(f.path) == "layout.mjs"]
    assert b'export const LAZY_PACKAGES = Object.freeze(["pytest", "tblib"]);' in layout.data


def test_the_layout_module_records_worker_mode_and_isolation_in_both_forms():
    plain = release_layout.layout_module({}, {})
    assert b"export const WORKER = false;" in plain and b"export const ISOLATION = null;" in plain
    assert (release_layout.worker_of(plain), release_layout.isolation_of(plain)) == (False, None)
    development = release_layout.layout_module({}, {}, worker=True, isolation="credentialless")
    assert b"export const WORKER = true;" in development
    assert b'export const ISOLATION = "credentialless";' in development
    assert (release_layout.worker_of(development), release_layout.isolation_of(development)) == (True, "credentialless")
    assert (release_layout.worker_of(b""), release_layout.isolation_of(b"")) == (False, None)  # a layout from before
    site = {"index.html": b'<html><head><script type="module" src="./jsinterop.mjs"></script></head></html>',
            "jsinterop.mjs": b'import "./assets.mjs";\n', "assets.mjs": b'import "./layout.mjs";\n',
            "layout.mjs": development}
    (layout,) = [f for f in release_layout.release_tree(site, VERSION, [])  # the release keeps the build's
                 if development_name(f.path) == "layout.mjs"]
    assert (release_layout.worker_of(layout.data), release_layout.isolation_of(layout.data)) == (True, "credentialless")


def test_the_builds_record_the_apps_isolation(release_dist):
    # The sample asks for require-corp (and boots on the main thread): both builds say so, and the
    # release's layout module is the one its loader imports.
    for layout in ((DIST / "layout.mjs").read_bytes(), release_layout.site_layout(release_dist)):
        assert (release_layout.worker_of(layout), release_layout.isolation_of(layout)) == (False, "require-corp")
    [module] = release_dist.glob("layout.*.mjs")
    assert release_layout.site_layout(release_dist) == module.read_bytes()
    assert release_layout.site_layout(release_dist / "no-such-folder") is None


def test_the_loader_exports_worker_mode_and_isolation():
    # loader/assets.mjs re-exports them for boot(); the repository's layout.mjs has both (no build serves it).
    assert 'export { ISOLATION, WORKER } from "./layout.mjs";' in (ROOT / "loader" / "assets.mjs").read_text()
    repository = (ROOT / "loader" / "layout.mjs").read_bytes()
    assert b"export const WORKER = false;" in repository and b"export const ISOLATION = null;" in repository


@pytest.mark.parametrize("isolation", ["require-corp", "credentialless"])
def test_the_serving_rules_add_coop_and_coep_to_every_response_when_isolated(isolation):
    conf = hosting.nginx_conf("/p/", "pyodide/1/", release_layout.HASH_LENGTH, isolation=isolation)
    coop = 'add_header Cross-Origin-Opener-Policy "same-origin" always;'
    coep = f'add_header Cross-Origin-Embedder-Policy "{isolation}" always;'
    # Every block that sets headers (a location's own add_header lines replace the inherited ones) sets them.
    assert conf.count("add_header Content-Security-Policy") == conf.count(coop) == conf.count(coep) == 4
    assert f"Cross-Origin-Embedder-Policy {isolation}." in conf  # the include's comment says so
    headers = hosting.headers_file("/p/", {"index.html": False}, [], isolation=isolation)
    assert (f"/p/*\n  Content-Security-Policy: {hosting.CONTENT_SECURITY_POLICY}\n  X-Content-Type-Options: nosniff\n"
            f"  Cross-Origin-Opener-Policy: same-origin\n  Cross-Origin-Embedder-Policy: {isolation}\n") in headers


def test_the_serving_rules_send_no_coop_or_coep_unless_isolated():
    conf = hosting.nginx_conf("/p/", "pyodide/1/", release_layout.HASH_LENGTH)
    assert "add_header Cross-Origin" not in conf and "No Cross-Origin-Opener/Embedder-Policy" in conf
    assert "Cross-Origin" not in hosting.headers_file("/p/", {"index.html": False}, [])
    with pytest.raises(ValueError, match=r"isolation 'unsafe-none' is not a Cross-Origin-Embedder-Policy"):
        hosting.nginx_conf("/p/", "pyodide/1/", release_layout.HASH_LENGTH, isolation="unsafe-none")


# --- the release, served by nginx ----------------------------------------------------------------

def test_nginx_serves_types_cache_headers_and_the_csp(release_server, release_dist):
    url = release_server.url
    mapped = layout_files(release_dist)
    wheel = next(release_dist.glob("wheels/*/jsinterop-*.whl")).relative_to(release_dist).as_posix()
    cases = {
        "": ("text/html", "no-cache"),
        "index.html": ("text/html", "no-cache"),
        "404.html": ("text/html", "no-cache"),
        "call-python.html": ("text/html", "no-cache"),
        "jsinterop.mjs": ("text/javascript", "no-cache"),
        mapped["main.mjs"]: ("text/javascript", hosting.IMMUTABLE),
        mapped["style.css"]: ("text/css", hosting.IMMUTABLE),
        mapped["app/alert_user.js"]: ("text/javascript", hosting.IMMUTABLE),
        mapped["pyodide-lock.json"]: ("application/json", hosting.IMMUTABLE),
        f"pyodide/{VERSION}/pyodide.asm.wasm": ("application/wasm", hosting.IMMUTABLE),
        f"pyodide/{VERSION}/pyodide.mjs": ("text/javascript", hosting.IMMUTABLE),
        f"pyodide/{VERSION}/python_stdlib.zip": ("application/zip", hosting.IMMUTABLE),
        wheel: ("application/zip", hosting.IMMUTABLE),
    }
    for path, (mime, cache) in cases.items():
        status, headers, _ = get(url + path, method="HEAD")
        assert status == 200, path
        assert headers["content-type"].split(";")[0] == mime, path
        assert headers["cache-control"] == cache, path
        assert headers["content-security-policy"] == hosting.CONTENT_SECURITY_POLICY, path
        assert headers["x-content-type-options"] == "nosniff", path
        assert {k: headers[k.lower()] for k in ISOLATION_HEADERS} == ISOLATION_HEADERS, path
    status, headers, _ = get(url + "missing.mjs")
    assert status == 404 and headers["content-security-policy"] == hosting.CONTENT_SECURITY_POLICY
    assert "cache-control" not in headers, "a 404 must not be cached"
    for path in ("missing.mjs", "nginx.conf", "no/such/route"):  # errors and fallbacks are isolated too
        headers = get(url + path)[1]
        assert {k: headers.get(k.lower()) for k in ISOLATION_HEADERS} == ISOLATION_HEADERS, path
    assert get(url + "jsinterop.mjs")[1]["etag"], "entry points carry a validator (a 304 while unchanged)"


def test_nginx_sends_the_precompressed_siblings_when_accepted(release_server, release_dist):
    url = release_server.url
    main = layout_files(release_dist)["main.mjs"]
    for path in (f"pyodide/{VERSION}/pyodide.asm.wasm", f"pyodide/{VERSION}/python_stdlib.zip", main,
                 next(release_dist.glob("wheels/*/app-*.whl")).relative_to(release_dist).as_posix()):
        raw = (release_dist / path).read_bytes()
        status, headers, body = get(url + path)
        assert status == 200 and "content-encoding" not in headers and body == raw, path
        status, headers, body = get(url + path, "gzip")
        assert headers["content-encoding"] == "gzip" and gzip.decompress(body) == raw, path
        assert "Accept-Encoding" in headers["vary"]
        assert int(headers["content-length"]) == len(body) < len(raw), path
        status, headers, body = get(url + path, "gzip, deflate, br, zstd")  # what Chromium asks for
        if release_server.brotli:
            assert headers["content-encoding"] == "br" and brotli.decompress(body) == raw, path
        else:
            assert headers["content-encoding"] == "gzip", path
        assert headers["cache-control"] == hosting.IMMUTABLE


def test_nginx_without_the_brotli_module_serves_gzip(release_dist, monkeypatch):
    monkeypatch.setattr(nginx_server, "BROTLI_MODULE", Path("/nonexistent/ngx_http_brotli_static_module.so"))
    wasm = f"pyodide/{VERSION}/pyodide.asm.wasm"
    with pytest.warns(UserWarning, match="no brotli_static module"):
        with nginx_server.serving(release_dist, RELEASE_BASE) as server:
            assert not server.brotli
            status, headers, body = get(server.url + wasm, "gzip, deflate, br, zstd")
            assert status == 200 and headers["content-encoding"] == "gzip"
            assert gzip.decompress(body) == (release_dist / wasm).read_bytes()
    conf = (release_dist / "nginx.conf").read_text()
    assert "brotli_static on;" in conf
    assert [line for line in hosting.without_brotli(conf).splitlines() if "brotli" in line and not line.startswith("#")] == []


def test_nginx_routes_client_paths_to_the_entry_page(release_server, release_dist):
    url = release_server.url
    index = (release_dist / "index.html").read_text()
    for route in ("counter", "greeting-helpers", "no/such/deep/route", ""):
        status, headers, body = get(url + route, "gzip, br")
        assert status == 200 and headers["content-type"].startswith("text/html"), route
        assert headers["cache-control"] == "no-cache", route
        assert body.decode() == index.replace("<head>", f'<head><base href="{RELEASE_BASE}">', 1), route
    for missing in ("missing.js", "app/missing.js", "main.0123456789.mjs", "wheels/0123456789/x.whl"):
        assert get(url + missing)[0] == 404, missing
    for private in ("nginx.conf", "_headers", "release-manifest.json", ".jsinterop-dist"):
        assert (release_dist / private).is_file(), private
        assert get(url + private)[0] == 404, private
    status, headers, _ = get(url + "bench")
    assert status == 301 and headers["location"] == f"{RELEASE_BASE}bench/"
    status, headers, _ = get(url.rstrip("/"))  # the bare prefix: the server-level line of the README
    assert status == 301 and headers["location"].endswith(RELEASE_BASE), headers


@pytest.fixture(scope="module")
def plain_site(tmp_path_factory) -> Path:
    """A folder with the release's nginx include for ``/p/``: folders with and without index.html, files
    of common types, and links out of the folder."""
    top = tmp_path_factory.mktemp("plain")
    (top / "outside").mkdir()
    (top / "outside" / "secret.txt").write_text("secret")
    root = top / "site"
    root.mkdir()
    (root / "index.html").write_text("<html><head></head><body>entry</body></html>")
    (root / "docs").mkdir()
    (root / "docs" / "index.html").write_text("<html><head></head><body>docs</body></html>")
    (root / "assets").mkdir()  # a folder without index.html
    (root / "assets" / "a.css").write_text("")
    (root / "v1.2").mkdir()  # ... whose name has an extension
    (root / "v1.2" / "a.txt").write_text("")
    for ext in COMMON_TYPES:
        (root / f"file.{ext}").write_bytes(b"\0data")
    (root / "leak.txt").symlink_to(top / "outside" / "secret.txt")
    (root / "leaks").symlink_to(top / "outside")
    (root / "nginx.conf").write_text(hosting.nginx_conf("/p/", "pyodide/1/", release_layout.HASH_LENGTH))
    return root


COMMON_TYPES = {"png": "image/png", "jpg": "image/jpeg", "ico": "image/x-icon", "woff2": "font/woff2",
                "mp4": "video/mp4", "pdf": "application/pdf", "xml": "text/xml",
                "wasm": "application/wasm", "mjs": "text/javascript", "js": "text/javascript",
                "whl": "application/zip", "ts": "text/plain", "svg": "image/svg+xml"}


def test_nginx_extends_its_mime_table_with_the_sites_types(plain_site):
    with nginx_server.serving(plain_site, "/p/") as server:
        for ext, mime in COMMON_TYPES.items():
            status, headers, _ = get(server.url + f"file.{ext}")
            assert status == 200 and headers["content-type"].split(";")[0] == mime, ext
        assert "duplicate extension" not in server.error_log()


def _answer(server_url: str, path: str) -> tuple[int, str]:
    """A request's status and what it got: "entry" (the entry page), "docs", a redirect's location."""
    status, headers, body = get(server_url + path)
    if status in (301, 302):
        return status, urllib.parse.urlsplit(headers["location"]).path
    if status == 200:
        return status, "entry" if b"entry" in body else body.decode()[-30:]
    return status, ""


def test_nginx_answers_folders_like_the_dev_server(plain_site):
    from jsinterop.devserver import running_server

    expected = {"": (200, "entry"), "docs": (301, "/p/docs/"), "assets": (301, "/p/assets/"),
                "assets/": (200, "entry"), "v1.2/": (404, ""), "no/such/route": (200, "entry"),
                "missing.js": (404, ""), "no/such.dir/": (404, "")}
    with nginx_server.serving(plain_site, "/p/") as server, running_server(plain_site, base_path="/p/") as dev:
        for path, answer in expected.items():
            assert _answer(server.url, path) == answer, f"nginx: {path}"
            assert _answer(dev, path) == answer, f"dev server: {path}"
        assert get(server.url + "docs/")[2].endswith(b"docs</body></html>")


def test_nginx_does_not_follow_links_out_of_the_folder(plain_site):
    from jsinterop.devserver import running_server

    with nginx_server.serving(plain_site, "/p/") as server, running_server(plain_site, base_path="/p/") as dev:
        for url in (server.url, dev):
            for path in ("leak.txt", "leaks/secret.txt"):
                status, _, body = get(url + path)
                assert status == 404 and b"secret" not in body, (url, path)
            assert b"secret" not in get(url + "leaks/")[2]


def test_readme_shows_the_line_that_redirects_the_bare_prefix():
    assert hosting.bare_prefix_redirect("/some/prefix/") in (ROOT / "README.md").read_text()


# --- the release in the browser ------------------------------------------------------------------

def path_of(url: str, server: nginx_server.NginxServer) -> str | None:
    """The release path a URL of the server names, or None for other URLs."""
    return url.split("?")[0][len(server.url):] if url.startswith(server.url) else None


def transferred(page, server: nginx_server.NginxServer) -> dict[str, int]:
    """Bytes that came over the network for each release path the page loaded (a file fetched twice,
    by the loader's prefetch and then by Pyodide, counts both times; a cache hit counts 0)."""
    out: dict[str, int] = {}
    for t in page.resource_timings():
        path = path_of(t.url, server)
        if path is not None:
            out[path] = out.get(path, 0) + t.transfer_size
    return out


def test_release_boots_behind_nginx_under_a_sub_path(jsinterop_page, release_server):
    page = jsinterop_page
    for route, probe in (("", "#demo"), ("counter", "#count"), ("no/such/route", "h1")):
        report = page.open(release_server.url + route)
        assert report.boot_state == "ready", (route, report)
        assert report.violations == [] and report.console_errors == [] and report.uncaught == [], (route, report)
        assert page.run("return document.querySelector(arguments[0])?.textContent ?? null", probe), route
        assert page.run("return globalThis.crossOriginIsolated") is True, route  # nginx.conf's COOP/COEP
    assert page.run("return document.querySelector('h1').textContent") == "Not found"


def test_repeat_visit_boots_from_the_cache(jsinterop_page, release_server):
    page = jsinterop_page
    page.clear_browser_cache()
    assert page.open(release_server.url).boot_state == "ready"
    cold = transferred(page, release_server)
    assert 2_000_000 < cold[f"pyodide/{VERSION}/pyodide.asm.wasm"] < 3_000_000, "brotli-compressed, once"
    assert page.open(release_server.url).boot_state == "ready"
    warm = transferred(page, release_server)
    runtime = {p: n for p, n in warm.items() if p.startswith(("pyodide/", "wheels/"))}
    assert {f"pyodide/{VERSION}/pyodide.asm.wasm", f"pyodide/{VERSION}/python_stdlib.zip"} <= runtime.keys()
    assert any(p.startswith("wheels/") for p in runtime)
    assert all(n == 0 for n in runtime.values()), runtime
    total = sum(t.transfer_size for t in page.resource_timings())
    assert total < 5_000, f"a repeat visit transferred {total} bytes: {[p for p, n in warm.items() if n]}"


def test_a_boot_with_the_cache_disabled_fetches_each_file_once(jsinterop_page, release_server, release_dist):
    page = jsinterop_page
    page.activate()
    page.driver.execute_cdp_cmd("Network.enable", {})
    page.driver.execute_cdp_cmd("Network.setCacheDisabled", {"cacheDisabled": True})
    for route in ("", "counter?snapshot=off"):  # from the snapshot, and a normal boot
        assert page.open(release_server.url + route).boot_state == "ready", route
        counts: dict[str, int] = {}
        for t in page.resource_timings():
            path = path_of(t.url, release_server)
            if path and path.startswith(("pyodide/", "wheels/", "snapshot.")):
                counts[path] = counts.get(path, 0) + 1
        boot_files = {p for p in layout_boot_files(release_dist) if not p.endswith(".d.ts")}
        wasm, stdlib = f"pyodide/{VERSION}/pyodide.asm.wasm", f"pyodide/{VERSION}/python_stdlib.zip"
        assert {wasm, stdlib, f"pyodide/{VERSION}/pyodide.asm.mjs"} <= counts.keys() <= boot_files | {
            snapshot_path(release_dist)}, (route, counts)
        assert {p: n for p, n in counts.items() if n != 1} == {}, (route, counts)


def snapshot_path(root: Path) -> str:
    """The served path of a release's memory snapshot."""
    [module] = root.glob("layout.*.mjs")
    return json.loads(re.search(r"^export const SNAPSHOT = (.*);$", module.read_text(), re.M).group(1))["path"]


def _greetings(page) -> list[str]:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        items = page.run("return [...document.querySelectorAll('#greetings li')].map((li) => li.textContent);")
        if len(items) == 3:
            return [page.run("return document.querySelector('h1').textContent"), *items]
        time.sleep(0.1)
    raise AssertionError(f"the greeting helpers page did not render: {page.report()}")


def test_deploy_twice_runs_the_new_code_and_keeps_unchanged_files_cached(jsinterop_page, tmp_path):
    sources, site, base = tmp_path / "src", tmp_path / "site", "/deploy/"
    copy_sources(sources)
    build_release(site, base, root=sources)
    first = set(served_files(site))
    with nginx_server.serving(site, base) as server:
        page = jsinterop_page
        page.clear_browser_cache()
        assert page.open(server.url + "greeting-helpers").boot_state == "ready"
        assert _greetings(page)[:2] == ["Greeting helpers", "sayHello: Hello, Python! (a method)"]

        py, js = sources / "www/app/greeting_helpers.py", sources / "www/app/greeting_helpers.js"
        py.write_text(py.read_text().replace('h.h1("Greeting helpers")', 'h.h1("Greeting helpers, deploy 2")'))
        js.write_text(js.read_text().replace("(a method)", "(a method, deploy 2)"))
        build_release(site, base, root=sources)
        second = set(served_files(site))
        page.activate()
        page.driver.refresh()  # one reload of the open page
        assert page.wait_for_boot().boot_state == "ready"
        assert _greetings(page)[:2] == ["Greeting helpers, deploy 2", "sayHello: Hello, Python! (a method, deploy 2)"]

        timings = transferred(page, server)
        changed = {p for p in second - first if not p.endswith(".html")}
        assert any(p.startswith("app/greeting_helpers.") for p in changed)
        assert any(re.match(r"wheels/[0-9a-f]{10}/app-", p) for p in changed)
        unchanged = {p for p in first & second if p not in ENTRY_POINTS}
        loaded_unchanged = unchanged & timings.keys()
        assert {f"pyodide/{VERSION}/pyodide.asm.wasm", f"pyodide/{VERSION}/python_stdlib.zip"} <= loaded_unchanged
        assert any(p.startswith("wheels/") for p in loaded_unchanged)
        assert [p for p in loaded_unchanged if timings[p]] == [], "unchanged files were downloaded again"
        new_app = next(p for p in changed if p.startswith("wheels/"))
        assert timings[new_app] > 0
        # The previous release's files stay, for pages opened before the deploy.
        assert all((site / p).is_file() for p in first - second)


def test_the_readme_nginx_example_is_a_valid_configuration_for_the_release(release_dist, tmp_path):
    """The whole configuration the README shows (brotli's load_module line, the server block, the
    release's nginx.conf included) passes `nginx -t`, with its paths pointed at a release."""
    readme = (ROOT / "README.md").read_text()
    example = re.search(r"```nginx\n(# The precompressed .br files.*?)```", readme, re.S).group(1)
    conf = (example.replace("/srv/site", str(release_dist)).replace("/some/prefix", RELEASE_BASE.rstrip("/"))
            .replace("listen 80;", f"listen 127.0.0.1:{nginx_server.free_port()};"))
    if not Path(nginx_server.BROTLI_MODULE).exists():
        conf = conf.replace(f"load_module {nginx_server.BROTLI_MODULE};", "")
    (tmp_path / "logs").mkdir()
    (tmp_path / "nginx.conf").write_text(conf)
    proc = subprocess.run([nginx_server.nginx_binary(), "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf"),
                           "-g", f"pid {tmp_path}/nginx.pid; error_log {tmp_path}/error.log;"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "syntax is ok" in proc.stderr and "test is successful" in proc.stderr
