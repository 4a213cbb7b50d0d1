"""Moved to :mod:`jsinterop.typed.imports` and :mod:`jsinterop.typed.exports`; this module path keeps working."""

from .typed.exports import JSExport, exports_of, js_export
from .typed.imports import JSImport, can_run_sync, import_module, js_import, load_js_module, require_blocking

__all__ = ["JSExport", "JSImport", "can_run_sync", "exports_of", "import_module", "js_export", "js_import",
           "load_js_module", "require_blocking"]
