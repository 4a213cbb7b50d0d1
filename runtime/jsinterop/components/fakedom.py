"""Moved: the fake DOM is a test double and lives in :mod:`jsinterop.testing.fakedom`. This name stays
for old imports, and gives the same module object."""

import sys

from ..testing import fakedom as _moved  # shim: kept for old imports

sys.modules[__name__] = _moved
