"""Small pure helpers for consolidation: growth between two years, ratios, sums of known values.

They take None for "no figure" and give None back when a result has no meaning (a percentage
over a zero baseline), so a table shows an empty cell instead of a wrong zero or an error.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal

from baocao.indicators.catalogue import Indicator
from baocao.indicators.numbers import format_number, format_percent, to_decimal

Number = Decimal | int | float

HUNDRED = Decimal(100)


def growth(
    baseline: Number | None, current: Number | None
) -> tuple[Decimal | None, Decimal | None]:
    """(current - baseline, that change as a % of the baseline), as the "Tăng/giảm | %" columns.

    The percentage is None when the baseline is 0 or missing; both are None when either is.
    """
    if baseline is None or current is None:
        return None, None
    base, now = to_decimal(baseline), to_decimal(current)
    change = now - base
    return change, (None if base.is_zero() else change / abs(base) * HUNDRED)


def ratio(
    numerator: Number | None, denominator: Number | None, *, percent: bool = False
) -> Decimal | None:
    """numerator / denominator (× 100 with `percent`); None when the denominator is 0 or missing."""
    if numerator is None or denominator is None or to_decimal(denominator).is_zero():
        return None
    result = to_decimal(numerator) / to_decimal(denominator)
    return result * HUNDRED if percent else result


def total(values: Iterable[Number | None]) -> Decimal | None:
    """Sum of the known values; None when none is known (no report is not a zero report)."""
    known = [to_decimal(value) for value in values if value is not None]
    return sum(known, Decimal(0)) if known else None


def derive(indicator: Indicator, values: Mapping[str, Number | None]) -> Decimal | None:
    """A derived (ratio) indicator's value from its already-summed parts, {code: value}.

    Ratios are recomputed from sums at every level, never averaged: members / workers of a
    province is the sum of members over the sum of workers.
    """
    if not indicator.derived or not indicator.numerator or not indicator.denominator:
        raise ValueError(f"{indicator.code} is not a ratio indicator")
    return ratio(
        values.get(indicator.numerator),
        values.get(indicator.denominator),
        percent=indicator.type == "percent",
    )


def growth_shown(
    indicator: Indicator, baseline: Number | None, current: Number | None
) -> tuple[str, str]:
    """The "Tăng/giảm" and "%" cells of a page's indicator row: "+312" (one decimal for a
    percentage or a derived ratio) and "12,5%" ("" where not computable; no % of a percentage)."""
    change, percent = growth(baseline, current)
    change_text = percent_text = ""
    if change is not None:
        decimals = 1 if indicator.type == "percent" or indicator.derived else None
        change_text = format_number(change, decimals)
        if change > 0:
            change_text = f"+{change_text}"
    if percent is not None and indicator.type != "percent":
        percent_text = format_percent(percent, 1)
    return change_text, percent_text
