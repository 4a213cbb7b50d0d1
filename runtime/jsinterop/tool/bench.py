"""``jsinterop bench`` (and ./build.sh bench): open the app's benchmark page (``bench/`` of its built
site, when it has one: the sample site does) in headless Chromium and run every case, then time a
release of the app served by nginx (boot with a warm cache, bytes transferred cold and warm); print the
table (case, ours, baseline, ratio, target, verdict) and write ``bench/results.json`` in the project.
The bench page's worker-mode cases (Python in a Web Worker against Python on the page's thread: long
tasks, a synchronous call into the page, boot) get their own table and the record's ``worker`` key; the
dev server sends COOP/COEP for them (a synchronous call from the worker needs cross-origin isolation).

``--cases=page,worker,release`` runs only those groups (default: all): the bench page's cases, its
worker-mode cases, the release's cases.

``--engines=chromium,firefox,webkit`` also runs the bench page (boot and interop cases, each against raw
Pyodide on the same engine) on Firefox and WebKit, one table per engine; the release cases, which read
Chromium's cache controls, run on Chromium only."""

from __future__ import annotations

import dataclasses
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from jsinterop.testing.browser import OBSERVER_SCRIPT, PageDriver
from jsinterop.testing.engines import Browsers, parse_engines
from jsinterop.testing.engines.chromium import ChromiumPage
from jsinterop.tool import build, nginx_server
from jsinterop.tool.devserver import running_server
from jsinterop.tool.paths import CHECKOUT
from jsinterop.tool.project import Project

RELEASE_BASE = "/bench-release/"
"""The sub-path nginx serves the benchmarked release under."""

RELEASE_CASES = [
    {"id": "boot-warm-cache", "label": "boot, warm cache (release behind nginx, repeat visit)",
     "baseline": "the same release with an empty cache", "target": 1.0, "unit": "ms"},
    {"id": "bytes-cold", "label": "bytes transferred, cold (release behind nginx, empty cache)",
     "baseline": "the same files uncompressed", "target": 0.5, "unit": "bytes"},
    {"id": "bytes-warm", "label": "bytes transferred, warm (release behind nginx, repeat visit)",
     "baseline": "the cold visit", "target": 0.01, "unit": "bytes"},
    {"id": "boot-warm-snapshot", "label": "boot, warm, snapshot (release behind nginx, repeat visit)",
     "baseline": "a normal boot (?snapshot=off) of the same release, warm", "target": 0.5, "unit": "ms"},
    {"id": "boot-cold-snapshot", "label": "boot, cold, snapshot (release behind nginx, empty cache)",
     "baseline": "a normal boot (?snapshot=off) of the same release, cold", "target": 1.0, "unit": "ms"},
    {"id": "bytes-snapshot", "label": "snapshot bytes a cold visitor transfers (compressed)",
     "baseline": "the snapshot, raw", "target": 0.25, "unit": "bytes"},
]
"""Cases measured on a release rather than on the bench page: what caching and compression buy."""


GROUPS = ("page", "worker", "release")
"""The groups of cases ``--cases=`` chooses from: the bench page's, its worker-mode ones, the release's."""

BENCH_ISOLATION = "require-corp"
"""The bench page is served cross-origin isolated (the dev server's own headers, whatever the build
asks), which a synchronous call from Python in a worker needs."""


_WAIT_FOR_RESULTS = """
const t0 = performance.now();
const state = () => globalThis.benchError !== undefined ? { failed: globalThis.benchError }
  : document.documentElement.dataset.jsinteropBoot === "failed" ? { bootFailed: true }
  : globalThis.benchResults ? { results: globalThis.benchResults, worker: globalThis.benchWorker } : null;
while (state() === null && performance.now() - t0 < 10000) await new Promise((r) => setTimeout(r, 250));
return state();
"""
"""Waits (at most 10 s) in the bench page for its results, its failure or its boot's."""


@dataclasses.dataclass
class PageResults:
    """What the bench page measured on one engine."""

    results: list[dict]
    """The bench page's cases (each against raw Pyodide)."""
    worker: list[dict] = dataclasses.field(default_factory=list)
    """The worker-mode cases (each against Python on the page's thread)."""
    skipped: list[dict] = dataclasses.field(default_factory=list)
    """The worker-mode cases this engine or page could not measure: {"id", "why"}."""


def run_bench(page: PageDriver, dist: Path, quick: bool = False, timeout: float = 600,
              groups: tuple[str, ...] = ("page", "worker")) -> PageResults:
    """Run the bench page of ``dist`` (served by the dev server, cross-origin isolated) to the end in
    ``page``, its cases of ``groups`` ("page", "worker"), and return its results."""
    with running_server(dist, observer_script=OBSERVER_SCRIPT, isolation=BENCH_ISOLATION) as url:
        try:
            cases = ",".join(g for g in groups if g != "release")
            page.open(f"{url}bench/?autorun=1&cases={cases}{'&quick=1' if quick else ''}", wait=False)
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                # Waits in the page: its thread may be busy for long (its Python cases, a frame booting on
                # it), longer than a synchronous script may wait.
                out = page.run_async(_WAIT_FOR_RESULTS, timeout=180)
                if "error" in out:
                    raise RuntimeError(f"waiting for the bench page's results failed: {out['error']}")
                done = out.get("value")
                if done is None:
                    continue
                if "failed" in done:
                    raise RuntimeError(f"the bench page failed: {done['failed']}")
                if "bootFailed" in done:
                    raise RuntimeError(f"the bench page failed to boot: {page.report()}")
                worker = done["worker"]
                return PageResults(done["results"], worker["results"], worker["skipped"])
            raise TimeoutError(f"the bench page did not finish in {timeout:.0f} s")
        finally:
            page.close()


def visit(page: PageDriver, url: str, snapshot: bool | None = None) -> dict[str, float]:
    """Open ``url`` and wait for the boot: ms to ready, bytes over the network, and the decoded
    size of each file it loaded (once per URL); and the
    bytes transferred and decoded of the memory snapshot. ``snapshot`` (when not None) is whether the
    boot must have restored the memory snapshot; a boot that did otherwise is an error."""
    report = page.open(url, timeout=120)
    if report.boot_state != "ready":
        raise RuntimeError(f"{url} did not boot: {report}")
    ready = page.run("return Py.bootTimings.ready;")
    restored = page.run("return Py.fromSnapshot;")
    if snapshot is not None and restored != snapshot:
        raise RuntimeError(f"{url}: the boot {'did not restore' if snapshot else 'restored'} the memory snapshot; "
                           f"warnings: {report.console_warnings}")
    timings = page.resource_timings()
    decoded = {t.url: t.decoded_size for t in timings}
    snap = [t for t in timings if "/snapshot." in t.url and t.url.endswith(".bin")]
    return {"ready": ready, "transfer": sum(t.transfer_size for t in timings), "decoded": sum(decoded.values()),
            "snapshot_transfer": sum(t.transfer_size for t in snap), "snapshot_decoded": sum(t.decoded_size for t in snap)}


def release_cases(driver, url: str, runs: int = 3) -> list[dict]:
    """:data:`RELEASE_CASES` for the release served at ``url`` (which must have a memory snapshot):
    ``runs`` pairs of a visit with an empty browser cache and a repeat visit, booting from the
    snapshot (the default) and normally (``?snapshot=off``), medians."""
    page = ChromiumPage(driver)
    cold, warm, cold_off, warm_off = [], [], [], []
    off = url + ("&" if "?" in url else "?") + "snapshot=off"
    try:
        for _ in range(runs):
            page.clear_browser_cache()
            cold.append(visit(page, url, snapshot=True))
            warm.append(visit(page, url, snapshot=True))
            page.clear_browser_cache()
            cold_off.append(visit(page, off, snapshot=False))
            warm_off.append(visit(page, off, snapshot=False))
    finally:
        page.close()

    def median(visits: list[dict[str, float]], key: str) -> float:
        return statistics.median(v[key] for v in visits)

    figures = {
        "boot-warm-cache": (median(warm, "ready"), median(cold, "ready")),
        "bytes-cold": (median(cold, "transfer"), median(cold, "decoded")),
        "bytes-warm": (median(warm, "transfer"), median(cold, "transfer")),
        "boot-warm-snapshot": (median(warm, "ready"), median(warm_off, "ready")),
        "boot-cold-snapshot": (median(cold, "ready"), median(cold_off, "ready")),
        "bytes-snapshot": (median(cold, "snapshot_transfer"), median(cold, "snapshot_decoded")),
    }
    results = []
    for case in RELEASE_CASES:
        ours, raw = figures[case["id"]]
        ratio = ours / raw
        results.append({**case, "ours": ours, "raw": raw, "ratio": ratio,
                        "verdict": "meets" if ratio <= case["target"] else "misses"})
    return results


def run_release_cases(driver, runs: int, project: Project | None = None) -> list[dict]:
    """Build a release of ``project`` (default: the sample) into a temporary folder, serve it with
    nginx, and measure :data:`RELEASE_CASES`."""
    with tempfile.TemporaryDirectory(prefix="jsinterop-bench-release-") as tmp:
        try:
            build.release(Path(tmp), RELEASE_BASE, project)
        except (build.BuildError, ValueError) as e:
            raise RuntimeError(f"the release build failed: {e}") from e
        with nginx_server.serving(Path(tmp), RELEASE_BASE) as server:
            return release_cases(driver, server.url, runs)


def _value(r: dict, value: float) -> str:
    unit = r.get("unit", "ms")
    if unit == "bytes":
        return f"{value:,.0f} B"
    if unit == "count":
        return f"{value:g}"
    return f"{value:.1f} us" if unit == "us" else f"{value:.4f} ms"


def table(results: list[dict]) -> str:
    """The results as a text table."""
    rows = [("case", "ours", "baseline", "ratio", "target", "verdict")]
    for r in results:
        ratio, target = ((f"{r['ours'] - r['raw']:+.0f} ms", f"<= +{r['target']} ms") if r.get("delta")
                         else (f"{r['ratio']:.4f}x" if r["ratio"] < 0.01 else f"{r['ratio']:.2f}x", f"<= {r['target']}x"))
        rows.append((r["label"], _value(r, r["ours"]), _value(r, r["raw"]), ratio, target, r["verdict"]))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(row, widths)) for row in rows)


def parse_groups(value: str) -> tuple[str, ...]:
    """The groups of ``--cases=a,b``, in :data:`GROUPS`' order; an unknown one is an error naming them."""
    names = [name.strip() for name in value.split(",") if name.strip()]
    unknown = [name for name in names if name not in GROUPS]
    if unknown or not names:
        raise ValueError(f"--cases={value}: expected a comma-separated list of {', '.join(GROUPS)}")
    return tuple(g for g in GROUPS if g in names)


def _stages(title: str, results: list[dict], case: str) -> list[str]:
    """The line of the median ms per boot stage of ``case`` among ``results`` (none without it)."""
    boot = next((r for r in results if r["id"] == case and r.get("stages")), None)
    return [] if boot is None else [f"{title}, median ms per stage: "
                                    + ", ".join(f"{k} {v:.0f}" for k, v in boot["stages"].items())]


def report(per_engine: dict[str, PageResults]) -> str:
    """The tables printed for ``per_engine``: each engine's cases, then its worker-mode cases and what
    it could not measure."""
    parts = []
    for engine, measured in per_engine.items():
        if measured.results:
            parts.append(f"{engine}\n" + table(measured.results))
            parts.extend(_stages(f"{engine}: our boot", measured.results, "boot"))
        if measured.worker:
            parts.append(f"{engine}, worker mode (Python in a Web Worker against Python on the page's thread)\n"
                         + table(measured.worker))
            parts.extend(_stages(f"{engine}: our boot in worker mode", measured.worker, "worker-boot"))
        if measured.skipped:
            parts.append("\n".join(f"{engine}: {s['id']} not measured: {s['why']}" for s in measured.skipped))
    return "\n\n".join(parts)


def record_of(per_engine: dict[str, PageResults], quick: bool) -> dict:
    """What results.json holds: Chromium's cases under ``results``, its worker-mode cases under
    ``worker`` (with what it skipped under ``worker_skipped``), the other engines' under ``engines``
    (each engine's worker-mode cases after its others)."""
    chromium = per_engine.get("chromium", PageResults([]))
    record: dict = {"when": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "quick": quick, "results": chromium.results}
    if chromium.worker or chromium.skipped:
        record["worker"] = chromium.worker
        record["worker_skipped"] = chromium.skipped
    others = {engine: m.results + m.worker for engine, m in per_engine.items()
              if engine != "chromium" and (m.results or m.worker)}
    if others:
        record["engines"] = others
    return record


def main(argv: list[str], project: Project | None = None, dist: Path | None = None) -> int:
    """Run the bench of ``project`` (default: the sample site) whose development build is ``dist``;
    ``--quick`` in ``argv`` runs each case once, ``--engines=a,b`` runs the bench page on those engines too,
    ``--cases=page,worker,release`` runs only those groups of cases."""
    quick = "--quick" in argv
    engines = ("chromium",)
    groups = GROUPS
    for arg in argv:
        if arg.startswith("--engines="):
            engines = parse_engines(arg.split("=", 1)[1])
        if arg.startswith("--cases="):
            try:
                groups = parse_groups(arg.split("=", 1)[1])
            except ValueError as e:
                print(f"bench: {e}", file=sys.stderr)
                return 2
    project = project or build.sample_project()
    dist = dist or CHECKOUT / "dist"
    on_page = (dist / "bench" / "index.html").is_file() and ("page" in groups or "worker" in groups)
    per_engine: dict[str, PageResults] = {}
    browsers = Browsers()
    try:
        for engine in engines:
            per_engine[engine] = (run_bench(browsers.new_page(engine), dist, quick=quick, groups=groups) if on_page
                                  else PageResults([]))
        if "chromium" in engines and "release" in groups:  # the release cases read Chromium's cache controls
            per_engine["chromium"].results += run_release_cases(browsers.chromium().driver, runs=1 if quick else 3,
                                                                project=project)
    finally:
        browsers.quit()
    print("\n" + report(per_engine))
    # The sample's results go to the repository's bench/ (beside its history); an app's to its own.
    out = (CHECKOUT if project.root == (CHECKOUT / "www").resolve() else project.root) / "bench" / "results.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(record_of(per_engine, quick), indent=2))
    print(f"\nwrote {build.shown(out)}")
    return 0

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
