"""Moved to :mod:`jsinterop.typed.typegen`; ``python -m jsinterop.typegen`` keeps working."""

import sys

from .typed.typegen import main

__all__ = ["main"]

if __name__ == "__main__":
    sys.exit(main())
else:
    from .typed import typegen as _moved

    sys.modules[__name__] = _moved  # shim: kept for old imports
