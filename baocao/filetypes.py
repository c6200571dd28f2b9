"""What each kind of file baocao reads or writes is called on the wire: its MIME type by suffix.

Downloads (`baocao.web.downloads`), stored uploads and the API read the type from here, so a
file is announced the same way wherever it leaves the system.
"""

from __future__ import annotations

from pathlib import PurePath

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = "application/pdf"
CSV = "text/csv; charset=utf-8"
YAML = "application/yaml; charset=utf-8"
UNKNOWN = "application/octet-stream"

BY_SUFFIX = {
    ".docx": DOCX,
    ".xlsx": XLSX,
    ".pdf": PDF,
    ".csv": CSV,
    ".yaml": YAML,
    ".doc": "application/msword",
    ".rtf": "application/rtf",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".xls": "application/vnd.ms-excel",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
}


def content_type(name_or_suffix: str) -> str:
    """The MIME type of a file name, a suffix (".docx") or a bare format ("docx")."""
    suffix = PurePath(name_or_suffix).suffix or f".{name_or_suffix.lstrip('.')}"
    return BY_SUFFIX.get(suffix.lower(), UNKNOWN)
