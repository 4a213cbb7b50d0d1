"""How error messages show a value that came from JavaScript or Python: :func:`describe`."""

from __future__ import annotations

from typing import Any

__all__ = ["describe", "is_js_proxy"]


def is_js_proxy(value: Any) -> bool:
    """True for a Pyodide ``JsProxy`` (always False on CPython)."""
    try:
        from pyodide.ffi import JsProxy  # only present in Pyodide
    except ImportError:
        return False
    return isinstance(value, JsProxy)


def describe(value: Any) -> str:
    """``type (short text)`` of a value for an error message; a JS value by its JS type. Never raises
    (the text of a hostile JS value, such as a Symbol or a Proxy with throwing traps, may be left out)."""
    if is_js_proxy(value) or type(value).__name__ == "JsNull":
        kind = "null" if type(value).__name__ == "JsNull" else str(getattr(value, "typeof", "object"))
        try:
            text = str(value)
        except Exception:
            return kind
        return f"{kind} ({text[:60]})"
    shown = value[:61] if isinstance(value, (str, bytes)) else value
    try:
        text = repr(shown)
    except Exception:
        return type(value).__name__
    return f"{type(value).__name__} ({text:.60})"
