"""jsinterop: JavaScript interop for Python in the browser, on Pyodide.

Python compiled into a static site calls JavaScript and is called by it, the way Blazor's JS interop
serves .NET. This module is the public API; see the README for a tour.
"""

from __future__ import annotations

from .environment import Host, host, is_browser, is_node, is_worker

__version__ = "0.1.0"

__all__ = ["Host", "__version__", "host", "is_browser", "is_node", "is_worker"]
