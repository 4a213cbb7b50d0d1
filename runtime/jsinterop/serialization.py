"""Moved to :mod:`jsinterop.interop.serialization`; this module path keeps working (it is the same module object)."""

import sys

from .interop import serialization as _moved

sys.modules[__name__] = _moved  # shim: kept for old imports
