"""A report's review: submit to the parent unit, return with remarks, accept, reopen. Each
moves the status only if the report's version is still the one the person saw, and writes the
timeline event and the audit entry with it."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from baocao.apps.audit.log import record
from baocao.apps.campaigns.actions.errors import STALE, ActionError, NotAllowed, StaleReport
from baocao.apps.campaigns.actions.locks import (
    check_open,
    check_section,
    check_version,
    lock_report,
    moment_text,
)
from baocao.apps.campaigns.checks import check_report
from baocao.apps.campaigns.models import Report, ReportEvent, ReportStatus
from baocao.apps.campaigns.permissions import can_edit_report, can_review_report
from baocao.text import clean_text

__all__ = ["accept", "reopen", "return_report", "submit"]


@transaction.atomic
def submit(report: Report, actor: Any, expected_version: int) -> Report:
    """Send the report to the parent unit; refused while a hard rule fails."""
    locked = lock_report(report)
    if not can_edit_report(actor, locked):
        raise NotAllowed("Chỉ người viết báo cáo của đơn vị mới được gửi báo cáo này.")
    check_open(locked)
    if locked.status == ReportStatus.SUBMITTED:
        raise ActionError(f"Báo cáo đã được gửi lúc {moment_text(locked.submitted_at)}.")
    if locked.status == ReportStatus.ACCEPTED:
        raise ActionError(f"Báo cáo đã được duyệt lúc {moment_text(locked.accepted_at)}.")
    check_version(locked, expected_version)
    violations = check_report(locked).hard_violations
    if violations:
        lines = "\n".join(f"- {violation.message}" for violation in violations)
        raise ActionError(f"Chưa gửi được báo cáo vì số liệu chưa hợp lệ:\n{lines}")
    _change_status(report, locked, ReportStatus.SUBMITTED, actor, submitted_at=timezone.now())
    record(actor, "report.submit", locked, version=locked.version)
    return report


@transaction.atomic
def return_report(
    report: Report,
    actor: Any,
    reason: str,
    section_comments: dict[str, str] | None = None,
    *,
    expected_version: int,
) -> Report:
    """Send a submitted report back to its unit with a reason and remarks on its sections."""
    locked = _lock_reviewable(report, actor, expected_version, ReportStatus.SUBMITTED)
    reason = clean_text(reason).strip()
    comments = {}
    for section_id, comment in (section_comments or {}).items():
        check_section(locked.campaign, section_id)
        comment = clean_text(comment).strip()
        if comment:
            comments[section_id] = comment
    if not reason and not comments:
        raise ActionError("Hãy ghi lý do trả lại hoặc nhận xét ít nhất một mục.")
    _change_status(report, locked, ReportStatus.RETURNED, actor, reason=reason, comments=comments)
    record(actor, "report.return", locked, reason=reason, comments=comments)
    return report


@transaction.atomic
def accept(report: Report, actor: Any, expected_version: int) -> Report:
    locked = _lock_reviewable(report, actor, expected_version, ReportStatus.SUBMITTED)
    _change_status(report, locked, ReportStatus.ACCEPTED, actor, accepted_at=timezone.now())
    record(actor, "report.accept", locked)
    return report


@transaction.atomic
def reopen(
    report: Report, actor: Any, reason: str, *, expected_version: int | None = None
) -> Report:
    """Send an accepted report back for correction (it becomes "returned")."""
    locked = _lock_reviewable(report, actor, expected_version, ReportStatus.ACCEPTED)
    reason = clean_text(reason).strip()
    if not reason:
        raise ActionError("Hãy ghi lý do mở lại báo cáo đã duyệt.")
    _change_status(report, locked, ReportStatus.RETURNED, actor, reason=reason, accepted_at=None)
    record(actor, "report.reopen", locked, reason=reason)
    return report


def _lock_reviewable(
    report: Report, actor: Any, expected_version: int | None, required: str
) -> Report:
    locked = lock_report(report)
    if not can_review_report(actor, locked):
        raise NotAllowed("Chỉ người duyệt của đơn vị cấp trên mới được duyệt báo cáo này.")
    check_open(locked)
    if expected_version is not None:
        check_version(locked, expected_version)
    if locked.status != required:
        raise ActionError(
            f'Báo cáo đang ở trạng thái "{locked.get_status_display()}", '
            f'không phải "{ReportStatus(required).label}".'
        )
    return locked


def _change_status(
    report: Report,
    locked: Report,
    to_status: str,
    actor: Any,
    *,
    reason: str = "",
    comments: dict[str, str] | None = None,
    **fields: Any,
) -> Report:
    """Move the report to `to_status` if its version is still the one checked; record it."""
    changed = Report.objects.filter(pk=locked.pk, version=locked.version).update(
        status=to_status, version=F("version") + 1, **fields
    )
    if changed != 1:
        raise StaleReport(STALE)
    ReportEvent.objects.create(
        report=locked,
        from_status=locked.status,
        to_status=to_status,
        actor=actor,
        reason=reason,
        section_comments=comments or {},
    )
    # The caller's instance follows, as Django's own save() would leave it.
    for target in {id(report): report, id(locked): locked}.values():
        target.status, target.version = to_status, locked.version + 1
        for name, value in fields.items():
            setattr(target, name, value)
    return report
