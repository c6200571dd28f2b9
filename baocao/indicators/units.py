"""Units of measure as reports write them, converted to the catalogue's.

A report gives an income as "2.100.000 đồng/người/tháng", "2.100 nghìn đồng" or "2,1 triệu
đồng" when the catalogue keeps it in "triệu đồng/người/tháng"; a value as "1,25 tỷ đồng" for
"triệu đồng". `conversion` says by what a figure written in one unit is multiplied to be in
the other, and only for money (đồng, nghìn đồng, triệu đồng, tỷ đồng) over the same "per"
(người, tháng, năm): a count of people is never converted into anything, and "đồng/năm" is
not "đồng/tháng". `implausible` says when a figure is far from what its indicator can be
(an income per person and month of two million "triệu đồng" was written in đồng): such a
figure is flagged for a person to check, never converted behind their back.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from baocao.indicators.catalogue import Indicator
from baocao.indicators.numbers import format_number
from baocao.text import fold

# Money scales in đồng, by their folded names (longest first when matched).
_SCALES = {
    "dong": Decimal(1),
    "vnd": Decimal(1),
    "nghin dong": Decimal(1000),
    "ngan dong": Decimal(1000),
    "nghin": Decimal(1000),
    "ngan": Decimal(1000),
    "trieu dong": Decimal(1_000_000),
    "trieu": Decimal(1_000_000),
    "tr": Decimal(1_000_000),
    "ty dong": Decimal(1_000_000_000),
    "ti dong": Decimal(1_000_000_000),
    "ty": Decimal(1_000_000_000),
    "ti": Decimal(1_000_000_000),
}
_MONEY = re.compile(
    r"^(?P<scale>(?:nghin|ngan|trieu|ty|ti)\s+dong|dong|vnd|nghin|ngan|trieu|tr|ty|ti)\b"
    r"(?P<per>(?:\s*/\s*[a-z]+(?:\s+[a-z]+)?)*)\s*$"
)
# A per-person, per-month (or per-year) rate: its plausible range in đồng.
_RATE_RANGE = (Decimal(100_000), Decimal(1_000_000_000))
_PER_WORDS = {"nguoi": "nguoi", "ng": "nguoi", "thang": "thang", "th": "thang", "nam": "nam"}


@dataclass(frozen=True)
class Money:
    """A money unit: its scale in đồng and what it is per ("nguoi", "thang"), in order."""

    scale: Decimal
    per: tuple[str, ...] = ()


def money_unit(text: str) -> Money | None:
    """The money unit `text` names ("triệu đồng/người/tháng", "đồng", "nghìn đồng/tháng",
    "tỷ đồng"), or None when it is no money unit."""
    folded = fold(text).strip(" .,;:()[]")
    found = _MONEY.match(folded)
    if found is None:
        return None
    scale = _SCALES[re.sub(r"\s+", " ", found["scale"])]
    per = tuple(
        _PER_WORDS.get(part.strip().split()[-1], part.strip())
        for part in found["per"].split("/")
        if part.strip()
    )
    return Money(scale, per)


def conversion(written: str, catalogue: str) -> Decimal | None:
    """What a figure written in unit `written` is multiplied by to be in unit `catalogue`:
    1 for the same unit, None when the two cannot be converted (not both money, or per
    different things: "/năm" is not "/tháng"; a "per" left unsaid is taken as the
    catalogue's: "nghìn đồng/tháng" for "triệu đồng/người/tháng")."""
    have, want = money_unit(written), money_unit(catalogue)
    if have is None or want is None:
        return None
    if any(part not in want.per for part in have.per):
        return None
    return have.scale / want.scale


def convert(value: Decimal, written: str, catalogue: str) -> Decimal | None:
    """`value` written in `written`, in the catalogue's unit (None: not convertible)."""
    factor = conversion(written, catalogue)
    if factor is None:
        return None
    result = value * factor
    return result.quantize(1) if result == result.to_integral_value() else result.normalize()


def implausible(indicator: Indicator, value: Decimal) -> str:
    """Why `value` cannot be `indicator`'s figure in its unit, in Vietnamese (empty: it can).
    Only per-person rates of money are judged (an average income): a total has no bound."""
    unit = money_unit(indicator.unit)
    if unit is None or "nguoi" not in unit.per:
        return ""
    in_dong = value * unit.scale
    low, high = _RATE_RANGE
    if low <= in_dong <= high:
        return ""
    if in_dong > high:
        guess = value / unit.scale
        return (
            f"{format_number(value)} {indicator.unit} là quá lớn cho “{indicator.name}”; có thể "
            f"số được ghi theo đồng ({format_number(value)} đồng = {format_number(guess)} "
            f"{indicator.unit}). Hãy kiểm tra và ghi theo đơn vị {indicator.unit}."
        )
    return (
        f"{format_number(value)} {indicator.unit} là quá nhỏ cho “{indicator.name}”; hãy kiểm "
        f"tra đơn vị (đề cương tính bằng {indicator.unit})."
    )
