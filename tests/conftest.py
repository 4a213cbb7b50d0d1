"""Shared fixtures: jsinterop's pytest plugin (installed with the package) gives the dev server and
the browser; pytest-pyodide's `selenium` runs in a window of that same browser."""

from jsinterop.testing.pytest_plugin import pyodide_fixtures_on_shared_browser

selenium_session_runner, selenium_module_scope, selenium = pyodide_fixtures_on_shared_browser()


def pytest_configure(config):
    # pytest-pyodide starts its web server with multiprocessing; forking a process that already runs
    # the dev server's threads risks a deadlock, so child processes are spawned instead.
    import multiprocessing

    multiprocessing.set_start_method("spawn", force=True)
