"""A consolidating unit takes its units' rolled-up figures as its own ("Lấy số liệu tổng hợp làm
số liệu của đơn vị"): first the figures where what the unit typed and what its units add up to
differ (`figures_to_adopt`, read only, shown before anything changes), then the chosen ones
written into the unit's report (`adopt_rollup`) through `writing.save_indicator`, so each keeps
its history (IndicatorChange) and audit entry.

As in the roll-up, only summed figures are written: a ratio follows from its parts (it is
shown, recomputed from the unit's own figures and from the roll-up, never summed), and a figure
that does not add up (an average income) is not rolled up, so not offered.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from baocao.apps.campaigns.actions.errors import NotAllowed
from baocao.apps.campaigns.actions.locks import check_version, lock_editable
from baocao.apps.campaigns.actions.writing import save_indicator
from baocao.apps.campaigns.consolidation import counting_note, subtree_figures
from baocao.apps.campaigns.models import Report
from baocao.apps.campaigns.permissions import can_edit_report, is_consolidator
from baocao.apps.campaigns.queries import report_figures
from baocao.indicators.catalogue import Indicator
from baocao.indicators.maths import derive
from baocao.indicators.numbers import format_number

__all__ = [
    "Adopted",
    "Adoption",
    "FigureGap",
    "SOURCE_ADOPT",
    "adopt_rollup",
    "check_may_adopt",
    "figures_to_adopt",
]

SOURCE_ADOPT = "Lấy số liệu tổng hợp"  # in each figure's audit entry


@dataclass(frozen=True)
class FigureGap:
    """One indicator and year where the unit's own figure is not its units' roll-up."""

    indicator: Indicator
    year: int
    own: Decimal | None  # None: the unit typed nothing
    own_raw: str  # as typed ("" for a ratio, which nobody types)
    rolled: Decimal

    @property
    def key(self) -> str:
        return f"{self.indicator.code}:{self.year}"

    @property
    def adoptable(self) -> bool:
        return not self.indicator.derived

    @property
    def difference(self) -> Decimal | None:
        return None if self.own is None else self.rolled - self.own

    @property
    def seen(self) -> str:
        """Both figures as the page showed them: the confirmation holds for exactly these."""
        return f"{self.own_raw}→{format_number(self.rolled)}"


@dataclass(frozen=True)
class Adoption:
    gaps: list[FigureGap]  # in the catalogue's order, then by year; ratios among them
    counted: int  # reports below the unit whose figures are in the roll-up
    expected: int  # reports below the unit
    include_submitted: bool
    own_counted: bool  # the unit's report is counted itself: its figures are the roll-up's

    @property
    def note(self) -> str:
        return counting_note(self.counted, self.expected, self.include_submitted)

    @property
    def adoptable(self) -> list[FigureGap]:
        return [gap for gap in self.gaps if gap.adoptable]


def figures_to_adopt(report: Report, *, include_submitted: bool = False) -> Adoption:
    """Where the report's own figures and its units' roll-up (counted as everywhere:
    accepted reports, submitted too when asked) differ: the roll-up of the subtree, and the
    report's figures (one query more)."""
    campaign, unit = report.campaign, report.unit
    subtree = subtree_figures(campaign, unit, include_submitted=include_submitted)
    own_counted = report.status in subtree.counted_statuses
    expected = subtree.rollup.expected.get(unit.path, 1) - 1
    counted = subtree.rollup.counted.get(unit.path, 0) - (1 if own_counted else 0)
    if own_counted:  # the roll-up states the unit's own figures: nothing to compare
        return Adoption([], counted, expected, include_submitted, True)
    rolled = subtree.figures(unit)
    stored = report_figures(report)
    own = {key: figure.value for key, figure in stored.items() if figure.value is not None}
    gaps = []
    for indicator in campaign.catalogue.indicators:
        if not indicator.numeric or indicator.rollup == "none":
            continue
        for year in campaign.years:
            new = rolled.get(indicator.code, {}).get(year)
            if indicator.derived:
                parts = (indicator.numerator, indicator.denominator)
                old = derive(indicator, {code: own.get((code, year)) for code in parts if code})
                raw = ""
            else:
                old = own.get((indicator.code, year))
                raw = stored[(indicator.code, year)].raw if old is not None else ""
            if new is not None and new != old:
                gaps.append(FigureGap(indicator, year, old, raw, new))
    return Adoption(gaps, counted, expected, include_submitted, False)


@dataclass(frozen=True)
class Adopted:
    saved: list[str] = field(default_factory=list)  # "code:year" now the roll-up's
    unchanged: int = 0  # chosen, but already the roll-up's (a second submit) or no longer apart
    moved: list[str] = field(default_factory=list)  # changed since the page: left alone


def check_may_adopt(report: Report, actor: Any) -> None:
    """NotAllowed unless `actor` consolidates the report's unit and writes its report."""
    if not is_consolidator(actor, report.unit) or not can_edit_report(actor, report):
        raise NotAllowed(
            _("Chỉ người tổng hợp của đơn vị mới lấy được số liệu tổng hợp làm số liệu của đơn vị.")
        )


@transaction.atomic
def adopt_rollup(
    report: Report,
    chosen: Iterable[str],
    seen: Mapping[str, str],
    expected_version: int,
    actor: Any,
    *,
    include_submitted: bool = False,
) -> Adopted:
    """Write the roll-up into the report for the chosen figures ("code:year"), each only if
    both figures are still what the page showed (`seen`: key → `FigureGap.seen`); the report's
    status must be the version shown (StaleReport) and editable now (ActionError). Sending the
    same choice twice changes nothing the second time."""
    locked = lock_editable(report, actor)
    check_may_adopt(locked, actor)
    check_version(locked, expected_version)
    gaps = {
        gap.key: gap
        for gap in figures_to_adopt(locked, include_submitted=include_submitted).adoptable
    }
    saved, moved, unchanged = [], [], 0
    for key in dict.fromkeys(chosen):
        gap = gaps.get(key)
        if gap is None:
            unchanged += 1
        elif seen.get(key) != gap.seen:
            moved.append(key)
        else:
            value = format_number(gap.rolled)
            save_indicator(locked, gap.indicator.code, gap.year, value, actor, source=SOURCE_ADOPT)
            saved.append(key)
    return Adopted(saved, unchanged, moved)
