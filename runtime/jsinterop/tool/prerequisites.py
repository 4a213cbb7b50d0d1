"""What the commands need on the host, installed when it can be (as ``build.sh`` does) or named.

Node.js and npm (Pyodide's package comes from the npm registry; the snapshot is made under node; npm
packages are bundled with esbuild), headless Chromium and its driver (``jsinterop test``, ``bench``),
and the test packages (pytest, pytest-pyodide, selenium: jsinterop's ``testing`` extra, at its pins).
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import os
import shutil
import subprocess
import sys

from packaging.requirements import Requirement


class PrerequisiteError(RuntimeError):
    """Something the command needs is missing and could not be installed; the message says what to do."""


def _apt_install(packages: list[str], what: str) -> None:
    if shutil.which("apt-get") is None or os.geteuid() != 0:
        raise PrerequisiteError(f"{what} is missing: install Debian's {' '.join(packages)} "
                                f"(as root: apt-get install {' '.join(packages)}), then run this again")
    print(f"jsinterop: installing {' '.join(packages)} with apt-get", flush=True)
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    for cmd in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", *packages]):
        if subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL).returncode != 0:
            raise PrerequisiteError(f"could not install {' '.join(packages)} with apt-get: install them, "
                                    "then run this again")


def ensure_node() -> None:
    """Node.js and npm, from Debian when missing (root), else an error naming them."""
    if shutil.which("npm") is None or shutil.which("node") is None:
        _apt_install(["nodejs", "npm"], "Node.js (node and npm)")


def ensure_chromium() -> None:
    """Headless Chromium and chromedriver at /usr/bin, from Debian when missing (root)."""
    if not (os.access("/usr/bin/chromium", os.X_OK) and os.access("/usr/bin/chromedriver", os.X_OK)):
        _apt_install(["chromium", "chromium-driver"], "headless Chromium (chromium and chromium-driver)")


ENGINE_PACKAGES = {"firefox": ("firefox-esr", ["firefox-esr"]),
                   "webkit": ("WebKitWebDriver", ["webkit2gtk-driver", "xvfb", "xauth"])}
"""Per browser engine other than Chromium: the program that shows it is there, and Debian's packages."""


def ensure_engines(engines: list[str]) -> None:
    """The browsers of ``engines`` ("firefox", "webkit"; Chromium is ensure_chromium's), from Debian when
    missing (root), else an error naming them."""
    for engine in engines:
        if engine in ENGINE_PACKAGES:
            program, packages = ENGINE_PACKAGES[engine]
            if shutil.which(program) is None or (engine == "webkit" and shutil.which("Xvfb") is None):
                _apt_install(packages, f"the {engine} engine ({' '.join(packages)})")


def testing_requirements() -> list[str]:
    """jsinterop's ``testing`` extra: the pinned packages an app's browser tests need."""
    found = []
    for text in importlib.metadata.requires("jsinterop") or []:
        requirement = Requirement(text)
        if requirement.marker is not None and requirement.marker.evaluate({"extra": "testing"}) \
                and not requirement.marker.evaluate({"extra": ""}):
            found.append(f"{requirement.name}{requirement.specifier}")
    return found


def ensure_test_packages() -> None:
    """pytest, pytest-pyodide and selenium in this Python, installed with pip when one is missing."""
    wanted = testing_requirements()
    modules = {"pytest": "pytest", "pytest-pyodide": "pytest_pyodide", "selenium": "selenium"}
    missing = [r for r in wanted if importlib.util.find_spec(modules.get(Requirement(r).name, Requirement(r).name)) is None]
    if not missing:
        return
    print(f"jsinterop: installing the test packages ({', '.join(missing)}) with pip", flush=True)
    proc = subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--disable-pip-version-check", *wanted])
    if proc.returncode != 0:
        raise PrerequisiteError(f"could not install {', '.join(wanted)} with pip: install jsinterop[testing], "
                                "then run this again")
