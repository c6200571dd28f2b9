"""The roll-up of `baocao.consolidate.rollup`, with the heavy part done by the database.

Same rule, same result (tests compare both on random trees, on SQLite and PostgreSQL): a unit's
figure for an indicator and year is its own figure when its report counts, else the sum of its
units' figures; ratios from sums; differences between a unit's own figure and its units' sum
listed. What changes is where the work is done:

1. One GROUP BY in the database adds up the own figures of counted reports per *parent* unit
   (for each parent, code and year: the sum over its direct units that gave that figure).
   At national size this reads every figure (8.6 million rows) and returns about fifty
   thousand sums, one row per consolidating unit and key.
2. The consolidating units (those with units below them: about 800 nationally) get their own
   figures in a second, small query, and are settled deepest first in Python: a unit's figure
   is its own, else the database's sum over its units plus, for each unit below it that is
   itself consolidating and did not state that figure, that unit's settled figure.

A grassroots union's rolled-up figures are its own figures: `leaves=False` leaves them out of
the result (a national Rollup of every CĐCS would hold eight million Decimals), so the result
holds the consolidating units, every unit's report counts, and the differences.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from django.db import connection

from baocao.apps.campaigns.models import Campaign, IndicatorValue, Report
from baocao.apps.orgs.models import Unit
from baocao.consolidate.rollup import (
    Difference,
    Key,
    Rollup,
    UnitReport,
    add_ratios,
    parent_path,
)
from baocao.indicators.catalogue import Indicator

_PLACES = Decimal("0.0001")  # IndicatorValue.value's decimal places


def _tables() -> dict[str, str]:
    quote = connection.ops.quote_name
    return {
        "value": quote(IndicatorValue._meta.db_table),
        "report": quote(Report._meta.db_table),
        "unit": quote(Unit._meta.db_table),
    }


def _like_prefix(path: str) -> str:
    return path.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _decimal(value) -> Decimal:
    """A figure as the ORM gives it: PostgreSQL's numeric as is; SQLite's int or float (its
    NUMERIC columns keep 5,2 as a float) to the field's four places."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        return Decimal(value)
    return Decimal(repr(value)).quantize(_PLACES)


def _in(values: Iterable[str]) -> tuple[str, list[str]]:
    values = list(values)
    return ", ".join(["%s"] * len(values)) or "NULL", values


def child_sums_query(
    campaign: Campaign, unit: Unit, statuses: list[str], codes: list[str]
) -> tuple[str, list]:
    """Step 1's SQL and parameters: (parent path, code, year, sum of its units' figures)."""
    t = _tables()
    status_sql, status_params = _in(statuses)
    code_sql, code_params = _in(codes)
    sql = (
        f"SELECT p.path, s.code, s.year, s.total FROM ("
        f"  SELECT u.parent_id AS parent_id, v.code AS code, v.year AS year,"
        f"         SUM(v.value) AS total"
        f"  FROM {t['value']} v"
        f"  JOIN {t['report']} r ON r.id = v.report_id"
        f"  JOIN {t['unit']} u ON u.id = r.unit_id"
        f"  WHERE r.campaign_id = %s AND u.path LIKE %s ESCAPE '\\'"
        f"    AND r.status IN ({status_sql}) AND v.value IS NOT NULL"
        f"    AND v.code IN ({code_sql})"
        f"  GROUP BY u.parent_id, v.code, v.year"
        f") s JOIN {t['unit']} p ON p.id = s.parent_id"
    )
    return sql, [campaign.pk, _like_prefix(unit.path), *status_params, *code_params]


def rollup_sql(
    campaign: Campaign,
    unit: Unit,
    statuses: Iterable[str],
    indicators: list[Indicator] | None = None,
    *,
    leaves: bool = True,
) -> Rollup:
    """The roll-up of every report of `campaign` under `unit` (itself included), as
    `rollup(...)` gives it for the same reports; `leaves=False` leaves out the figures of
    units with nothing below them (their own figures, and ratios of them)."""
    indicators = campaign.catalogue.indicators if indicators is None else indicators
    statuses = [str(status) for status in statuses]
    summed = sorted(i.code for i in indicators if i.rollup == "sum" and i.numeric)
    ratios = [i for i in indicators if i.derived]
    t = _tables()
    prefix = _like_prefix(unit.path)
    status_sql, status_params = _in(statuses)
    code_sql, code_params = _in(summed)

    with connection.cursor() as cursor:
        # Every report under the unit, with its parent: which count (expected, counted, missing).
        cursor.execute(
            f"SELECT u.path, p.path, r.status FROM {t['report']} r"
            f" JOIN {t['unit']} u ON u.id = r.unit_id"
            f" LEFT JOIN {t['unit']} p ON p.id = u.parent_id"
            f" WHERE r.campaign_id = %s AND u.path LIKE %s ESCAPE '\\'",
            [campaign.pk, prefix],
        )
        counted_set = set(statuses)
        reports = [
            (path, parent, status in counted_set) for path, parent, status in cursor.fetchall()
        ]

        # 1. Per parent, code and year: the sum of its units' own counted figures.
        cursor.execute(*child_sums_query(campaign, unit, statuses, summed))
        child_sums: dict[str, dict[Key, Decimal]] = defaultdict(dict)
        for path, code, year, total in cursor.fetchall():
            child_sums[path][(code, int(year))] = _decimal(total)

        # 2. Own figures of counted reports: of the units with units below them, or of all.
        below_only = (
            "" if leaves else f" AND EXISTS (SELECT 1 FROM {t['unit']} c WHERE c.parent_id = u.id)"
        )
        cursor.execute(
            f"SELECT u.path, v.code, v.year, v.value FROM {t['value']} v"
            f" JOIN {t['report']} r ON r.id = v.report_id"
            f" JOIN {t['unit']} u ON u.id = r.unit_id"
            f" WHERE r.campaign_id = %s AND u.path LIKE %s ESCAPE '\\'"
            f"   AND r.status IN ({status_sql}) AND v.value IS NOT NULL"
            f"   AND v.code IN ({code_sql}){below_only}",
            [campaign.pk, prefix, *status_params, *code_params],
        )
        own: dict[str, dict[Key, Decimal]] = defaultdict(dict)
        for path, code, year, value in cursor.fetchall():
            own[path][(code, int(year))] = _decimal(value)

    return _settle(reports, child_sums, own, ratios, leaves)


def _settle(
    reports: Iterable[tuple[str, str | None, bool]],
    child_sums: dict[str, dict[Key, Decimal]],
    own: dict[str, dict[Key, Decimal]],
    ratios: list[Indicator],
    leaves: bool,
) -> Rollup:
    """Step 2 (see the module): the consolidating units deepest first, counts, differences.

    `reports` are (path, parent's path, counts) for every report of the subtree."""
    by_path: dict[str, UnitReport] = {}
    direct: dict[str, list[int]] = defaultdict(lambda: [0, 0])  # parent -> reports, counted
    for path, parent, counts in reports:
        by_path[path] = UnitReport(path, counts)
        if parent is not None:
            tally = direct[parent]
            tally[0] += 1
            tally[1] += counts
    consolidating: set[str] = set()
    for parent in direct:
        while parent is not None and parent not in consolidating:
            consolidating.add(parent)
            parent = parent_path(parent)
    settled_below: dict[str, list[str]] = defaultdict(list)  # consolidating children
    for path in consolidating:
        above = parent_path(path)
        if above is not None:
            settled_below[above].append(path)
    order = sorted(consolidating, key=lambda p: p.count("/"), reverse=True)

    # Reports expected and counted in each subtree: a report unit below counts itself once.
    expected = {path: 1 for path in by_path}
    counted = {path: int(report.counted) for path, report in by_path.items()}
    for path in order:
        report = by_path.get(path)
        tally = direct.get(path, [0, 0])
        total, done = tally[0], tally[1]
        if report is not None:
            total, done = total + 1, done + report.counted
        for child in settled_below.get(path, ()):
            child_report = by_path.get(child)
            total += expected[child] - (child_report is not None)
            done += counted[child] - (child_report is not None and child_report.counted)
        expected[path], counted[path] = total, done

    values: dict[str, dict[Key, Decimal]] = {}
    differences: list[Difference] = []
    for path in order:
        below = dict(child_sums.get(path, {}))
        for child in settled_below.get(path, ()):
            stated = own.get(child, {})
            for key, value in values[child].items():
                if key not in stated:
                    below[key] = below.get(key, Decimal(0)) + value
        mine = own.get(path, {})
        missing_below = expected[path] - counted[path]
        for key in sorted(mine.keys() & below.keys()):
            if mine[key] != below[key]:
                differences.append(
                    Difference(path, key[0], key[1], mine[key], below[key], missing_below)
                )
        values[path] = {**below, **mine}
    if leaves:
        for path in by_path:
            if path not in consolidating:
                values[path] = dict(own.get(path, {}))

    add_ratios(values, ratios)
    differences.sort(key=lambda d: (d.path, d.code, d.year))
    return Rollup(values, expected, counted, differences, by_path)
