"""The reference article's AlertUser sample: Python imports the page's collocated JS module and
calls its ``addHandlers``, which attaches the click handler with ``addEventListener``."""

from __future__ import annotations

from jsinterop import js_runtime


async def main() -> None:
    """Import ``./alert-user.js`` (relative to the page) and let it attach its handlers.

    The module reference lives as long as the page: the runtime releases it when the page goes away.
    """
    module = await js_runtime().import_module("./alert-user.js")
    await module.invoke_void_async("addHandlers")
