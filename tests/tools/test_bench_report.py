"""The bench's report on CPython (no browser): the worker-mode cases' table and their place in
results.json, the choice of case groups, and the cross-origin isolation the bench page is served with."""

from __future__ import annotations

import http.client
import urllib.parse

import pytest

from jsinterop.tool import bench
from jsinterop.tool.devserver import running_server

WORKER = [
    {"id": "worker-long-tasks-ms", "label": "long tasks (ms)", "unit": "ms", "ours": 0.0, "raw": 2001.0,
     "ratio": 0.0, "target": 0, "verdict": "meets", "group": "worker"},
    {"id": "worker-long-tasks-count", "label": "long tasks (count)", "unit": "count", "ours": 0, "raw": 1,
     "ratio": 0.0, "target": 0, "verdict": "meets", "group": "worker"},
    {"id": "worker-sync-call", "label": "sync call", "unit": "us", "ours": 153.6, "raw": 442.1,
     "ratio": 153.6 / 442.1, "target": 1, "verdict": "meets", "group": "worker"},
    {"id": "worker-boot", "label": "boot in worker mode", "unit": "ms", "ours": 4738.9, "raw": 5517.0,
     "ratio": 4738.9 / 5517.0, "target": 1.1, "verdict": "meets", "group": "worker",
     "stages": {"download": 210.4, "start": 3900.2, "install": 400.0, "app": 128.3}},
]
PAGE = [{"id": "rt-invoke", "label": "rt.invoke", "ours": 0.002, "raw": 0.001, "ratio": 2.0, "target": 3,
         "verdict": "meets"}]


def test_the_worker_table_shows_each_unit_and_ratio():
    lines = bench.table(WORKER).splitlines()
    assert lines[0].split() == ["case", "ours", "baseline", "ratio", "target", "verdict"]
    ms, count, sync, boot = lines[1:]
    assert "0.0000 ms" in ms and "2001.0000 ms" in ms and "0.0000x" in ms and "<= 0x" in ms
    assert count.split()[-6:] == ["0", "1", "0.0000x", "<=", "0x", "meets"] and " ms" not in count
    assert "153.6 us" in sync and "442.1 us" in sync and "0.35x" in sync and "<= 1x" in sync
    assert "0.86x" in boot and "<= 1.1x" in boot and boot.rstrip().endswith("meets")


def test_the_report_prints_the_worker_table_and_what_an_engine_could_not_measure():
    measured = {"chromium": bench.PageResults(PAGE, WORKER),
                "webkit": bench.PageResults([], WORKER[3:], [{"id": "worker-sync-call", "why": "no SharedArrayBuffer"}])}
    text = bench.report(measured)
    blocks = text.split("\n\n")
    assert blocks[0].startswith("chromium\ncase") and "rt.invoke" in blocks[0]
    assert blocks[1].startswith("chromium, worker mode (Python in a Web Worker against Python on the page's thread)\n")
    assert len(blocks[1].splitlines()) == 2 + len(WORKER)
    assert blocks[2] == "chromium: our boot in worker mode, median ms per stage: download 210, start 3900, install 400, app 128"
    assert blocks[3].startswith("webkit, worker mode") and "boot in worker mode" in blocks[3]
    assert blocks[5] == "webkit: worker-sync-call not measured: no SharedArrayBuffer" and len(blocks) == 6


def test_results_json_keeps_the_worker_cases_under_worker():
    skipped = [{"id": "worker-sync-call-main", "why": "not isolated"}]
    record = bench.record_of({"chromium": bench.PageResults(PAGE, WORKER, skipped),
                              "firefox": bench.PageResults(PAGE, WORKER[2:])}, quick=False)
    assert record["results"] == PAGE and record["worker"] == WORKER and record["worker_skipped"] == skipped
    assert record["engines"] == {"firefox": PAGE + WORKER[2:]} and record["quick"] is False
    assert "worker" not in bench.record_of({"chromium": bench.PageResults(PAGE)}, quick=True)


def test_cases_choose_groups():
    assert bench.parse_groups("worker") == ("worker",)
    assert bench.parse_groups("release,page") == ("page", "release")
    with pytest.raises(ValueError, match="expected a comma-separated list of page, worker, release"):
        bench.parse_groups("worker,speed")
    assert bench.main(["--cases=nothing"]) == 2


def test_the_bench_page_is_served_cross_origin_isolated_with_each_header_once(tmp_path):
    # the bench's server isolates the page with the dev server's own headers, whatever the build says
    (tmp_path / "index.html").write_text("<!doctype html><title>t</title>")
    with running_server(tmp_path, isolation=bench.BENCH_ISOLATION) as url:
        connection = http.client.HTTPConnection(urllib.parse.urlsplit(url).netloc, timeout=10)
        try:
            for path in ("/", "/missing"):  # each response, the error's too
                connection.request("GET", path)
                response = connection.getresponse()
                response.read()
                assert response.headers.get_all("Cross-Origin-Opener-Policy") == ["same-origin"], path
                assert response.headers.get_all("Cross-Origin-Embedder-Policy") == ["require-corp"], path
        finally:
            connection.close()
