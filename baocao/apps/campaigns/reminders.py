"""Reminders: one e-mail per unit whose report is late or was returned, and a record of it.

A report is due a reminder when the deadline has passed and it was never sent (still a
draft), or when it was returned and not yet sent again. The e-mail goes to the unit's address
and to its writers', in Vietnamese, with the campaign, the deadline and the link to the report
(built on BAOCAO_SITE_URL), through Django's e-mail framework (the console by default; SMTP
when configured), signed with the sender's full name and unit. Each sent e-mail is logged
(ReminderLog), so the dashboard shows "đã nhắc lúc ..." beside the unit.

`preview` says, before anything is sent, who would get what and who is left out and why: the
dashboard shows it and asks for a confirmation, `baocao remind --dry-run` prints it. A unit
reminded (for the same reason) in the last BAOCAO_REMINDER_WINDOW_HOURS hours is left out, and
the sender's own unit is never reminded by its own officer.

One bad address must not stop the others, nor may a retry or a double click send twice: the
e-mails go one at a time (`baocao.web.mailing`), each logged before it is sent, in a
transaction that checks the window again, so a second click waits for the first and finds the
unit reminded; a refused one is unlogged and reported with its unit and why.

Used by the dashboard's button and by `baocao remind`; both call `preview` and `remind` (the
button's confirmation through the background task `baocao.apps.campaigns.tasks.send_reminders`,
sent by a worker).
"""

from __future__ import annotations

import datetime
import logging
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
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
from baocao.web.mailing import NoMailServer, send_each

REMINDER_ROLES = (Role.REVIEWER, Role.CONSOLIDATOR)
NO_SERVER = (
    "Không gửi được thư nhắc nhở: máy chủ thư không nhận thư. Hãy báo quản trị kiểm tra cấu "
    "hình thư điện tử (BAOCAO_EMAIL_HOST và các thiết lập đi kèm)."
)

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


class Planned:
    """One report due a reminder, as the preview shows it: the unit, why, to whom, and whether
    it will be sent (`state`): "send"; "recent" (reminded at `reminded_at`, within the
    window); "no_address"; "invalid" (only addresses a mail server would refuse)."""

    SEND, RECENT, NO_ADDRESS, INVALID = "send", "recent", "no_address", "invalid"

    def __init__(
        self,
        report: Report,
        addresses: list[str],
        reminded_at: datetime.datetime | None,
    ) -> None:
        self.report = report
        self.unit = report.unit
        self.reason = _reason(report)
        self.addresses = tuple(addresses)
        self.recipients = tuple(address for address in addresses if email_valid(address))
        self.reminded_at = reminded_at
        if reminded_at is not None:
            self.state = self.RECENT
        elif not addresses:
            self.state = self.NO_ADDRESS
        elif not self.recipients:
            self.state = self.INVALID
        else:
            self.state = self.SEND

    @property
    def reason_label(self) -> str:
        return str(ReminderLog.Reason(self.reason).label)

    @property
    def sends(self) -> bool:
        return self.state == self.SEND


class Reminders(list):
    """The e-mails sent (a list of Sent); the units that have no address to write to, those
    whose e-mail was not sent and why, and those reminded within the window (not sent again)."""

    def __init__(self, sent: list[Sent] | None = None) -> None:
        super().__init__(sent or [])
        self.without_address: list[tuple[str, str]] = []  # (code, name)
        self.failed: list[Failed] = []
        self.already: list[tuple[str, str]] = []  # (code, name)


def window_hours() -> int:
    return settings.BAOCAO_REMINDER_WINDOW_HOURS


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


def preview(
    campaign: Campaign,
    *,
    units: QuerySet | None = None,
    actor: Any = None,
    today: datetime.date | None = None,
) -> list[Planned]:
    """Every report due a reminder (among `units`, or among those `actor` sees, its own unit
    left out; all of them when run by the operator, actor None), in tree order, with whether
    it would be sent now and to whom. Sends nothing."""
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
    reports = due(campaign, units=units, today=today)
    listed = list(reports)
    if not listed:
        return []
    writers: dict[int, list[str]] = defaultdict(list)
    memberships = Membership.objects.filter(
        unit__in=reports.values("unit_id"), user__is_active=True
    ).exclude(user__email="")
    for unit_id, roles, email in memberships.values_list("unit_id", "roles", "user__email"):
        if Role.WRITER in roles:
            writers[unit_id].append(email)
    # (report, reason) -> the latest reminder within the window: a return after a "late"
    # reminder is news.
    recent = {
        (report_id, reason): sent_at
        for report_id, reason, sent_at in ReminderLog.objects.filter(
            report__in=reports.values("pk"), sent_at__gte=_window_start()
        )
        .order_by("sent_at")
        .values_list("report_id", "reason", "sent_at")
    }
    planned = []
    for report in listed:
        addresses = list(dict.fromkeys(filter(None, [report.unit.email, *writers[report.unit_id]])))
        planned.append(Planned(report, addresses, recent.get((report.pk, _reason(report)))))
    return planned


def remind(
    campaign: Campaign,
    *,
    units: QuerySet | None = None,
    actor: Any = None,
    today: datetime.date | None = None,
    only: Collection[int] | None = None,
) -> Reminders:
    """E-mail every unit that `preview` says is to be sent (only the reports `only` lists,
    when given: the ones a person confirmed). Returns what was sent, what was not and why;
    ActionError when no mail server answers."""
    today = today or timezone.localdate()
    planned = preview(campaign, units=units, actor=actor, today=today)
    if only is not None:
        planned = [item for item in planned if item.report.pk in only]
    result = Reminders()
    returns = _last_returns(
        [
            item.report.pk
            for item in planned
            if item.sends and item.reason == ReminderLog.Reason.RETURNED
        ]
    )
    signed = signature(actor, campaign)
    reply_to = [actor.email] if actor is not None and getattr(actor, "email", "") else None
    pending: list[tuple[Sent, EmailMessage]] = []
    for item in planned:
        unit = item.unit
        if item.state == Planned.RECENT:
            result.already.append((unit.code, unit.name))
        elif item.state == Planned.NO_ADDRESS:
            result.without_address.append((unit.code, unit.name))
        elif item.state == Planned.INVALID:
            listed = ", ".join(item.addresses)
            result.failed.append(
                Failed(unit.code, unit.name, f"địa chỉ thư không hợp lệ ({listed}); hãy sửa")
            )
        else:
            if len(item.recipients) < len(item.addresses):
                logger.warning(
                    "reminder for %s: invalid addresses skipped: %s", unit.code, item.addresses
                )
            subject, body = _message(
                campaign, item.report, returns.get(item.report.pk), today, signed
            )
            message = EmailMessage(
                subject, body, settings.DEFAULT_FROM_EMAIL, list(item.recipients), reply_to=reply_to
            )
            sent = Sent(item.report.pk, unit.code, unit.name, item.reason, item.recipients)
            pending.append((sent, message))
    claims: dict[int, int] = {}  # report id -> its ReminderLog, while being sent

    def claim(sent: Sent) -> bool:
        log = _claim(sent, actor)
        if log is None:
            return False
        claims[sent.report_id] = log
        return True

    def release(sent: Sent) -> None:
        ReminderLog.objects.filter(pk=claims.pop(sent.report_id)).delete()

    try:
        delivery = send_each(pending, claim=claim, release=release)
    except NoMailServer as error:
        raise ActionError(NO_SERVER, detail=error.detail) from error
    result.extend(delivery.sent)
    result.already.extend((sent.unit_code, sent.unit_name) for sent in delivery.taken)
    result.failed.extend(
        Failed(sent.unit_code, sent.unit_name, reason) for sent, reason in delivery.failed
    )
    return result


def _reason(report: Report) -> str:
    returned = report.status == ReportStatus.RETURNED
    return ReminderLog.Reason.RETURNED if returned else ReminderLog.Reason.LATE


def _window_start() -> datetime.datetime:
    return timezone.now() - datetime.timedelta(hours=window_hours())


def _claim(sent: Sent, actor: Any) -> int | None:
    """Log the reminder before it is sent, unless one was logged within the window: the
    report's row is locked meanwhile (SQLite: the whole write), so a second click waits for
    the first and then finds its log. Returns the log's id, or None (already reminded)."""
    with transaction.atomic():
        list(Report.objects.select_for_update().filter(pk=sent.report_id).values_list("pk"))
        if ReminderLog.objects.filter(
            report_id=sent.report_id, reason=sent.reason, sent_at__gte=_window_start()
        ).exists():
            return None
        return ReminderLog.objects.create(
            report_id=sent.report_id,
            reason=sent.reason,
            recipients=list(sent.recipients),
            sent_by=actor,
        ).pk


def _last_returns(report_ids: list[int]) -> dict[int, ReportEvent]:
    if not report_ids:
        return {}
    latest: dict[int, ReportEvent] = {}
    for event in ReportEvent.objects.filter(
        report_id__in=report_ids, to_status=ReportStatus.RETURNED
    ).order_by("report_id", "at", "pk"):
        latest[event.report_id] = event
    return latest


def signature(actor: Any, campaign: Campaign) -> str:
    """The sender's full name over their unit's name; the operator's run (actor None), or a
    superuser placed nowhere, signs with the campaign's unit."""
    unit = scope.user_unit(actor) or campaign.root_unit
    name = display_name(actor)
    return f"{name}\n{unit.name}" if name else unit.name


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
