"""Moved to :mod:`jsinterop.typed.marshalling`; this module path keeps working (it is the same module object)."""

import sys

from .typed import marshalling as _moved

sys.modules[__name__] = _moved  # shim: kept for old imports
