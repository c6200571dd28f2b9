"""Any file a unit sends back, by what it is: a Word report or an Excel indicators file.

`.docx` goes to `ingest_docx`, `.xlsx` to `ingest_xlsx`; an old `.doc`/`.xls` or an
OpenDocument `.odt`/`.ods` is first converted by LibreOffice where it is installed, and
otherwise refused with a message asking for the modern format. The web upload and the CLI
both come through `ingest_file`, so a file gets the same answer wherever it is given.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import asdict
from pathlib import Path
from typing import Any

from baocao import libreoffice, officefile
from baocao.errors import InputError
from baocao.ingest.docx import ingest_docx
from baocao.ingest.result import IngestResult, decimal_text
from baocao.ingest.xlsx import ingest_xlsx
from baocao.outline.model import Outline

ACCEPTED = ".docx, .xlsx (và .doc, .odt, .xls, .ods khi máy chủ có LibreOffice)"
MODERN = (".docx", ".xlsx")
# What LibreOffice turns each older or OpenDocument format into before it is read.
CONVERTED = {".doc": "docx", ".odt": "docx", ".rtf": "docx", ".xls": "xlsx", ".ods": "xlsx"}
# Suffixes sent on to be read by content (a macro file or template gets the reader's message).
OFFICE_SUFFIXES = frozenset({"", *MODERN, *CONVERTED, ".docm", ".xlsm", ".dotx", ".xltx"})
UPLOAD_ACCEPT = ",".join((*MODERN, *CONVERTED))  # the file picker's `accept`
_OLE = b"\xd0\xcf\x11\xe0"


def looks_like_office(data: bytes, name: str) -> bool:
    """Worth reading as a Word or Excel file: an Office suffix, or a zip or OLE container
    inside whatever its name (a PDF, a photo or a .txt is not)."""
    suffix = Path(name).suffix.lower()
    return suffix in OFFICE_SUFFIXES or data[:2] == b"PK" or data[:4] == _OLE


def format_of(kind: str) -> str:
    """ "docx" or "xlsx": what a `kind_of` answer is read as, after any conversion."""
    return CONVERTED.get(kind, kind)


def kind_of(data: bytes, name: str) -> str:
    """ "docx", "xlsx", or the suffix of a file to convert (".doc", ".odt", ...)."""
    suffix = Path(name).suffix.lower()
    if data[:2] == b"PK":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = {member.lower() for member in archive.namelist()[:5000]}
                mimetype = (
                    archive.read("mimetype")[:100] if "mimetype" in archive.namelist() else b""
                )
        except Exception:
            names, mimetype = set(), b""
        if "xl/workbook.xml" in names:
            return "xlsx"
        if "word/document.xml" in names:
            return "docx"
        if mimetype.startswith(b"application/vnd.oasis.opendocument.text"):
            return ".odt"
        if mimetype.startswith(b"application/vnd.oasis.opendocument.spreadsheet"):
            return ".ods"
    if data[:4] == _OLE and suffix in (".doc", ".xls"):
        return suffix
    if suffix in (".xlsx", ".xlsm", ".xltx"):
        return "xlsx"
    if suffix in CONVERTED:
        return suffix
    return "docx"


def ingest_file(data: bytes, name: str, outline: Outline, *, locale: str = "vi") -> IngestResult:
    """The file mapped onto `outline`, whatever kind of report file it is."""
    subject = officefile.subject_of(name)
    if len(data) > officefile.MAX_BYTES:
        raise officefile.too_big(subject, len(data), noun="báo cáo")
    kind = kind_of(data, name)
    if kind in CONVERTED:
        target = CONVERTED[kind]
        app = "Word (.docx)" if target == "docx" else "Excel (.xlsx)"
        data = libreoffice.convert(
            data,
            target,
            suffix=kind,
            not_installed=(
                f"{subject} có định dạng {kind}; máy chủ chưa cài LibreOffice để chuyển đổi. "
                f"Hãy mở tệp và lưu lại dạng {app} rồi tải lên lại."
            ),
            failed=(
                f"Không chuyển đổi được {subject.lower()} ({kind}); tệp có thể bị hỏng hoặc đặt "
                f"mật khẩu. Hãy mở tệp, gỡ mật khẩu (nếu có) và lưu lại dạng {app} rồi tải "
                "lên lại."
            ),
        )
        kind = target
    if kind == "xlsx":
        return ingest_xlsx(data, outline, name=name, locale=locale)
    return ingest_docx(data, outline, name=name, locale=locale)


def read_input(path: Path) -> bytes:
    if not path.is_file():
        raise InputError(f"Không tìm thấy tệp {path}. Hãy kiểm tra lại đường dẫn.")
    size = path.stat().st_size
    if size > officefile.MAX_BYTES:
        raise officefile.too_big(officefile.subject_of(path.name), size, noun="báo cáo")
    return path.read_bytes()


# Figures read from sentences kept with an upload (a report states a few dozen at most).
MAX_PROPOSALS = 300


def result_json(result: IngestResult, kind: str) -> dict[str, Any]:
    """What the upload preview needs from an ingest, as JSON (values as plain decimal
    strings): kept with the upload by the web request or the background job that read it."""
    return {
        "kind": format_of(kind),
        "sections": dict(result.sections),
        "confidence": {sid: round(value, 3) for sid, value in result.confidence.items()},
        "headings": dict(result.headings),
        "indicators": {
            code: {str(year): decimal_text(value) for year, value in sorted(by_year.items())}
            for code, by_year in result.indicators.items()
        },
        "value_notes": [asdict(note) for note in result.value_notes],
        "proposals": [proposal.to_json() for proposal in result.proposals[:MAX_PROPOSALS]],
        "unassigned": list(result.unassigned),
        "warnings": list(result.warnings),
        "front_matter": list(result.front_matter)[:60],
        "guidance": len(result.guidance),
        "template": None if result.template is None else result.template.to_properties(),
    }
