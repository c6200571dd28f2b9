"""Numbers typed the Vietnamese or the English way are read right, flagged when unsure, never zeroed."""

import contextlib
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from baocao.errors import InputError
from baocao.indicators.numbers import format_number, format_percent, parse_number

# text, locale, value, is_percent, ambiguous
CASES = [
    ("1.234", "vi", "1234", False, True),
    ("1.234", "en", "1.234", False, True),
    ("1,234", "vi", "1.234", False, True),
    ("1,234", "en", "1234", False, True),
    ("1.234.567", "vi", "1234567", False, False),
    ("1.234.567", "en", "1234567", False, False),
    ("1,234,567", "vi", "1234567", False, False),
    ("1,234,567", "en", "1234567", False, False),
    ("1.234,5", "vi", "1234.5", False, False),
    ("1.234,5", "en", "1234.5", False, False),
    ("1,234.5", "vi", "1234.5", False, False),
    ("1,234.5", "en", "1234.5", False, False),
    ("1 234", "vi", "1234", False, False),
    ("1\u00a0234\u00a0567", "vi", "1234567", False, False),
    ("1\u202f234,75", "vi", "1234.75", False, False),
    ("1 234.5", "en", "1234.5", False, False),
    ("1 234.5", "vi", "1234.5", False, True),
    ("12,5%", "vi", "12.5", True, False),
    ("12,5 %", "vi", "12.5", True, False),
    ("12,5\u00a0%", "vi", "12.5", True, False),
    ("12.5%", "en", "12.5", True, False),
    ("12.5%", "vi", "12.5", True, True),
    ("100%", "vi", "100", True, False),
    ("1.5", "vi", "1.5", False, True),
    ("1.5", "en", "1.5", False, False),
    ("12,5", "vi", "12.5", False, False),
    ("12,5", "en", "12.5", False, True),
    ("0,123", "vi", "0.123", False, False),
    ("0.123", "vi", "0.123", False, True),
    ("1234,567", "vi", "1234.567", False, False),
    ("1234", "vi", "1234", False, False),
    ("1234", "en", "1234", False, False),
    ("-5", "vi", "-5", False, False),
    ("\u22125", "vi", "-5", False, False),
    ("+5", "vi", "5", False, False),
    ("-1.234", "vi", "-1234", False, True),
    ("0", "vi", "0", False, False),
    ("-0", "vi", "0", False, False),
    ("  42  ", "vi", "42", False, False),
    ("\uff11\uff12", "vi", "12", False, False),  # full-width digits from some IMEs
]


@pytest.mark.parametrize(("text", "locale", "value", "is_percent", "ambiguous"), CASES)
def test_parse_table(text, locale, value, is_percent, ambiguous):
    parsed = parse_number(text, locale)
    assert parsed.value == Decimal(value)
    assert parsed.is_percent is is_percent
    assert parsed.ambiguous is ambiguous
    assert bool(parsed.note) is ambiguous


def test_ambiguous_note_says_how_it_was_read():
    vi = parse_number("1.234", "vi")
    assert "1.234" in vi.note and "hàng nghìn" in vi.note and "Việt Nam" in vi.note
    en = parse_number("1.234", "en")
    assert "thập phân 1,234" in en.note and "tiếng Anh" in en.note
    english_decimal = parse_number("1.5", "vi")
    assert "1,5" in english_decimal.note and "dấu chấm" in english_decimal.note


@pytest.mark.parametrize(
    "text",
    ["khoảng 300", "N/A", "abc", "", "   ", "1.2.3,4,5", "1.23.4", "1,2,3", "12 34", "1234.567.890",
     "1..2", "1,", ".5", "%", "-", "1.234 567", "1,234.567,8", "300 người", "5-", "(5)", "1e3",
     "12%%", "0.123.456", "1 234 5", "2008–2017"],
)  # fmt: skip
def test_unreadable_text_raises_input_error(text):
    with pytest.raises(InputError) as raised:
        parse_number(text)
    assert "1.234" in raised.value.message  # says which form to type


def test_error_message_names_the_text():
    with pytest.raises(InputError) as raised:
        parse_number("khoảng 300")
    assert raised.value.message == (
        'Không đọc được số "khoảng 300". Hãy nhập một số, ví dụ 1.234 hoặc 1.234,5.'
    )
    with pytest.raises(InputError, match="3 chữ số"):
        parse_number("1.23.4")


def test_none_is_refused_not_zeroed():
    with pytest.raises(InputError):
        parse_number(None)  # type: ignore[arg-type]


def test_unknown_locale_is_a_programming_error():
    with pytest.raises(ValueError):
        parse_number("1", locale="fr")


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (1234567, None, "1.234.567"),
        (Decimal("12.5"), None, "12,5"),
        (Decimal("12.50"), None, "12,5"),
        (Decimal("1234.00"), None, "1.234"),
        (12.5, None, "12,5"),
        (0.1, None, "0,1"),
        (0, None, "0"),
        (-1234.5, None, "-1.234,5"),
        (Decimal("1E+3"), None, "1.000"),
        (None, None, ""),
        (Decimal("2.345"), 2, "2,35"),
        (Decimal("-0.001"), 2, "0"),
        (Decimal("999.995"), 2, "1.000"),
        (Decimal("12.5"), 0, "13"),
        (123, 2, "123"),
    ],
)
def test_format_number(value, decimals, expected):
    assert format_number(value, decimals) == expected


def test_format_number_can_keep_fixed_decimals():
    assert format_number(Decimal("1234.5"), 2, trim=False) == "1.234,50"


def test_format_percent():
    assert format_percent(Decimal("23.44")) == "23,4%"
    assert format_percent(Decimal("23.45")) == "23,5%"
    assert format_percent(23) == "23%"
    assert format_percent(Decimal("7.25"), 2) == "7,25%"
    assert format_percent(None) == ""


AMOUNTS = st.decimals(
    min_value=Decimal("-1e12"), max_value=Decimal("1e12"), places=2, allow_nan=False,
    allow_infinity=False,
)  # fmt: skip


@given(AMOUNTS)
def test_vietnamese_format_round_trips(value):
    assert parse_number(format_number(value), "vi").value == value


@given(AMOUNTS)
def test_english_format_round_trips_under_en(value):
    assert parse_number(format(value, ",f"), "en").value == value


@given(AMOUNTS)
def test_percent_round_trips(value):
    parsed = parse_number(format_percent(value, 2), "vi")
    assert parsed.is_percent and parsed.value == value


@given(st.text())
def test_random_text_raises_only_input_error(text):
    for locale in ("vi", "en"):
        with contextlib.suppress(InputError):
            parse_number(text, locale)


@given(st.text(alphabet="0123456789.,%+- \u00a0\u202f\u2212x", max_size=20))
def test_number_like_text_is_read_or_refused_never_zero_by_accident(text):
    try:
        parsed = parse_number(text)
    except InputError:
        return
    assert any(ch.isdigit() for ch in text)
    if parsed.value == 0:
        assert "0" in text
