"""Moved to :mod:`jsinterop.interop.call_depth`; this module path keeps working (it is the same module object)."""

import sys

from .interop import call_depth as _moved

sys.modules[__name__] = _moved  # shim: kept for old imports
