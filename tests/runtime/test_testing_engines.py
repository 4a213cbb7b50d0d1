"""The engines of the pytest plugin on CPython: --jsinterop-browser, the engines mark, the observer the
test servers serve (no browser is started here)."""

from __future__ import annotations

import urllib.request

import pytest

from jsinterop.testing.browser import OBSERVER_SCRIPT
from jsinterop.testing.engines import ENGINES, UnknownEngine, parse_engines
from jsinterop.tool.devserver import OBSERVER_PATH, running_server
from jsinterop.tool.nginx_server import NginxError, with_observer

pytest_plugins = ["pytester"]


def test_engine_lists_are_parsed_in_order_without_repeats():
    assert parse_engines("firefox, chromium,firefox") == ("firefox", "chromium")
    assert parse_engines("WebKit") == ("webkit",)
    assert ENGINES == ("chromium", "firefox", "webkit")


@pytest.mark.parametrize("text", ["safari", "", "chromium,edge"])
def test_an_unknown_engine_is_refused_naming_it_and_the_choices(text):
    with pytest.raises(UnknownEngine, match="use one or more of chromium, firefox, webkit"):
        parse_engines(text)


MODULE = """
import pytest

@pytest.fixture
def page_engine(jsinterop_engine):
    return jsinterop_engine

@pytest.mark.engines
def test_everywhere(page_engine):
    pass

@pytest.mark.engines("chromium", "webkit")
def test_some(page_engine):
    pass

@pytest.mark.engines(xfail={"firefox": "not on Firefox"})
def test_expected_to_fail_on_firefox(jsinterop_engine):
    assert jsinterop_engine != "firefox"

def test_unmarked(jsinterop_engine):
    assert jsinterop_engine == "firefox"
"""


def test_marked_tests_run_per_engine_and_the_rest_on_the_first(pytester: pytest.Pytester):
    pytester.makepyfile(test_engines=MODULE)
    result = pytester.runpytest("--jsinterop-browser=firefox,chromium,webkit",
                                "-v", "-p", "no:cacheprovider")
    names = {line.split("::")[1].split(" ")[0] for line in result.outlines if "::" in line and "PASSED" in line or "XFAIL" in line}
    assert {"test_everywhere[firefox]", "test_everywhere[chromium]", "test_everywhere[webkit]",
            "test_some[chromium]", "test_some[webkit]", "test_unmarked",
            "test_expected_to_fail_on_firefox[chromium]", "test_expected_to_fail_on_firefox[webkit]"} <= names
    result.assert_outcomes(passed=8, xfailed=1)


def test_a_bad_engine_option_is_a_usage_error(pytester: pytest.Pytester):
    pytester.makepyfile(test_engines=MODULE)
    result = pytester.runpytest("--jsinterop-browser=opera")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--jsinterop-browser: unknown browser engine 'opera'*"])


def test_the_test_server_loads_the_observer_first_in_each_page(tmp_path):
    (tmp_path / "index.html").write_text("<!doctype html><html><head><script type=module src=main.mjs></script>"
                                         "</head><body></body></html>")
    with running_server(tmp_path, base_path="/app/", observer_script=OBSERVER_SCRIPT) as url:
        page = urllib.request.urlopen(url).read().decode()
        script = urllib.request.urlopen(url + OBSERVER_PATH).read().decode()
    assert page.index(f'<script src="/app/{OBSERVER_PATH}"></script>') < page.index("main.mjs")
    assert script == OBSERVER_SCRIPT
    with running_server(tmp_path) as url:  # and only a test server does
        assert OBSERVER_PATH not in urllib.request.urlopen(url).read().decode()


def test_nginx_loads_the_observer_from_the_entry_pages_head_rewrite():
    include = 'location = /jsi/index.html {\n    sub_filter "<head>" "<head><base href=\\"/jsi/\\">";\n}\n'
    assert with_observer(include, "/jsi/") == (
        f'location = /jsi/index.html {{\n    sub_filter "<head>" "<head><script src=\\"/jsi/{OBSERVER_PATH}\\"></script>'
        '<base href=\\"/jsi/\\">";\n}\n')
    with pytest.raises(NginxError, match="no sub_filter of <head>"):
        with_observer("location / {}\n", "/jsi/")


def test_jsinterop_test_installs_the_engines_its_pytest_arguments_name(monkeypatch):
    from jsinterop.tool import cli, prerequisites

    assert cli.engines_named(["-k", "x", "--jsinterop-browser=chromium,Firefox"]) == ["chromium", "firefox"]
    assert cli.engines_named(["--jsinterop-browser", "webkit"]) == ["webkit"]
    assert cli.engines_named(["-x"]) == []
    installed: list[list[str]] = []
    monkeypatch.setattr(prerequisites.shutil, "which", lambda program: None)
    monkeypatch.setattr(prerequisites, "_apt_install", lambda packages, what: installed.append(packages))
    prerequisites.ensure_engines(["chromium", "firefox", "webkit"])
    assert installed == [["firefox-esr"], ["webkit2gtk-driver", "xvfb", "xauth"]]


def test_a_missing_engine_program_names_its_debian_package(monkeypatch, tmp_path):
    from jsinterop.testing.engines.programs import program

    with pytest.raises(FileNotFoundError, match=r"/usr/bin/no-such-browser is missing: install Debian's no-such-package"):
        program(None, ("no-such-browser", "/usr/bin/no-such-browser"), "no-such-package")
    monkeypatch.setenv("JSINTEROP_TEST_BROWSER", str(tmp_path / "gone"))
    with pytest.raises(FileNotFoundError, match="gone is missing"):
        program("JSINTEROP_TEST_BROWSER", ("sh",), "the-package")
    monkeypatch.setenv("JSINTEROP_TEST_BROWSER", "")
    assert program("JSINTEROP_TEST_BROWSER", ("sh",), "the-package").endswith("/sh")
