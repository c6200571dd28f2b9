"""E-mailing the notices: what `baocao notices send` runs from cron, and what the background
task `baocao.apps.notices.tasks.email_notices` runs after each commit that made notices (`run`),
off the request path either way.

A run first makes the "sắp đến hạn" notices that are due (`notify.deadline_soon`), then
e-mails every pending notice, one at a time (`baocao.web.mailing`): each is marked
(`emailed_at`) before it is sent and the next tried, so none is e-mailed twice, even by two
runs at once; one that fails is unmarked (pending for the next run) and reported with why.

Pending: not e-mailed yet, not already read on the site, of a campaign still open, to an
active person with an address. The e-mail is in Vietnamese (the project keeps no language per
person), to the person by name, and signed with the name of the unit that sent the notice.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils import timezone

from baocao.apps.campaigns.actions.errors import ActionError
from baocao.apps.campaigns.dashboard import report_url
from baocao.apps.campaigns.models import CampaignStatus
from baocao.apps.notices import notify
from baocao.apps.notices.models import Notice, NoticeKind
from baocao.apps.orgs.people import display_name
from baocao.apps.orgs.services import email_valid
from baocao.text import clean_line
from baocao.web.mailing import NoMailServer, send_each

NO_SERVER = (
    "Không gửi được thông báo qua thư: máy chủ thư không nhận thư. Hãy báo quản trị kiểm tra "
    "cấu hình thư điện tử (BAOCAO_EMAIL_HOST và các thiết lập đi kèm); thông báo vẫn chờ gửi."
)
# Written in Vietnamese whatever language the request or process runs in.
SUBJECTS = {
    NoticeKind.CAMPAIGN_OPENED: "Đợt báo cáo mới",
    NoticeKind.REPORT_RETURNED: "Báo cáo bị trả lại cần hoàn thiện",
    NoticeKind.REPORT_ACCEPTED: "Báo cáo đã được duyệt",
    NoticeKind.DEADLINE_SOON: "Sắp đến hạn nộp báo cáo",
}


@dataclass(frozen=True)
class Failure:
    """A notice not e-mailed: to whom, at which address, and why (it stays pending)."""

    notice_id: int
    person: str
    address: str
    reason: str


@dataclass
class Outcome:
    made: int = 0  # "sắp đến hạn" notices made by this run
    sent: int = 0
    failed: list[Failure] = field(default_factory=list)
    taken: int = 0  # sent by another run at the same time


def run(
    *,
    today: datetime.date | None = None,
    progress: Callable[[int], Callable[[Notice], None]] | None = None,
) -> Outcome:
    """Make the due "sắp đến hạn" notices, then e-mail every pending notice. `progress(total)`
    is called once with how many will be tried and returns what to call after each.
    ActionError (nothing sent, nothing lost) when no mail server answers."""
    made = notify.deadline_soon(today)
    notices = pending()
    outcome = send(notices, progress=progress(len(notices)) if progress else None)
    outcome.made = made
    return outcome


def pending() -> list[Notice]:
    return list(
        Notice.objects.filter(
            emailed_at__isnull=True,
            read_at__isnull=True,
            campaign__status=CampaignStatus.OPEN,
            recipient__is_active=True,
        )
        .exclude(recipient__email="")
        .select_related("recipient", "campaign", "campaign__root_unit", "unit", "sender_unit")
        .order_by("created_at", "pk")
    )


def send(notices: list[Notice], *, progress: Callable[[Notice], None] | None = None) -> Outcome:
    outcome = Outcome()
    outgoing = []
    for notice in notices:
        address = notice.recipient.email
        if not email_valid(address):  # stored before addresses were checked: a server refuses
            outcome.failed.append(
                _failure(notice, f"địa chỉ thư không hợp lệ ({address}); hãy sửa")
            )
            continue
        outgoing.append((notice, _message(notice)))
    try:
        delivery = send_each(outgoing, claim=_claim, release=_release, progress=progress)
    except NoMailServer as error:
        raise ActionError(NO_SERVER, detail=error.detail) from error
    outcome.sent, outcome.taken = len(delivery.sent), len(delivery.taken)
    outcome.failed.extend(_failure(notice, reason) for notice, reason in delivery.failed)
    return outcome


def _claim(notice: Notice) -> bool:
    """Mark it e-mailed, if no other run has: one UPDATE, atomic on every database."""
    claimed = Notice.objects.filter(pk=notice.pk, emailed_at__isnull=True).update(
        emailed_at=timezone.now()
    )
    return claimed == 1


def _release(notice: Notice) -> None:
    Notice.objects.filter(pk=notice.pk).update(emailed_at=None)


def _failure(notice: Notice, reason: str) -> Failure:
    return Failure(notice.pk, display_name(notice.recipient), notice.recipient.email, reason)


def _message(notice: Notice) -> EmailMessage:
    campaign = notice.campaign
    site = settings.BAOCAO_SITE_URL
    signer = notice.sender_unit or campaign.root_unit
    body = "\n\n".join(
        [
            f"Kính gửi: {display_name(notice.recipient)},",
            notice.text,
            f"Mở báo cáo tại: {site}{report_url(campaign.slug, notice.unit.code)}",
            f"Trân trọng,\n{signer.name}",
            "(Thư gửi tự động từ hệ thống báo cáo baocao. Mọi thông báo của bạn: "
            f"{site}{reverse('notices:list')})",
        ]
    )
    subject = f"{SUBJECTS[notice.kind]}: {clean_line(campaign.name)}"
    return EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [notice.recipient.email])
