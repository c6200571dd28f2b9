"""Read models shared by the pages, the API and the actions: which campaigns a person takes part
in, which part of a campaign their dashboard covers, a report's figures. Each states its
query cost; none writes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from baocao.apps.campaigns.models import (
    EDITABLE_STATUSES,
    Campaign,
    CampaignStatus,
    IndicatorValue,
    Report,
    ReportStatus,
)
from baocao.apps.campaigns.permissions import visible_reports
from baocao.apps.orgs import scope
from baocao.apps.orgs.models import PATH_SEPARATOR, Role, Unit
from baocao.apps.outlines.models import OutlineDocument


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


def units_without_report(campaign: Campaign, root: Unit | None = None) -> QuerySet:
    """Units of the campaign's kinds under `root` (its root unless told) that have no report in
    it: added to the tree after it opened. Lazy; one query when read or counted."""
    # NOT EXISTS (an anti-join) rather than NOT IN: half the time over a country's units.
    having = Report.objects.filter(campaign=campaign, unit=OuterRef("pk"))
    return (
        Unit.objects.subtree(root or campaign.root_unit)
        .filter(kind__in=campaign.reporting_kinds)
        .exclude(Exists(having))
    )


def unsent_reports(campaign: Campaign, limit: int = 200) -> tuple[list[Report], int]:
    """The reports not sent yet (drafts, and returned ones not sent again), as the confirmation
    of closing lists them: at most `limit` with their unit, in tree order, and how many there
    are in all. Two queries."""
    unsent = campaign.reports.filter(status__in=EDITABLE_STATUSES)
    listed = list(unsent.select_related("unit").order_by("unit__path")[:limit])
    return listed, len(listed) if len(listed) < limit else unsent.count()


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


@dataclass(frozen=True)
class SubtreeProgress:
    """An open campaign on a consolidator's home page: the reports of their unit's subtree."""

    campaign: Campaign
    total: int
    submitted: int  # waiting for review
    accepted: int
    unsent: int  # drafts and returned reports
    days_left: int
    own_report: bool  # their unit writes in it: the consolidation workspace exists

    @property
    def sent(self) -> int:
        return self.submitted + self.accepted

    @property
    def days_late(self) -> int:
        return -self.days_left

    @property
    def late(self) -> int:
        """Reports not sent although the deadline has passed."""
        return self.unsent if self.days_left < 0 else 0


def subtree_progress(user: Any, today, limit: int = 20) -> list[SubtreeProgress]:
    """The open campaigns a consolidator takes part in (soonest deadline first, at most
    `limit`) with their subtree's progress: two queries (the campaigns, one count per status
    grouped by campaign)."""
    found = scope.membership(user)
    if found is None or not found.has_role(Role.CONSOLIDATOR):
        return []
    unit = found.unit
    campaigns = list(
        visible_campaigns(user)
        .filter(status=CampaignStatus.OPEN)
        .order_by("deadline", "pk")[:limit]
    )
    counts = {
        row["campaign_id"]: row
        for row in Report.objects.filter(
            campaign__in=[c.pk for c in campaigns], unit__path__startswith=unit.path
        )
        .values("campaign_id")
        .annotate(
            total=Count("pk"),
            submitted=Count("pk", filter=Q(status=ReportStatus.SUBMITTED)),
            accepted=Count("pk", filter=Q(status=ReportStatus.ACCEPTED)),
            unsent=Count("pk", filter=Q(status__in=EDITABLE_STATUSES)),
            own=Count("pk", filter=Q(unit_id=unit.pk)),
        )
    }
    shown = []
    for campaign in campaigns:
        row = counts.get(campaign.pk)
        if row is None:  # nothing of theirs below: the campaign is not theirs to follow
            continue
        shown.append(
            SubtreeProgress(
                campaign=campaign,
                total=row["total"],
                submitted=row["submitted"],
                accepted=row["accepted"],
                unsent=row["unsent"],
                days_left=(campaign.deadline - today).days,
                own_report=bool(row["own"]),
            )
        )
    return shown


@dataclass(frozen=True)
class Some:
    """A few things of a kind, and how many there are in all."""

    items: list
    count: int

    def __bool__(self) -> bool:
        return self.count > 0

    @property
    def more(self) -> int:
        return self.count - len(self.items)


def _some(queryset: QuerySet, shown: int) -> Some:
    """Two queries at most: `shown` items, and the count only when there may be more."""
    items = list(queryset[:shown])
    return Some(items, len(items) if len(items) < shown else queryset.count())


@dataclass(frozen=True)
class SetupNeeds:
    """What an administrator still has to set up, each with a few examples."""

    units_without_login: Some  # units nobody belongs to
    unused_outlines: Some  # outlines no campaign was opened with
    overdue_campaigns: Some  # open campaigns past their deadline (theirs to close)
    never_logged_in: Some  # active accounts of their units never used

    def __bool__(self) -> bool:
        return any(
            (
                self.units_without_login,
                self.unused_outlines,
                self.overdue_campaigns,
                self.never_logged_in,
            )
        )


def setup_needs(user: Any, today, shown: int = 5) -> SetupNeeds | None:
    """For a unit admin (over their subtree) or a superuser (everything); None for the others.
    At most eight queries, each bounded: `shown` rows and a count of each kind."""
    if scope.is_superuser(user):
        units = Unit.objects.all()
        campaigns = Campaign.objects.all()
    else:
        root = scope.administered_root(user)
        if root is None:
            return None
        units = Unit.objects.subtree(root)
        campaigns = Campaign.objects.filter(root_unit__path__startswith=root.path)
    accounts = get_user_model().objects.filter(
        is_active=True, last_login__isnull=True, membership__unit__in=units
    )
    return SetupNeeds(
        units_without_login=_some(units.filter(members__isnull=True).order_by("path"), shown),
        unused_outlines=_some(
            OutlineDocument.objects.filter(campaigns__isnull=True).order_by("title", "pk"), shown
        ),
        overdue_campaigns=_some(
            campaigns.filter(status=CampaignStatus.OPEN, deadline__lt=today).order_by(
                "deadline", "pk"
            ),
            shown,
        ),
        never_logged_in=_some(
            accounts.select_related("membership__unit").order_by("membership__unit__path", "pk"),
            shown,
        ),
    )
