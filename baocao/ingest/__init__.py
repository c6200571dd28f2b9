"""Files in: a filled Word report or Excel indicators sheet mapped onto an outline.

Framework-free: `ingest_docx` and `ingest_xlsx` take bytes and an `Outline` and give an
`IngestResult` for a person to preview and confirm; nothing here touches a database.
"""

from baocao.ingest.docx import ingest_docx
from baocao.ingest.files import ingest_file
from baocao.ingest.prose import ProseFigure
from baocao.ingest.result import IngestResult, Placement, ValueNote
from baocao.ingest.xlsx import ingest_xlsx

__all__ = [
    "IngestResult",
    "Placement",
    "ProseFigure",
    "ValueNote",
    "ingest_docx",
    "ingest_file",
    "ingest_xlsx",
]
