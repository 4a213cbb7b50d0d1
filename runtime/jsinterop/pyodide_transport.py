"""Moved to :mod:`jsinterop.pyodide.transport` (and ``interop_host`` to :mod:`jsinterop.pyodide.host`);
this module path keeps working (inside Pyodide)."""

from .pyodide.host import interop_host
from .pyodide.transport import PyodideTransport

__all__ = ["PyodideTransport", "interop_host"]
