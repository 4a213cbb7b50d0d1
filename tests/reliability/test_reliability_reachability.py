"""Only ``@js_invokable`` and ``@js_export`` callables are reachable from JavaScript (CPython, through
the dispatcher and the export table): dunder names, private names, module attributes (functions,
classes, variables, imported modules), builtins and dotted paths, by every identifier form the
dispatcher accepts (a module's invokable by (module, identifier), a method of a lent object by its
id, sync and async), each get the dispatcher's exact not-found error, and nothing unmarked runs.
The same names are tried from JavaScript in test_reliability_reachability_browser.py."""

from __future__ import annotations

import asyncio
import sys

import pytest
import reachability_fixture as fixture

from jsinterop import InvocationError, PyObjectReference
from jsinterop.py_dispatcher import PyDispatcher, invokable_methods
from jsinterop.typed_interop import exports_of

MODULE = fixture.__name__


def module_not_found(module: object, identifier: str) -> str:
    return f"The module '{module}' does not contain a public invokable method with identifier '{identifier}'."


def type_not_found(identifier: str) -> str:
    return f"The type 'Vault' does not contain a public invokable method with identifier '{identifier}'."


def outcome(dispatcher: PyDispatcher, module: object, identifier: str, target: int, synchronous: bool) -> object:
    """The call's result, or the message of the InvocationError it raised (any other exception fails)."""
    try:
        result = dispatcher.call(module, identifier, target, [], synchronous)
        return asyncio.run(result) if asyncio.iscoroutine(result) else result
    except InvocationError as e:
        return str(e)


@pytest.fixture
def dispatcher() -> PyDispatcher:
    fixture.CALLED.clear()
    return PyDispatcher()


def test_the_reachable_ones_are_reachable(dispatcher: PyDispatcher) -> None:
    """The control: the same forms do reach what is marked, so a not-found below means unreachable."""
    assert dispatcher.call(MODULE, "reachable", 0, [1], True) == 2
    assert outcome(dispatcher, MODULE, "RenamedAsync", 0, False) == "renamed"
    with dispatcher.call(MODULE, "lend", 0, [], True) as ref:
        vault = ref.track_in(dispatcher)
        assert outcome(dispatcher, None, "Shout", vault, True) == "BASE SHOUT"
        assert outcome(dispatcher, None, "version", vault, False) == 1
    assert set(invokable_methods(fixture.Vault)) == fixture.REACHABLE_METHODS
    assert set(exports_of(MODULE)) == fixture.EXPORTS
    assert fixture.CALLED == []


@pytest.mark.parametrize("synchronous", [True, False], ids=["invokeMethod", "invokeMethodAsync"])
def test_module_attributes_builtins_dunders_and_dotted_paths_are_not_found(dispatcher: PyDispatcher,
                                                                           synchronous: bool) -> None:
    names = fixture.unreachable_names(fixture.REACHABLE_FUNCTIONS)
    assert len(names) > 250 and {"unmarked_function", "os", "sys", "SECRET", "Vault", "eval", "__import__",
                                  "__globals__", "_private_function", "reachable.__globals__"} <= set(names)
    wrong = {name: got for name in names
             if (got := outcome(dispatcher, MODULE, name, 0, synchronous)) != module_not_found(MODULE, name)}
    assert wrong == {}
    assert fixture.CALLED == []


@pytest.mark.parametrize("module", [*fixture.OTHER_MODULES, None])
def test_other_modules_are_never_searched_nor_imported(dispatcher: PyDispatcher, module: str | None) -> None:
    before = set(sys.modules)
    for name in [*fixture.BUILTINS, *fixture.DUNDERS, *fixture.REACHABLE_FUNCTIONS, "system", "popen", "modules",
                 "import_module", "js_runtime", "unmarked_function", "Vault"]:
        for synchronous in (True, False):
            assert outcome(dispatcher, module, name, 0, synchronous) == module_not_found(module, name)
    assert set(sys.modules) == before
    assert fixture.CALLED == []


@pytest.mark.parametrize("synchronous", [True, False], ids=["invokeMethod", "invokeMethodAsync"])
def test_a_lent_object_reaches_only_its_marked_methods(dispatcher: PyDispatcher, synchronous: bool) -> None:
    ref = PyObjectReference.create(fixture.Vault())
    vault = ref.track_in(dispatcher)
    names = fixture.unreachable_names(fixture.REACHABLE_METHODS)
    assert {"ping", "open_door", "key", "build", "secret", "token", "_leak", "__getattr__", "__init__",
            "__class__", "shout"} <= set(names)
    wrong = {name: got for name in names if (got := outcome(dispatcher, None, name, vault, synchronous)) != type_not_found(name)}
    assert wrong == {}
    # The marked method runs, not the instance attribute of the same name.
    assert outcome(dispatcher, None, "Shout", vault, synchronous) == "BASE SHOUT"
    assert fixture.CALLED == []
    ref.dispose()
    assert dispatcher.objects == {}


def test_the_export_table_lists_only_exports() -> None:
    assert set(exports_of(MODULE)) == fixture.EXPORTS
    for module in [*fixture.OTHER_MODULES, "builtins", MODULE + ".exported"]:
        assert exports_of(module) == {}
    assert exports_of(MODULE)["exported"].call_from_js(21) == 42
