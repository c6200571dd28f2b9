"""All indicators of a subtree as one Excel sheet, with the totals as formulas.

Rows are units (with their path, so the tree survives sorting and filtering); columns are
indicator × year. The total row is SUMIF over a "Tính vào tổng" column rather than a pasted
number, so an Excel user can see and check how it adds up: a unit is counted when its report
counts and no unit above it already stands for its branch (a district that reported its own
totals stands for its CĐCS). Ratios are computed from the summed columns, never averaged.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from baocao.indicators.catalogue import Indicator
from baocao.richtext import text_lines
from baocao.spreadsheet import neutralise

FIRST_VALUE_COLUMN = 5  # A code, B name, C path, D counted flag
TEXTS_SHEET = "Nội dung"
EXCEL_CELL_CHARS = 32_767  # what one Excel cell holds
_CUT = "… (còn tiếp: xem bản DOCX)"


@dataclass(frozen=True)
class SectionTextRow:
    """One section of the report for the texts sheet: its label ("II.1"), title, stored text."""

    label: str
    title: str
    text: str


def cell_text(text: str | None) -> str:
    """A stored section text as one spreadsheet cell: a line per paragraph and list item ("- ",
    "1. " kept), a table row per line with its cells joined by " | "; cut to what a cell holds."""
    flat = "\n".join(text_lines(text))
    if len(flat) > EXCEL_CELL_CHARS:
        flat = flat[: EXCEL_CELL_CHARS - len(_CUT)] + _CUT
    return neutralise(flat)


def add_texts_sheet(workbook, sections: Sequence[SectionTextRow]) -> None:
    """A sheet "Nội dung": a row per section, its text readable in one wrapped cell."""
    from openpyxl.styles import Alignment, Font

    sheet = workbook.create_sheet(TEXTS_SHEET)
    for column, label in enumerate(("Mục", "Tiêu đề", "Nội dung"), start=1):
        sheet.cell(row=1, column=column, value=label).font = Font(bold=True)
    top = Alignment(wrap_text=True, vertical="top")
    for index, section in enumerate(sections, start=2):
        values = (neutralise(section.label), neutralise(section.title), cell_text(section.text))
        for column, value in enumerate(values, start=1):
            sheet.cell(row=index, column=column, value=value).alignment = top
    sheet.column_dimensions["A"].width = 10
    sheet.column_dimensions["B"].width = 40
    sheet.column_dimensions["C"].width = 100
    sheet.freeze_panes = "A2"


@dataclass(frozen=True)
class FigureRow:
    code: str
    name: str
    path: str
    counted: bool
    values: Mapping[tuple[str, int], Decimal | None] = field(default_factory=dict)


def _stands_for_branch(rows: list[FigureRow]) -> set[str]:
    """Paths of the units whose own figures count: counted, with figures, none above them."""
    chosen: list[str] = []
    for row in sorted(rows, key=lambda r: r.path):
        has_figures = any(v is not None for v in row.values.values())
        if row.counted and has_figures and not any(row.path.startswith(p) for p in chosen):
            chosen.append(row.path)
    return set(chosen)


def indicators_workbook(
    rows: list[FigureRow],
    indicators: list[Indicator],
    years: tuple[int, int],
    title: str = "Chỉ tiêu",
    note: str = "",
    texts: Sequence[SectionTextRow] = (),
) -> bytes:
    """A row per report, its figures and the totals as formulas; `note` (what the totals
    count) two rows under the totals; with `texts`, the report's section texts on a second
    sheet (`add_texts_sheet`)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    numeric = [i for i in indicators if i.numeric]
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    bold = Font(bold=True)
    for column, label in enumerate(("Mã đơn vị", "Đơn vị", "Đường dẫn", "Tính vào tổng"), 1):
        sheet.cell(row=1, column=column, value=label).font = bold
        sheet.merge_cells(start_row=1, start_column=column, end_row=2, end_column=column)
    columns: dict[tuple[str, int], int] = {}
    for index, indicator in enumerate(numeric):
        first = FIRST_VALUE_COLUMN + 2 * index
        head = sheet.cell(
            row=1, column=first, value=neutralise(f"{indicator.name} ({indicator.unit})")
        )
        head.font = bold
        head.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.merge_cells(start_row=1, start_column=first, end_row=1, end_column=first + 1)
        for offset, year in enumerate(years):
            sheet.cell(row=2, column=first + offset, value=f"Năm {year}").font = bold
            columns[(indicator.code, year)] = first + offset
    counted_paths = _stands_for_branch(rows)
    first_row = 3
    ordered = sorted(rows, key=lambda r: r.path)
    for offset, row in enumerate(ordered):
        r = first_row + offset
        depth = row.path.rstrip("/").count("/")
        sheet.cell(row=r, column=1, value=neutralise(row.code))
        sheet.cell(row=r, column=2, value=neutralise(row.name)).alignment = Alignment(indent=depth)
        sheet.cell(row=r, column=3, value=neutralise(row.path))
        sheet.cell(row=r, column=4, value=1 if row.path in counted_paths else 0)
        for indicator in numeric:
            for year in years:
                cell = sheet.cell(row=r, column=columns[(indicator.code, year)])
                if indicator.derived:
                    cell.value = _ratio_formula(indicator, year, columns, f"{{col}}{r}")
                else:
                    value = row.values.get((indicator.code, year))
                    cell.value = None if value is None else float(value)
                cell.number_format = "#,##0.0" if indicator.type == "percent" else "#,##0.##"
    last = first_row + len(ordered) - 1
    total_row = last + 1
    sheet.cell(row=total_row, column=2, value="Tổng cộng").font = bold
    for (code, year), column in columns.items():
        letter = get_column_letter(column)
        indicator = next(i for i in numeric if i.code == code)
        cell = sheet.cell(row=total_row, column=column)
        if indicator.derived:
            cell.value = _ratio_formula(indicator, year, columns, f"{{col}}{total_row}")
        elif ordered:
            cell.value = f"=SUMIF($D${first_row}:$D${last},1,{letter}{first_row}:{letter}{last})"
        cell.font = bold
        cell.number_format = "#,##0.0" if indicator.type == "percent" else "#,##0.##"
    if note:
        sheet.cell(row=total_row + 2, column=2, value=neutralise(note)).font = Font(italic=True)
    sheet.freeze_panes = sheet.cell(row=first_row, column=FIRST_VALUE_COLUMN)
    sheet.column_dimensions["A"].width = 14
    sheet.column_dimensions["B"].width = 48
    sheet.column_dimensions["C"].width = 24
    for column in columns.values():
        sheet.column_dimensions[get_column_letter(column)].width = 14
    if texts:
        add_texts_sheet(workbook, texts)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _ratio_formula(
    indicator: Indicator, year: int, columns: Mapping[tuple[str, int], int], cell: str
) -> str | None:
    from openpyxl.utils import get_column_letter

    parts = [columns.get((code, year)) for code in (indicator.numerator, indicator.denominator)]
    if None in parts:
        return None
    num, den = (cell.format(col=get_column_letter(column)) for column in parts)
    scale = "*100" if indicator.type == "percent" else ""
    return f'=IF(N({den})=0,"",{num}/{den}{scale})'


# --- the indicators template a unit fills ----------------------------------------------------

TEMPLATE_SHEET = "Chỉ tiêu"
MARK_SHEET = "baocao"
TEMPLATE_HEADER_ROW = 5
_LABEL_FILL = "D9D9D9"
_GROUP_FILL = "BFBFBF"


def indicators_template_xlsx(
    outline, *, unit_code: str, unit_name: str, campaign: str = ""
) -> bytes:
    """The XLSX a unit fills with its figures: a row per indicator, a column per year.

    Label cells are grey and locked (the sheet is protected without a password, so a person
    who must can still unprotect it); value cells are white, unlocked, and accept only numbers
    ≥ 0 (percentages 0-100). The hidden column A holds each row's indicator code and the hidden
    sheet "baocao" the unit's code and the outline's key, so the file finds its report when it
    comes back (`baocao.ingest.ingest_xlsx`). Derived ratios are left out: they are computed.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill, Protection
    from openpyxl.worksheet.datavalidation import DataValidation

    from baocao.templatemark import INDICATORS_TEMPLATE, TemplateMark, outline_key

    years = [int(year) for year in outline.years.values()]
    catalogue = {i.code: i for i in outline.indicators if i.numeric and not i.derived}
    groups: list[tuple[str, list]] = []
    placed: set[str] = set()
    for section, _ in outline.walk():
        codes = [c for c in section.indicators if c in catalogue and c not in placed]
        if codes:
            placed.update(codes)
            groups.append((section.label, [catalogue[c] for c in codes]))
    rest = [i for code, i in catalogue.items() if code not in placed]
    if rest:
        groups.append(("Chỉ tiêu chung", rest))

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = TEMPLATE_SHEET
    bold = Font(bold=True)
    grey = PatternFill("solid", fgColor=_LABEL_FILL)
    darker = PatternFill("solid", fgColor=_GROUP_FILL)
    wrap = Alignment(wrap_text=True, vertical="center")
    sheet["B1"] = neutralise(
        f"Số liệu chỉ tiêu: {unit_name}" + (f" (mã {unit_code})" if unit_code else "")
    )
    sheet["B1"].font = Font(bold=True, size=13)
    sheet["B2"] = neutralise(outline.title[:250])
    sheet["B2"].alignment = Alignment(wrap_text=False)
    sheet["B3"] = (
        "Ghi số liệu vào các ô trắng (số không âm); để trống ô không có số liệu. "
        "Không sửa các ô màu xám."
    )
    sheet["B3"].font = Font(italic=True, color="808080")
    headers = ["Mã chỉ tiêu", "TT", "Chỉ tiêu", "Đơn vị tính"] + [f"Năm {y}" for y in years]
    for column, text in enumerate(headers, start=1):
        cell = sheet.cell(row=TEMPLATE_HEADER_ROW, column=column, value=text)
        cell.font = bold
        cell.fill = grey
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    counts = DataValidation(
        type="decimal",
        operator="greaterThanOrEqual",
        formula1="0",
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Số liệu không hợp lệ",
        error="Hãy nhập một số không âm, ví dụ 1234 hoặc 12,5.",
    )
    percents = DataValidation(
        type="decimal",
        operator="between",
        formula1="0",
        formula2="100",
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Số liệu không hợp lệ",
        error="Hãy nhập một tỷ lệ phần trăm từ 0 đến 100.",
    )
    sheet.add_data_validation(counts)
    sheet.add_data_validation(percents)
    row = TEMPLATE_HEADER_ROW
    number = 0
    for label, indicators in groups:
        row += 1
        group = sheet.cell(row=row, column=3, value=neutralise(label[:250]))
        group.font = bold
        for column in range(1, len(headers) + 1):
            sheet.cell(row=row, column=column).fill = darker
        for indicator in indicators:
            row += 1
            number += 1
            sheet.cell(row=row, column=1, value=indicator.code)
            sheet.cell(row=row, column=2, value=number)
            sheet.cell(row=row, column=3, value=neutralise(indicator.name)).alignment = wrap
            sheet.cell(row=row, column=4, value=neutralise(indicator.unit))
            for column in range(1, 5):
                sheet.cell(row=row, column=column).fill = grey
            for offset in range(len(years)):
                cell = sheet.cell(row=row, column=5 + offset)
                cell.protection = Protection(locked=False)
                cell.number_format = "#,##0.##"
                (percents if indicator.type == "percent" else counts).add(cell)
    sheet.column_dimensions["A"].hidden = True
    sheet.column_dimensions["B"].width = 5
    sheet.column_dimensions["C"].width = 60
    sheet.column_dimensions["D"].width = 14
    for offset in range(len(years)):
        sheet.column_dimensions[chr(ord("E") + offset)].width = 14
    sheet.freeze_panes = sheet.cell(row=TEMPLATE_HEADER_ROW + 1, column=5)
    sheet.protection.sheet = True
    sheet.protection.formatColumns = False
    sheet.protection.formatRows = False

    marks = workbook.create_sheet(MARK_SHEET)
    mark = TemplateMark(
        kind=INDICATORS_TEMPLATE,
        unit_code=unit_code,
        unit_name=unit_name,
        outline_key=outline_key(outline),
        outline_title=outline.title[:200],
        campaign=campaign,
    )
    for index, (name, value) in enumerate(sorted(mark.to_properties().items()), start=1):
        marks.cell(row=index, column=1, value=name)
        marks.cell(row=index, column=2, value=neutralise(value))
    marks.sheet_state = "hidden"
    marks.protection.sheet = True
    workbook.properties.creator = "baocao"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
