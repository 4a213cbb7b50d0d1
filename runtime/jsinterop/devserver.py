"""Moved to :mod:`jsinterop.tool.devserver` (the toolchain); this old path is the same module, and
``python -m jsinterop.devserver`` still runs it."""

import sys

from jsinterop.tool import devserver as _moved  # shim

if __name__ == "__main__":
    sys.exit(_moved.main())
sys.modules[__name__] = _moved
