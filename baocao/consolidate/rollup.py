"""Roll every indicator up the unit tree in one pass over the reports.

A unit's figure for an indicator and year is its own reported figure when its report counts
(a district's report states its district's totals), else the sum of its children's figures.
Where a unit reported and units below it reported too, the two are compared and every
difference is listed ("the district says 4.210 members, its CĐCS add up to 4.185"): nothing
is silently preferred without being shown. Ratios are recomputed from the summed parts at every
level, never averaged; indicators that do not add up (an average income) are not rolled up.

Units are identified by their materialised path ("TLD/KT/KT-DH/"), so the tree needs no other
input: the reports are processed deepest first and each hands its figures to its parent.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from baocao.indicators.catalogue import Indicator
from baocao.indicators.maths import derive

SEPARATOR = "/"
Key = tuple[str, int]  # (indicator code, year)


@dataclass(frozen=True)
class UnitReport:
    """One unit's report as the roll-up sees it: does it count, and its figures."""

    path: str
    counted: bool
    values: Mapping[Key, Decimal | None] = field(default_factory=dict)


@dataclass(frozen=True)
class Difference:
    path: str
    code: str
    year: int
    reported: Decimal
    children_sum: Decimal
    # Reports below the unit that do not count (yet): a gap they explain is not an error.
    missing_below: int = 0


@dataclass
class Rollup:
    values: dict[str, dict[Key, Decimal]]  # path -> rolled-up figures (sums and ratios)
    expected: dict[str, int]  # path -> reports expected in its subtree (itself included)
    counted: dict[str, int]  # path -> of them, reports that count
    differences: list[Difference]
    _reports: dict[str, UnitReport]

    def figures(self, path: str) -> dict[Key, Decimal]:
        return self.values.get(path, {})

    def missing(self, path: str) -> list[str]:
        """Paths of the units in `path`'s subtree whose report does not count (yet)."""
        return sorted(p for p, r in self._reports.items() if p.startswith(path) and not r.counted)


def parent_path(path: str) -> str | None:
    trimmed = path.rstrip(SEPARATOR)
    cut = trimmed.rfind(SEPARATOR)
    return trimmed[: cut + 1] if cut >= 0 else None


def _depth(path: str) -> int:
    return path.count(SEPARATOR)


def _with_ancestors(paths: Iterable[str]) -> set[str]:
    every: set[str] = set()
    for path in paths:
        while path and path not in every:
            every.add(path)
            path = parent_path(path)
    return every


def rollup(reports: Iterable[UnitReport], indicators: list[Indicator]) -> Rollup:
    """Figures for every unit that has a report and every unit above one."""
    by_path = {report.path: report for report in reports}
    summed = {i.code for i in indicators if i.rollup == "sum" and i.numeric}
    ratios = [i for i in indicators if i.derived]
    from_children: dict[str, dict[Key, Decimal]] = defaultdict(dict)
    values: dict[str, dict[Key, Decimal]] = {}
    expected: dict[str, int] = defaultdict(int)
    counted: dict[str, int] = defaultdict(int)
    differences: list[Difference] = []

    for path in sorted(_with_ancestors(by_path), key=_depth, reverse=True):
        report = by_path.get(path)
        below = from_children.pop(path, {})
        own: dict[Key, Decimal] = {}
        if report is not None:
            expected[path] += 1
            if report.counted:
                counted[path] += 1
                own = {
                    key: value
                    for key, value in report.values.items()
                    if value is not None and key[0] in summed
                }
        missing_below = expected[path] - counted[path]  # own is non-empty only when it counts
        for key in sorted(own.keys() & below.keys()):
            if own[key] != below[key]:
                differences.append(
                    Difference(path, key[0], key[1], own[key], below[key], missing_below)
                )
        figures = {**below, **own}
        values[path] = figures
        parent = parent_path(path)
        if parent is not None:
            into = from_children[parent]
            for key, value in figures.items():
                into[key] = into.get(key, Decimal(0)) + value
            expected[parent] += expected[path]
            counted[parent] += counted[path]

    add_ratios(values, ratios)
    differences.sort(key=lambda d: (d.path, d.code, d.year))
    return Rollup(values, dict(expected), dict(counted), differences, by_path)


def add_ratios(values: dict[str, dict[Key, Decimal]], ratios: list[Indicator]) -> None:
    """Each unit's ratios from its own summed parts (never an average of its units' ratios),
    for every year any unit has a figure for."""
    years = {year for figures in values.values() for _, year in figures}
    for figures in values.values():
        for indicator in ratios:
            for year in years:
                parts = {
                    code: figures.get((code, year))
                    for code in (indicator.numerator, indicator.denominator)
                }
                result = derive(indicator, parts)
                if result is not None:
                    figures[(indicator.code, year)] = result
