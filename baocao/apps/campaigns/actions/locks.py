"""The row locks and state checks every report action starts with.

A report's row is locked (SELECT ... FOR UPDATE on PostgreSQL; SQLite takes its write lock at
BEGIN) and every write is also conditional on the version the caller saw, so two saves of a
section, or a submit racing a return, can never both win; the loser is told so. Call these
inside the action's transaction.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from baocao.apps.campaigns.actions.errors import CLOSED, STALE, ActionError, NotAllowed, StaleReport
from baocao.apps.campaigns.models import (
    EDITABLE_STATUSES,
    Campaign,
    CampaignStatus,
    Report,
    ReportStatus,
)
from baocao.apps.campaigns.permissions import can_edit_report


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
        raise NotAllowed("Chỉ người viết báo cáo của đơn vị mới được sửa báo cáo này.")
    check_open(locked)
    if locked.status not in EDITABLE_STATUSES:
        when = locked.submitted_at if locked.status == ReportStatus.SUBMITTED else None
        sent = f" lúc {moment_text(when)}" if when else ""
        raise ActionError(
            f'Báo cáo đang ở trạng thái "{locked.get_status_display()}"{sent}, không thể sửa. '
            "Nếu cần sửa, hãy đề nghị cấp trên trả lại báo cáo."
        )
    return locked


def check_open(report: Report) -> None:
    if report.campaign.status != CampaignStatus.OPEN:
        raise ActionError(CLOSED)


def check_version(report: Report, expected_version: int) -> None:
    if report.version != expected_version:
        raise StaleReport(STALE)


def moment_text(moment: datetime.datetime | None) -> str:
    if moment is None:
        return "trước đó"
    return timezone.localtime(moment).strftime("%H:%M ngày %d/%m/%Y")


def check_section(campaign: Campaign, section_id: str) -> None:
    if section_id not in campaign.section_ids:
        raise ActionError(f'Đề cương của đợt báo cáo không có mục "{section_id}".')
