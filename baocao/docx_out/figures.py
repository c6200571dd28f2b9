"""Indicator rows as a comparison table prints them: "Năm 2008 | Năm 2017 | Tăng/giảm | %".

Values are formatted the Vietnamese way (1.234; 12,5%); growth comes from
`baocao.indicators.maths.growth`, signed ("+" up, "-" down) and "–" when it has no meaning.
A percentage indicator's change is in percentage points and has no "%" of its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from baocao.indicators.catalogue import Indicator
from baocao.indicators.maths import growth
from baocao.indicators.numbers import format_number, format_percent

NOT_COMPUTABLE = "–"


@dataclass(frozen=True)
class Row:
    number: str  # "1", "2" ...; "" for a part of the row above ("Trong đó: nữ")
    label: str
    unit: str
    baseline: str
    current: str
    change: str
    percent: str
    indented: bool = False


def comparison_rows(
    indicators: Sequence[Indicator],
    values: dict[str, dict[int, object]],
    years: tuple[int, int],
    *,
    start: int = 1,
) -> list[Row]:
    """One row per indicator, in the given order.

    A part (`part_of`) whose whole is in the same table sits under it, indented, with its short
    row label and no number of its own; otherwise it stands alone under its full name.
    """
    rows: list[Row] = []
    shown: set[str] = set()
    number = start
    for indicator in indicators:
        indented = bool(indicator.part_of and indicator.part_of in shown)
        shown.add(indicator.code)
        by_year = values.get(indicator.code, {})
        baseline, current = by_year.get(years[0]), by_year.get(years[1])
        change, percent = _growth(indicator, baseline, current)
        rows.append(
            Row(
                number="" if indented else str(number),
                label=indicator.row_label if indented else indicator.name,
                unit=indicator.unit,
                baseline=format_value(indicator, baseline),
                current=format_value(indicator, current),
                change=change,
                percent=percent,
                indented=indented,
            )
        )
        if not indented:
            number += 1
    return rows


def has_values(
    indicators: Sequence[Indicator], values: dict[str, dict[int, object]], years: tuple[int, int]
) -> bool:
    return any(
        values.get(indicator.code, {}).get(year) is not None
        for indicator in indicators
        for year in years
    )


def format_value(indicator: Indicator, value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str) or not indicator.numeric:
        return str(value)
    if indicator.type == "percent":
        return format_percent(value, trim=False)
    if indicator.type == "money":
        return format_number(value, 2)
    return format_number(value)


def _growth(indicator: Indicator, baseline: object, current: object) -> tuple[str, str]:
    if not indicator.numeric or not _is_number(baseline) or not _is_number(current):
        return NOT_COMPUTABLE, NOT_COMPUTABLE
    change, percent = growth(baseline, current)
    if indicator.type == "percent":
        return signed(change, 1, trim=False), NOT_COMPUTABLE
    decimals = 2 if indicator.type == "money" else None
    if percent is None:
        return signed(change, decimals), NOT_COMPUTABLE
    return signed(change, decimals), signed(percent, 1, trim=False)


def signed(value: Decimal | None, decimals: int | None = None, *, trim: bool = True) -> str:
    """ "+1.234", "-12,5", "0"; "–" for None."""
    if value is None:
        return NOT_COMPUTABLE
    text = format_number(value, decimals, trim=trim)
    if value > 0 and text.strip("0,.") != "":
        return "+" + text
    return text


def _is_number(value: object) -> bool:
    return isinstance(value, Decimal | int | float) and not isinstance(value, bool)
