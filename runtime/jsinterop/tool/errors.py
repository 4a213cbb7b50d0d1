"""The toolchain's base error, in a module of its own so that every step of the build (build.py and the
modules it calls, such as pydeps.py) can subclass it without importing the build."""

from __future__ import annotations


class BuildError(Exception):
    """A build step failed; the message says which and why."""
