"""Shared fixtures: jsinterop's pytest plugin (installed with jsinterop) serves the built site and
starts one headless Chromium; pytest-pyodide's ``selenium`` runs ``@run_in_pyodide`` tests in a window
of that same browser."""

from __future__ import annotations

import multiprocessing

import pytest

from jsinterop.testing.pytest_plugin import pyodide_fixtures_on_shared_browser

selenium_session_runner, selenium_module_scope, selenium = pyodide_fixtures_on_shared_browser()


def pytest_configure(config: pytest.Config) -> None:
    # pytest-pyodide starts its web server with multiprocessing; forking a process that already runs
    # the dev server's threads risks a deadlock, so child processes are spawned instead.
    multiprocessing.set_start_method("spawn", force=True)
