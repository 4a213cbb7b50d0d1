"""The transport-neutral interop core: calling JavaScript (:mod:`.runtime`), being called by it
(:mod:`.invokables`, :mod:`.dispatcher`), the values that cross (:mod:`.serialization`,
:mod:`.references`, :mod:`.streams`) and the nesting guard of synchronous calls (:mod:`.call_depth`).

Nothing here imports Pyodide at module level: the core runs on CPython under
:class:`jsinterop.testing.FakeJSRuntime` exactly as it runs in the page.
"""

__all__: list[str] = []
