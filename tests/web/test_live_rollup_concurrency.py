"""Live roll-ups under concurrent reviews through the web: two reports under one district
accepted (then reopened, then accepted again) by real HTTP requests released together against
the live server. On PostgreSQL the two transactions really overlap and update the same
district and province rows (locked in one order: both count); on SQLite they queue for the
write lock. Either way the live figures and counts hold both, and equal a rebuild."""

from __future__ import annotations

import datetime
import functools
from decimal import Decimal

import pytest
from django.urls import reverse

from baocao.apps.campaigns import actions, live_rollup
from baocao.apps.campaigns.models import LiveCount, LiveFigure, Report, ReportStatus
from baocao.apps.orgs.models import UnitKind

from .campaign_scenario import nq20_document, report_of
from .live_http import logged_in
from .test_concurrency import at_once

pytestmark = pytest.mark.django_db(transaction=True)


def live_rows(campaign):
    figures = sorted(
        LiveFigure.objects.filter(campaign=campaign)
        .exclude(own__isnull=True, children_count=0)
        .values_list("unit_id", "include_submitted", "code", "year", "own", "children_sum", "value")
    )
    counts = sorted(
        LiveCount.objects.filter(campaign=campaign).values_list(
            "unit_id", "draft", "submitted", "returned", "accepted"
        )
    )
    return figures, counts


def test_two_accepts_under_one_district_at_once_both_count(
    live_server, tree, member, django_user_model
):
    admin = django_user_model.objects.create_superuser("quantri")
    reviewers = [member(f"dakha.duyet{n}", tree.dakha, "reviewer") for n in (1, 2)]
    campaign = actions.open_campaign(
        nq20_document(),
        tree.province,
        kinds=[UnitKind.GRASSROOTS],
        deadline=datetime.date.today() + datetime.timedelta(days=30),
        actor=admin,
        name="Đợt thử tổng hợp đồng thời",
        slug="tong-hop-dong-thoi",
    )
    reports = [report_of(campaign, tree.cdcs_dh1), report_of(campaign, tree.cdcs_dh2)]
    for report, (workers, members) in zip(reports, [(100, 40), (90, 30)], strict=True):
        actions.save_indicator(report, "workers", 2017, str(workers), admin)
        actions.save_indicator(report, "members", 2017, str(members), admin)
        actions.submit(report, admin, report.version)
    browsers = [logged_in(live_server.url, reviewer) for reviewer in reviewers]

    def race(name: str, data: dict) -> None:
        calls = []
        for browser, report in zip(browsers, reports, strict=True):
            report.refresh_from_db()
            path = reverse(f"campaigns:{name}", args=[campaign.slug, report.unit.code])
            calls.append(
                functools.partial(browser.post, path, {**data, "expected_version": report.version})
            )
        for answer in at_once(*calls):
            assert answer.status in (200, 302), (answer.status, answer.body[:300])

    for round_ in range(3):
        race("report_accept", {})
        assert {r.status for r in Report.objects.filter(pk__in=[r.pk for r in reports])} == {
            ReportStatus.ACCEPTED
        }, round_
        for unit in (tree.dakha, tree.province):
            figures = live_rollup.figures(campaign, unit)
            assert figures["workers"] == {2017: Decimal(190)}, (round_, unit.code)
            assert figures["members"] == {2017: Decimal(70)}, (round_, unit.code)
            assert live_rollup.counted(campaign, unit) == (2, 2 if unit == tree.dakha else 3)
        race("report_reopen", {"reason": "Xem lại số liệu"})
        assert live_rollup.figures(campaign, tree.province) == {}
        assert live_rollup.counts(campaign, tree.dakha)[ReportStatus.RETURNED] == 2
        for report in reports:
            report.refresh_from_db()
            actions.submit(report, admin, report.version)
        assert live_rollup.figures(campaign, tree.province, True)["members"] == {2017: Decimal(70)}
    before = live_rows(campaign)
    live_rollup.rebuild(campaign)
    assert live_rows(campaign) == before
