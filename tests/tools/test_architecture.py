"""The layering of runtime/jsinterop (tools/architecture.py): no import cycle, no production module
importing the test helpers, no module importing another's private names, every import inside a
function explained. The rules are shown to fail on small packages made for the purpose."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))

from architecture import check  # noqa: E402


def make_package(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "pkg"
    for name, text in {"__init__.py": "", **files}.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def test_runtime_package_follows_the_rules() -> None:
    assert check(ROOT / "runtime" / "jsinterop") == []


def test_a_clean_package_passes(tmp_path: Path) -> None:
    root = make_package(tmp_path, {
        "a.py": "from .b import value\n",
        "b.py": "value = 1\n\ndef later():\n    import json  # only needed here\n    return json\n",
    })
    assert check(root) == []


def test_an_import_cycle_fails_even_inside_functions_and_type_checking(tmp_path: Path) -> None:
    root = make_package(tmp_path, {
        "a.py": "from .b import value\n",
        "b.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    # for annotations\n    from .c import x\n",
        "c.py": "def f():\n    # lazily\n    from .a import value\n",
    })
    assert check(root) == ["import cycle between pkg.a, pkg.b, pkg.c"]


def test_production_code_importing_testing_fails(tmp_path: Path) -> None:
    root = make_package(tmp_path, {
        "testing/__init__.py": "",
        "testing/fake.py": "FAKE = 1\n",
        "app.py": "from .testing.fake import FAKE\n",
        "shim.py": "from .testing import fake as _moved  # shim: kept for old imports\n",
        "testing/helper.py": "from .fake import FAKE\n",
    })
    assert check(root) == ["pkg/app.py:1: production module 'pkg.app' imports from the test helpers ('pkg.testing.fake')"]


def test_page_code_importing_the_host_only_toolchain_fails(tmp_path: Path) -> None:
    root = make_package(tmp_path, {
        "tool/__init__.py": "",
        "tool/build.py": "from ..testing import helper\nSTEP = 1\n",
        "testing/__init__.py": "",
        "testing/helper.py": "",
        "page.py": "from .tool.build import STEP\n",
        "old_path.py": "from .tool import build as _moved  # shim\n",
        "__main__.py": "from .tool.build import STEP\n",
    })
    assert check(root) == ["pkg/page.py:1: page-side module 'pkg.page' imports the host-only toolchain ('pkg.tool.build')"]


def test_importing_a_private_name_fails(tmp_path: Path) -> None:
    root = make_package(tmp_path, {"a.py": "_secret = 1\n", "b.py": "from .a import _secret\n"})
    assert check(root) == ["pkg/b.py:1: 'pkg.b' imports the private name '_secret' of 'pkg.a'"]


def test_an_unexplained_import_inside_a_function_fails(tmp_path: Path) -> None:
    root = make_package(tmp_path, {"a.py": "def f():\n    import json\n    return json\n"})
    assert check(root) == ["pkg/a.py:2: an import inside a function (or under TYPE_CHECKING) needs a comment "
                           "saying why it is not at the top"]


@pytest.mark.parametrize("module", ["jsinterop", "jsinterop.interop.runtime", "jsinterop.interop.dispatcher",
                                    "jsinterop.pyodide.wire", "jsinterop.typed.marshalling", "jsinterop.components",
                                    "jsinterop.testing"])
def test_every_layer_but_the_transport_imports_without_pyodide(module: str) -> None:
    """Imports of Pyodide-only modules (js, pyodide) stay inside the code that runs only there."""
    code = f"import sys; sys.modules['pyodide'] = None; sys.modules['js'] = None; import {module}"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
