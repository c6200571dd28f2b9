"""The rolled-up figures said in Vietnamese sentences, the start of a consolidated section's
first draft (what the units wrote follows, synthesised by `baocao.consolidate.synthesis`).

Its sentences name each
figure the way `crosscheck` reads it back ("Toàn tỉnh có 12.345 đoàn viên, tăng 2.345 (23,4%)
so với năm 2008"), so a generated draft passes its own number check.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from baocao.indicators.catalogue import Indicator
from baocao.indicators.maths import growth
from baocao.indicators.numbers import format_number, format_percent
from baocao.text import fold

# Units that read as a counting word before the noun: "12 cuộc đình công", "98 bản thỏa ước".
_CLASSIFIERS = ("vụ", "cuộc", "bản", "lá đơn", "căn", "lớp", "buổi")


def _noun(indicator: Indicator) -> str | None:
    if not indicator.mentions:
        return None
    noun = indicator.mentions[0]
    unit = indicator.unit
    if unit in _CLASSIFIERS and not fold(noun).startswith(fold(unit)):
        noun = f"{unit} {noun}"
    return noun


def _change(indicator: Indicator, baseline: Decimal | None, current: Decimal, year: int) -> str:
    change, percent = growth(baseline, current)
    if change is None:
        return ""
    if change == 0:
        return f", bằng năm {year}"
    word = "tăng" if change > 0 else "giảm"
    if indicator.type == "percent":
        return f", {word} {format_number(abs(change), 1)} điểm phần trăm so với năm {year}"
    share = f" ({format_percent(abs(percent))})" if percent is not None else ""
    return f", {word} {format_number(abs(change))}{share} so với năm {year}"


def figure_sentence(
    indicator: Indicator,
    row: Mapping[int, Decimal | None],
    years: tuple[int, int],
    scope: str,
) -> str | None:
    """One sentence for one indicator, or None when there is no current figure."""
    baseline_year, current_year = years
    current = row.get(current_year)
    if current is None or not indicator.numeric:
        return None
    baseline = row.get(baseline_year)
    change = _change(indicator, baseline, current, baseline_year)
    if indicator.type == "percent":
        return f"{indicator.name} đạt {format_percent(current)}{change}."
    noun = _noun(indicator)
    if noun is None:
        return f"{indicator.name} năm {current_year}: {format_number(current)} {indicator.unit}{change}."
    return f"{scope} có {format_number(current)} {noun}{change}."


def figure_sentences(
    indicators: list[Indicator],
    values: Mapping[str, Mapping[int, Decimal | None]],
    years: tuple[int, int],
    scope: str = "Toàn tỉnh",
) -> list[str]:
    found = (figure_sentence(i, values.get(i.code, {}), years, scope) for i in indicators)
    return [sentence for sentence in found if sentence]
