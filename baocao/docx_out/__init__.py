"""A report as an official Word document (Nghị định 30/2020/NĐ-CP), and as PDF where possible.

Framework-free: the web and the CLI build a `ReportDocument` and call `render_docx`; the PDF
is `docx_to_pdf`, made by LibreOffice through `baocao.libreoffice`.
"""

from baocao.docx_out.model import Header, ReportDocument, Signature
from baocao.docx_out.pdf import docx_to_pdf
from baocao.docx_out.render import render_docx

__all__ = [
    "Header",
    "ReportDocument",
    "Signature",
    "docx_to_pdf",
    "render_docx",
]
