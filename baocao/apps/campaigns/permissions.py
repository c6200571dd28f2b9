"""Who may see, write and review which report.

Seeing a report is seeing its unit (`baocao.apps.orgs.scope`: own unit, or the subtree for
viewers, reviewers, consolidators and admins; never a sibling's or a parent's). On top of it:
- the writers of the report's own unit edit and submit it;
- the reviewers of its parent unit return, accept and reopen it;
- consolidators and admins at or above a unit open and close campaigns over it;
- superusers do everything.

The functions read `report.unit` and `user.membership`; callers handling many reports should
`select_related("unit")`, or narrow a queryset with `visible_reports` (one query).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet

from baocao.apps.orgs import scope
from baocao.apps.orgs.models import Role

if TYPE_CHECKING:
    from baocao.apps.campaigns.models import Report
    from baocao.apps.orgs.models import Unit

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
    """Return, accept and reopen: the reviewers of the report's parent unit."""
    return scope.is_superuser(user) or scope.is_reviewer_of(user, report.unit)


def can_open_campaign(user: Any, root_unit: Unit) -> bool:
    """Open or close a campaign over `root_unit`: a consolidator or admin at it or above it."""
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
