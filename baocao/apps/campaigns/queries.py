"""Read models shared by the pages, the API and the actions: which campaigns a person takes part
in, which part of a campaign their dashboard covers, a report's figures. Each states its
query cost; none writes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from baocao.apps.campaigns.models import (
    Campaign,
    CampaignStatus,
    IndicatorValue,
    Report,
    ReportStatus,
)
from baocao.apps.campaigns.permissions import visible_reports
from baocao.apps.orgs import scope
from baocao.apps.orgs.models import PATH_SEPARATOR, Role, Unit


def visible_campaigns(user: Any) -> QuerySet:
    """The campaigns a person takes part in: their unit reports in it, they see its root, or
    they see a subtree under its root (a district officer in a province campaign). Lazy."""
    campaigns = Campaign.objects.select_related("outline", "root_unit")
    if scope.is_superuser(user):
        return campaigns
    unit = scope.user_unit(user)
    if unit is None:
        return campaigns.none()
    condition = Q(root_unit=unit) | Q(pk__in=Report.objects.filter(unit=unit).values("campaign"))
    if scope.sees_subtree(user):
        codes = unit.path.rstrip(PATH_SEPARATOR).split(PATH_SEPARATOR)
        above = [PATH_SEPARATOR.join(codes[:n]) + PATH_SEPARATOR for n in range(1, len(codes))]
        condition |= Q(root_unit__path__startswith=unit.path) | Q(root_unit__path__in=above)
    return campaigns.filter(condition)


@dataclass(frozen=True)
class Audience:
    """The part of a campaign a user's dashboard covers."""

    top: Unit  # the highest unit of it the user sees
    reports: QuerySet  # the campaign's reports the user sees


def audience(user: Any, campaign: Campaign) -> Audience | None:
    """None for a user without a dashboard in this campaign (a plain writer, an outsider)."""
    root = campaign.root_unit
    reports = campaign.reports.all()
    if scope.is_superuser(user):
        return Audience(root, reports)
    unit = scope.user_unit(user)
    if unit is None or not scope.sees_subtree(user):
        return None
    if unit.is_within(root):
        return Audience(unit, visible_reports(user, reports))
    if root.is_within(unit):
        return Audience(root, reports)
    return None


def report_figures(report: Report) -> dict[tuple[str, int], IndicatorValue]:
    """{(code, year): figure} of one report: one query."""
    return {
        (value.code, value.year): value
        for value in IndicatorValue.objects.filter(report=report).only(
            "code", "year", "value", "raw"
        )
    }


@dataclass(frozen=True)
class HomeItem:
    """A line of someone's home page: a report and what to do about it."""

    report: Report
    days_left: int  # deadline - today (negative: late)

    @property
    def days_late(self) -> int:
        return -self.days_left


def my_reports(user: Any, today) -> list[HomeItem]:
    """The reports of open campaigns the user writes (their unit's), soonest deadline first:
    one query."""
    found = scope.membership(user)
    if found is None or not found.has_role(Role.WRITER):
        return []
    reports = (
        Report.objects.filter(unit_id=found.unit_id, campaign__status=CampaignStatus.OPEN)
        .select_related("campaign", "unit")
        .order_by("campaign__deadline", "pk")
    )
    return [HomeItem(r, (r.campaign.deadline - today).days) for r in reports]


def review_queue(user: Any, today, limit: int = 50) -> list[HomeItem]:
    """Reports sent to the user for review (units directly under theirs), oldest sent first:
    one query; at most `limit`."""
    found = scope.membership(user)
    if found is None or not found.has_role(Role.REVIEWER):
        return []
    reports = (
        Report.objects.filter(
            unit__parent_id=found.unit_id,
            status=ReportStatus.SUBMITTED,
            campaign__status=CampaignStatus.OPEN,
        )
        .select_related("campaign", "unit")
        .order_by("submitted_at", "pk")[:limit]
    )
    return [HomeItem(r, (r.campaign.deadline - today).days) for r in reports]
