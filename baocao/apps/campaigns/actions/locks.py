"""The row locks and state checks every report action starts with.

A report's row is locked (SELECT ... FOR UPDATE on PostgreSQL; SQLite takes its write lock at
BEGIN) and every write is also conditional on the version the caller saw, so two saves of a
section, or a submit racing a return, can never both win; the loser is told so. Call these
inside the action's transaction.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone, translation

from baocao.apps.campaigns.actions.errors import CLOSED, STALE, ActionError, NotAllowed, StaleReport
from baocao.apps.campaigns.models import (
    EDITABLE_STATUSES,
    Campaign,
    CampaignStatus,
    Report,
    ReportStatus,
)
from baocao.apps.campaigns.permissions import can_edit_report
from baocao.errors import Said, gettext_noop


def lock_report(report: Report) -> Report:
    """The report's row, locked until the transaction ends, with its campaign and unit."""
    locked = (
        Report.objects.select_for_update(of=("self",))
        .select_related("campaign", "unit")
        .get(pk=report.pk)
    )
    return locked


def lock_editable(report: Report, actor: Any) -> Report:
    locked = lock_report(report)
    if not can_edit_report(actor, locked):
        raise NotAllowed(
            gettext_noop("Chỉ người viết báo cáo của đơn vị mới được sửa báo cáo này.")
        )
    check_open(locked)
    if locked.status not in EDITABLE_STATUSES:
        when = locked.submitted_at if locked.status == ReportStatus.SUBMITTED else None
        status = status_label(locked.status)
        if when:
            raise ActionError(
                gettext_noop(
                    'Báo cáo đang ở trạng thái "{status}" lúc {time} ngày {date}, không thể '
                    "sửa. Nếu cần sửa, hãy đề nghị cấp trên trả lại báo cáo."
                ),
                status=status,
                **moment_parts(when),
            )
        raise ActionError(
            gettext_noop(
                'Báo cáo đang ở trạng thái "{status}", không thể sửa. '
                "Nếu cần sửa, hãy đề nghị cấp trên trả lại báo cáo."
            ),
            status=status,
        )
    return locked


def check_open(report: Report) -> None:
    if report.campaign.status != CampaignStatus.OPEN:
        raise ActionError(CLOSED)


def check_version(report: Report, expected_version: int) -> None:
    if report.version != expected_version:
        raise StaleReport(STALE)


def status_label(status: str) -> Said:
    """A report status's label as a value of a message: its Vietnamese, said in the page's
    language where the message is shown."""
    with translation.override("vi"):
        return Said(str(ReportStatus(status).label))


def moment_parts(moment: datetime.datetime) -> dict[str, str]:
    """A moment as the site's time (`time`, "14:05") and date (`date`, "07/12/2026"), for a
    message that says "lúc {time} ngày {date}" in its own words."""
    local = timezone.localtime(moment)
    return {"time": local.strftime("%H:%M"), "date": local.strftime("%d/%m/%Y")}


def check_section(campaign: Campaign, section_id: str) -> None:
    if section_id not in campaign.section_ids:
        raise ActionError(
            gettext_noop('Đề cương của đợt báo cáo không có mục "{section}".'), section=section_id
        )
