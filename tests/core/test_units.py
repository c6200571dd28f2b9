"""Units of measure against the catalogue's: money converted between đồng, nghìn, triệu and tỷ
over the same "per", nothing else converted, implausible magnitudes said."""

from __future__ import annotations

from decimal import Decimal

import pytest

from baocao.indicators.catalogue import Indicator
from baocao.indicators.units import Money, conversion, convert, implausible, money_unit

INCOME = Indicator("average_income", "Thu nhập bình quân", "triệu đồng/người/tháng", "money")
VALUE = Indicator("houses_value", "Giá trị hỗ trợ", "triệu đồng", "money")
MEMBERS = Indicator("members", "Số đoàn viên", "người")


def test_money_units_as_reports_write_them():
    assert money_unit("triệu đồng/người/tháng") == Money(Decimal(1_000_000), ("nguoi", "thang"))
    assert money_unit("Đồng") == Money(Decimal(1))
    assert money_unit("(nghìn đồng/tháng)") == Money(Decimal(1000), ("thang",))
    assert money_unit("tỷ đồng") == Money(Decimal(1_000_000_000))
    assert money_unit("người") is None and money_unit("lượt người") is None


@pytest.mark.parametrize(
    "written, catalogue, factor",
    [
        ("đồng/người/tháng", "triệu đồng/người/tháng", Decimal("0.000001")),
        ("nghìn đồng/tháng", "triệu đồng/người/tháng", Decimal("0.001")),  # per person said
        ("triệu đồng", "triệu đồng/người/tháng", Decimal(1)),
        ("tỷ đồng", "triệu đồng", Decimal(1000)),
        ("đồng/năm", "triệu đồng/người/tháng", None),  # a year is no month
        ("đồng/người/tháng", "triệu đồng", None),  # a rate is no total
        ("người", "người", None),  # counts are never converted
    ],
)
def test_conversion(written, catalogue, factor):
    assert conversion(written, catalogue) == factor


def test_convert_gives_plain_decimals():
    assert str(convert(Decimal(2_100_000), "đồng", "triệu đồng/người/tháng")) == "2.1"
    assert str(convert(Decimal("1.25"), "tỷ đồng", "triệu đồng")) == "1250"
    assert convert(Decimal(5), "người", "triệu đồng") is None


def test_an_income_written_in_dong_is_implausible_in_millions():
    assert "ghi theo đồng" in implausible(INCOME, Decimal(2_100_000))
    assert "2,1" in implausible(INCOME, Decimal(2_100_000))
    assert "quá nhỏ" in implausible(INCOME, Decimal("0.002"))
    assert implausible(INCOME, Decimal("6.2")) == ""
    # Totals and counts have no bound.
    assert implausible(VALUE, Decimal(2_000_000)) == ""
    assert implausible(MEMBERS, Decimal(5_000_000)) == ""
