"""Writing the notices: one per writer of the unit concerned, in the caller's transaction.

The campaign and review actions call these (one line each), so a notice exists exactly when
the change does; the sending run calls `deadline_soon`. A campaign may cover a thousand units:
its notices are made with a few queries and bulk inserts, never one query per unit. The
person who made the change is not told of it.

Once the transaction that made them commits (never for one rolled back), `stored` is sent,
once per transaction: `baocao.apps.notices.tasks` answers by enqueueing the task that e-mails
the pending notices, so they leave within seconds, without cron. The "sắp đến hạn" notices
are made by that very run (`sending.run`), which e-mails them at once.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import Any

from django.conf import settings
from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone

from baocao.apps.campaigns.dashboard import leaf_sections
from baocao.apps.campaigns.models import (
    EDITABLE_STATUSES,
    Campaign,
    CampaignStatus,
    Report,
)
from baocao.apps.notices.models import Notice, NoticeKind
from baocao.apps.orgs import scope
from baocao.apps.orgs.models import Membership, Role, Unit

BATCH = 500  # units per query (SQLite's limit on parameters) and rows per insert

# Sent after the commit of a transaction that made notices (no arguments but the sender).
stored = Signal()


def campaign_opened(campaign: Campaign, unit_ids: list[int], actor: Any = None) -> int:
    """Tell the writers of each unit given (new in `campaign`) that it must report, and by
    when. Returns how many notices were made."""
    opener = campaign.root_unit
    deadline = f"{campaign.deadline:%d/%m/%Y}"
    made = 0
    for chunk in _chunks(unit_ids):
        reports = Report.objects.filter(campaign=campaign, unit_id__in=chunk)
        writers = _writers(chunk, actor)
        notices = [
            Notice(
                recipient_id=user_id,
                unit_id=unit_id,
                sender_unit=opener,
                campaign=campaign,
                report_id=report_id,
                kind=NoticeKind.CAMPAIGN_OPENED,
                text=(
                    f"{opener.name} đã mở đợt báo cáo “{campaign.name}”. Đề nghị {unit_name} "
                    f"viết và gửi báo cáo trước hạn nộp ngày {deadline}."
                ),
            )
            for report_id, unit_id, unit_name in reports.values_list("pk", "unit_id", "unit__name")
            for user_id in writers[unit_id]
        ]
        Notice.objects.bulk_create(notices, batch_size=BATCH)
        made += len(notices)
    _announce(made)
    return made


def report_returned(
    report: Report, actor: Any, reason: str, comments: dict[str, str] | None = None
) -> int:
    """Tell the unit's writers their report came back, with the reason and every remark."""
    campaign, unit = report.campaign, report.unit
    sender = _reviewing_unit(report, actor)
    lines = [
        f"Báo cáo của {unit.name} trong đợt báo cáo “{campaign.name}” đã bị {sender.name} "
        "trả lại để hoàn thiện."
    ]
    if reason:
        lines.append(f"Lý do: {reason}")
    if comments:
        leaves = {leaf.id: leaf for leaf in leaf_sections(campaign)}
        lines.append("Nhận xét từng mục:")
        for section_id, remark in comments.items():
            leaf = leaves.get(section_id)
            where = (
                f"{leaf.part + ', ' if leaf.part else ''}mục {leaf.label}. {leaf.title.rstrip('.')}"
                if leaf is not None
                else f"mục {section_id}"
            )
            lines.append(f"- {where}: {remark}")
    lines.append(
        f"Đề nghị đơn vị sửa theo nhận xét và gửi lại (hạn nộp: {campaign.deadline:%d/%m/%Y})."
    )
    return _tell_writers(report, actor, NoticeKind.REPORT_RETURNED, "\n".join(lines), sender)


def report_accepted(report: Report, actor: Any) -> int:
    """Tell the unit's writers their report was accepted: nothing more to do on it."""
    sender = _reviewing_unit(report, actor)
    text = (
        f"Báo cáo của {report.unit.name} trong đợt báo cáo “{report.campaign.name}” đã được "
        f"{sender.name} duyệt (chấp nhận)."
    )
    return _tell_writers(report, actor, NoticeKind.REPORT_ACCEPTED, text, sender)


def deadline_soon(today: datetime.date | None = None) -> int:
    """Tell the writers of every report not yet sent whose deadline is within
    BAOCAO_DEADLINE_NOTICE_DAYS days (today included), once per report: a report already told
    is never told again. Returns how many notices were made."""
    today = today or timezone.localdate()
    last = today + datetime.timedelta(days=settings.BAOCAO_DEADLINE_NOTICE_DAYS)
    told = Notice.objects.filter(kind=NoticeKind.DEADLINE_SOON, report__isnull=False)
    due = (
        Report.objects.filter(
            campaign__status=CampaignStatus.OPEN,
            campaign__deadline__range=(today, last),
            status__in=EDITABLE_STATUSES,
        )
        .exclude(pk__in=told.values("report_id"))
        .order_by("pk")
    )
    made = 0
    for ids in _chunks(list(due.values_list("pk", flat=True))):
        related = ("campaign", "campaign__root_unit", "unit")
        chunk = list(Report.objects.filter(pk__in=ids).select_related(*related))
        writers = _writers([report.unit_id for report in chunk])
        notices = []
        for report in chunk:
            campaign = report.campaign
            days = (campaign.deadline - today).days
            left = "hôm nay là hạn cuối" if days == 0 else f"còn {days} ngày"
            text = (
                f"Đợt báo cáo “{campaign.name}” có hạn nộp ngày {campaign.deadline:%d/%m/%Y} "
                f"({left}). Báo cáo của {report.unit.name} chưa được gửi; đề nghị hoàn thành "
                "và gửi báo cáo trước hạn."
            )
            notices.extend(
                _notice(report, user_id, NoticeKind.DEADLINE_SOON, text, campaign.root_unit)
                for user_id in writers[report.unit_id]
            )
        with transaction.atomic():  # a run overlapping this one made the same: kept once
            Notice.objects.bulk_create(notices, batch_size=BATCH, ignore_conflicts=True)
        made += len(notices)
    return made


def _tell_writers(report: Report, actor: Any, kind: str, text: str, sender: Unit) -> int:
    notices = [
        _notice(report, user_id, kind, text, sender)
        for user_id in _writers([report.unit_id], actor)[report.unit_id]
    ]
    Notice.objects.bulk_create(notices)
    _announce(len(notices))
    return len(notices)


def _announce(made: int) -> None:
    """Send `stored` once the current transaction commits, if it made notices: once per
    transaction, however many actions in it made some."""
    if not made:
        return
    current = transaction.get_connection()
    waiting = current.run_on_commit if current.in_atomic_block else []
    if not any(entry[1] is _stored for entry in waiting):
        transaction.on_commit(_stored, robust=True)


def _stored() -> None:
    stored.send(sender=Notice)


def _notice(report: Report, user_id: int, kind: str, text: str, sender: Unit) -> Notice:
    return Notice(
        recipient_id=user_id,
        unit_id=report.unit_id,
        sender_unit=sender,
        campaign_id=report.campaign_id,
        report=report,
        kind=kind,
        text=text,
    )


def _reviewing_unit(report: Report, actor: Any) -> Unit:
    """Who signs a review's notice: the reviewer's unit, else (a superuser placed nowhere) the
    unit above the report's."""
    return scope.user_unit(actor) or report.unit.parent or report.unit


def _writers(unit_ids: Iterable[int], actor: Any = None) -> defaultdict[int, list[int]]:
    """{unit id: ids of its active writers}, the actor left out."""
    found: defaultdict[int, list[int]] = defaultdict(list)
    memberships = Membership.objects.filter(unit_id__in=list(unit_ids), user__is_active=True)
    if actor is not None and getattr(actor, "pk", None) is not None:
        memberships = memberships.exclude(user_id=actor.pk)
    for unit_id, user_id, roles in memberships.values_list("unit_id", "user_id", "roles"):
        if Role.WRITER in roles:
            found[unit_id].append(user_id)
    return found


def _chunks(items: list) -> Iterator[list]:
    for start in range(0, len(items), BATCH):
        yield items[start : start + BATCH]
