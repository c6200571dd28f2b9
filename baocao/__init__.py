"""baocao: report campaigns for a Vietnamese trade-union hierarchy.

The packages `outline`, `indicators` (and later `consolidate`, `docx_out`, `ingest`) are the
framework-free core; `web` and `apps` are the thin Django layer over it; `cli` is the `baocao`
command.
"""

__version__ = "0.1.0"
