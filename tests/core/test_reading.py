"""One rule for what a person writes as an indicator's figure: web form, API, XLSX or DOCX cell."""

from __future__ import annotations

from decimal import Decimal

import pytest

from baocao.errors import InputError
from baocao.indicators.catalogue import Indicator
from baocao.indicators.reading import MAX_DECIMALS, Reading, read_figure

MEMBERS = Indicator("members", "Số đoàn viên", "người", type="count")
INCOME = Indicator("average_income", "Thu nhập bình quân", "triệu đồng/người/tháng", type="money")
RATE = Indicator("rate", "Tỷ lệ đoàn viên", "%", type="percent", rollup="none")


@pytest.mark.parametrize(
    ("indicator", "written", "value"),
    [
        (MEMBERS, "27.850", Decimal(27850)),
        (MEMBERS, "1.234.567", Decimal(1234567)),
        (MEMBERS, "1 234", Decimal(1234)),
        (MEMBERS, "0", Decimal(0)),
        (MEMBERS, "-0", Decimal(0)),
        (MEMBERS, "+12", Decimal(12)),
        (MEMBERS, "1.234,0", Decimal(1234)),  # a whole number with a zero decimal is a count
        (INCOME, "5,5", Decimal("5.5")),
        (INCOME, "1.250,75", Decimal("1250.75")),
        (INCOME, "0,1234", Decimal("0.1234")),
        (RATE, "61,7", Decimal("61.7")),
        (RATE, "61,7%", Decimal("61.7")),
        (RATE, "100%", Decimal(100)),
    ],
)
def test_plain_figures_are_read_without_a_note(indicator, written, value):
    reading = read_figure(indicator, written)
    assert reading == Reading(value, "") and not reading.ambiguous
    assert reading.value == value


def test_a_reading_unpacks_as_value_and_note():
    value, note = read_figure(MEMBERS, "1.234")
    assert (value, note) == (Decimal(1234), "")


# --- ambiguity: one mark, three digits after it ----------------------------------------------


def test_a_count_takes_the_whole_reading_and_says_so_only_when_it_differs_from_the_locale():
    assert read_figure(MEMBERS, "1.234") == Reading(Decimal(1234), "")  # thousands, no doubt
    value, note = read_figure(MEMBERS, "1,234")  # Vietnamese decimal, but a count is whole
    assert value == Decimal(1234)
    assert 'Đã hiểu "1,234" là 1.234' in note and "là số đếm" in note


def test_money_keeps_the_locale_reading_with_a_note():
    vi = read_figure(INCOME, "1,234")
    assert vi.value == Decimal("1.234") and "có thể là 1.234" in vi.note and vi.ambiguous
    thousands = read_figure(INCOME, "1.234")
    assert thousands.value == Decimal(1234) and "số hàng nghìn" in thousands.note


def test_the_english_locale_reads_english_figures():
    assert read_figure(MEMBERS, "1,234,567", "en").value == Decimal(1234567)
    assert read_figure(INCOME, "1,234.5", "en") == Reading(Decimal("1234.5"), "")
    assert read_figure(INCOME, "1.5", "en") == Reading(Decimal("1.5"), "")
    count = read_figure(MEMBERS, "1.234", "en")  # English decimal, but a count is whole
    assert count.value == Decimal(1234) and "là số đếm" in count.note
    assert read_figure(MEMBERS, "1,234", "en") == Reading(Decimal(1234), "")


def test_a_decimal_point_for_a_count_is_refused_not_read_as_thousands():
    with pytest.raises(InputError, match="là số đếm, không có phần thập phân"):
        read_figure(MEMBERS, "1.5")  # not 15


# --- refused --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("indicator", "written", "message"),
    [
        (MEMBERS, "khoảng 100", 'Không đọc được số "khoảng 100"'),
        (MEMBERS, "ba trăm", 'Không đọc được số "ba trăm"'),
        (MEMBERS, "1e5", 'Không đọc được số "1e5"'),
        (MEMBERS, "", "Ô số liệu đang trống"),
        (
            MEMBERS,
            "12,5",
            '"Số đoàn viên" là số đếm, không có phần thập phân; hãy nhập lại "12,5".',
        ),
        (MEMBERS, "50%", '"Số đoàn viên" tính bằng người, không phải tỷ lệ %; hãy bỏ dấu %.'),
        (INCOME, "12,5%", "không phải tỷ lệ %; hãy bỏ dấu %"),
        (INCOME, "1,23456", f'Số "1,23456" có quá {MAX_DECIMALS} chữ số thập phân; hãy làm tròn.'),
        (MEMBERS, "10.000.000.000.000.000", 'Số "10.000.000.000.000.000" quá lớn'),
        (INCOME, "99.999.999.999.999.999", "quá lớn; hãy kiểm tra lại"),
        (RATE, "120%", '"Tỷ lệ đoàn viên" là tỷ lệ phần trăm, chỉ nhận số từ 0 đến 100'),
        (RATE, "100,5", "chỉ nhận số từ 0 đến 100"),
    ],
)
def test_what_cannot_be_the_figure_is_refused_saying_what_to_do(indicator, written, message):
    with pytest.raises(InputError) as raised:
        read_figure(indicator, written)
    assert message in raised.value.message


def test_the_largest_figure_below_the_limit_is_kept():
    assert read_figure(MEMBERS, "9.999.999.999.999.999").value == Decimal(10) ** 16 - 1


# --- negatives: no figure is negative ----------------------------------------------------------


@pytest.mark.parametrize(
    ("indicator", "written"),
    [
        (MEMBERS, "-5"),
        (MEMBERS, "\u22125"),  # the minus sign
        (MEMBERS, "\u20135"),  # the en dash Word's autocorrect types
        (MEMBERS, "-1.234"),
        (INCOME, "-5,5"),
        (RATE, "-3%"),
        (MEMBERS, -5),
        (INCOME, -0.5),
        (INCOME, Decimal("-1")),
    ],
)
def test_a_negative_figure_is_refused_for_every_type(indicator, written):
    with pytest.raises(InputError) as raised:
        read_figure(indicator, written)
    message = raised.value.message
    assert f'"{indicator.name}" không nhận số âm' in message
    assert "từ 0 trở lên" in message and "không phải mức tăng/giảm" in message


# --- units written after the figure ----------------------------------------------------------


def test_the_indicators_own_unit_after_the_figure_is_accepted():
    assert read_figure(MEMBERS, "300 người") == Reading(Decimal(300), "")
    assert read_figure(INCOME, "5,5 triệu") == Reading(Decimal("5.5"), "")


def test_another_unit_after_the_figure_is_refused():
    with pytest.raises(InputError, match='Đơn vị "lượt" khác đơn vị của "Số đoàn viên"'):
        read_figure(MEMBERS, "300 lượt")


# --- numbers a spreadsheet cell or a JSON body holds -----------------------------------------


@pytest.mark.parametrize(
    ("indicator", "number", "value"),
    [
        (MEMBERS, 27850, "27850"),
        (MEMBERS, 2017.0, "2017"),
        (INCOME, 0.1, "0.1"),
        (INCOME, Decimal("5.50"), "5.50"),
        (RATE, 61.7, "61.7"),
    ],
)
def test_numbers_are_taken_as_they_are(indicator, number, value):
    assert read_figure(indicator, number) == Reading(Decimal(value), "")
    assert str(read_figure(indicator, number).value) == value


@pytest.mark.parametrize(
    ("indicator", "number", "message"),
    [
        (MEMBERS, True, "đúng/sai, không phải số"),
        (MEMBERS, float("nan"), "không chứa một số hợp lệ"),
        (MEMBERS, float("inf"), "không chứa một số hợp lệ"),
        (MEMBERS, Decimal("NaN"), "không chứa một số hợp lệ"),
        (MEMBERS, 2.5, '"Số đoàn viên" là số đếm, không có phần thập phân; hãy nhập lại "2,5".'),
        (INCOME, 0.30000000000000004, "chữ số thập phân; hãy làm tròn"),
        (RATE, 150, "chỉ nhận số từ 0 đến 100"),
        (MEMBERS, 10**16, "quá lớn"),
    ],
)
def test_numbers_follow_the_same_rules(indicator, number, message):
    with pytest.raises(InputError) as raised:
        read_figure(indicator, number)
    assert message in raised.value.message
