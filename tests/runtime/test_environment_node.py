"""is_node() and capabilities() in Pyodide under Node.js: the dist's own Pyodide and jsinterop wheel, booted by node."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest


def test_is_node_under_node(jsinterop_dist):
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is required for this test (build.sh needs it too)")
    probe = Path(__file__).with_name("node_environment_probe.mjs")
    proc = subprocess.run([node, str(probe), str(jsinterop_dist)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    *answers, caps_jspi, node_jspi, missing = json.loads(proc.stdout.strip().splitlines()[-1])
    assert answers == [False, False, True, "node", "node"]
    assert caps_jspi is node_jspi
    # Run synchronously (runPython): never can block; the sentence names Node.js and what it lacks.
    assert missing.startswith("this Node.js has JSPI, but this call's Python entry point is synchronous" if node_jspi
                              else "this Node.js has no JSPI (WebAssembly.Suspending)")
