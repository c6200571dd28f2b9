"""A report's review: submit to the parent unit, return with remarks, accept, reopen. Each
moves the status only if the report's version is still the one the person saw, and writes the
timeline event and the audit entry with it. The return form's remarks are kept as the reviewer
types them (`save_review_draft`) until the report is returned or accepted."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from baocao.apps.audit.log import record
from baocao.apps.campaigns import live_rollup
from baocao.apps.campaigns.actions.errors import STALE, ActionError, NotAllowed, StaleReport
from baocao.apps.campaigns.actions.locks import (
    check_open,
    check_section,
    check_version,
    lock_report,
    moment_parts,
    status_label,
)
from baocao.apps.campaigns.checks import check_report
from baocao.apps.campaigns.models import Report, ReportEvent, ReportStatus, ReviewDraft
from baocao.apps.campaigns.permissions import can_edit_report, can_review_report
from baocao.apps.notices import notify
from baocao.errors import gettext_noop
from baocao.text import clean_text

__all__ = ["accept", "reopen", "return_report", "save_review_draft", "submit"]


@transaction.atomic
def submit(report: Report, actor: Any, expected_version: int) -> Report:
    """Send the report to the parent unit; refused while a hard rule fails."""
    locked = lock_report(report)
    if not can_edit_report(actor, locked):
        raise NotAllowed(
            gettext_noop("Chỉ người viết báo cáo của đơn vị mới được gửi báo cáo này.")
        )
    check_open(locked)
    if locked.status == ReportStatus.SUBMITTED:
        raise _already(
            locked.submitted_at,
            gettext_noop("Báo cáo đã được gửi lúc {time} ngày {date}."),
            gettext_noop("Báo cáo đã được gửi trước đó."),
        )
    if locked.status == ReportStatus.ACCEPTED:
        raise _already(
            locked.accepted_at,
            gettext_noop("Báo cáo đã được duyệt lúc {time} ngày {date}."),
            gettext_noop("Báo cáo đã được duyệt trước đó."),
        )
    check_version(locked, expected_version)
    violations = check_report(locked).hard_violations
    if violations:
        lines = "\n".join(f"- {violation.message}" for violation in violations)
        raise ActionError(
            gettext_noop("Chưa gửi được báo cáo vì số liệu chưa hợp lệ:\n{lines}"), lines=lines
        )
    _change_status(report, locked, ReportStatus.SUBMITTED, actor, submitted_at=timezone.now())
    record(actor, "report.submit", locked, version=locked.version)
    return report


def _already(moment: datetime.datetime | None, at: str, earlier: str) -> ActionError:
    """Done already: when (`at`, a template with {time} and {date}), or `earlier` unknown."""
    return ActionError(at, **moment_parts(moment)) if moment else ActionError(earlier)


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
        raise ActionError(gettext_noop("Hãy ghi lý do trả lại hoặc nhận xét ít nhất một mục."))
    _change_status(report, locked, ReportStatus.RETURNED, actor, reason=reason, comments=comments)
    record(actor, "report.return", locked, reason=reason, comments=comments)
    notify.report_returned(locked, actor, reason, comments)
    ReviewDraft.objects.filter(report=locked, reviewer=actor).delete()  # sent: now in the event
    return report


@transaction.atomic
def accept(report: Report, actor: Any, expected_version: int) -> Report:
    locked = _lock_reviewable(report, actor, expected_version, ReportStatus.SUBMITTED)
    _change_status(report, locked, ReportStatus.ACCEPTED, actor, accepted_at=timezone.now())
    record(actor, "report.accept", locked)
    notify.report_accepted(locked, actor)
    ReviewDraft.objects.filter(report=locked, reviewer=actor).delete()
    return report


@transaction.atomic
def save_review_draft(
    report: Report, actor: Any, reason: str, section_comments: dict[str, str] | None = None
) -> ReviewDraft | None:
    """Keep what the reviewer has typed in the return form, unsent, so that following a link
    and coming back loses nothing. The whole form each time (the last save wins); blank
    remarks are left out and an empty form deletes the draft (None). Only while the report
    waits for this reviewer: the report row is locked, so a save racing the return is either
    before it (and deleted by it) or refused."""
    locked = _lock_reviewable(report, actor, None, ReportStatus.SUBMITTED)
    reason = clean_text(reason)
    comments = {}
    for section_id, comment in (section_comments or {}).items():
        check_section(locked.campaign, section_id)
        comment = clean_text(comment)
        if comment.strip():
            comments[section_id] = comment
    drafts = ReviewDraft.objects.filter(report=locked, reviewer=actor)
    if not reason.strip() and not comments:
        if drafts.delete()[0]:
            record(actor, "review.draft", locked, chars=0, sections=[])
        return None
    draft = drafts.first()
    if draft is not None and (draft.reason, draft.section_comments) == (reason, comments):
        return draft  # nothing new: no write, no audit entry
    draft, _created = ReviewDraft.objects.update_or_create(
        report=locked, reviewer=actor, defaults={"reason": reason, "section_comments": comments}
    )
    chars = len(reason) + sum(len(comment) for comment in comments.values())
    # The text itself stays private until it is sent: the audit says how much, and where.
    record(actor, "review.draft", locked, chars=chars, sections=sorted(comments))
    return draft


@transaction.atomic
def reopen(
    report: Report, actor: Any, reason: str, *, expected_version: int | None = None
) -> Report:
    """Send an accepted report back for correction (it becomes "returned")."""
    locked = _lock_reviewable(report, actor, expected_version, ReportStatus.ACCEPTED)
    reason = clean_text(reason).strip()
    if not reason:
        raise ActionError(gettext_noop("Hãy ghi lý do mở lại báo cáo đã duyệt."))
    _change_status(report, locked, ReportStatus.RETURNED, actor, reason=reason, accepted_at=None)
    record(actor, "report.reopen", locked, reason=reason)
    return report


def _lock_reviewable(
    report: Report, actor: Any, expected_version: int | None, required: str
) -> Report:
    locked = lock_report(report)
    if not can_review_report(actor, locked):
        raise NotAllowed(
            gettext_noop("Chỉ người duyệt của đơn vị cấp trên mới được duyệt báo cáo này.")
        )
    check_open(locked)
    if expected_version is not None:
        check_version(locked, expected_version)
    if locked.status != required:
        raise ActionError(
            gettext_noop('Báo cáo đang ở trạng thái "{status}", không phải "{required}".'),
            status=status_label(locked.status),
            required=status_label(required),
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
    live_rollup.apply_status_change(locked, locked.status, to_status)
    # The caller's instance follows, as Django's own save() would leave it.
    for target in {id(report): report, id(locked): locked}.values():
        target.status, target.version = to_status, locked.version + 1
        for name, value in fields.items():
            setattr(target, name, value)
    return report
