"""The Pyodide-specific layer: the wire format (:mod:`.wire`, pure Python), the transport that carries
the core's calls over the loader's channel (:mod:`.transport`), the receiver of calls from JavaScript
(:mod:`.dispatch`) and the one module touching Pyodide's event-loop internals (:mod:`.host`)."""

__all__: list[str] = []
