"""Hostile and malformed calls from JavaScript into Python, in a real page under the strict CSP.

Over 3,000 calls (hostile_calls.mjs: each payload alone through each call form, then 1,000 from a seed): every call form (static invokables sync and
async, methods of lent objects, unknown and disposed ids, @js_export functions) with wrong arities,
wrong types, 10 MB strings and buffers, nesting 33, 5,000, 10,000 and 100,000 deep (refused at the limit), ``__proto__``/``constructor``/``prototype``
keys, cyclic objects, Symbols, functions, Proxies with throwing traps, forged wire markers. Each must
end in a clear Error (an Error with a message of a known shape) or a correct result; afterwards a
normal call works, the built-in prototypes are untouched, nothing is tracked that was not before, and
no Python exception reached the console.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.engines]

HERE = Path(__file__).parent
FIXTURES = HERE.parent / "runtime"
RANDOM_CALLS = {"chromium": 1000}
"""Calls with random arities and payloads, after each call form has had each payload alone (~2,600): on
Chromium only (the rest of the matrix runs on every engine)."""

# Every distinct error message the calls produced must have one of these shapes: each names what was
# wrong (the module, identifier, parameter, expected type, path, id or limit).
KNOWN_MESSAGES = [
    r"The module '[^']*' does not contain a public invokable method with identifier '[^']*'\.",
    r"The type '[^']+' does not contain a public invokable method with identifier '[^']*'\.",
    r"The method '[^']+' expects 9( to 9)? arguments? but received 9\.",
    r"The method '[^']+' is async \(async def\): call it with invokeMethodAsync\.",
    r"There is no tracked object with id '9'\. Perhaps the object was disposed\?",
    r"Invalid argument for parameter '[^']+' of '[^']+': .+",
    r"[a-z_]+\(\) takes 9 argument\(s\) but 9 were given",
    r"'missing thing'",
    r"async failure",
    # each engine's own words for a cycle (V8's name it; SpiderMonkey's, JavaScriptCore's)
    r"(Converting circular structure to JSON.+closes the circle|cyclic object value|JSON.stringify cannot serialize cyclic structures\.)",
    r"Cannot send the value( at key '[^']*')?: it is a Pyodide PyProxy, not data\. .+",
    r"(Error: )?payload: .+",  # a payload's own getter, trap or toJSON threw: its error reaches the caller
    r"The identifier and module name must be strings, got .+ and .+\.",
    r"(parameter '[^']+' of '[^']+'|the result of '[^']+')\S*: (expected .+, got .+|missing field '\w+' \(expected .+\))",
    r"(parameter '[^']+' of '[^']+'|the result of '[^']+')\S*: nesting is deeper than the maximum depth of 9",
    r"result\S*: the int 9 is outside JavaScript's safe integer range .+",
    r"result\S*: nesting is deeper than the maximum depth of 9",
    r"result\S*: cannot send a value of type .+",
    r"parameter '[^']+' of '[^']+': (an Invalid Date \(its time is NaN\) is not a datetime|the Date .+ is outside .+)",
]

REACHED_BY_RANDOM_CALLS_ONLY = {r"'missing thing'", r"async failure"}
"""Shapes only the random calls (arguments of the right arity for the function that raises) reach."""


@pytest.fixture(scope="module")
def page(jsinterop_browsers, jsinterop_engine, jsinterop_site):
    url = jsinterop_site({"hostile-calls.mjs": HERE / "hostile_calls.mjs"})
    driver = jsinterop_browsers.new_page(jsinterop_engine)
    assert driver.open(url).boot_state == "ready"
    sources = {name: (FIXTURES / f"{name}.py").read_text() for name in ("invokables_fixture", "exports_fixture")}
    driver.run_python(f"""
    import sys, pathlib
    folder = pathlib.Path("/home/pyodide/hostile"); folder.mkdir(exist_ok=True)
    for name, source in {sources!r}.items():
        (folder / f"{{name}}.py").write_text(source)
    sys.path.insert(0, str(folder))
    import invokables_fixture, exports_fixture
    """)
    yield driver
    driver.close()


def test_two_thousand_malformed_calls_end_in_clear_errors_or_correct_results(page, jsinterop_engine):
    random_calls = RANDOM_CALLS.get(jsinterop_engine, 0)
    before = page.report()
    baseline = page.run("return Py.debug.trackedCounts();")
    out = run_hostile_calls(page, random_calls)
    check_summary(out["summary"], random_calls)
    assert out["prototypesSame"] and out["polluted"] == [] and out["stillWorks"] == 5
    assert page.run("return Py.debug.trackedCounts();") == baseline
    after = page.report()
    assert after.uncaught == before.uncaught and after.violations == []
    new_console = after.console_errors[len(before.console_errors):]
    assert new_console == [], "a Python exception or other error reached the console"


def check_summary(summary: dict, random_calls: int, known: list[str] = KNOWN_MESSAGES,
                  unreachable: frozenset[str] = frozenset()) -> None:
    """Judges runHostileCalls' summary: every call ended in a clear Error of a ``known`` shape or a
    correct result, and every shape but the ``unreachable`` ones (and those only random calls reach,
    when there were none) was produced."""
    assert summary["calls"] >= 2000 + random_calls and sum(summary["outcomes"].values()) == summary["calls"]
    assert summary["failures"] == [], "\n".join(summary["failures"][:40])
    unknown = {m: where for m, where in summary["messages"].items()
               if not any(re.fullmatch(shape, m, re.DOTALL) for shape in known)}
    assert unknown == {}, "error messages of an unknown shape (is each clear?):\n" + "\n".join(
        f"{where[0]}: {m[:160]!r}  ({where[1]})" for m, where in sorted(unknown.items()))
    seen = {shape for shape in known if any(re.fullmatch(shape, m, re.DOTALL) for m in summary["messages"])}
    required = set(known) - unreachable - (set() if random_calls else REACHED_BY_RANDOM_CALLS_ONLY)
    assert required - seen == set(), "the generated calls did not reach every kind of error"
    assert summary["outcomes"]["error"] > summary["calls"] // 2  # most calls are malformed: the generator works


def run_hostile_calls(page, random_calls: int) -> dict:
    """Runs hostile_calls.mjs in the page (either mode: in worker mode the last normal call is async):
    its summary, whether the built-in prototypes are the same, what was polluted, and a normal call's result."""
    return json.loads(page.run_async(f"""
        const {{ runHostileCalls, prototypeSnapshot }} = await import("./hostile-calls.mjs");
        const protos = prototypeSnapshot();
        const summary = await runHostileCalls(Py, {random_calls}, 20261126);
        await new Promise((resolve) => setTimeout(resolve, 50));  // late rejections would land now
        const normal = ["invokables_fixture", "add", 2, 3];
        // As JSON text: lone surrogates echoed in messages stay escaped on the way to WebDriver.
        return JSON.stringify({{ summary, prototypesSame: JSON.stringify(prototypeSnapshot()) === JSON.stringify(protos),
                 polluted: [({{}}).polluted, [].polluted, (() => 0).polluted].filter((v) => v !== undefined),
                 stillWorks: Py.worker ? await Py.invokeMethodAsync(...normal) : Py.invokeMethod(...normal) }});
    """, timeout=600)["value"])
