"""Only ``@js_invokable`` and ``@js_export`` callables are reachable, tried from JavaScript in a real
page (headless Chromium, the session's browser): the names of reachability_fixture.candidate_names()
(module attributes, builtins, dunders, private names, dotted paths, the lent object's attributes)
through ``Py.invokeMethod``, ``Py.invokeMethodAsync``, a lent object's ``invokeMethod`` and
``invokeMethodAsync``, the channel's raw ``invokePython`` with odd object ids, and
``Py.getPythonExports``. Each gets the exact not-found error, nothing unmarked runs, and the page
ends with the same tracked counts and no CSP violation, console error or unhandled error."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import reachability_fixture as fixture

from jsinterop.testing.browser import PageDriver

pytestmark = pytest.mark.browser

HERE = Path(__file__).parent
RUNTIME_TESTS = HERE.parent / "runtime"
M = fixture.__name__
EXPORTS_MISSING = "has no @js_export functions (it must be imported first: exports are registered when their module is imported)."

# Calls each name of `names` in the forms `forms` lists; returns [name, form, outcome...] rows (no
# object keyed by name: "__proto__" must stay data).
TRY_NAMES = """
const [module, names, forms] = arguments;
const rows = [];
const vault = Py.invokeMethod(module, "lend");
const attempt = async (name, form) => {
  try {
    const value = {
      invokeMethod: () => Py.invokeMethod(module, name),
      invokeMethodAsync: () => Py.invokeMethodAsync(module, name),
      objectInvokeMethod: () => vault.invokeMethod(name),
      objectInvokeMethodAsync: () => vault.invokeMethodAsync(name),
    }[form]();
    return ["value", String(await value)];
  } catch (e) {
    return [e.name, e.message];
  }
};
for (const name of names) for (const form of forms) rows.push([name, form, ...(await attempt(name, form))]);
const control = [vault.invokeMethod("Shout"), await vault.invokeMethodAsync("version")];
vault.dispose();
return [rows, control];
"""


@pytest.fixture(scope="module")
def page(jsinterop_browsers: Any, jsinterop_engine: Any, jsinterop_site: Any) -> Iterator[PageDriver]:
    """A booted page with reachability_fixture imported into its Python."""
    url = jsinterop_site({"custom-boot.html": RUNTIME_TESTS / "custom_boot.html",
                          "custom-boot.mjs": RUNTIME_TESTS / "custom_boot.mjs"})
    driver = jsinterop_browsers.new_page(jsinterop_engine)
    driver.open(f"{url}custom-boot.html", wait=True)
    assert driver.run_async("return await globalThis.bootOutcome;")["value"] == "ready"
    driver.run_python(f"""
    import sys, pathlib
    folder = pathlib.Path("/home/pyodide/reliability"); folder.mkdir(exist_ok=True)
    (folder / "reachability_fixture.py").write_text({(HERE / "reachability_fixture.py").read_text()!r})
    sys.path.insert(0, str(folder))
    import reachability_fixture
    """)
    before = driver.run("return Py.debug.trackedCounts();")
    yield driver
    assert driver.run_python("reachability_fixture.CALLED") == []
    assert driver.run("return Py.debug.trackedCounts();") == before
    report = driver.report()
    driver.close()
    assert report.violations == [] and report.uncaught == [] and report.console_errors == [], report


def names_in_page(page: PageDriver, reachable: str) -> list[str]:
    """The candidate names, computed in the page (Pyodide's builtins and os, not CPython's)."""
    names = page.run_python(f"reachability_fixture.unreachable_names(reachability_fixture.{reachable})")
    assert len(names) > 250
    return names


def test_module_functions_by_every_form(page: PageDriver) -> None:
    names = names_in_page(page, "REACHABLE_FUNCTIONS")
    rows, control = page.run_async(TRY_NAMES, M, names, ["invokeMethod", "invokeMethodAsync"], timeout=120)["value"]
    assert control == ["BASE SHOUT", 1]
    assert len(rows) == 2 * len(names)
    wrong = [row for row in rows if row[2:] != ["Error", f"The module '{M}' does not contain a public invokable "
                                                          f"method with identifier '{row[0]}'."]]
    assert wrong == []
    # The control: the same forms reach what is marked.
    assert page.run_async(f"""return [Py.invokeMethod("{M}", "reachable", 1),
                                      await Py.invokeMethodAsync("{M}", "RenamedAsync")];""")["value"] == [2, "renamed"]


def test_a_lent_objects_attributes_by_every_form(page: PageDriver) -> None:
    names = names_in_page(page, "REACHABLE_METHODS")
    assert {"ping", "open_door", "key", "token", "secret", "shout", "__getattr__"} <= set(names)
    rows, control = page.run_async(TRY_NAMES, M, names, ["objectInvokeMethod", "objectInvokeMethodAsync"],
                                   timeout=120)["value"]
    assert control == ["BASE SHOUT", 1]  # the marked method ran, not the instance attribute named like it
    assert len(rows) == 2 * len(names)
    wrong = [row for row in rows if row[2:] != ["Error", f"The type 'Vault' does not contain a public invokable "
                                                          f"method with identifier '{row[0]}'."]]
    assert wrong == []


def test_other_modules_by_every_form(page: PageDriver) -> None:
    names = [*fixture.BUILTINS, *fixture.DUNDERS, *sorted(fixture.REACHABLE_FUNCTIONS), "system", "popen", "modules",
             "import_module", "js_runtime", "unmarked_function", "Vault", "runPython"]
    out = page.run_async("""
        const [modules, names] = arguments;
        const rows = [];
        for (const module of modules) for (const name of names) {
          try { rows.push([module, name, "value", String(Py.invokeMethod(module, name))]); }
          catch (e) { rows.push([module, name, e.name, e.message]); }
          try { rows.push([module, name, "value", String(await Py.invokeMethodAsync(module, name))]); }
          catch (e) { rows.push([module, name, e.name, e.message]); }
        }
        return rows;
    """, [*fixture.OTHER_MODULES, None], names, timeout=120)["value"]
    assert len(out) == 2 * (len(fixture.OTHER_MODULES) + 1) * len(names)
    wrong = [row for row in out if row[2:] != ["Error", f"The module '{row[0]}' does not contain a public invokable "
                                                        f"method with identifier '{row[1]}'."]]
    assert wrong == []


def test_odd_object_ids_through_the_raw_channel(page: PageDriver) -> None:
    out = page.run_async(f"""
        const vault = Py.invokeMethod("{M}", "lend");
        const rows = [];
        for (const target of [true, "1", String(vault.id), vault.id + 0.5, -1, 2 ** 53, [vault.id], {{ id: vault.id }}]) {{
          for (const asynchronous of [false, true]) {{
            try {{ rows.push(String(await Py._interop.main.invokePython(undefined, "Shout", target, [], asynchronous))); }}
            catch (e) {{ rows.push(e.message); }}
          }}
        }}
        rows.push(Py._interop.main.invokePython(undefined, "Shout", vault.id, [], false));
        vault.dispose();
        return rows;
    """)["value"]
    ids = ["True", "1", None, None, "-1", None, None, None]
    not_found = "There is no tracked object with id '{}'. Perhaps the object was disposed?"
    for i, shown in enumerate(ids):
        for message in out[2 * i: 2 * i + 2]:
            if shown is None:  # the id as Python shows a float, a list or a JS object
                assert message.startswith("There is no tracked object with id '") and message.endswith("disposed?"), message
            else:
                assert message == not_found.format(shown)
    assert out[-1] == "BASE SHOUT"


def test_exports_by_module(page: PageDriver) -> None:
    candidates = names_in_page(page, "EXPORTS")
    out = page.run_async("""
        const [module, candidates, others] = arguments;
        const ex = await Py.getPythonExports(module);
        const reached = candidates.filter((name) => Object.hasOwn(ex, name) || Object.hasOwn(ex[module], name));
        const missing = [];
        for (const other of others) {
          try { await Py.getPythonExports(other); missing.push([other, "found"]); }
          catch (e) { missing.push([other, e.name, e.message]); }
        }
        return [Object.keys(ex).sort(), Object.keys(ex[module]).sort(), reached, ex.exported(21),
                ex[module].exported(2), typeof ex.not_exported, missing];
    """, M, candidates, [*fixture.OTHER_MODULES, "not_exported", f"{M}.exported", f"{M}.not_exported"])["value"]
    keys, nested, reached, doubled, nested_doubled, not_exported, missing = out
    assert keys == sorted([*fixture.EXPORTS, M]) and nested == sorted(fixture.EXPORTS)
    assert reached == [name for name in candidates if name == M]
    assert (doubled, nested_doubled, not_exported) == (42, 4, "undefined")
    assert missing == [[other, "LookupError", f"The module '{other}' {EXPORTS_MISSING}"]
                       for other, *_ in missing]
    assert len(missing) == len(fixture.OTHER_MODULES) + 3


def test_an_exports_error_message_arrives_whole(page: PageDriver) -> None:
    """A Python exception's message reaches JavaScript as it is, several lines and colons included
    (a not-found error naming a module with a newline in its name is one such message)."""
    messages = ["one line", "", "first line\nsecond: line\n", "ValueError: looks like a type\n  indented"]
    out = page.run_async("""
        const [module, messages] = arguments;
        const ex = await Py.getPythonExports(module);
        const rows = [];
        for (const message of messages) {
          try { ex.refuse(message); rows.push("returned"); } catch (e) { rows.push([e.name, e.message]); }
        }
        return rows;
    """, M, messages)["value"]
    assert out == [["ValueError", message] for message in messages]
