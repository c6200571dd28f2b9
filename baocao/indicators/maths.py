"""Small pure helpers for consolidation: growth between two years, ratios, sums of known values.

They take None for "no figure" and give None back when a result has no meaning (a percentage
over a zero baseline), so a table shows an empty cell instead of a wrong zero or an error.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal

from baocao.indicators.catalogue import Indicator
from baocao.indicators.numbers import to_decimal

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
