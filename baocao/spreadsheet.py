"""What every workbook baocao writes shares: text cells that never run as formulas.

A unit name or a typed value starting with =, +, - or @ would be executed by Excel
(CSV/XLSX formula injection); written through here it stays text.
"""

from __future__ import annotations

from baocao.text import clean_text

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: str) -> str:
    """A value a spreadsheet would run as a formula (=, +, -, @) gets a leading apostrophe; a
    control character (older rows may hold one) is dropped, as XLSX cannot hold it."""
    value = clean_text(value)
    return f"'{value}" if value.startswith(_FORMULA_START) else value


def text_cell(sheet, value: str):
    """A write-only cell that holds text as text: openpyxl would store "=..." as a formula."""
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=neutralise(value))
    cell.data_type = "s"
    return cell
