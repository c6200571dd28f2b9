"""The demo campaign: NQ20 over the demo province, reports in every state, figures that pass
the hard rules and add up the tree, a coherent history, built the same way every time, once."""

import datetime
import time
from collections import Counter, defaultdict
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.utils import timezone
from typer.testing import CliRunner

from baocao.apps.campaigns.models import (
    IndicatorChange,
    IndicatorValue,
    Report,
    ReportEvent,
    ReportStatus,
    SectionText,
    SectionVersion,
)
from baocao.apps.orgs.models import UnitKind
from baocao.cli import app
from baocao.demo.accounts import create_demo_users
from baocao.demo.campaign import (
    DAYS_LATE,
    NAME,
    SLUG,
    cdcs_figures,
    create_demo_campaign,
    demo_plan,
)
from baocao.demo.province import demo_units
from baocao.indicators.numbers import format_number
from baocao.indicators.rules import evaluate

pytestmark = pytest.mark.django_db

DONE = (ReportStatus.SUBMITTED, ReportStatus.ACCEPTED)


@pytest.fixture
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def demo(fast_passwords):
    """Built once per test (about three seconds): the tests below each check several things."""
    create_demo_users()
    started = time.perf_counter()
    built = create_demo_campaign()
    return SimpleNamespace(
        campaign=built.campaign,
        created=built.created,
        statuses=built.statuses,
        seconds=time.perf_counter() - started,
    )


def figures_by_report():
    values: dict[int, dict[str, dict[str, Decimal]]] = defaultdict(dict)
    for report_id, code, year, value in IndicatorValue.objects.values_list(
        "report_id", "code", "year", "value"
    ):
        values[report_id].setdefault(code, {})[str(year)] = value
    return values


def test_the_campaign_covers_the_province_with_reports_in_every_state_once(demo):
    campaign = demo.campaign
    assert demo.created and campaign.slug == SLUG and campaign.name == NAME
    assert campaign.root_unit.code == "KT"
    assert campaign.deadline == timezone.localdate() - datetime.timedelta(days=DAYS_LATE)
    assert (
        campaign.reports.count() == 975
    )  # the province, 10 districts, 3 sectors, the zone, 960 CĐCS
    statuses = Counter(campaign.reports.values_list("status", flat=True))
    assert set(statuses) == set(ReportStatus.values)
    assert statuses[ReportStatus.ACCEPTED] > statuses[ReportStatus.RETURNED] > 20
    assert demo.statuses == {status: statuses[status] for status in ReportStatus.values}
    assert demo.seconds < 20
    _sent_on_time_some_late_some_not_at_all(demo)
    _demo_logins_find_their_reports_in_chosen_states(demo)
    _building_twice_changes_nothing(demo)


def _building_twice_changes_nothing(demo):
    counts = (
        Report.objects.count(),
        SectionText.objects.count(),
        IndicatorValue.objects.count(),
        ReportEvent.objects.count(),
    )
    again = create_demo_campaign()
    assert not again.created and again.campaign == demo.campaign
    assert (
        Report.objects.count(),
        SectionText.objects.count(),
        IndicatorValue.objects.count(),
        ReportEvent.objects.count(),
    ) == counts


def _sent_on_time_some_late_some_not_at_all(demo):
    deadline = demo.campaign.deadline
    first = {}
    for report_id, at in (
        ReportEvent.objects.filter(to_status=ReportStatus.SUBMITTED)
        .order_by("at")
        .values_list("report_id", "at")
    ):
        first.setdefault(report_id, timezone.localtime(at).date())
    on_time = sum(1 for day in first.values() if day <= deadline)
    late = sum(1 for day in first.values() if day > deadline)
    never = Report.objects.filter(campaign=demo.campaign).exclude(pk__in=list(first)).count()
    assert on_time > 400 and 50 < late < on_time and never > 100
    assert max(first.values()) <= timezone.localdate()


def _demo_logins_find_their_reports_in_chosen_states(demo):
    status = dict(demo.campaign.reports.values_list("unit__code", "status"))
    assert status["KT-TP-026"] == ReportStatus.RETURNED  # cdcs.nguyenhue has remarks to answer
    assert status["KT-001"] == ReportStatus.SUBMITTED  # cdcs.caosu waits for the province
    assert status["KT-TP"] == status["KT-DH"] == ReportStatus.DRAFT  # kontum, dakha write
    under_kontum = Counter(
        demo.campaign.reports.filter(unit__parent__code="KT-TP").values_list("status", flat=True)
    )
    assert under_kontum[ReportStatus.SUBMITTED] > 20  # kontum has reports to review


def test_sent_reports_pass_every_hard_rule_and_a_district_states_its_sums(demo):
    campaign = demo.campaign
    values = figures_by_report()
    years = [str(year) for year in campaign.years]
    hard_in_drafts = 0
    for report_id, status in campaign.reports.values_list("pk", "status"):
        violations = evaluate(campaign.compiled_rules, values.get(report_id, {}), years)
        hard = [v for v in violations if v.severity == "hard"]
        if status in DONE:
            assert not hard, (report_id, [v.message for v in hard])
        elif hard:
            assert status == ReportStatus.DRAFT
            hard_in_drafts += 1
    assert 1 <= hard_in_drafts < 30  # a few drafts carry a slip, as real drafts do
    _district_states_the_sums_of_its_cdcs_and_a_weighted_income(demo)


def test_every_cdcs_counts_one_union_and_the_province_is_kon_tums_size():
    plan = demo_plan()
    cdcs = [p for p in plan if p.unit.kind == UnitKind.GRASSROOTS]
    assert len(cdcs) == 960
    totals = Counter()
    for item in cdcs:
        assert item.figures[("grassroots_unions", 2017)] == 1
        assert item.figures[("grassroots_unions_non_state", 2017)] == int(item.unit.non_state)
        for (code, year), value in item.figures.items():
            totals[(code, year)] += value
            assert value >= 0
        members = item.figures[("members", 2017)]
        parts = sum(
            item.figures[(code, 2017)]
            for code in ("members_university", "members_college", "members_vocational")
        )
        assert parts + item.figures[("members_untrained", 2017)] == members
    assert 20_000 < totals[("members", 2017)] < 60_000
    assert totals[("members", 2008)] < totals[("members", 2017)]
    assert 90 <= totals[("grassroots_unions_non_state", 2017)] <= 110
    assert 700 < totals[("grassroots_unions_strong", 2017)] < 860
    assert 700 < totals[("grassroots_unions", 2008)] < 960


def _district_states_the_sums_of_its_cdcs_and_a_weighted_income(demo):
    plan = {item.unit.code: item for item in demo_plan()}
    district = plan["KT-DH"]
    children = [plan[code] for code in district.children]
    assert len(children) == 88
    for code in ("members", "workers", "members_women", "grassroots_unions", "new_members"):
        for year in (2008, 2017):
            assert district.figures[(code, year)] == sum(c.figures[(code, year)] for c in children)
    paid = [c for c in children if ("average_income", 2017) in c.figures]
    weighted = sum(
        c.figures[("workers", 2017)] * c.figures[("average_income", 2017)] for c in paid
    ) / sum(c.figures[("workers", 2017)] for c in paid)
    assert district.figures[("average_income", 2017)] == weighted.quantize(Decimal("0.1"))
    # Ia H'Drai's CĐCS all reported: their stored figures add up to the district's
    stored = figures_by_report()
    report_of = dict(demo.campaign.reports.values_list("unit__code", "pk"))
    ia_hdrai = stored[report_of["KT-IHD"]]
    kids = [stored[report_of[code]] for code in plan["KT-IHD"].children]
    for code in ("members", "workers", "grassroots_unions", "initiatives_value"):
        assert ia_hdrai[code]["2017"] == sum(kid[code]["2017"] for kid in kids)


def test_the_history_of_every_report_is_coherent_and_texts_quote_figures(demo):
    now = timezone.now()
    events = defaultdict(list)
    for event in ReportEvent.objects.order_by("at", "pk"):
        events[event.report_id].append(event)
    for report in Report.objects.filter(campaign=demo.campaign):
        trail = events[report.pk]
        assert report.version == 1 + len(trail)
        previous = ReportStatus.DRAFT
        for event in trail:
            assert event.from_status == previous and event.at <= now and event.actor_id
            previous = event.to_status
        assert previous == report.status
        sends = [e.at for e in trail if e.to_status == ReportStatus.SUBMITTED]
        assert report.submitted_at == (sends[-1] if sends else None)
        accepts = [e.at for e in trail if e.to_status == ReportStatus.ACCEPTED]
        assert report.accepted_at == (accepts[-1] if accepts else None)
        if report.status == ReportStatus.RETURNED:
            assert trail[-1].reason and trail[-1].section_comments
    latest = {}
    for report_id, section_id, version, text in SectionVersion.objects.values_list(
        "report_id", "section_id", "version", "text"
    ):
        key = (report_id, section_id)
        if version > latest.get(key, (0, ""))[0]:
            latest[key] = (version, text)
    for report_id, section_id, version, text in SectionText.objects.values_list(
        "report_id", "section_id", "version", "text"
    ):
        assert latest[(report_id, section_id)] == (version, text)
    assert IndicatorChange.objects.count() == IndicatorValue.objects.count()
    _texts_quote_the_units_own_figures(demo)


def _texts_quote_the_units_own_figures(demo):
    plan = {item.unit.code: item for item in demo_plan()}
    texts = dict(
        SectionText.objects.filter(section_id="P1/II/1").values_list("report__unit__code", "text")
    )
    assert len(texts) > 500
    for code in ("KT-IHD", "KT-IHD-001", "KT-YT"):
        members = format_number(plan[code].figures[("members", 2017)])
        assert f"{members} đoàn viên" in texts[code], texts[code]
    assert "<p>" in texts["KT-IHD"] and "CĐCS trực thuộc" in texts["KT-IHD"]


def test_the_plan_is_the_same_on_every_build():
    first, second = demo_plan(), demo_plan()
    assert [(p.unit.code, p.state, p.figures) for p in first] == [
        (p.unit.code, p.state, p.figures) for p in second
    ]
    unit = next(u for u in demo_units() if u.code == "KT-001")
    assert cdcs_figures(unit) == cdcs_figures(unit)


def test_the_province_keeps_the_figures_it_has_always_shown():
    """The draws come in a fixed order (`demo.figures`): one moved changes every figure after it."""
    kon_tum = {p.unit.code: p for p in demo_plan()}["KT"].figures
    assert kon_tum[("members", 2017)] == 36_970
    assert kon_tum[("members", 2008)] == 29_086
    assert kon_tum[("workers", 2017)] == 38_815
    assert kon_tum[("complaint_letters_handled", 2017)] == 218
    assert kon_tum[("collective_agreements_signed", 2017)] == 103
    assert kon_tum[("average_income", 2017)] == Decimal("6.2")


def test_baocao_demo_builds_the_campaign_once(fast_passwords, settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "static"
    runner = CliRunner()
    first = runner.invoke(app, ["demo"], env={"COLUMNS": "200"})
    assert first.exit_code == 0, first.output
    assert f"Đợt báo cáo mẫu: {NAME} ({SLUG})" in first.output
    assert "(mới tạo)" in first.output
    again = runner.invoke(app, ["demo"], env={"COLUMNS": "200"})
    assert again.exit_code == 0, again.output
    assert "(đã có sẵn)" in again.output
    assert Report.objects.count() == 975


def test_the_draft_of_the_province_synthesises_every_section(demo, tmp_path):
    """`baocao consolidate --draft` on the demo province: every section the units write has
    text, the body stays a readable length, no sentence is said twice, and each shared point
    says how many units raised it and which."""
    import itertools
    import re

    import docx
    from rapidfuzz import fuzz

    out = tmp_path / "draft.docx"
    province = demo.campaign.root_unit  # LĐLĐ tỉnh Kon Tum
    result = CliRunner().invoke(
        app,
        ["consolidate", "--campaign", SLUG, "--unit", province.code, "--draft", "-o", str(out)],
    )
    assert result.exit_code == 0, result.output
    paragraphs = [p.text for p in docx.Document(str(out)).paragraphs]
    headings = {s.label for s, _ in demo.campaign.outline_tree.walk()}
    leaves = [s.label for s, _ in demo.campaign.outline_tree.walk() if not s.children]
    for leaf in leaves:  # the paragraph after each writable section's heading is its text
        index = next(i for i, text in enumerate(paragraphs) if text.startswith(leaf[:40]))
        assert paragraphs[index + 1].strip() and paragraphs[index + 1] not in headings, leaf
    words = len(re.findall(r"\w+", " ".join(paragraphs)))
    assert words < 12_000
    sentences = {
        s for p in paragraphs for s in re.split(r"(?<=[.!?])\s+", p) if len(s.split()) >= 8
    }
    sentences.discard("Số liệu minh họa, không phải số liệu thật.")  # the synthetic-data note
    for a, b in itertools.combinations(sorted(sentences), 2):
        assert fuzz.ratio(a, b) < 90, (a, b)
    shared = [p for p in paragraphs if " nêu" in p and "nguồn: " in p]
    assert len(shared) >= len(leaves)  # at least one shared point a section
    assert all(re.search(r"\d+/\d+ [^;]+ nêu", p) for p in shared)
