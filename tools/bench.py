"""./build.sh bench: open the benchmark page of dist/ in headless Chromium, run every case, print
the table (case, ours, raw Pyodide, ratio, target, verdict) and write bench/results.json."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "runtime"))

from jsinterop.devserver import running_server  # noqa: E402
from jsinterop.testing.browser import PageDriver, launch_chromium  # noqa: E402


def run_bench(dist: Path, quick: bool = False, timeout: float = 600) -> list[dict]:
    """Run the bench page to the end and return its results."""
    driver = launch_chromium()
    try:
        with running_server(dist) as url:
            page = PageDriver(driver)
            page.open(f"{url}bench/?autorun=1{'&quick=1' if quick else ''}", wait=False)
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                results = page.run("return globalThis.benchResults ?? null;")
                if results is not None:
                    return results
                failed = page.run("return document.documentElement.dataset.jsinteropBoot === 'failed';")
                if failed:
                    raise RuntimeError(f"the bench page failed to boot: {page.report()}")
                time.sleep(0.5)
            raise TimeoutError(f"the bench page did not finish in {timeout:.0f} s")
    finally:
        driver.quit()


def table(results: list[dict]) -> str:
    """The results as a text table."""
    rows = [("case", "ours (ms)", "raw (ms)", "ratio", "target", "verdict")]
    for r in results:
        ratio, target = ((f"{r['ours'] - r['raw']:+.0f} ms", f"<= +{r['target']} ms") if r.get("delta")
                         else (f"{r['ratio']:.2f}x", f"<= {r['target']}x"))
        rows.append((r["label"], f"{r['ours']:.4f}", f"{r['raw']:.4f}", ratio, target, r["verdict"]))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(row, widths)) for row in rows)


def main(argv: list[str]) -> int:
    quick = "--quick" in argv
    results = run_bench(ROOT / "dist", quick=quick)
    print(table(results))
    boot = next((r for r in results if r["id"] == "boot"), None)
    if boot is not None:
        print("\nour boot, median ms per stage: " + ", ".join(f"{k} {v:.0f}" for k, v in boot["stages"].items()))
    out = ROOT / "bench" / "results.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"when": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "quick": quick, "results": results},
                              indent=2))
    print(f"\nwrote {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
