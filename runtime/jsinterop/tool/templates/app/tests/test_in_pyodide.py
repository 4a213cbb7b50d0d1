"""The app's own package inside Pyodide (pytest-pyodide): ``packages=["__project__"]`` installs it by
name from the build's lock file, with its dependencies, as the page does."""

from __future__ import annotations

import pytest
from pytest_pyodide import run_in_pyodide


@pytest.mark.browser
@run_in_pyodide(packages=["__project__"])
def test_the_package_runs_in_pyodide(selenium: object) -> None:
    # imported inside: only this function's body runs in Pyodide, where the app's package is installed
    import sys
    from jsinterop import is_browser
    from __app__.counter import clicks_label

    assert sys.platform == "emscripten" and is_browser()
    assert clicks_label(3) == "Clicked 3 times"
