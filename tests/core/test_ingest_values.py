"""Figures read from report tables: every doubt said, never a silent zero."""

from __future__ import annotations

from decimal import Decimal

import pytest

from baocao.ingest.values import IndicatorMatcher, read_table, read_value
from baocao.outline.builtin import load_builtin

OUTLINE = load_builtin()
MEMBERS = OUTLINE.indicator("members")
INCOME = OUTLINE.indicator("average_income")
YEARS = [2008, 2017]


@pytest.mark.parametrize(
    ("written", "value", "severity"),
    [
        ("27.850", "27850", None),
        ("1.234.567", "1234567", None),
        ("1 234", "1234", None),
        ("300 người", "300", None),
        (27850, "27850", None),
        (2017.0, "2017", None),
        ("1,234", "1234", "note"),  # a count cannot be 1,234 people: thousands, and said so
        ("khoảng 300", "300", "warning"),
        ("~ 1.200", "1200", "warning"),
        ("12,5%", None, "warning"),
        ("N/A", None, "warning"),
        ("chưa thống kê", None, "warning"),
        ("ba trăm", None, "warning"),
        ("-5", None, "warning"),
        ("2,5", None, "warning"),
        ("300 lượt", None, "warning"),
        (True, None, "warning"),
        ("-", None, "note"),
        ("", None, None),
        (None, None, None),
    ],
)
def test_a_count_cell_is_read_or_flagged_never_a_silent_zero(written, value, severity):
    cell = read_value(written, MEMBERS, 2017)
    assert (None if cell.value is None else str(cell.value)) == value
    assert (None if cell.note is None else cell.note.severity) == severity
    if cell.note is not None:
        assert cell.note.message and cell.note.code == "members" and cell.note.year == 2017
    assert cell.value != 0 or written in (0, "0")


def test_ambiguous_decimal_for_money_keeps_the_locale_reading_with_a_note():
    vi = read_value("1,234", INCOME, 2017)
    assert vi.value == Decimal("1.234") and vi.note.severity == "note"
    en = read_value("1.5", INCOME, 2017, "en")
    assert en.value == Decimal("1.5") and en.note is None
    assert read_value("5,2", INCOME, 2017).value == Decimal("5.2")


def test_english_thousands_in_the_english_locale():
    assert read_value("1,234,567", MEMBERS, 2017, "en").value == Decimal(1234567)
    assert read_value("1,234.5", INCOME, 2017, "en").value == Decimal("1234.5")


@pytest.mark.parametrize(
    ("label", "code"),
    [
        ("Tổng số đoàn viên", "members"),
        ("Số doan vien (nguoi)", "members"),
        ("Đoàn viên nữ", "members_women"),
        ("Số CĐCS thành lập mới", "new_grassroots_unions"),
        ("TƯLĐTT còn hiệu lực", "collective_agreements_in_force"),
        ("Số buổi tuyên truyền", "propaganda_sessions"),
        ("Số lượt cán bộ công đoàn được tập huấn", "officers_trained"),
        ("Tổng cộng", None),
        ("Ghi chú", None),
    ],
)
def test_row_labels_name_their_indicator(label, code):
    assert IndicatorMatcher(OUTLINE.indicators).match(label) == code


def test_in_which_rows_resolve_to_the_part_of_the_row_above():
    matcher = IndicatorMatcher(OUTLINE.indicators)
    assert matcher.match("Trong đó: doanh nghiệp ngoài nhà nước", ["members"]) == (
        "members_non_state"
    )
    assert matcher.match("Trong đó: doanh nghiệp ngoài nhà nước", ["grassroots_unions"]) == (
        "grassroots_unions_non_state"
    )
    assert matcher.match("Trong đó: doanh nghiệp ngoài nhà nước") is None  # no context: unsure


def test_table_with_merged_header_and_units_reads_each_year():
    grid = [
        ["TT", "Chỉ tiêu", "ĐVT", "Số liệu", "Số liệu"],
        ["TT", "Chỉ tiêu", "ĐVT", "2008 (người)", "Năm 2017"],
        ["1", "Số đoàn viên", "người", "18.200", "27.850"],
        ["", "Trong đó: nữ", "người", "khoảng 8.000", "N/A"],
        ["2", "Số nhà văn hóa công nhân", "nhà", "2", "3"],
    ]
    merged = {(0, 4), (1, 0), (1, 1), (1, 2)}
    reading = read_table(grid, IndicatorMatcher(OUTLINE.indicators), YEARS, merged=merged)
    assert reading.values == {
        "members": {2008: Decimal(18200), 2017: Decimal(27850)},
        "members_women": {2008: Decimal(8000)},
    }
    assert {(n.code, n.year, n.severity) for n in reading.notes} == {
        ("members_women", 2008, "warning"),
        ("members_women", 2017, "warning"),
    }
    assert reading.unmatched_rows == ["2 | Số nhà văn hóa công nhân | nhà | 2 | 3"]
    assert any("không khớp chỉ tiêu" in w for w in reading.warnings)


def test_a_table_without_year_columns_is_not_read_as_figures():
    grid = [["Năm", "Số lớp", "Số lượt người"], ["2008 - 2012", "31", "1.860"]]
    reading = read_table(grid, IndicatorMatcher(OUTLINE.indicators), YEARS)
    assert not reading.is_indicator_table and not reading.values
