"""The SQL roll-up gives what the Python roll-up gives, on random trees (units stating their own
totals or not, reports counted or not, figures missing, decimals, ratios, a figure that does not
add up) and on any subtree, on whichever database the suite runs on."""

import datetime
import random
from decimal import Decimal

import pytest

from baocao.apps.campaigns.models import Campaign, IndicatorValue, Report
from baocao.apps.campaigns.rollup_sql import rollup_sql
from baocao.apps.orgs.models import Unit, UnitKind
from baocao.apps.outlines.services import install_builtin_outlines
from baocao.consolidate.rollup import UnitReport, rollup
from baocao.outline.builtin import DEFAULT_SLUG

pytestmark = pytest.mark.django_db

CODES = ("members", "workers", "grassroots_unions", "union_houses_value", "average_income")
STATUSES = ("draft", "submitted", "returned", "accepted")
COUNTED = [("accepted",), ("accepted", "submitted")]


def random_campaign(seed: int):
    """A tree of 3-5 levels with 20-70 units; some units without reports; random figures."""
    rng = random.Random(seed)
    root = Unit.objects.create(code=f"R{seed}", name="Gốc", kind=UnitKind.NATIONAL)
    units, frontier = [root], [root]
    kinds = [UnitKind.PROVINCE, UnitKind.DISTRICT, UnitKind.GRASSROOTS, UnitKind.GRASSROOTS]
    for level, kind in enumerate(kinds[: rng.randint(2, 4)]):
        next_frontier = []
        for parent in frontier:
            for number in range(rng.randint(0 if level else 1, 4)):
                unit = Unit.objects.create(
                    code=f"{parent.code}-{number}", name="Đơn vị", kind=kind, parent=parent
                )
                units.append(unit)
                next_frontier.append(unit)
        frontier = next_frontier or frontier
    outline = next(doc for doc, _ in install_builtin_outlines() if doc.slug == DEFAULT_SLUG)
    campaign = Campaign.objects.create(
        slug=f"ngau-nhien-{seed}",
        name="Ngẫu nhiên",
        outline=outline,
        outline_yaml=outline.yaml_text,
        root_unit=root,
        reporting_kinds=list(UnitKind.values),
        baseline_year=2008,
        current_year=2017,
        deadline=datetime.date(2017, 10, 30),
    )
    values = []
    for unit in units:
        if rng.random() < 0.15:
            continue  # no report for this unit
        report = Report.objects.create(campaign=campaign, unit=unit, status=rng.choice(STATUSES))
        for code in CODES:
            for year in (2008, 2017):
                draw = rng.random()
                if draw < 0.3:
                    continue  # not typed
                if draw < 0.35:
                    value = None  # typed, unreadable
                elif code in ("union_houses_value", "average_income"):
                    value = Decimal(rng.randint(0, 999)) / 10  # 12.5, 0.1, ...
                else:
                    value = Decimal(rng.randint(0, 500))
                values.append(
                    IndicatorValue(report=report, code=code, year=year, value=value, raw="x")
                )
    IndicatorValue.objects.bulk_create(values)
    return campaign, units


def python_rollup(campaign, unit, statuses):
    reports = Report.objects.filter(campaign=campaign, unit__path__startswith=unit.path)
    figures: dict[int, dict] = {}
    for report_id, code, year, value in IndicatorValue.objects.filter(
        report__in=reports
    ).values_list("report_id", "code", "year", "value"):
        figures.setdefault(report_id, {})[(code, year)] = value
    return rollup(
        [
            UnitReport(r.unit.path, r.status in statuses, figures.get(r.pk, {}))
            for r in reports.select_related("unit")
        ],
        campaign.catalogue.indicators,
    )


@pytest.mark.parametrize("seed", range(8))
def test_sql_and_python_roll_ups_agree_on_random_trees(seed):
    campaign, units = random_campaign(seed)
    rng = random.Random(seed)
    tops = [units[0], *rng.sample(units[1:], min(2, len(units) - 1))]
    for top in tops:
        for statuses in COUNTED:
            expected = python_rollup(campaign, top, statuses)
            got = rollup_sql(campaign, top, statuses)
            assert got.values == expected.values, (top.path, statuses)
            assert got.expected == expected.expected
            assert got.counted == expected.counted
            assert got.differences == expected.differences
            for path in expected.values:
                assert got.missing(path) == expected.missing(path)


def test_without_leaves_the_consolidating_units_are_the_same(tree):
    campaign, units = random_campaign(99)
    full = rollup_sql(campaign, units[0], ("accepted", "submitted"))
    lean = rollup_sql(campaign, units[0], ("accepted", "submitted"), leaves=False)
    assert set(lean.values) < set(full.values)
    assert all(lean.values[path] == full.values[path] for path in lean.values)
    assert lean.expected == full.expected and lean.differences == full.differences
    assert units[0].path in lean.values


def test_a_report_document_is_the_same_with_the_roll_up_in_sql():
    from baocao.apps.campaigns.consolidation import (
        SqlSubtreeFigures,
        report_document,
        subtree_figures,
    )

    campaign, units = random_campaign(7)
    top = units[0]
    python, by_python = report_document(
        campaign, top, engine="python", date=datetime.date(2018, 1, 5)
    )
    sql, by_sql = report_document(campaign, top, engine="sql", date=datetime.date(2018, 1, 5))
    assert isinstance(by_sql, SqlSubtreeFigures)
    assert sql.indicator_values == python.indicator_values
    assert by_sql.rollup.differences == by_python.rollup.differences
    assert by_sql.rollup.missing(top.path) == by_python.rollup.missing(top.path)
    # read on first use: the reports, own figures and spreadsheet rows are those of Python
    assert [r.pk for r in by_sql.reports] == [r.pk for r in by_python.reports]
    assert by_sql.rows() == by_python.rows()
    # a unit with nothing below it: its own figures (and ratios), asked for on their own
    leaf = next(u for u in units if not u.children.exists() and u.path in by_python.rollup.values)
    assert by_sql.figures(leaf) == by_python.figures(leaf)
    # "auto" rolls up in Python below SQL_ROLLUP_FROM reports
    assert not isinstance(subtree_figures(campaign, top, engine="auto"), SqlSubtreeFigures)
