"""Runs the loader's JavaScript unit tests (loader_units.test.mjs, and wire_units.test.mjs for the
wire codec, the typed fast paths, the error conversions and the channel's dispatcher) with node's own test runner."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest


@pytest.mark.parametrize(("name", "at_least"), [("loader_units.test.mjs", 29), ("wire_units.test.mjs", 14)])
def test_loader_units_pass_under_node(name: str, at_least: int):
    node = shutil.which("node")
    assert node, "node is required (build.sh installs it)"
    proc = subprocess.run([node, "--test", str(Path(__file__).with_name(name))],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    passed = int(re.search(r"^# pass (\d+)", proc.stdout, re.M).group(1))
    assert passed >= at_least and "# fail 0" in proc.stdout, proc.stdout
