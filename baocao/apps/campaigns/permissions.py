"""Who may see, write and review which report.

Seeing a report is seeing its unit (`baocao.apps.orgs.scope`: own unit, or the subtree for
viewers, reviewers, consolidators and admins; never a sibling's or a parent's). On top of it:
- the writers of the report's own unit edit and submit it;
- the reviewers of its parent unit return, accept and reopen it;
- consolidators and admins at or above a unit open, close and archive campaigns over it;
- superusers do everything.

The functions read `report.unit` and `user.membership`; callers handling many reports should
`select_related("unit")`, or narrow a queryset with `visible_reports` (one query).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from baocao.apps.campaigns.models import Report, ReportStatus, Upload, UploadStatus
from baocao.apps.orgs import scope
from baocao.apps.orgs.models import Role, Unit

CAMPAIGN_OWNER_ROLES = (Role.CONSOLIDATOR, Role.ADMIN)


def can_view_report(user: Any, report: Report) -> bool:
    return scope.can_view_unit(user, report.unit)


def can_edit_report(user: Any, report: Report) -> bool:
    """Write sections and figures, and submit: the writers of the report's own unit."""
    if scope.is_superuser(user):
        return True
    membership = scope.membership(user)
    return (
        membership is not None
        and membership.unit_id == report.unit_id
        and membership.has_role(Role.WRITER)
    )


def can_review_report(user: Any, report: Report) -> bool:
    """Return, accept and reopen: the reviewers of the report's parent unit. The report of the
    unit that owns the campaign has nobody above it in the campaign: its own consolidators
    finalise it (accept) and reopen it, so its workspace never stays locked."""
    if scope.is_superuser(user) or scope.is_reviewer_of(user, report.unit):
        return True
    return report.unit_id == report.campaign.root_unit_id and is_consolidator(user, report.unit)


def can_open_campaign(user: Any, root_unit: Unit) -> bool:
    """Open, close or archive a campaign over `root_unit`, and give it the units added to the
    tree since: a consolidator or admin at it or above it."""
    if scope.is_superuser(user):
        return True
    membership = scope.membership(user)
    return (
        membership is not None
        and any(membership.has_role(role) for role in CAMPAIGN_OWNER_ROLES)
        and root_unit.is_within(membership.unit)
    )


def visible_reports(user: Any, reports: QuerySet) -> QuerySet:
    """`reports` narrowed to those the user may see (for lists and dashboards)."""
    if scope.is_superuser(user):
        return reports
    return reports.filter(unit__in=scope.visible_units(user))


def can_write_now(user: Any, report: Report) -> bool:
    """Write (or upload a file into) the report at this moment: a writer of its unit, while the
    report is a draft or returned and the campaign is open."""
    return report.is_editable and can_edit_report(user, report)


def can_review_now(user: Any, report: Report) -> bool:
    """Return or accept the report at this moment: it waits for review in an open campaign."""
    return (
        report.campaign.is_open
        and report.status == ReportStatus.SUBMITTED
        and can_review_report(user, report)
    )


def can_reopen_now(user: Any, report: Report) -> bool:
    """Send an accepted report back for correction, while the campaign is open."""
    return (
        report.campaign.is_open
        and report.status == ReportStatus.ACCEPTED
        and can_review_report(user, report)
    )


def can_see_subtree(user: Any, unit: Unit) -> bool:
    """See every unit under `unit` (so the texts of their reports): the consolidation workspace,
    the per-unit indicator workbook."""
    if scope.is_superuser(user):
        return True
    found = scope.membership(user)
    return found is not None and scope.sees_subtree(user) and unit.is_within(found.unit)


def is_consolidator(user: Any, unit: Unit) -> bool:
    """A consolidator of `unit` itself (not of a unit above it)."""
    if scope.is_superuser(user):
        return True
    found = scope.membership(user)
    return found is not None and found.unit_id == unit.pk and found.has_role(Role.CONSOLIDATOR)


def can_issue(user: Any, unit: Unit) -> bool:
    """Issue the unit's report (a number from its register, signed, kept unchangeable): a
    consolidator of the unit itself (`baocao.apps.issuing`)."""
    return is_consolidator(user, unit)


def can_consolidate(user: Any, report: Report) -> bool:
    """Write in the workspace: a consolidator of the unit who may also write its report (the
    actions let only the report's writers save it), while the report is editable."""
    return (
        report.is_editable and is_consolidator(user, report.unit) and can_edit_report(user, report)
    )


def can_download_upload(user: Any, report: Report, upload: Upload) -> bool:
    """A confirmed file is the report's attachment: whoever sees the report. A pending or
    discarded one stays with the unit's writers."""
    return upload.status == UploadStatus.CONFIRMED or can_edit_report(user, report)
