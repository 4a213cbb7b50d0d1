"""The typed layer: ``@js_import`` (:mod:`.imports`), ``@js_export`` (:mod:`.exports`), the conversion
chosen from each annotation (:mod:`.marshalling`, records as columns: :mod:`.columns`), and the
TypeScript declarations of the exports (:mod:`.typegen`)."""

__all__: list[str] = []
