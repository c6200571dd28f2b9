"""Tables of free-form reports (issue 15, item 4): a narrative table stays a table of its
section's text (issue 15, item 3), a half-matching
one is said and not guessed, no row is dropped in silence, tables with the years as rows and
merged headers are read, and figures in another unit are converted or flagged."""

from __future__ import annotations

from decimal import Decimal

import docx
from office_files import to_bytes

from baocao.ingest import ingest_docx
from baocao.ingest.values import IndicatorMatcher, read_table, year_columns
from baocao.outline.builtin import load_builtin

OUTLINE = load_builtin()
MATCHER = IndicatorMatcher(OUTLINE.indicators)
YEARS = [2008, 2017]


def read(grid, **kwargs):
    return read_table(grid, MATCHER, YEARS, **kwargs)


def test_a_dated_activity_table_is_no_figures_table():
    grid = [
        ["TT", "Ngày", "Hoạt động", "Số lượng"],
        ["1", "14/3/2008", "Hội nghị học tập Nghị quyết cho cán bộ chủ chốt", "85 đại biểu"],
        ["2", "09/6/2017", "Tập huấn cho chủ tịch các CĐCS", "31 CĐCS"],
        ["3", "12/10/2017", "Gặp mặt đoàn viên tiêu biểu", "120 đoàn viên"],
    ]
    reading = read(grid)
    assert not reading.is_indicator_table and not reading.values
    # A date names its year, but is no year column; "31 CĐCS" is a figure, no label.
    assert year_columns(grid[:1] + grid[1:2], YEARS) == {}


def test_a_dated_table_in_a_report_stays_text_of_its_section():
    document = docx.Document()
    document.add_paragraph().add_run("I. TÌNH HÌNH TRIỂN KHAI THỰC HIỆN NGHỊ QUYẾT").bold = True
    document.add_paragraph().add_run("2. Tình hình triển khai ở các cấp công đoàn").bold = True
    table = document.add_table(rows=0, cols=3)
    for texts in (
        ("Thời gian", "Nội dung", "Kết quả"),
        ("05/5/2008", "Quán triệt Nghị quyết", "42 CĐCS"),
        ("20/8/2017", "Sơ kết việc thực hiện", "150 đại biểu"),
    ):
        for cell, text in zip(table.add_row().cells, texts, strict=True):
            cell.text = text
    result = ingest_docx(to_bytes(document), OUTLINE)
    assert not result.indicators
    assert (
        "<tr><td>05/5/2008</td><td>Quán triệt Nghị quyết</td><td>42 CĐCS</td></tr>"
        in result.sections["P1/I/2"]
    )
    assert result.sections["P1/I/2"].startswith("<table>")
    assert not result.unassigned


def test_a_first_row_naming_no_indicator_is_kept_and_said_not_taken_for_the_header():
    grid = [
        ["TT", "Chỉ tiêu", "ĐVT", "Năm 2008", "Năm 2017"],
        ["1", "Số nhà văn hóa công nhân", "nhà", "2", "5"],
        ["2", "Số đoàn viên", "người", "1.200", "1.650"],
        ["", "Trong đó: nữ", "người", "480", "700"],
    ]
    reading = read(grid)
    assert reading.values == {
        "members": {2008: Decimal(1200), 2017: Decimal(1650)},
        "members_women": {2008: Decimal(480), 2017: Decimal(700)},
    }
    assert reading.unmatched_rows == ["1 | Số nhà văn hóa công nhân | nhà | 2 | 5"]
    assert any("Số nhà văn hóa công nhân" in w for w in reading.warnings)


def test_a_row_that_only_names_a_group_holds_nothing_to_lose():
    grid = [
        ["Chỉ tiêu", "Năm 2008", "Năm 2017"],
        ["A. ĐOÀN VIÊN", "", ""],
        ["Số đoàn viên", "900", "1.100"],
        ["Ghi chú: số liệu đến 30/9", "", "có điều chỉnh"],
    ]
    reading = read(grid)
    assert reading.values == {"members": {2008: Decimal(900), 2017: Decimal(1100)}}
    # The note has text in a year column: kept and said; the group label is structure.
    assert reading.unmatched_rows == ["Ghi chú: số liệu đến 30/9 | có điều chỉnh"]


def test_a_table_naming_indicators_in_too_few_rows_is_said_and_not_guessed():
    grid = [
        ["Nội dung", "Năm 2008", "Năm 2017"],
        ["Số lượt thi đấu thể thao", "12", "30"],
        ["Số đội văn nghệ", "3", "8"],
        ["Số đoàn viên", "900", "1.100"],
        ["Số giải thưởng", "5", "11"],
    ]
    reading = read(grid, where="bảng 3")
    assert reading.partial and not reading.is_indicator_table and not reading.values
    assert any(w.startswith("Bảng 3 chỉ có 1/4 dòng") for w in reading.warnings)


def test_a_half_matching_table_in_a_report_is_kept_as_text_with_a_warning():
    document = docx.Document()
    document.add_paragraph().add_run("4.4. Phong trào thi đua yêu nước").bold = True
    table = document.add_table(rows=0, cols=3)
    for texts in (
        ("Nội dung", "Năm 2008", "Năm 2017"),
        ("Số lượt thi đấu thể thao", "12", "30"),
        ("Số đội văn nghệ", "3", "8"),
        ("Số sáng kiến", "4", "9"),
    ):
        for cell, text in zip(table.add_row().cells, texts, strict=True):
            cell.text = text
    result = ingest_docx(to_bytes(document), OUTLINE)
    assert not result.indicators
    # Kept as a table, not guessed into figures.
    section = result.sections["P1/II/4/4.4"]
    assert "<tr><td>Số đội văn nghệ</td><td>3</td><td>8</td></tr>" in section
    assert any("dòng giống chỉ tiêu của đề cương" in w for w in result.warnings)


def test_a_table_with_the_years_as_rows_is_read_and_a_year_between_is_kept_and_said():
    grid = [
        ["Năm", "Số CNVCLĐ", "Số đoàn viên", "Trong đó nữ", "Số nhà văn hóa"],
        ["Năm 2008", "1.500", "1.300", "600", "2"],
        ["Năm 2012", "1.800", "1.600", "700", "3"],
        ["2017", "2.100", "1.950", "880", "4"],
    ]
    reading = read(grid)
    assert reading.transposed and reading.is_indicator_table
    assert reading.values == {
        "workers": {2008: Decimal(1500), 2017: Decimal(2100)},
        "members": {2008: Decimal(1300), 2017: Decimal(1950)},
        "members_women": {2008: Decimal(600), 2017: Decimal(880)},
    }
    assert "Năm 2012 | 1.800 | 1.600 | 700 | 3" in reading.unmatched_rows
    assert "Số nhà văn hóa: Năm 2008: 2; Năm 2012: 3; 2017: 4" in reading.unmatched_rows
    assert len(reading.warnings) == 2


def test_a_merged_header_over_the_indicator_columns():
    grid = [
        ["Năm", "Đoàn viên", "Đoàn viên", "Số CĐCS"],
        ["Năm", "Tổng số", "Nữ", "Số CĐCS"],
        ["2008", "640", "300", "21"],
        ["2017", "910", "455", "30"],
    ]
    merged = {(0, 2), (1, 0), (1, 3)}
    reading = read(grid, merged=merged)
    assert reading.values == {
        "members": {2008: Decimal(640), 2017: Decimal(910)},
        "members_women": {2008: Decimal(300), 2017: Decimal(455)},
        "grassroots_unions": {2008: Decimal(21), 2017: Decimal(30)},
    }


def test_money_in_another_unit_is_converted_and_said():
    grid = [
        ["Chỉ tiêu", "ĐVT", "Năm 2008", "Năm 2017"],
        ["Thu nhập bình quân", "đồng", "2.400.000", "6.100.000"],
        ["Giá trị làm lợi (tỷ đồng)", "", "0,8", "1,5"],
    ]
    reading = read(grid)
    assert reading.values == {
        "average_income": {2008: Decimal("2.4"), 2017: Decimal("6.1")},
        "initiatives_value": {2008: Decimal(800), 2017: Decimal(1500)},
    }
    assert all(note.severity == "note" and "Đã đổi" in note.message for note in reading.notes)


def test_a_figure_with_its_unit_in_the_cell_is_converted():
    grid = [["Chỉ tiêu", "Năm 2017"], ["Thu nhập bình quân", "5.200 nghìn đồng"]]
    assert read(grid).values == {"average_income": {2017: Decimal("5.2")}}


def test_an_implausible_figure_is_kept_with_a_warning_never_rescaled():
    grid = [["Chỉ tiêu", "Năm 2017"], ["Thu nhập bình quân", "5.800.000"]]
    reading = read(grid)
    assert reading.values == {"average_income": {2017: Decimal(5800000)}}
    (note,) = reading.notes
    assert note.severity == "warning" and "ghi theo đồng" in note.message
