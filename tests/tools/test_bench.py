"""The benchmark page runs every case and reports a ratio for each (quick mode: not a speed test), and
the release cases (boot with a warm cache, bytes cold and warm) measure a release served by nginx."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.browser


from jsinterop.tool import bench


def test_bench_page_produces_every_case(jsinterop_page, jsinterop_server):
    page = jsinterop_page
    page.open(jsinterop_server + "bench/?autorun=1&quick=1", wait=True, timeout=120)
    out = page.run_async("""
        for (let i = 0; i < 600 && !globalThis.benchResults; i++) await new Promise((r) => setTimeout(r, 250));
        return globalThis.benchResults;
    """, timeout=200)
    results = out["value"]
    cases = page.run_async("return (await import(new URL('./bench-page.mjs', document.baseURI))).CASES.map((c) => c.id);")
    assert [r["id"] for r in results] == cases["value"]
    for r in results:
        assert r["ours"] > 0 and r["raw"] > 0 and r["ratio"] > 0 and r["verdict"] in ("meets", "misses"), r
    assert page.run("return document.querySelectorAll('#results tbody tr').length") == len(results)
    charted = [r for r in results if not r.get("delta")]  # boot is a difference in ms, not a ratio
    assert page.run("return document.querySelectorAll('#chart rect').length") == len(charted) == len(results) - 1
    boot = next(r for r in results if r["id"] == "boot")
    assert set(boot["stages"]) == {"download", "start", "install", "app"} and all(v >= 0 for v in boot["stages"].values())
    assert "ratio" in bench.table(results).splitlines()[0]
    # The worker-mode cases ran too; where the dev server sends no COOP/COEP, the worker cannot wait on the page.
    worker = page.run("return globalThis.benchWorker;")
    sync = ["worker-sync-call", "worker-sync-call-main"]
    if page.run("return crossOriginIsolated;"):
        assert [r["id"] for r in worker["results"]] == bench_page_worker_case_ids() and worker["skipped"] == []
    else:
        assert [r["id"] for r in worker["results"]] == [i for i in bench_page_worker_case_ids() if i not in sync]
        assert [s["id"] for s in worker["skipped"]] == sync
        assert all("cross-origin isolated" in s["why"] for s in worker["skipped"]), worker["skipped"]
    assert page.run("return document.querySelectorAll('#worker-results tbody tr').length") == len(worker["results"])
    report = page.report()
    assert report.violations == [] and report.uncaught == []


def test_release_cases_report_warm_boot_and_bytes(jsinterop_browser, release_server):
    results = bench.release_cases(jsinterop_browser, release_server.url, runs=1)
    assert [r["id"] for r in results] == [c["id"] for c in bench.RELEASE_CASES] == [
        "boot-warm-cache", "bytes-cold", "bytes-warm", "boot-warm-snapshot", "boot-cold-snapshot", "bytes-snapshot"]
    by_id = {r["id"]: r for r in results}
    # Each snapshot case compares a snapshot boot with a normal one (visit() checks which each was).
    for case in ("boot-warm-snapshot", "boot-cold-snapshot"):
        assert by_id[case]["ours"] > 0 and by_id[case]["raw"] > 0 and by_id[case]["unit"] == "ms"
    snap = by_id["bytes-snapshot"]
    assert snap["raw"] > 20_000_000 and 1_000_000 < snap["ours"] < snap["raw"] / 4, "the snapshot, compressed, once"
    boot, cold, warm = by_id["boot-warm-cache"], by_id["bytes-cold"], by_id["bytes-warm"]
    assert 0 < boot["ours"] and 0 < boot["raw"] and boot["unit"] == "ms"
    assert 2_000_000 < cold["ours"] < cold["raw"], "the cold visit downloads the runtime, compressed"
    assert warm["raw"] == cold["ours"] and 0 < warm["ours"] < 5_000, "a repeat visit only revalidates entry points"
    for r in results:
        assert r["ratio"] == pytest.approx(r["ours"] / r["raw"]) and r["verdict"] in ("meets", "misses"), r
    lines = bench.table(results).splitlines()
    assert lines[0].split()[:3] == ["case", "ours", "baseline"]
    assert "bytes transferred, warm" in lines[3] and lines[3].count(" B") == 2


# What each engine gives the worker-mode cases: "longtask" entries (Chromium only) and SharedArrayBuffer
# in an isolated page (not WebKitGTK), without which a worker cannot wait on the page.
UNMEASURED = {"chromium": set(), "firefox": {"worker-long-tasks-ms", "worker-long-tasks-count"},
              "webkit": {"worker-long-tasks-ms", "worker-long-tasks-count", "worker-sync-call",
                         "worker-sync-call-main"}}


@pytest.mark.engines
def test_worker_cases_compare_worker_mode_with_the_page_thread(jsinterop_browsers, jsinterop_engine, jsinterop_dist):
    # bench.py's own run of the page (served cross-origin isolated), the worker group only.
    measured = bench.run_bench(jsinterop_browsers.new_page(jsinterop_engine), jsinterop_dist, quick=True,
                               groups=("worker",))
    assert measured.results == []  # the page group was not asked for
    ids = bench_page_worker_case_ids()
    assert {s["id"] for s in measured.skipped} == UNMEASURED[jsinterop_engine]
    assert [r["id"] for r in measured.worker] == [i for i in ids if i not in UNMEASURED[jsinterop_engine]]
    by_id = {r["id"]: r for r in measured.worker}
    for r in measured.worker:
        assert r["group"] == "worker" and r["raw"] > 0 and r["ratio"] == pytest.approx(r["ours"] / r["raw"]), r
        assert r["verdict"] == ("meets" if r["ratio"] <= r["target"] else "misses"), r
    assert by_id["worker-boot"]["ours"] > 0 and by_id["worker-boot"]["unit"] == "ms"
    assert set(by_id["worker-boot"]["stages"]) == {"download", "start", "install", "app"}
    if "worker-long-tasks-ms" in by_id:
        # Python's loop is one long task on the page's thread, and none in worker mode.
        ms, count = by_id["worker-long-tasks-ms"], by_id["worker-long-tasks-count"]
        assert ms["ours"] == 0 and ms["raw"] >= 50 and count["ours"] == 0 and count["raw"] >= 1, (ms, count)
        assert ms["verdict"] == count["verdict"] == "meets"
    if "worker-sync-call" in by_id:
        assert by_id["worker-sync-call"]["ours"] == by_id["worker-sync-call-main"]["ours"] > 0
        assert by_id["worker-sync-call"]["unit"] == "us"
    for s in measured.skipped:
        assert ("longtask" in s["why"]) if "long-tasks" in s["id"] else ("SharedArrayBuffer" in s["why"]), s
    lines = bench.report({jsinterop_engine: measured}).splitlines()
    assert lines[0] == f"{jsinterop_engine}, worker mode (Python in a Web Worker against Python on the page's thread)"
    assert lines[1].split()[:3] == ["case", "ours", "baseline"] and len(lines) >= 2 + len(measured.worker)


def bench_page_worker_case_ids() -> list[str]:
    """The ids of WORKER_CASES in www/bench/bench-page.mjs, in order."""
    text = (ROOT / "www" / "bench" / "bench-page.mjs").read_text()
    block = text[text.index("export const WORKER_CASES = ["):]
    block = block[:block.index("];")]
    return [line.split('id: "', 1)[1].split('"', 1)[0] for line in block.splitlines() if 'id: "' in line]
