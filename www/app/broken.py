"""An app whose ``main()`` fails: the page ``boot-error.html`` shows how a failed boot looks."""

from __future__ import annotations


def main() -> None:
    """Fail on purpose, the way a bug in an app's start-up would."""
    raise RuntimeError("this demo app fails on purpose")
