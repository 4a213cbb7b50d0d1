"""Moved to :mod:`jsinterop.interop.streams`; this module path keeps working (it is the same module object)."""

import sys

from .interop import streams as _moved

sys.modules[__name__] = _moved  # shim: kept for old imports
