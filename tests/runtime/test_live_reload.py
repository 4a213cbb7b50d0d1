"""reload_app() on CPython: the app's new wheel replaces its files, its modules are imported anew (pages
register again) and its main() runs; what it must not replace is refused."""

from __future__ import annotations

import asyncio
import io
import sys
import zipfile

import pytest

from jsinterop.components import Component, h, page
from jsinterop.components.routing import match_route
from jsinterop.errors import AppStartError, JSInteropError
from jsinterop.live_reload import LiveReloadError, reload_app, top_level_names

PAGE_MODULE = """
from jsinterop.components import Component, h, page

@page("/live-reload-test")
class Hello(Component):
    def render(self):
        return h.p({text!r})
"""


def wheel(files: dict[str, str]) -> bytes:
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
        archive.writestr("liveapp-0.1.0.dist-info/METADATA", "Name: liveapp\n")
    return data.getvalue()


@pytest.fixture
def installed(tmp_path, monkeypatch):
    """The package ``liveapp`` installed in a folder on sys.path, imported (as the boot leaves it)."""
    site = tmp_path / "site-packages"
    (site / "liveapp").mkdir(parents=True)
    (site / "liveapp" / "__init__.py").write_text("from . import pages\nRUNS = []\ndef main():\n    RUNS.append('old')\n")
    (site / "liveapp" / "pages.py").write_text(PAGE_MODULE.format(text="old"))
    (site / "liveapp" / "gone.py").write_text("")
    monkeypatch.syspath_prepend(str(site))
    __import__("liveapp")
    yield site
    for name in [n for n in sys.modules if n.split(".")[0] == "liveapp"]:
        del sys.modules[name]


def test_the_new_wheel_replaces_the_app_and_its_main_runs_again(installed):
    old = sys.modules["liveapp"]
    new_wheel = wheel({"liveapp/__init__.py": "from . import pages\nRUNS = []\ndef main():\n    RUNS.append('new')\n",
                       "liveapp/pages.py": PAGE_MODULE.format(text="new")})
    module = asyncio.run(reload_app("liveapp", new_wheel))
    assert module is not old and module.RUNS == ["new"]
    assert not (installed / "liveapp" / "gone.py").exists()  # a module deleted from the sources is gone
    route, _ = match_route("/live-reload-test")
    assert route.component is sys.modules["liveapp.pages"].Hello  # the page registered again, the new one


def test_a_new_main_that_raises_is_an_app_start_error(installed):
    broken = wheel({"liveapp/__init__.py": "def main():\n    raise RuntimeError('half-written')\n"})
    with pytest.raises(AppStartError, match="half-written"):
        asyncio.run(reload_app("liveapp", broken))


def test_a_wheel_with_jsinterop_or_without_the_app_is_refused(installed):
    with pytest.raises(LiveReloadError, match="holds jsinterop: live reload only replaces the app's own packages"):
        asyncio.run(reload_app("liveapp", wheel({"jsinterop/__init__.py": "", "liveapp/__init__.py": ""})))
    with pytest.raises(LiveReloadError, match="does not hold the app 'liveapp' \\(it holds other\\)"):
        asyncio.run(reload_app("liveapp", wheel({"other/__init__.py": ""})))
    assert issubclass(LiveReloadError, JSInteropError)


def test_top_level_names_of_a_wheel():
    assert top_level_names(["a/__init__.py", "a/b.py", "mod.py", "a-1.dist-info/RECORD", "a-1.data/x"]) == {"a", "mod"}


def test_a_route_of_another_class_is_still_refused():
    @page("/live-reload-taken")
    class First(Component):
        def render(self):
            return h.p("1")

    with pytest.raises(ValueError, match="already the page of First"):
        @page("/live-reload-taken")
        class Second(Component):
            def render(self):
                return h.p("2")
