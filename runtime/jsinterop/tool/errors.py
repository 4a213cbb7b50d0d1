"""The toolchain's base error, in a module of its own so that every step of the build (build.py,
npm.py, ...) can raise its subclasses without importing build.py (no import cycle)."""

from __future__ import annotations


class BuildError(Exception):
    """A build step failed; the message says which and why."""
