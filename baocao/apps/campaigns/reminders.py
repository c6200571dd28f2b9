"""Reminders: one e-mail per unit whose report is late or was returned, and a record of it.

A report is due a reminder when the deadline has passed and it was never sent (still a
draft), or when it was returned and not yet sent again. The e-mail goes to the unit's address
and to its writers', in Vietnamese, with the campaign, the deadline and the link to the report
(built on BAOCAO_SITE_URL), through Django's e-mail framework (the console by default; SMTP
when configured). Each sent e-mail is logged (ReminderLog), so the dashboard shows "đã nhắc
lúc ..." beside the unit.

One bad address must not stop the others, nor make a retry send twice: the e-mails go one at a
time, each success is logged before the next is tried, a refused one is reported with its unit
and why, and a unit already reminded today is not reminded again that day.

Used by the dashboard's button and by `baocao remind`; both call `remind`.
"""

from __future__ import annotations

import datetime
import logging
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
from baocao.apps.orgs.services import email_valid
from baocao.text import clean_line

REMINDER_ROLES = (Role.REVIEWER, Role.CONSOLIDATOR)
NO_SERVER = (
    "Không gửi được thư nhắc nhở: máy chủ thư không nhận thư. Hãy báo quản trị kiểm tra cấu "
    "hình thư điện tử (BAOCAO_EMAIL_HOST và các thiết lập đi kèm)."
)
LOST_CONNECTION = "chưa gửi được vì mất kết nối với máy chủ thư; hãy gửi lại sau"
# Refusals of one message: the connection stays usable (smtplib resets it) for the next,
# unless the server said 421 (closing).
_ONE_REFUSED = (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError)
_CLOSING = 421

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Sent:
    """One reminder e-mail: about which report, why, and to whom."""

    report_id: int
    unit_code: str
    unit_name: str
    reason: str  # ReminderLog.Reason
    recipients: tuple[str, ...]


@dataclass(frozen=True)
class Failed:
    """A reminder that was not sent: to which unit, and why (said to the person who sent)."""

    unit_code: str
    unit_name: str
    reason: str


class Reminders(list):
    """The e-mails sent (a list of Sent); the units that have no address to write to, those
    whose e-mail was not sent and why, and those already reminded today (not sent again)."""

    def __init__(self, sent: list[Sent] | None = None) -> None:
        super().__init__(sent or [])
        self.without_address: list[tuple[str, str]] = []  # (code, name)
        self.failed: list[Failed] = []
        self.already: list[tuple[str, str]] = []  # (code, name)


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
    them when run by the operator, actor None) and not yet reminded today for that reason.
    Returns what was sent, what was not and why; ActionError when no mail server answers."""
    if not campaign.is_open:
        raise ActionError(CLOSED)
    if actor is not None:
        if not can_remind(actor, campaign):
            raise NotAllowed(
                "Chỉ người duyệt hoặc người tổng hợp của đơn vị cấp trên mới được gửi nhắc nhở."
            )
        visible = scope.visible_units(actor)
        units = visible if units is None else units.filter(pk__in=visible.values("pk"))
        own = scope.user_unit(actor)
        if own is not None:  # the sender's own unit is never reminded by its own officer
            units = units.exclude(pk=own.pk)
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
    midnight = timezone.make_aware(datetime.datetime.combine(today, datetime.time.min))
    reminded_today = set(  # (report, reason): a return after a "late" reminder is news
        ReminderLog.objects.filter(
            report__in=due(campaign, units=units, today=today).values("pk"),
            sent_at__gte=midnight,
        ).values_list("report_id", "reason")
    )

    pending: list[tuple[Sent, EmailMessage]] = []
    sender = _signature(actor)
    reply_to = [actor.email] if actor is not None and getattr(actor, "email", "") else None
    for report in reports:
        unit = report.unit
        returned = report.status == ReportStatus.RETURNED
        reason = ReminderLog.Reason.RETURNED if returned else ReminderLog.Reason.LATE
        if (report.pk, reason) in reminded_today:
            result.already.append((unit.code, unit.name))
            continue
        addresses = list(dict.fromkeys(filter(None, [unit.email, *writers[unit.pk]])))
        if not addresses:
            result.without_address.append((unit.code, unit.name))
            continue
        # Stored before addresses were checked on import: a server would refuse them.
        recipients = tuple(address for address in addresses if email_valid(address))
        if len(recipients) < len(addresses):
            logger.warning("reminder for %s: invalid addresses skipped: %s", unit.code, addresses)
        if not recipients:
            listed = ", ".join(addresses)
            result.failed.append(
                Failed(unit.code, unit.name, f"địa chỉ thư không hợp lệ ({listed}); hãy sửa")
            )
            continue
        subject, body = _message(campaign, report, returns.get(report.pk), today, sender)
        message = EmailMessage(
            subject, body, settings.DEFAULT_FROM_EMAIL, list(recipients), reply_to=reply_to
        )
        pending.append((Sent(report.pk, unit.code, unit.name, reason, recipients), message))
    if pending:
        _send_each(pending, actor, result)
    return result


def _send_each(pending: list[tuple[Sent, EmailMessage]], actor: Any, result: Reminders) -> None:
    """Send one e-mail at a time and log each before the next: a refusal is that unit's
    failure; a lost connection leaves the rest for the next try, none sent twice."""
    connection = _mailer()
    try:
        connection.open()
    except OSError as error:  # smtplib's errors are OSErrors too
        logger.warning("reminders: no mail server: %s", error)
        raise ActionError(NO_SERVER, detail=str(error)) from error
    try:
        for index, (item, message) in enumerate(pending):
            try:
                connection.send_messages([message])
            except (OSError, ValueError) as error:  # ValueError: a header Django will not write
                if _connection_lost(error):  # the rest wait for the next try
                    logger.warning("reminders stopped at %s: %s", item.unit_code, error)
                    result.failed.extend(
                        Failed(later.unit_code, later.unit_name, LOST_CONNECTION)
                        for later, _message in pending[index:]
                    )
                    break
                logger.warning("reminder for %s refused: %s", item.unit_code, error)
                result.failed.append(Failed(item.unit_code, item.unit_name, _refusal(error)))
                continue
            ReminderLog.objects.create(
                report_id=item.report_id,
                reason=item.reason,
                recipients=list(item.recipients),
                sent_by=actor,
            )
            result.append(item)
    finally:
        try:
            connection.close()
        except OSError as error:  # what was sent is sent and logged
            logger.warning("reminders: closing the mail connection failed: %s", error)


def _connection_lost(error: Exception) -> bool:
    """A socket error, a disconnection or a server closing (421): not this e-mail's fault."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return any(code == _CLOSING for code, _reply in error.recipients.values())
    if isinstance(error, _ONE_REFUSED):
        return error.smtp_code == _CLOSING
    return isinstance(error, OSError)


def _refusal(error: Exception) -> str:
    """Why the mail server (or Django) refused one e-mail, in Vietnamese."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        refused = ", ".join(
            f"{address} ({code} {_said(reply)})"
            for address, (code, reply) in error.recipients.items()
        )
        return f"máy chủ thư từ chối địa chỉ {refused}; hãy sửa địa chỉ thư của đơn vị"
    if isinstance(error, smtplib.SMTPSenderRefused):
        return f"máy chủ thư từ chối địa chỉ gửi đi ({error.smtp_code} {_said(error.smtp_error)})"
    if isinstance(error, smtplib.SMTPDataError):
        return f"máy chủ thư không nhận thư ({error.smtp_code} {_said(error.smtp_error)})"
    return f"không tạo được thư ({error})"


def _said(reply: bytes | str) -> str:
    return clean_line(reply.decode("utf-8", "replace") if isinstance(reply, bytes) else reply)


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
        subject = f"Báo cáo bị trả lại cần hoàn thiện: {clean_line(campaign.name)}"
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
        subject = f"Nhắc nộp báo cáo: {clean_line(campaign.name)}"
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
