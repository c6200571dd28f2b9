"""An Excel indicators file mapped onto the outline's indicators: the downloaded template
filled in, or a sheet made by hand (indicator names in a column, years in the header row).

The package is checked first (`baocao.officefile`: its XML counted against the caps of what is
parsed before openpyxl sees it), then read with openpyxl in read-only mode, a bounded window of
each sheet at a time (a crafted file cannot make it build millions of cells). Every visible sheet is read as a table by `values.read_table`, the same reader as a
Word table: rows by indicator code (the template's hidden column A) or name, columns by year.
"""

from __future__ import annotations

import io
import warnings

from baocao import officefile
from baocao.errors import InputError
from baocao.indicators.numbers import LOCALES
from baocao.ingest.docx import outline_index
from baocao.ingest.result import IngestResult
from baocao.ingest.values import read_table
from baocao.outline.model import Outline
from baocao.templatemark import TemplateMark
from baocao.xlsx_out import MARK_SHEET

MAX_ROWS = 2000
MAX_COLUMNS = 60
MAX_SHEETS = 50


def ingest_xlsx(
    data: bytes, outline: Outline, *, name: str = "tệp", locale: str = "vi"
) -> IngestResult:
    """Indicator values from a workbook (.xlsx). InputError for a file that cannot be read."""
    if locale not in LOCALES:
        raise ValueError(f"unknown locale {locale!r}")
    subject = officefile.subject_of(name)
    officefile.check_package(data, subject, kind=officefile.EXCEL, noun="chỉ tiêu")
    try:
        sheets, mark = _read(data)
    except InputError:
        raise
    except Exception as exc:  # any failure of openpyxl on a corrupt workbook
        raise officefile.corrupt(subject, exc, officefile.EXCEL) from exc
    if not any(any(value not in (None, "") for value in row) for _, grid in sheets for row in grid):
        raise InputError(
            f"{subject} không có số liệu nào. Hãy kiểm tra lại tệp đã chọn: bảng tính phải có "
            "tên chỉ tiêu ở một cột và các năm ở dòng tiêu đề."
        )
    index = outline_index(outline)
    result = IngestResult(template=mark)
    found = False
    for title, grid in sheets:
        reading = read_table(
            grid, index.matcher, index.years, locale, where=f"trang tính “{title}”"
        )
        if not reading.is_indicator_table:
            if reading.partial:
                result.warnings.extend(reading.warnings)
            continue
        found = True
        result.value_notes.extend(reading.notes)
        result.warnings.extend(reading.warnings)
        result.unassigned.extend(reading.unmatched_rows)
        for code, by_year in reading.values.items():
            for year, value in by_year.items():
                result.keep_figure(
                    code,
                    year,
                    value,
                    label=index.names.get(code, code),
                    place=f"trang tính “{title}”",
                )
    if not found:
        result.warnings.append(
            "Không nhận ra chỉ tiêu nào của đề cương trong tệp: hãy ghi tên chỉ tiêu (hoặc dùng "
            "mẫu tải về) ở một cột và các năm ở dòng tiêu đề."
        )
    if mark is not None and not mark.fits(outline):
        result.warnings.insert(
            0,
            "Tệp được tạo từ một đề cương khác (hoặc đề cương đã thay đổi sau khi tải mẫu); hãy "
            "kiểm tra kỹ các số liệu.",
        )
    return result


def _read(data: bytes) -> tuple[list[tuple[str, list[list[object]]]], TemplateMark | None]:
    from openpyxl import load_workbook

    with warnings.catch_warnings():  # openpyxl warns about what it skips; nothing to act on
        warnings.simplefilter("ignore")
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        sheets: list[tuple[str, list[list[object]]]] = []
        mark = None
        for sheet in workbook.worksheets[:MAX_SHEETS]:
            grid = [
                list(row)
                for row in sheet.iter_rows(
                    min_row=1, max_row=MAX_ROWS, max_col=MAX_COLUMNS, values_only=True
                )
            ]
            if sheet.title == MARK_SHEET:
                properties = {
                    str(row[0]).strip(): str(row[1]).strip().lstrip("'")
                    for row in grid
                    if len(row) >= 2 and row[0] is not None and row[1] is not None
                }
                mark = TemplateMark.from_properties(properties)
                continue
            if getattr(sheet, "sheet_state", "visible") != "visible":
                continue
            while grid and all(value in (None, "") for value in grid[-1]):
                grid.pop()
            sheets.append((sheet.title, grid))
        return sheets, mark
    finally:
        workbook.close()
