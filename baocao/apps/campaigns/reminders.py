"""Reminders: one e-mail per unit whose report is late or was returned, and a record of it.

A report is due a reminder when the deadline has passed and it was never sent (still a
draft), or when it was returned and not yet sent again. The e-mail goes to the unit's address
and to its writers', in Vietnamese, with the campaign, the deadline and the link to the report
(built on BAOCAO_SITE_URL), through Django's e-mail framework (the console by default; SMTP
when configured). Each sent e-mail is logged (ReminderLog), so the dashboard shows "đã nhắc
lúc ..." beside the unit.

Used by the dashboard's button and by `baocao remind`; both call `remind`.
"""

from __future__ import annotations

import datetime
import smtplib
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db.models import Q, QuerySet
from django.utils import timezone

from baocao.apps.campaigns.actions import CLOSED, ActionError, NotAllowed
from baocao.apps.campaigns.dashboard import report_url
from baocao.apps.campaigns.models import (
    Campaign,
    ReminderLog,
    Report,
    ReportEvent,
    ReportStatus,
)
from baocao.apps.orgs import scope
from baocao.apps.orgs.models import Membership, Role
from baocao.apps.orgs.people import display_name

REMINDER_ROLES = (Role.REVIEWER, Role.CONSOLIDATOR)


@dataclass(frozen=True)
class Sent:
    """One reminder e-mail: about which report, why, and to whom."""

    report_id: int
    unit_code: str
    unit_name: str
    reason: str  # ReminderLog.Reason
    recipients: tuple[str, ...]


class Reminders(list):
    """The e-mails sent (a list of Sent), and the units that have no address to write to."""

    def __init__(self, sent: list[Sent] | None = None) -> None:
        super().__init__(sent or [])
        self.without_address: list[tuple[str, str]] = []  # (code, name)


def can_remind(user: Any, campaign: Campaign) -> bool:
    """Reviewers and consolidators remind the units they see; so do superusers."""
    if scope.is_superuser(user):
        return True
    roles = scope.roles(user)
    unit = scope.user_unit(user)
    return (
        unit is not None
        and any(role in roles for role in REMINDER_ROLES)
        and (unit.is_within(campaign.root_unit) or campaign.root_unit.is_within(unit))
    )


def due(campaign: Campaign, *, units: QuerySet | None = None, today: datetime.date | None = None):
    """The reports due a reminder: returned ones, and drafts once the deadline has passed."""
    today = today or timezone.localdate()
    condition = Q(status=ReportStatus.RETURNED)
    if today > campaign.deadline:
        condition |= Q(status=ReportStatus.DRAFT)
    reports = campaign.reports.filter(condition).select_related("unit")
    if units is not None:
        reports = reports.filter(unit__in=units)
    return reports.order_by("unit__path")


def remind(
    campaign: Campaign,
    *,
    units: QuerySet | None = None,
    actor: Any = None,
    today: datetime.date | None = None,
) -> Reminders:
    """E-mail every unit due a reminder (among `units`, or among those `actor` sees; all of
    them when run by the operator, actor None). Returns what was sent."""
    if not campaign.is_open:
        raise ActionError(CLOSED)
    if actor is not None:
        if not can_remind(actor, campaign):
            raise NotAllowed(
                "Chỉ người duyệt hoặc người tổng hợp của đơn vị cấp trên mới được gửi nhắc nhở."
            )
        visible = scope.visible_units(actor)
        units = visible if units is None else units.filter(pk__in=visible.values("pk"))
    today = today or timezone.localdate()
    reports = list(due(campaign, units=units, today=today))
    result = Reminders()
    if not reports:
        return result

    writers: dict[int, list[str]] = defaultdict(list)
    memberships = Membership.objects.filter(
        unit__in=due(campaign, units=units, today=today).values("unit_id"),
        user__is_active=True,
    ).exclude(user__email="")
    for unit_id, roles, email in memberships.values_list("unit_id", "roles", "user__email"):
        if Role.WRITER in roles:
            writers[unit_id].append(email)
    returns = _last_returns([r.pk for r in reports if r.status == ReportStatus.RETURNED])

    messages, sent = [], []
    sender = _signature(actor)
    reply_to = [actor.email] if actor is not None and getattr(actor, "email", "") else None
    for report in reports:
        unit = report.unit
        recipients = tuple(dict.fromkeys(filter(None, [unit.email, *writers[unit.pk]])))
        if not recipients:
            result.without_address.append((unit.code, unit.name))
            continue
        returned = report.status == ReportStatus.RETURNED
        subject, body = _message(campaign, report, returns.get(report.pk), today, sender)
        messages.append(
            EmailMessage(
                subject, body, settings.DEFAULT_FROM_EMAIL, list(recipients), reply_to=reply_to
            )
        )
        sent.append(
            Sent(
                report.pk,
                unit.code,
                unit.name,
                ReminderLog.Reason.RETURNED if returned else ReminderLog.Reason.LATE,
                recipients,
            )
        )
    if messages:
        try:
            with _mailer() as connection:
                connection.send_messages(messages)
        except (OSError, smtplib.SMTPException) as error:  # nothing logged: nothing was sent
            raise ActionError(
                "Không gửi được thư nhắc nhở: máy chủ thư không nhận thư. Hãy báo quản trị "
                "kiểm tra cấu hình thư điện tử (BAOCAO_EMAIL_HOST và các thiết lập đi kèm).",
                detail=str(error),
            ) from error
        ReminderLog.objects.bulk_create(
            [
                ReminderLog(
                    report_id=item.report_id,
                    reason=item.reason,
                    recipients=list(item.recipients),
                    sent_by=actor,
                )
                for item in sent
            ],
            batch_size=500,
        )
    result.extend(sent)
    return result


def _mailer():
    """The default mailer: `mailers.default` on Django 6.1+, `get_connection()` before."""
    try:
        from django.core.mail import mailers
    except ImportError:  # Django 5.2
        from django.core.mail import get_connection

        return get_connection()
    return mailers.default


def _last_returns(report_ids: list[int]) -> dict[int, ReportEvent]:
    if not report_ids:
        return {}
    latest: dict[int, ReportEvent] = {}
    for event in ReportEvent.objects.filter(
        report_id__in=report_ids, to_status=ReportStatus.RETURNED
    ).order_by("report_id", "at", "pk"):
        latest[event.report_id] = event
    return latest


def _signature(actor: Any) -> str:
    if actor is None:
        return "Hệ thống báo cáo (baocao)"
    unit = scope.user_unit(actor)
    name = display_name(actor)
    return f"{name}\n{unit.name}" if unit is not None else name


def _message(
    campaign: Campaign,
    report: Report,
    returned: ReportEvent | None,
    today: datetime.date,
    signature: str,
) -> tuple[str, str]:
    unit = report.unit
    link = f"{settings.BAOCAO_SITE_URL}{report_url(campaign.slug, unit.code)}"
    deadline = f"{campaign.deadline:%d/%m/%Y}"
    if report.status == ReportStatus.RETURNED:
        subject = f"Báo cáo bị trả lại cần hoàn thiện: {campaign.name}"
        when = f" ngày {timezone.localtime(returned.at):%d/%m/%Y}" if returned else ""
        lines = [
            f"Báo cáo của {unit.name} trong đợt báo cáo “{campaign.name}” đã bị cấp trên "
            f"trả lại{when} và chưa được gửi lại.",
        ]
        if returned is not None and returned.reason:
            lines.append(f"Lý do trả lại: {returned.reason}")
        if returned is not None and returned.section_comments:
            lines.append(
                f"Cấp trên có nhận xét ở {len(returned.section_comments)} mục; "
                "xem nhận xét bên cạnh từng mục khi mở báo cáo."
            )
        lines.append(
            "Đề nghị đơn vị hoàn thiện báo cáo theo nhận xét và gửi lại sớm "
            f"(hạn nộp của đợt báo cáo: {deadline})."
        )
    else:
        subject = f"Nhắc nộp báo cáo: {campaign.name}"
        late = (today - campaign.deadline).days
        lines = [
            f"Đợt báo cáo “{campaign.name}” có hạn nộp ngày {deadline}. Đến ngày "
            f"{today:%d/%m/%Y}, báo cáo của {unit.name} chưa được gửi (quá hạn {late} ngày).",
            "Đề nghị đơn vị khẩn trương hoàn thành và gửi báo cáo.",
        ]
    body = "\n\n".join(
        [
            f"Kính gửi: {unit.name},",
            *lines,
            f"Mở báo cáo tại: {link}",
            f"Trân trọng,\n{signature}",
            "(Thư gửi tự động từ hệ thống báo cáo baocao.)",
        ]
    )
    return subject, body
