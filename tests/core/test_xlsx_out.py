"""The indicators workbook: values where they belong, totals as formulas that add up."""

import io
from decimal import Decimal

from openpyxl import load_workbook

from baocao.consolidate.rollup import UnitReport, rollup
from baocao.outline.builtin import load_builtin
from baocao.xlsx_out import FigureRow, indicators_workbook

YEARS = (2008, 2017)


def rows():
    def figures(members, workers):
        return {("members", 2017): Decimal(members), ("workers", 2017): Decimal(workers)}

    return [
        FigureRow("KT", "LĐLĐ tỉnh Kon Tum", "KT/", False),
        FigureRow("KT-DH", "LĐLĐ huyện Đăk Hà", "KT/KT-DH/", True, figures(185, 200)),
        FigureRow("KT-DH-001", "CĐCS A", "KT/KT-DH/KT-DH-001/", True, figures(100, 110)),
        FigureRow("KT-DH-002", "CĐCS B", "KT/KT-DH/KT-DH-002/", True, figures(85, 90)),
        FigureRow("KT-DT-001", '=HYPERLINK("x")', "KT/KT-DT/KT-DT-001/", True, figures(50, 60)),
        FigureRow("KT-DT-002", "CĐCS chưa duyệt", "KT/KT-DT/KT-DT-002/", False, figures(7, 9)),
    ]


def test_totals_are_sumif_formulas_over_the_units_that_stand_for_their_branch():
    outline = load_builtin()
    data = indicators_workbook(rows(), outline.indicators, YEARS)
    sheet = load_workbook(io.BytesIO(data)).active
    header = [c.value for c in sheet[1]]
    members_col = header.index("Số đoàn viên công đoàn (người)") + 1
    current = members_col + 1  # 2008, then 2017
    assert sheet.cell(row=2, column=current).value == "Năm 2017"
    flags = {
        sheet.cell(row=r, column=1).value: sheet.cell(row=r, column=4).value for r in range(3, 9)
    }
    assert flags == {
        "KT": 0,
        "KT-DH": 1,
        "KT-DH-001": 0,
        "KT-DH-002": 0,
        "KT-DT-001": 1,
        "KT-DT-002": 0,
    }
    total = sheet.cell(row=9, column=current).value
    assert total.startswith("=SUMIF($D$3:$D$8,1,")
    # What Excel will compute equals the roll-up's figure for the province.
    counted = sum(
        sheet.cell(row=r, column=current).value or 0
        for r in range(3, 9)
        if sheet.cell(row=r, column=4).value == 1
    )
    result = rollup(
        [UnitReport(row.path, row.counted, row.values) for row in rows()], outline.indicators
    )
    assert counted == result.figures("KT/")[("members", 2017)] == 235


def test_ratios_are_formulas_of_the_row_and_names_cannot_run_as_formulas():
    outline = load_builtin()
    sheet = load_workbook(io.BytesIO(indicators_workbook(rows(), outline.indicators, YEARS))).active
    header = [c.value for c in sheet[1]]
    rate_col = header.index("Tỷ lệ đoàn viên trên tổng số CNVCLĐ (%)") + 2
    formula = sheet.cell(row=4, column=rate_col).value
    assert formula.startswith("=IF(N(") and formula.endswith("*100)")
    assert sheet.cell(row=7, column=2).value == '\'=HYPERLINK("x")'


def test_section_texts_sheet_keeps_the_text_tables_flattened_readably():
    from baocao.xlsx_out import TEXTS_SHEET, SectionTextRow

    texts = [
        SectionTextRow(
            "1",
            "Tình hình về đoàn viên",
            "<p>Đến năm 2017 có <strong>27.850</strong> đoàn viên:</p>"
            "<ul><li>nữ<ul><li>ngoài nhà nước</li></ul></li></ul><ol><li>Một</li></ol>"
            '<table><thead><tr><th colspan="2">Chỉ tiêu</th></tr></thead><tbody>'
            "<tr><td>Đoàn viên</td><td>27.850</td></tr>"
            "<tr><td>CĐCS<br>cơ sở</td><td>960</td></tr></tbody></table>",
        ),
        SectionTextRow("2", "=HYPERLINK(1)", "- Dòng gõ đầu tiên"),
    ]
    data = indicators_workbook(rows(), load_builtin().indicators, YEARS, texts=texts)
    book = load_workbook(io.BytesIO(data))
    assert book.active.title == "Chỉ tiêu"  # the figures stay the first sheet
    sheet = book[TEXTS_SHEET]
    assert [c.value for c in sheet[1]] == ["Mục", "Tiêu đề", "Nội dung"]
    assert sheet["C2"].value.split("\n") == [
        "Đến năm 2017 có 27.850 đoàn viên:",
        "- nữ",
        "+ ngoài nhà nước",
        "1. Một",
        "Chỉ tiêu",
        "Đoàn viên | 27.850",
        "CĐCS cơ sở | 960",
    ]
    assert sheet["C2"].alignment.wrap_text
    assert sheet["B3"].value == "'=HYPERLINK(1)" and sheet["C3"].value == "'- Dòng gõ đầu tiên"


def test_a_text_longer_than_a_cell_holds_is_cut_and_says_so():
    from baocao.xlsx_out import EXCEL_CELL_CHARS, cell_text

    long = "<p>" + "chữ " * 20_000 + "</p>"
    cut = cell_text(long)
    assert len(cut) <= EXCEL_CELL_CHARS and cut.endswith("xem bản DOCX)")


def test_the_texts_sheet_numbers_lists_by_their_kind_of_number():
    from baocao.xlsx_out import cell_text

    stored = (
        '<ol type="a"><li>Một<br>dòng hai<ol type="I"><li>con</li><li>con</li></ol></li>'
        "<li>Hai</li></ol><ol><li>Ba</li></ol>"
    )
    assert cell_text(stored).split("\n") == [
        "a) Một", "dòng hai", "I. con", "II. con", "b) Hai", "1. Ba",
    ]  # fmt: skip
