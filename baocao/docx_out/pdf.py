"""A report's DOCX as PDF, made by LibreOffice (`baocao.libreoffice`) where the server has it.

Only the messages are the report's own: without LibreOffice, when it fails, or when the server
already converts as many files as it may (`libreoffice.Busy`), the officer is told to download
the DOCX instead, or to try again in a minute.
"""

from __future__ import annotations

from baocao import libreoffice

NOT_INSTALLED = (
    "Máy chủ chưa cài LibreOffice nên chưa xuất được PDF; hãy tải bản DOCX, "
    "hoặc cài LibreOffice (gói libreoffice-writer)."
)
FAILED = "Không chuyển được báo cáo sang PDF; hãy tải bản DOCX và lưu thành PDF bằng Word."
BUSY = "Máy chủ đang bận chuyển PDF; hãy thử lại sau một phút, hoặc tải bản DOCX ngay bây giờ."


def docx_to_pdf(docx_bytes: bytes, *, timeout: float = libreoffice.TIMEOUT_SECONDS) -> bytes:
    """The PDF of a DOCX; InputError (Vietnamese, saying what to do) when it cannot be made,
    `libreoffice.Busy` when it cannot be made now."""
    return libreoffice.convert(
        docx_bytes,
        "pdf",
        suffix=".docx",
        timeout=timeout,
        not_installed=NOT_INSTALLED,
        failed=FAILED,
        busy=BUSY,
    )
