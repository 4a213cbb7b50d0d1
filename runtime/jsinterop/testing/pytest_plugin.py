"""A pytest plugin to test a jsinterop app in real browsers (Chromium, Firefox, WebKit), the way this
project tests itself.

Installed with ``jsinterop`` (entry point ``pytest11``), it adds:

- the ``browser`` mark, registered (``--strict-markers`` accepts it);
- ``--jsinterop-dist DIR`` (default ``dist``): the built site to test.
- ``--jsinterop-browser ENGINES`` (default ``chromium``): the engines to test on, a comma-separated list
  of ``chromium``, ``firefox`` and ``webkit``. A browser test runs on the first one; a test marked
  ``@pytest.mark.engines`` runs on each (``engines("chromium", "firefox")`` limits it to those,
  ``engines(xfail={"webkit": "why"})`` expects it to fail there: ``xfail(strict=True)``).
- ``jsinterop_engine``: the engine of the test ("chromium", "firefox" or "webkit").
- ``jsinterop_browsers``: the session's browsers, one per engine, each started once on first use:
  ``jsinterop_browsers.new_page(engine)`` opens a window (for fixtures wider than a test).
- ``jsinterop_dist``: that folder, checked to be a build.
- ``jsinterop_server``: the URL where the dev server serves it (same headers, CSP and fallback
  as ``./build.sh serve``; cross-origin isolated when the build's ``[tool.jsinterop] isolation`` says so),
  for the whole session.
- ``jsinterop_serve``: a function ``serve(directory, base_path="/", csp=True, extra_roots=()) -> url``
  for other folders or mount points (a broken copy of the site, a sub-path deployment); ``csp=False``
  sends no Content-Security-Policy, to test that the site is safe on a host that sends none; a folder
  of links into ``dist/`` passes it in ``extra_roots`` (the dev server serves no link that leads elsewhere).
- ``jsinterop_site``: a function ``site(files, base_path="/", csp=True) -> url`` serving the built site
  plus extra files (``{"fixtures.mjs": "export ..."}`` or paths), for test modules and pages next to the app.
- ``jsinterop_browser``: the session's headless Chromium, as a selenium WebDriver (pytest-pyodide's runner
  shares it).
- ``jsinterop_page``: a :class:`~jsinterop.testing.browser.PageDriver`, a fresh window in the browser of
  the test's engine: ``report = jsinterop_page.open(jsinterop_server)`` boots the page and returns its
  :class:`~jsinterop.testing.browser.PageReport` (boot state, CSP violations, console errors);
  ``click(selector)`` and ``fill(selector, text)`` act as a user does.

With pytest-pyodide in the same session, :func:`pyodide_fixtures_on_shared_browser` makes its
``selenium`` fixture use the same browser (one browser per session, not one per test module)::

    # conftest.py
    from jsinterop.testing.pytest_plugin import pyodide_fixtures_on_shared_browser
    selenium_session_runner, selenium_module_scope, selenium = pyodide_fixtures_on_shared_browser()

Run pytest with pytest-pyodide's options for the same dist: ``--dist-dir=dist --runtime=chrome``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from ..tool.devserver import running_server
from ..typed.imports import serve_imports
from .browser import OBSERVER_SCRIPT, PageDriver
from .engines import Browsers, parse_engines

if TYPE_CHECKING:
    # selenium is a test dependency: its type is named for type checkers only
    from selenium.webdriver.chrome.webdriver import WebDriver as Chrome

__all__ = ["pyodide_fixtures_on_shared_browser"]


def pytest_configure(config: pytest.Config) -> None:
    """Register the ``browser`` mark (an app's tests mark what needs the browser and a build)."""
    config.addinivalue_line("markers", "browser: needs headless Chromium and a built site (jsinterop_page, "
                                       "pytest-pyodide's selenium)")
    config.addinivalue_line("markers", "engines(*names, xfail={}): runs on every engine listed by "
                                       "--jsinterop-browser, not only the first")
    selected_engines(config)  # a bad --jsinterop-browser stops the run before collection


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("jsinterop")
    group.addoption("--jsinterop-dist", default="dist", help="the built site to test (default: dist)")
    group.addoption("--jsinterop-browser", default="chromium", metavar="ENGINES",
                    help="browser engines to test on, comma-separated: chromium, firefox, webkit (default: "
                         "chromium); tests marked `engines` run on each, other browser tests on the first")


def selected_engines(config: pytest.Config) -> tuple[str, ...]:
    """The engines ``--jsinterop-browser`` names, in its order."""
    try:
        return parse_engines(str(config.getoption("--jsinterop-browser")))
    except ValueError as error:
        raise pytest.UsageError(f"--jsinterop-browser: {error}") from None


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """A test marked ``engines`` that uses a page (or ``jsinterop_engine``) runs once per selected engine."""
    marker = metafunc.definition.get_closest_marker("engines")
    if marker is None or "jsinterop_engine" not in metafunc.fixturenames:
        return
    engines = selected_engines(metafunc.config)
    if marker.args:
        engines = tuple(engine for engine in engines if engine in marker.args)
    expected_failures: dict[str, str] = dict(marker.kwargs.get("xfail", {}))
    params = [pytest.param(engine, id=engine, marks=[pytest.mark.xfail(strict=True, reason=expected_failures[engine])]
                           if engine in expected_failures else [])
              for engine in engines]
    metafunc.parametrize("jsinterop_engine", params, indirect=True)


@pytest.fixture(autouse=True)
def _jsinterop_typed_imports_served_per_test() -> Iterator[None]:
    """A FakeJSRuntime that ``render()`` made answer ``@js_import`` stubs stops at the end of its test,
    so no later test is answered by it."""
    yield
    serve_imports(None)


@pytest.fixture(scope="session")
def jsinterop_dist(pytestconfig: pytest.Config) -> Path:
    """The built site, checked to hold the loader and the lock file."""
    dist = Path(pytestconfig.getoption("--jsinterop-dist")).resolve()
    missing = [name for name in ("jsinterop.mjs", "pyodide-lock.json") if not (dist / name).is_file()]
    if missing:
        pytest.fail(f"{dist} is not a built site ({', '.join(missing)} missing): run `jsinterop test`, which builds "
                    "the site it tests (or `jsinterop build --test --dist DIR` and --jsinterop-dist=DIR; in the "
                    "jsinterop repository, ./build.sh test)", pytrace=False)
    return dist


@pytest.fixture(scope="session")
def jsinterop_serve() -> Iterator[Callable[..., str]]:
    """Serve any folder with the dev server for the rest of the session: ``serve(dir, base_path, csp,
    extra_roots)`` (``csp=False``: without the Content-Security-Policy header); files that links in ``dir``
    lead to are served only from ``dir`` and ``extra_roots``."""
    with contextlib.ExitStack() as stack:
        def serve(directory: str | Path, base_path: str = "/", csp: bool = True,
                  extra_roots: Iterable[str | Path] = ()) -> str:
            return stack.enter_context(running_server(directory, base_path=base_path, csp=csp,
                                                      extra_roots=extra_roots, observer_script=OBSERVER_SCRIPT))

        yield serve


@pytest.fixture(scope="session")
def jsinterop_server(jsinterop_dist: Path, jsinterop_serve: Callable[..., str]) -> str:
    """The URL of the built site, served for the whole session."""
    return jsinterop_serve(jsinterop_dist)


@pytest.fixture(scope="session")
def jsinterop_site(jsinterop_dist: Path, jsinterop_serve: Callable[..., str],
                   tmp_path_factory: pytest.TempPathFactory) -> Callable[..., str]:
    """Serve the built site plus extra files: ``site({"name.mjs": text_or_path, ...}) -> url``.

    The site's files are symlinked into a temporary folder (nothing is copied), the extra files
    written beside them; each call gets its own folder and server.
    """

    def site(files: dict[str, str | Path], base_path: str = "/", csp: bool = True) -> str:
        root = tmp_path_factory.mktemp("site")
        for path in jsinterop_dist.rglob("*"):
            if path.is_file():
                target = root / path.relative_to(jsinterop_dist)
                target.parent.mkdir(parents=True, exist_ok=True)
                target.symlink_to(path)
        for name, content in files.items():
            target = root / name
            target.parent.mkdir(parents=True, exist_ok=True)
            if target.is_symlink():
                target.unlink()
            if isinstance(content, Path):
                target.write_bytes(content.read_bytes())
            else:
                target.write_text(content)
        return jsinterop_serve(root, base_path=base_path, csp=csp, extra_roots=[jsinterop_dist])

    return site


@pytest.fixture(scope="session")
def jsinterop_browsers() -> Iterator[Browsers]:
    """The session's browsers, one per engine, each started on first use and closed at the end."""
    browsers = Browsers()
    try:
        yield browsers
    finally:
        browsers.quit()


@pytest.fixture(scope="session")
def jsinterop_engine(request: pytest.FixtureRequest) -> str:
    """The engine of this test: its parameter under ``@pytest.mark.engines``, else the first one selected."""
    return str(getattr(request, "param", None) or selected_engines(request.config)[0])


@pytest.fixture(scope="session")
def jsinterop_browser(jsinterop_browsers: Browsers) -> Chrome:
    """The session's headless Chromium, as a selenium WebDriver."""
    return jsinterop_browsers.chromium().driver


@pytest.fixture
def jsinterop_page(jsinterop_browsers: Browsers, jsinterop_engine: str) -> Iterator[PageDriver]:
    """A fresh window of the session's browser of the test's engine; closed after the test."""
    page = jsinterop_browsers.new_page(jsinterop_engine)
    try:
        yield page
    finally:
        page.close()


def pyodide_fixtures_on_shared_browser() -> tuple[Any, Any, Any]:
    """pytest-pyodide's ``selenium_session_runner``, ``selenium_module_scope`` and ``selenium`` fixtures,
    on ``jsinterop_browser``: assign the three to those names in a ``conftest.py``.

    pytest-pyodide starts a browser per test module; these replacements boot Pyodide once, in a
    window of the session's browser, and reuse it for every ``@run_in_pyodide`` test.
    """
    # pytest-pyodide is optional: imported only by the projects that ask for these fixtures
    from pytest_pyodide.fixture import selenium_context_manager
    from pytest_pyodide.runner import SeleniumChromeRunner

    class SharedChromeRunner(SeleniumChromeRunner):
        """pytest-pyodide's Chrome runner, in a window of an existing browser that it does not own."""

        shared_driver = None
        script_timeout = 120  # pytest-pyodide's 20 s is too short to boot Pyodide on a busy machine

        def get_driver(self, jspi: bool = False):
            driver = self.shared_driver
            driver.switch_to.new_window("window")
            self.window = driver.current_window_handle
            return driver

        def quit(self) -> None:
            self.driver.switch_to.window(self.window)
            self.driver.close()

    @pytest.fixture(scope="session", name="selenium_session_runner")
    def selenium_session_runner(request, jsinterop_browser, web_server_main):
        hostname, port, log = web_server_main
        SharedChromeRunner.shared_driver = jsinterop_browser
        runner = SharedChromeRunner(server_port=port, server_hostname=hostname, server_log=log,
                                    load_pyodide=True, dist_dir=request.config.option.dist_dir)
        try:
            yield runner
        finally:
            runner.quit()

    @pytest.fixture(scope="module", name="selenium_module_scope")
    def selenium_module_scope(selenium_session_runner):
        yield selenium_session_runner

    @pytest.fixture(name="selenium")
    def selenium(selenium_module_scope):
        selenium_module_scope.driver.switch_to.window(selenium_module_scope.window)
        # the browser is shared: a PageDriver.run_async(timeout=...) in between changed its script timeout
        selenium_module_scope.set_script_timeout(SharedChromeRunner.script_timeout)
        with selenium_context_manager(selenium_module_scope) as runner:
            yield runner

    return selenium_session_runner, selenium_module_scope, selenium
