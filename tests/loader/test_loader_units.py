"""Runs the loader's JavaScript unit tests (loader_units.test.mjs) with node's own test runner."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path


def test_loader_units_pass_under_node():
    node = shutil.which("node")
    assert node, "node is required (build.sh installs it)"
    proc = subprocess.run([node, "--test", str(Path(__file__).with_name("loader_units.test.mjs"))],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    passed = int(re.search(r"^# pass (\d+)", proc.stdout, re.M).group(1))
    assert passed >= 13 and "# fail 0" in proc.stdout, proc.stdout
