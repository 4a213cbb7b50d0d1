"""is_browser() and friends inside Pyodide, on the main thread of a real headless Chromium page."""

from __future__ import annotations

import pytest
from pytest_pyodide import run_in_pyodide

pytestmark = pytest.mark.browser


@run_in_pyodide(packages=["jsinterop"])
def test_is_browser_true_on_main_thread(selenium):
    import jsinterop
    from jsinterop import Host

    assert jsinterop.is_browser() is True
    assert jsinterop.is_worker() is False
    assert jsinterop.is_node() is False
    assert jsinterop.host() is Host.BROWSER_MAIN


@run_in_pyodide(packages=["jsinterop"])
def test_app_start_error_in_pyodide(selenium):
    import asyncio
    import sys
    from pathlib import Path

    import pytest

    from jsinterop.app_host import AppStartError, start_app

    folder = Path("/tmp/apps")
    folder.mkdir(exist_ok=True)
    (folder / "fails_in_wasm.py").write_text("async def main():\n    raise OSError('no disk')\n")
    sys.path.insert(0, str(folder))
    try:
        with pytest.raises(AppStartError, match=r"'fails_in_wasm' raised OSError: no disk"):
            asyncio.get_event_loop().run_until_complete(start_app("fails_in_wasm"))
    finally:
        sys.path.remove(str(folder))
