"""All indicators of a subtree as one Excel sheet, with the totals as formulas.

Rows are units (with their path, so the tree survives sorting and filtering); columns are
indicator × year. The total row is SUMIF over a "Tính vào tổng" column rather than a pasted
number, so an Excel user can see and check how it adds up: a unit is counted when its report
counts and no unit above it already stands for its branch (a district that reported its own
totals stands for its CĐCS). Ratios are computed from the summed columns, never averaged.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from baocao.indicators.catalogue import Indicator
from baocao.spreadsheet import neutralise

FIRST_VALUE_COLUMN = 5  # A code, B name, C path, D counted flag


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
) -> bytes:
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
    sheet.freeze_panes = sheet.cell(row=first_row, column=FIRST_VALUE_COLUMN)
    sheet.column_dimensions["A"].width = 14
    sheet.column_dimensions["B"].width = 48
    sheet.column_dimensions["C"].width = 24
    for column in columns.values():
        sheet.column_dimensions[get_column_letter(column)].width = 14
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
