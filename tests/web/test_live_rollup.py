"""The live roll-ups (`live_rollup`) follow every write: after any sequence of figure saves,
submits, returns, accepts, reopens, unit moves and units added, every unit's live figures and
counts equal the roll-up computed from scratch, both in Python (`consolidation.subtree_figures`,
engine "python") and in SQL (`rollup_sql`), in both counting modes, on whichever database the
suite runs; the rows themselves equal both a rebuild in SQL (`live_rollup.rebuild`) and an
independent rebuild in Python memory (`reference_rows`, the rebuild as it was before it moved to
SQL). Rows are kept for consolidating units only (those with a report below them).
"""

import contextlib
import datetime
import os
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, rule, run_state_machine_as_test
from typer.testing import CliRunner

from baocao.apps.campaigns import actions, live_rollup
from baocao.apps.campaigns.consolidation import (
    LiveSubtreeFigures,
    counted_statuses,
    report_document,
    subtree_figures,
)
from baocao.apps.campaigns.models import (
    Campaign,
    IndicatorValue,
    LiveCount,
    LiveFigure,
    Report,
    ReportStatus,
)
from baocao.apps.campaigns.rollup_sql import rollup_sql
from baocao.apps.orgs.models import Unit, UnitKind
from baocao.cli import app

from .campaign_scenario import nq20_document

pytestmark = pytest.mark.django_db

# average_income is not summed; union_houses_value has decimals.
CODES = ("workers", "members", "union_houses_value", "average_income")
VALUES = {
    "workers": st.sampled_from(["", "60", "75", "100"]),
    "members": st.sampled_from(["", "0", "10", "25", "50"]),  # never above the workers
    "union_houses_value": st.sampled_from(["", "0", "12,5", "0,1", "3"]),
    "average_income": st.sampled_from(["", "5.000.000"]),
}
KINDS = [UnitKind.PROVINCE, UnitKind.DISTRICT, UnitKind.GRASSROOTS]


def build_tree() -> dict[str, Unit]:
    """Nation > province > two districts and a sector union (no report: not a campaign kind)
    > grassroots unions."""
    units: dict[str, Unit] = {}

    def add(code, kind, parent=None):
        units[code] = Unit.objects.create(
            code=code, name=code, kind=kind, parent=units[parent] if parent else None
        )

    add("N", UnitKind.NATIONAL)
    add("P", UnitKind.PROVINCE, "N")
    add("D1", UnitKind.DISTRICT, "P")
    add("D2", UnitKind.DISTRICT, "P")
    add("S", UnitKind.SECTOR, "P")
    add("G11", UnitKind.GRASSROOTS, "D1")
    add("G12", UnitKind.GRASSROOTS, "D1")
    add("G21", UnitKind.GRASSROOTS, "D2")
    add("G31", UnitKind.GRASSROOTS, "S")
    return units


def open_campaign(units, admin):
    return actions.open_campaign(
        nq20_document(),
        units["P"],
        kinds=KINDS,
        deadline=datetime.date(2017, 10, 30),
        actor=admin,
        name="Thử tổng hợp tức thời",
        slug="tuc-thoi",
        baseline_year=2008,
        current_year=2017,
    )


def live_state(campaign):
    """The live rows that say something (a row left empty by a change is as good as none)."""
    figures = {}
    for row in LiveFigure.objects.filter(campaign=campaign):
        if row.own is None and row.children_count == 0:
            assert row.value is None and row.children_sum == 0, row
            continue
        key = (row.unit_id, row.include_submitted, row.code, row.year)
        figures[key] = (row.own, row.children_sum, row.children_count, row.value)
    counts = {
        row["unit_id"]: row
        for row in LiveCount.objects.filter(campaign=campaign).values(
            "unit_id", *live_rollup.STATES
        )
        if any(row[state] for state in live_rollup.STATES)
    }
    return figures, counts


def consolidating_paths(campaign) -> set[str]:
    """The units with a report of the campaign below them: the only ones with live rows."""
    paths = set()
    for path in Report.objects.filter(campaign=campaign).values_list("unit__path", flat=True):
        paths.update(live_rollup._prefixes(path)[:-1])
    return paths


def reference_rows(campaign):
    """The live rows rebuilt in Python memory from the reports and figures, independently of the
    SQL rebuild (the rebuild as it was before it moved to SQL, for the consolidating units):
    ({(unit id, mode, code, year): (own, children sum, children count, value)},
    {unit id: {state: reports}}), the empty rows left out as `live_state` does."""
    summed = live_rollup._summed(campaign)
    reports = list(
        Report.objects.filter(campaign=campaign).values_list("pk", "unit__path", "status")
    )
    ids = dict(Unit.objects.values_list("path", "pk"))
    consolidating = consolidating_paths(campaign)
    every_path = set()
    for _, path, _ in reports:
        every_path.update(live_rollup._prefixes(path))
    counts = {}
    for _, path, status in reports:
        for prefix in live_rollup._prefixes(path):
            if prefix in consolidating:
                tally = counts.setdefault(
                    ids[prefix], {"unit_id": ids[prefix], **dict.fromkeys(live_rollup.STATES, 0)}
                )
                tally[status] += 1
    status_of = {pk: (path, status) for pk, path, status in reports}
    own = {mode: {} for mode in live_rollup.MODES}
    for report_id, code, year, value in IndicatorValue.objects.filter(
        report__campaign=campaign, value__isnull=False, code__in=summed
    ).values_list("report_id", "code", "year", "value"):
        path, status = status_of[report_id]
        for mode in live_rollup.MODES:
            if live_rollup.counted_in(status, mode):
                own[mode].setdefault(path, {})[(code, year)] = value
    rows = {}
    for mode in live_rollup.MODES:
        below = {}  # path -> key -> [sum, number]
        for path in sorted(every_path, key=lambda p: p.count("/"), reverse=True):
            mine = own[mode].get(path, {})
            sums = below.pop(path, {})
            parent = "/".join(path.split("/")[:-2]) + "/" if path.count("/") > 1 else None
            for key in mine.keys() | sums.keys():
                total, number = sums.get(key, (Decimal(0), 0))
                value = mine.get(key, total if number else None)
                if path in consolidating:
                    rows[(ids[path], mode, *key)] = (mine.get(key), total, number, value)
                if parent is not None and value is not None:
                    into = below.setdefault(parent, {}).setdefault(key, [Decimal(0), 0])
                    into[0] += value
                    into[1] += 1
    return rows, counts


def check_everything(campaign):
    """Live == rebuild in SQL == rebuild in memory == the roll-up from scratch (Python and
    SQL), for every unit and both modes. A unit's roll-up depends on its subtree only, so the
    roll-up of the whole tree (from the nation) gives every unit's reference figures, counts
    and differences in one go."""
    units = list(Unit.objects.all())
    top = next(unit for unit in units if unit.code == "N")
    tallies = live_rollup.counts_by_unit(campaign, [unit.pk for unit in units])
    consolidating = consolidating_paths(campaign)
    for mode in live_rollup.MODES:
        reference = subtree_figures(campaign, top, include_submitted=mode, engine="python")
        live = live_rollup.figures_by_unit(campaign, [unit.pk for unit in units], mode)
        by_sql = rollup_sql(campaign, top, counted_statuses(mode), leaves=False)
        for unit in units:
            assert live.get(unit.pk, {}) == reference.figures(unit), (unit.path, mode)
            if unit.path in consolidating:
                assert by_sql.figures(unit.path) == reference.rollup.figures(unit.path)
            tally = tallies.get(unit.pk, dict.fromkeys(live_rollup.STATES, 0))
            done, expected = live_rollup.counted_of(tally, mode)
            assert expected == reference.rollup.expected.get(unit.path, 0), unit.path
            assert done == reference.rollup.counted.get(unit.path, 0), (unit.path, mode)
        for unit in (top, units[1]):  # the province
            below = [d for d in reference.rollup.differences if d.path.startswith(unit.path)]
            assert live_rollup.differences(campaign, unit, mode) == below, unit.path
        if live.get(top.pk):
            SEEN[mode] += 1
        for unit, indicators in ((top, None), (units[1], [campaign.catalogue.by_code[RATE]])):
            same_subtree_figures(campaign, unit, mode, indicators)
        leaf = next(u for u in units if u.path not in consolidating and u.is_within(units[1]))
        same_subtree_figures(campaign, leaf, mode, None)
    before = live_state(campaign)
    # Rows for the consolidating units only, and they are what a rebuild in memory gives.
    with_rows = set(LiveFigure.objects.filter(campaign=campaign).values_list("unit_id", flat=True))
    with_counts = set(LiveCount.objects.filter(campaign=campaign).values_list("unit_id", flat=True))
    paths = {unit.pk: unit.path for unit in units}
    assert {paths[unit_id] for unit_id in with_rows | with_counts} <= consolidating
    assert before == reference_rows(campaign)
    live_rollup.rebuild(campaign)
    assert live_state(campaign) == before


def same_subtree_figures(campaign, unit, mode, indicators):
    """`subtree_figures` read from the live tables (engine "live", what the pages read) ==
    rolled up in Python and in SQL (`rollup_sql`), within the subtree: the consolidating
    units' figures (a unit with nothing below it is asked for its own), counts, differences."""
    read = subtree_figures(
        campaign, unit, include_submitted=mode, engine="live", indicators=indicators
    )
    python = subtree_figures(
        campaign, unit, include_submitted=mode, engine="python", indicators=indicators
    )
    sql = subtree_figures(
        campaign, unit, include_submitted=mode, engine="sql", indicators=indicators
    )
    got, want = read.rollup, python.rollup
    consolidating = consolidating_paths(campaign)

    def inside(by_path, only=None):
        return {
            path: item
            for path, item in by_path.items()
            if path.startswith(unit.path) and (only is None or path in only)
        }

    assert got.values == inside(want.values, consolidating), (unit.path, mode)
    assert inside(sql.rollup.values) == inside(want.values, consolidating), (unit.path, mode)
    for below in Unit.objects.subtree(unit):
        assert read.figures(below) == python.figures(below), below.path
    assert (got.expected, got.counted) == (inside(want.expected), inside(want.counted))
    assert got.differences == want.differences
    assert got.missing(unit.path) == want.missing(unit.path)


RATE = "unionisation_rate"  # members / workers
SEEN = {False: 0, True: 0}  # checks that found figures at the top


class LiveRollupMachine(RuleBasedStateMachine):
    admin = None  # set by the test: made once, outside the examples' savepoints

    def __init__(self):
        super().__init__()
        self.savepoint = transaction.savepoint_create()
        self.units = build_tree()
        self.campaign = open_campaign(self.units, self.admin)
        self.added = 0
        # A start with figures counted in both modes: G11 accepted, G21 submitted.
        for code, accept in (("G11", True), ("G21", False)):
            report = Report.objects.get(campaign=self.campaign, unit=self.units[code])
            actions.save_indicator(report, "workers", 2017, "60", self.admin)
            actions.save_indicator(report, "members", 2008, "10", self.admin)
            actions.submit(report, self.admin, report.version)
            if accept:
                actions.accept(report, self.admin, report.version)
        self.last = None  # the report of the last figure saved

    def teardown(self):
        """Every sequence ends checked whole, then undone. (A live row wrong after a step
        stays wrong, each change being a delta on the rows before it, until a unit move
        rebuilds them: so the rows are also checked just before every move. Checking after
        every step cost the suite minutes.)"""
        try:
            check_everything(self.campaign)
        finally:
            transaction.savepoint_rollback(self.savepoint)

    def report(self, number: int) -> Report | None:
        reports = list(
            Report.objects.filter(campaign=self.campaign).select_related("unit").order_by("pk")
        )
        return reports[number % len(reports)]

    @rule(
        number=st.integers(0, 20),
        code=st.sampled_from(CODES),
        year=st.sampled_from([2008, 2017]),
        data=st.data(),
    )
    def save(self, number, code, year, data):
        report = self.report(number)
        self.last = report.pk
        typed = data.draw(VALUES[code])
        try:
            actions.save_indicator(report, code, year, typed, self.admin)
        except actions.ActionError:
            assert report.status not in (ReportStatus.DRAFT, ReportStatus.RETURNED)

    @rule(number=st.integers(0, 20))
    def advance(self, number):
        """One step further: a draft or returned report is submitted, a submitted one accepted."""
        self.move_on(self.report(number))

    @rule()
    def advance_last(self):
        """The report of the last figure saved one step further (so figures get counted)."""
        if self.last is not None:
            self.move_on(Report.objects.select_related("unit").get(pk=self.last))

    def move_on(self, report):
        with contextlib.suppress(actions.ActionError):
            if report.status == ReportStatus.SUBMITTED:
                actions.accept(report, self.admin, report.version)
            else:
                actions.submit(report, self.admin, report.version)

    @rule(number=st.integers(0, 20))
    def send_back(self, number):
        """A submitted report returned, an accepted one reopened."""
        report = self.report(number)
        with contextlib.suppress(actions.ActionError):
            if report.status == ReportStatus.ACCEPTED:
                actions.reopen(report, self.admin, "Mở lại", expected_version=report.version)
            else:
                actions.return_report(
                    report, self.admin, "Sửa lại", expected_version=report.version
                )

    @rule(
        code=st.sampled_from(["G11", "G12", "G21", "G31", "D2"]),
        to=st.sampled_from(["P", "D1", "D2", "S"]),
    )
    def move(self, code, to):
        unit = Unit.objects.get(code=code)
        parent = Unit.objects.get(code=to)
        if parent.is_within(unit) or unit.parent_id == parent.pk:
            return
        check_everything(self.campaign)  # before the move's rebuild replaces the rows
        unit.parent = parent
        unit.save()

    @rule(under=st.sampled_from(["D1", "D2", "S", "G11"]))
    def add_unit(self, under):
        self.added += 1
        Unit.objects.create(
            code=f"NEW{self.added}",
            name="Mới",
            kind=UnitKind.GRASSROOTS,
            parent=Unit.objects.get(code=under),
        )
        assert actions.add_units(self.campaign, self.units["P"], self.admin) == 1


def test_live_roll_ups_follow_every_change(django_user_model):
    nq20_document()  # installed once, outside the examples
    LiveRollupMachine.admin = django_user_model.objects.create_superuser("quantri", password="x")
    run_state_machine_as_test(
        LiveRollupMachine,
        settings=settings(
            max_examples=int(os.environ.get("LIVE_EXAMPLES", 30)),
            stateful_step_count=20,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
    assert SEEN[False] and SEEN[True], SEEN  # accepted and submitted figures were rolled up


def test_a_district_standing_on_its_own_figure_and_the_cli_rebuild(django_user_model):
    admin = django_user_model.objects.create_superuser("quantri", password="x")
    units = build_tree()
    campaign = open_campaign(units, admin)

    def settle(code, figures, *, accept=True):
        report = Report.objects.get(campaign=campaign, unit=units[code])
        for key, typed in figures.items():
            actions.save_indicator(report, key, 2017, typed, admin)
        actions.submit(report, admin, report.version)
        if accept:
            report.refresh_from_db()
            actions.accept(report, admin, report.version)

    settle("G11", {"workers": "100", "members": "40"})
    settle("G12", {"workers": "90", "members": "30"})
    settle("G21", {"workers": "50", "members": "20"}, accept=False)
    assert live_rollup.figures(campaign, units["P"])["members"] == {2017: Decimal(70)}
    assert live_rollup.figures(campaign, units["P"], True)["members"] == {2017: Decimal(90)}
    settle("D1", {"members": "75"})  # the district's own total wins over its CĐCS' 70
    assert live_rollup.figures(campaign, units["P"])["members"] == {2017: Decimal(75)}
    assert live_rollup.figures(campaign, units["P"])["workers"] == {2017: Decimal(190)}
    rate = live_rollup.figures(campaign, units["D1"])["unionisation_rate"][2017]
    assert round(rate, 2) == Decimal("39.47")  # 75 / 190, a ratio of the sums
    [difference] = live_rollup.differences(campaign, units["P"])
    assert (difference.path, difference.reported, difference.children_sum) == (
        units["D1"].path,
        Decimal(75),
        Decimal(70),
    )
    assert live_rollup.counted(campaign, units["P"]) == (3, 7)

    # A counted report's figure changed (no action does so today: only editable reports
    # take figures, but the live roll-up does not rely on it), cleared, and a new one.
    g11 = Report.objects.get(campaign=campaign, unit=units["G11"])
    for code, year, new in (("members", 2017, Decimal(35)), ("workers", 2017, None)) + (
        ("members", 2008, Decimal(12)),
    ):
        stored = IndicatorValue.objects.filter(report=g11, code=code, year=year).first()
        old = stored.value if stored else None
        if new is None:
            stored.delete()
        else:
            IndicatorValue.objects.update_or_create(
                report=g11, code=code, year=year, defaults={"value": new, "raw": str(new)}
            )
        live_rollup.apply_figure_change(g11, code, year, old, new)
        check_everything(campaign)
    assert live_rollup.figures(campaign, units["D1"])["members"] == {
        2008: Decimal(12),
        2017: Decimal(75),
    }
    assert live_rollup.figures(campaign, units["D1"])["workers"] == {2017: Decimal(90)}

    LiveFigure.objects.filter(campaign=campaign).update(value=Decimal(1))  # drifted
    result = CliRunner().invoke(app, ["rollup", "rebuild", "--campaign", "tuc-thoi"])
    assert result.exit_code == 0, result.output
    assert "Đã tính lại 1 đợt" in result.output
    check_everything(campaign)
    result = CliRunner().invoke(app, ["rollup", "rebuild"])  # every campaign
    assert result.exit_code == 0 and "Đã tính lại 1 đợt" in result.output, result.output
    result = CliRunner().invoke(app, ["rollup", "rebuild", "--campaign", "khong-co"])
    assert result.exit_code == 1 and "Không có đợt báo cáo" in result.output


def test_the_demo_reads_live_figures_equal_to_rollup_sql(settings):
    """`baocao demo`'s campaign (its reports' stories written straight into the tables) ends
    with its live roll-up rebuilt in SQL: the pages read it (engine "auto"), its rows are what
    a rebuild in memory gives, and the province's figures, counts and differences are
    `rollup_sql`'s; the consolidated DOCX reads them too."""
    from baocao.demo.accounts import create_demo_users
    from baocao.demo.campaign import create_demo_campaign

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    create_demo_users()
    campaign = Campaign.objects.get(pk=create_demo_campaign().campaign.pk)
    assert live_rollup.is_built(campaign)
    assert live_state(campaign) == reference_rows(campaign)
    province = Unit.objects.get(code="KT")
    consolidating = consolidating_paths(campaign)
    for mode in live_rollup.MODES:
        read = subtree_figures(campaign, province, include_submitted=mode)
        assert isinstance(read, LiveSubtreeFigures)
        by_sql = rollup_sql(campaign, province, counted_statuses(mode), leaves=False)
        inside = {p: v for p, v in by_sql.values.items() if p.startswith(province.path)}
        assert read.rollup.values == inside and set(inside) <= consolidating
        assert read.rollup.differences == by_sql.differences
        for path in consolidating & set(inside):
            assert read.rollup.expected[path] == by_sql.expected[path], path
            assert read.rollup.counted[path] == by_sql.counted[path], path
        cdcs = (
            Report.objects.filter(
                campaign=campaign, unit__kind=UnitKind.GRASSROOTS, status=ReportStatus.ACCEPTED
            )
            .first()
            .unit
        )
        assert cdcs.path not in consolidating  # a CĐCS: its own figures
        assert read.figures(cdcs) == subtree_figures(
            campaign, cdcs, include_submitted=mode, engine="python"
        ).figures(cdcs)
        assert read.figures(cdcs)
    document, subtree = report_document(campaign, province)
    assert isinstance(subtree, LiveSubtreeFigures)
    assert document.indicator_values == (
        subtree_figures(campaign, province, engine="sql").figures(province)
    )
    assert "Số liệu tổng hợp từ" in document.counting_note
