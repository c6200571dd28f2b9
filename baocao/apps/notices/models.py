"""One notice to one person about one unit's report in a campaign.

The text is written once, in Vietnamese, when the notice is made (`notify`): the page and the
e-mail show it as it was, whatever changes later. `read_at` is set on the site, `emailed_at`
by the sending run (`sending`), each at most once.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from baocao.apps.campaigns.models import Campaign, Report
from baocao.apps.orgs.models import Unit


class NoticeKind(models.TextChoices):
    CAMPAIGN_OPENED = "campaign_opened", _("Đợt báo cáo mới")
    REPORT_RETURNED = "report_returned", _("Báo cáo bị trả lại")
    REPORT_ACCEPTED = "report_accepted", _("Báo cáo đã được duyệt")
    DEADLINE_SOON = "deadline_soon", _("Sắp đến hạn nộp")


class Notice(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người nhận"),
        on_delete=models.CASCADE,
        related_name="notices",
    )
    # The unit whose report it is about, and the unit that signs the e-mail.
    unit = models.ForeignKey(
        Unit, verbose_name=_("đơn vị"), on_delete=models.CASCADE, related_name="+"
    )
    sender_unit = models.ForeignKey(
        Unit,
        verbose_name=_("đơn vị gửi"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    campaign = models.ForeignKey(
        Campaign, verbose_name=_("đợt báo cáo"), on_delete=models.CASCADE, related_name="+"
    )
    report = models.ForeignKey(
        Report,
        verbose_name=_("báo cáo"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    kind = models.CharField(_("loại"), max_length=20, choices=NoticeKind.choices)
    text = models.TextField(_("nội dung"))
    created_at = models.DateTimeField(_("lúc"), auto_now_add=True)
    read_at = models.DateTimeField(_("đã đọc lúc"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("đã gửi thư lúc"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notice_recipient_read"),
            # The sending run's scan: only the notices not yet e-mailed.
            models.Index(
                fields=["created_at"],
                condition=Q(emailed_at__isnull=True),
                name="notice_not_emailed",
            ),
        ]
        constraints = [
            # "Sắp đến hạn" once per report and person, even if two runs overlap.
            models.UniqueConstraint(
                fields=["report", "recipient"],
                condition=Q(kind="deadline_soon"),
                name="notice_deadline_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.recipient_id} / {self.kind} / {self.unit_id}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
