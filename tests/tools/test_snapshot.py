"""The release's memory snapshot (tools/snapshot.mjs, ./build.sh release) and the loader's restore
from it: on disk and under node (fast), then in headless Chromium on the session's nginx-served
release, including every case where the loader must fall back to a normal boot with one warning.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import ipaddress
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import brotli
import pytest
from releases import RELEASE_BASE, build_release

from jsinterop.tool import nginx_server

VERSION = "314.0.7"
WARNING = "jsinterop: booting without the memory snapshot (normal boot): "


def snapshot_record(root: Path) -> dict:
    """The SNAPSHOT record of a release's generated layout module."""
    [module] = root.glob("layout.*.mjs")
    found = re.search(r"^export const SNAPSHOT = (.*);$", module.read_text(), re.M)
    assert found, f"{module.name} has no SNAPSHOT"
    return json.loads(found.group(1))


def pyodide_build_id(root: Path) -> str:
    return re.search(r'BUILD_ID:"([0-9a-f]{64})"', (root / f"pyodide/{VERSION}/pyodide.mjs").read_text()).group(1)


# --- on disk and under node ----------------------------------------------------------------------

def test_release_has_the_snapshot_and_its_record(release_dist):
    record = snapshot_record(release_dist)
    data = (release_dist / record["path"]).read_bytes()
    assert re.fullmatch(r"snapshot\.[0-9a-f]{10}\.bin", record["path"])
    assert record["path"].split(".")[1] == hashlib.sha256(data).hexdigest()[:10], "named by its content"
    assert record["sha256"] == hashlib.sha256(data).hexdigest() and record["bytes"] == len(data)
    assert record["pyodide"] == VERSION and record["buildId"] == pyodide_build_id(release_dist)
    assert {"jsinterop", "app"} <= set(record["packages"]) and "app" in record["modules"]
    # jsinterop's header: what the file is, and the digest of the build it was made by.
    assert data[:16] == b"jsinterop-snap01" and data[48:64] == bytes(16)
    assert re.fullmatch(r"[0-9a-f]{64}", record["build"]) and data[16:48].hex() == record["build"]
    pyodide_part = data[64:]
    assert int.from_bytes(pyodide_part[:4], "little") == 1886286592, "Pyodide's snapshot magic number"
    header_id = "".join(f"{int.from_bytes(pyodide_part[i:i + 4], 'little'):08x}" for i in range(16, 48, 4))
    assert header_id == record["buildId"]
    # Precompressed siblings, served like every other content-named file.
    assert gzip.decompress((release_dist / (record["path"] + ".gz")).read_bytes()) == data
    assert brotli.decompress((release_dist / (record["path"] + ".br")).read_bytes()) == data
    assert len((release_dist / (record["path"] + ".br")).read_bytes()) < len(data) / 4
    manifest = json.loads((release_dist / "release-manifest.json").read_text())
    assert {record["path"], record["path"] + ".br", record["path"] + ".gz"} <= set(manifest["immutable"])
    # The development build has none.
    assert "export const SNAPSHOT = null;" in (Path(__file__).parents[2] / "loader/layout.mjs").read_text()


RESTORE_UNDER_NODE = r"""
import { readFile } from "node:fs/promises";
const [root, layoutPath] = process.argv.slice(1);
const { FILES, SNAPSHOT } = await import(layoutPath);
const dir = root + "/pyodide/314.0.7/";
const { loadPyodide } = await import(dir + "pyodide.mjs");
const lock = JSON.parse(await readFile(root + "/" + FILES["pyodide-lock.json"], "utf8"));
const started = performance.now();
const file = await readFile(root + "/" + SNAPSHOT.path);
const pyodide = await loadPyodide({ indexURL: dir, lockFileContents: lock, packageBaseUrl: root + "/",
                                    _loadSnapshot: file.subarray(64) });  // after jsinterop's header
const ms = performance.now() - started;
const out = pyodide.runPython(`
import json, sys
json.dumps({"modules": sorted(m for m in sys.modules if m == "app" or m.startswith(("app.", "jsinterop"))),
            "path": sys.path})
`);
console.log(JSON.stringify({ ms, ...JSON.parse(out) }));
"""


def test_snapshot_restores_under_node_with_the_app_already_imported(release_dist):
    node = shutil.which("node")
    assert node, "node is required (build.sh installs it)"
    [layout] = release_dist.glob("layout.*.mjs")
    proc = subprocess.run([node, "--input-type=module", "-e", RESTORE_UNDER_NODE, str(release_dist), layout.as_uri()],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    # Nothing was installed or imported after the restore: these come from the snapshot.
    assert {"app", "app.counter", "jsinterop", "jsinterop.app_host", "jsinterop.components"} <= set(out["modules"])
    assert out["path"].count("") == 2, "Pyodide's restore leaves '' twice on sys.path (the loader fixes it)"


def test_snapshot_is_cached_by_its_inputs(release_dist):
    record = snapshot_record(release_dist)
    proc = build_release(release_dist, RELEASE_BASE)
    assert "making the memory snapshot" not in proc.stdout, "a rebuild with nothing changed made it again"
    assert snapshot_record(release_dist) == record
    assert "memory snapshot" in proc.stdout  # its sizes in the size report


# --- in the browser ------------------------------------------------------------------------------

def _clean(report) -> None:
    assert report.boot_state == "ready", report
    assert report.violations == [] and report.console_errors == [] and report.uncaught == [], report


@pytest.mark.engines
def test_snapshot_boot_runs_the_app_and_everything_works(jsinterop_page, observed_release_server):
    page = jsinterop_page
    report = page.open(observed_release_server.url + "counter")
    _clean(report)
    assert report.console_warnings == [], report.console_warnings
    assert page.run("return Py.fromSnapshot") is True
    # The components render and JS -> Python event dispatch works: the counter counts.
    assert page.text("count") == "Current count: 0"
    page.run("document.getElementById('increment').click()")
    page.run_async("for (let i = 0; i < 100 && !document.getElementById('count').textContent.endsWith('1'); i++)"
                   " await new Promise((r) => setTimeout(r, 20));")
    assert page.text("count") == "Current count: 1"
    out = page.run_python("""
        import asyncio, sys
        from jsinterop import JSObjectReference, host, js_runtime
        fresh = "fractions" not in sys.modules
        import fractions  # stdlib, not in the snapshot: the file system is there after a restore
        await asyncio.sleep(0.01)
        rt = js_runtime()
        with rt.invoke("document.querySelector", "#count", returns=JSObjectReference) as count:
            tag = count.invoke("getAttribute", "role")
        module = await rt.import_module("./app/alert_user.js")
        [len(sys.path) == len(set(sys.path)), fresh, str(fractions.Fraction(1, 3)), tag,
         type(module).__name__, host().value, rt.invoke("location.pathname.endsWith", "/counter")]
    """)
    assert out == [True, True, "1/3", "status", "JSObjectReference", "browser-main", True]


def test_snapshot_boot_calls_both_ways_with_references(jsinterop_page, release_server):
    page = jsinterop_page
    report = page.open(release_server.url + "call-python.html")
    _clean(report)
    assert report.console_warnings == [] and page.run("return Py.fromSnapshot") is True
    # main() ran after the restore: it imported the page's JS module (through the release layout) and
    # lent it a Python object by reference; JS calls a static function and the referenced object.
    page.run("document.getElementById('return-array').click(); document.getElementById('say-hello').click();")
    page.run_async("for (let i = 0; i < 100 && !(document.getElementById('array-result').textContent"
                   " && document.getElementById('hello-result').textContent); i++)"
                   " await new Promise((r) => setTimeout(r, 20));")
    assert page.text("array-result") == "11, 12, 13"
    assert page.text("hello-result") == "Hello, Tiny Tim!"


def test_boot_without_the_snapshot_when_asked(jsinterop_page, release_server):
    page = jsinterop_page
    report = page.open(release_server.url + "counter?snapshot=off")
    _clean(report)
    assert report.console_warnings == []
    assert page.run("return Py.fromSnapshot") is False
    assert page.text("count") == "Current count: 0"


SHA256_MISMATCH = r"its sha256 is [0-9a-f]{64}, the build recorded [0-9a-f]{64} \(corrupt\)"
ANOTHER_BUILD = r"it was made by another build \([0-9a-f]{64}\), this release's is [0-9a-f]{64}"


def damaged(original: bytes, case: str) -> bytes:
    """The snapshot file ``original``: edited in place ("corrupt": one byte of the heap, same size,
    headers intact), made by "another build" of the same Pyodide (another build digest in our header,
    another heap), or by an "other Pyodide build" (another build id in Pyodide's header)."""
    data = bytearray(original)
    if case == "corrupt":
        data[len(data) // 2] ^= 0xFF
    elif case == "another build":
        data[16:48] = hashlib.sha256(b"another build of the app").digest()
        data[len(data) // 2] ^= 0xFF
    elif case == "other Pyodide build":
        data[64 + 16:64 + 20] = bytes(4)
    else:
        raise ValueError(case)
    return bytes(data)


def _broken_copy(release_dist: Path, dest: Path, damage) -> Path:
    """A copy of the release (hard links, so it is cheap) with its snapshot damaged by ``damage``."""
    shutil.copytree(release_dist, dest, copy_function=os.link)
    record = snapshot_record(dest)
    for suffix in ("", ".gz", ".br"):
        (dest / (record["path"] + suffix)).unlink()
    damage(dest / record["path"], record)
    return dest


@pytest.mark.parametrize("case, expected", [
    ("missing", r"snapshot\.[0-9a-f]{10}\.bin: HTTP 404"),
    ("corrupt", SHA256_MISMATCH),
    ("truncated", r"it has 1000 bytes, the build recorded \d+ \(corrupt or truncated\)"),
    ("another build", ANOTHER_BUILD),
    ("other Pyodide build", r"Snapshot build id mismatch"),
    ("throws on restore", r"restoring .*snapshot\.[0-9a-f]{10}\.bin failed: "),
])
def test_an_unusable_snapshot_boots_normally_and_warns_once(jsinterop_page, release_dist, tmp_path, case, expected):
    source = snapshot_record(release_dist)
    original = (release_dist / source["path"]).read_bytes()

    def damage(path: Path, record: dict) -> None:
        if case == "missing":
            return
        if case == "truncated":
            path.write_bytes(original[:1000])
        elif case == "throws on restore":
            data = bytearray(original)
            data[64 + 8:64 + 12] = (0xFFFFFFF0).to_bytes(4, "little")  # Pyodide's metadata size: far past the end
            path.write_bytes(bytes(data))
        else:
            path.write_bytes(damaged(original, case))

    site = _broken_copy(release_dist, tmp_path / "site", damage)
    if case == "throws on restore":
        # The loader's own checks pass (size, header, digest); Pyodide's restore throws.
        broken = (site / source["path"]).read_bytes()
        record = dict(source, sha256=hashlib.sha256(broken).hexdigest())
        [layout] = site.glob("layout.*.mjs")
        record_text = layout.read_text()
        for sibling in (layout, layout.with_name(layout.name + ".gz"), layout.with_name(layout.name + ".br")):
            sibling.unlink(missing_ok=True)  # hard links to the session's release: replace, never write through
        layout.write_text(record_text.replace(json.dumps(source, sort_keys=True), json.dumps(record, sort_keys=True)))
        assert json.dumps(record, sort_keys=True) in layout.read_text()
    with nginx_server.serving(site, RELEASE_BASE) as server:
        page = jsinterop_page
        page.clear_browser_cache()  # another case's files, cached immutable, may have had these URLs
        report = page.open(server.url + "counter")
        assert report.boot_state == "ready", report
        assert report.violations == [] and report.console_errors == [] and report.uncaught == [], report
        warnings = [w for w in report.console_warnings if w.startswith(WARNING)]
        assert len(warnings) == 1 and report.console_warnings == warnings, report.console_warnings
        assert re.search(expected, warnings[0]), warnings[0]
        assert page.run("return Py.fromSnapshot") is False
        assert page.text("count") == "Current count: 0"
        page.run("document.getElementById('increment').click()")
        page.run_async("for (let i = 0; i < 100 && !document.getElementById('count').textContent.endsWith('1'); i++)"
                       " await new Promise((r) => setTimeout(r, 20));")
        assert page.text("count") == "Current count: 1"


def non_loopback_address() -> str | None:
    """An IPv4 address of this machine other than loopback, or None: a page served from it over plain
    HTTP is not a secure context (no ``crypto.subtle``), as on any plain-HTTP host but localhost."""
    with contextlib.suppress(OSError), socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.connect(("192.0.2.1", 9))  # a documentation address: nothing is sent, a route picks the interface
        address = s.getsockname()[0]
        if not ipaddress.ip_address(address).is_loopback:
            return address
    return None


@contextlib.contextmanager
def insecure_origin(page, site: Path) -> Iterator[str]:
    """Serve ``site`` (a release) at a plain-HTTP origin that is not a secure context, for ``page``: this
    machine's own non-loopback address, else (a machine without one) loopback with ``crypto.subtle``
    removed before the page's scripts run, as such an origin has it."""
    from jsinterop.tool.devserver import make_server

    address = non_loopback_address()
    server = make_server(site, port=0, host=address or "127.0.0.1", base_path=RELEASE_BASE, quiet=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        if address is None:
            page.activate()
            page.driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {
                "source": "Object.defineProperty(Crypto.prototype, 'subtle', { get: () => undefined });"})
        yield f"http://{address or '127.0.0.1'}:{server.server_address[1]}{RELEASE_BASE}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.mark.reliability
@pytest.mark.parametrize("case, expected", [("corrupt", SHA256_MISMATCH), ("another build", ANOTHER_BUILD)])
def test_on_an_insecure_origin_a_tampered_snapshot_is_not_used(jsinterop_page, release_dist, tmp_path, case, expected):
    source = snapshot_record(release_dist)
    original = (release_dist / source["path"]).read_bytes()
    site = _broken_copy(release_dist, tmp_path / "site",
                        lambda path, record: path.write_bytes(damaged(original, case)))
    assert (site / source["path"]).stat().st_size == len(original), "same size: the size check cannot tell"
    page = jsinterop_page
    with insecure_origin(page, site) as url:
        report = page.open(url + "counter")
        assert page.run("return [isSecureContext, typeof globalThis.crypto?.subtle]") == [False, "undefined"]
        assert report.boot_state == "ready", report
        assert report.violations == [] and report.console_errors == [] and report.uncaught == [], report
        assert len(report.console_warnings) == 1, report.console_warnings
        assert report.console_warnings[0].startswith(WARNING + f"Failed to load {url}{source['path']}: ")
        assert re.search(expected, report.console_warnings[0]), report.console_warnings[0]
        assert page.run("return Py.fromSnapshot") is False
        assert page.text("count") == "Current count: 0"


def test_old_snapshots_are_pruned_from_the_cache(tmp_path):
    from jsinterop.tool import build

    for i in range(5):
        entry = tmp_path / f"key{i}"
        entry.mkdir()
        (entry / "record.json").write_text("{}")
        os.utime(entry / "record.json", (1000 + i, 1000 + i))
    (tmp_path / "half-made").mkdir()  # no record: being made by another build, left alone
    build._prune_snapshots(tmp_path, keep=3)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["half-made", "key2", "key3", "key4"]


@pytest.mark.engines("chromium", "firefox")  # WebKitGTK: no SharedArrayBuffer, so no synchronous call
def test_a_release_boots_in_a_worker_from_its_snapshot(jsinterop_page, observed_release_server, release_dist):
    # The release behind nginx: worker.mjs under its hashed name, the snapshot restored in the worker,
    # the COOP/COEP headers the build asks for, a synchronous call from the worker into the page.
    page = jsinterop_page
    report = page.open(observed_release_server.url + "worker.html")
    _clean(report)
    got = page.run_async("""return [Py.worker, Py.fromSnapshot, crossOriginIsolated,
        await Py.runPythonAsync("from jsinterop import js_runtime; js_runtime().get_value('document.title')")];""")
    assert got == {"value": [True, True, True, "Python in a worker · jsinterop sample"]}
    workers = [t.url for t in page.resource_timings() if "/worker." in t.url and t.url.endswith(".mjs")]
    # the stable worker.mjs (no-cache) runs the content-hashed worker module, as jsinterop.mjs does the loader
    # (which the page's resource timing lists on Chromium only: Firefox's worker keeps its own timeline)
    assert "worker.mjs" in {url.rsplit("/", 1)[1] for url in workers}, workers
    stub = (release_dist / "worker.mjs").read_text()
    hashed = re.search(r'import "\./(worker\.[0-9a-f]{10}\.mjs)";', stub)
    assert hashed and (release_dist / hashed.group(1)).is_file(), stub
