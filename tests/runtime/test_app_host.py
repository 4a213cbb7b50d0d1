"""start_app(): import the app, run its main() (sync or async), and fail with a clear AppStartError."""

from __future__ import annotations

import asyncio
import sys
import textwrap

import pytest

from jsinterop.app_host import AppStartError, start_app


@pytest.fixture
def make_app(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(tmp_path))
    made = []

    def make(name: str, source: str) -> str:
        (tmp_path / f"{name}.py").write_text(textwrap.dedent(source))
        made.append(name)
        return name

    yield make
    for name in made:
        sys.modules.pop(name, None)


def run(coro):
    return asyncio.run(coro)


def test_sync_main_runs_once(make_app):
    name = make_app("app_sync", "calls = []\ndef main():\n    calls.append('main')\n")
    run(start_app(name))
    assert sys.modules[name].calls == ["main"]


def test_async_main_is_awaited(make_app):
    name = make_app("app_async", """
        import asyncio
        calls = []
        async def main():
            await asyncio.sleep(0)
            calls.append("main")
    """)
    run(start_app(name))
    assert sys.modules[name].calls == ["main"]


def test_module_without_main_is_just_imported(make_app):
    name = make_app("app_nomain", "imported = True\n")
    run(start_app(name))
    assert sys.modules[name].imported


def test_failing_main_names_app_and_exception(make_app):
    name = make_app("app_fails", "def main():\n    raise ValueError('bad config')\n")
    with pytest.raises(AppStartError) as info:
        run(start_app(name))
    assert str(info.value) == "The app's main() in 'app_fails' raised ValueError: bad config"
    assert isinstance(info.value.__cause__, ValueError)


def test_failing_async_main(make_app):
    name = make_app("app_fails_async", "async def main():\n    raise KeyError('k')\n")
    with pytest.raises(AppStartError, match=r"raised KeyError: 'k'"):
        run(start_app(name))


def test_missing_module():
    with pytest.raises(AppStartError, match=r"Importing the app module 'no_such_app_xyz' failed: ModuleNotFoundError"):
        run(start_app("no_such_app_xyz"))


def test_import_error_inside_app(make_app):
    name = make_app("app_broken_import", "import no_such_dependency_xyz\n")
    with pytest.raises(AppStartError, match=r"'app_broken_import' failed: ModuleNotFoundError: No module named 'no_such_dependency_xyz'"):
        run(start_app(name))


def test_main_not_callable(make_app):
    name = make_app("app_main_value", "main = 42\n")
    with pytest.raises(AppStartError, match=r"'app_main_value.main' is not callable \(it is a int\)"):
        run(start_app(name))


@pytest.mark.parametrize("bad", ["", None, 3])
def test_bad_name(bad):
    with pytest.raises(AppStartError, match="must be a non-empty module name"):
        run(start_app(bad))


def test_restored_reinitialises_what_a_memory_snapshot_froze(monkeypatch):
    import random

    from jsinterop import app_host, environment

    monkeypatch.setattr(sys, "path", ["", "", "/lib/python314.zip", "/lib/site-packages", "/lib/python314.zip"])
    calls = []
    monkeypatch.setattr(environment.host, "cache_clear", lambda: calls.append("host"))
    random.seed(12345)
    frozen = [random.random() for _ in range(3)]
    random.seed(12345)  # the state a snapshot would bring back to every visitor
    app_host.restored()
    assert sys.path == ["", "/lib/python314.zip", "/lib/site-packages"]  # duplicates gone, order kept
    assert calls == ["host"], "the host is detected again (the snapshot was made under node)"
    assert [random.random() for _ in range(3)] != frozen, "random is seeded again"
