"""The register of outgoing documents (sổ văn bản đi) and the issued copies of reports.

Nghị định 30/2020 numbers a body's outgoing documents from 01 each calendar year; a unit's
`OutgoingRegister` row for a year holds the last number given, and is the row an issue locks
so that two issues never take one number (`actions.issue_report`). Numbers given to documents
issued outside this application can be typed in: the register continues after the highest.

An `IssuedDocument` is the report as issued: its DOCX and PDF (and the signed PDF) as they
were sent, in the database like the uploads (a backup of the database is a backup of them).
It never changes: `save` refuses to update it and `delete` to delete it; the admin shows it
read-only, and its campaign and unit cannot be deleted while it exists. Lists must
`defer(*IssuedDocument.FILES)`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from baocao.apps.campaigns.models import Campaign
from baocao.apps.orgs.models import Unit


class OutgoingRegister(models.Model):
    unit = models.ForeignKey(
        Unit, verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    last_number = models.PositiveIntegerField(_("số cuối cùng đã cấp"), default=0)

    class Meta:
        verbose_name = _("sổ văn bản đi")
        verbose_name_plural = _("sổ văn bản đi")
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="register_unit_year"),
        ]

    def __str__(self) -> str:
        return f"{self.unit.code} {self.year}: {self.last_number}"


class Immutable(Exception):
    """An issued copy was about to be changed or deleted: a programming error."""


class IssuedDocument(models.Model):
    FILES = ("docx", "pdf", "signed_pdf")

    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("đợt báo cáo"),
        on_delete=models.PROTECT,
        related_name="issued_documents",
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("đơn vị ban hành"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    number = models.PositiveIntegerField(_("số"))
    number_text = models.CharField(_("số, ký hiệu"), max_length=60)  # "15/BC-LĐLĐ"
    issued_on = models.DateField(_("ngày ban hành"))  # the date printed
    issued_at = models.DateTimeField(_("ban hành lúc"), auto_now_add=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người ban hành"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    on_behalf = models.CharField(_("thẩm quyền ký"), max_length=120, blank=True)
    signer_title = models.CharField(_("chức vụ người ký"), max_length=120)
    signer_name = models.CharField(_("họ tên người ký"), max_length=120)
    recipients = models.JSONField(_("nơi nhận"), default=list)
    include_submitted = models.BooleanField(_("tính cả báo cáo đã gửi chưa duyệt"), default=False)
    docx = models.BinaryField(_("bản DOCX"))
    docx_sha256 = models.CharField(_("SHA-256 của bản DOCX"), max_length=64)
    pdf = models.BinaryField(_("bản PDF"), null=True)
    pdf_sha256 = models.CharField(_("SHA-256 của bản PDF"), max_length=64, blank=True)
    pdf_missing = models.TextField(_("lý do chưa có bản PDF"), blank=True)
    signed_pdf = models.BinaryField(_("bản PDF đã ký số"), null=True)
    signed_pdf_sha256 = models.CharField(_("SHA-256 của bản ký số"), max_length=64, blank=True)
    certificate = models.CharField(_("chứng thư số đã ký"), max_length=300, blank=True)

    class Meta:
        ordering = ["-issued_at", "-pk"]
        verbose_name = _("văn bản đã ban hành")
        verbose_name_plural = _("văn bản đã ban hành")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year", "number"], name="issued_unit_year_number"
            ),
        ]
        indexes = [models.Index(fields=["campaign", "unit"], name="issued_campaign_unit")]

    def __str__(self) -> str:
        return f"{self.number_text} ({self.unit})"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise Immutable(f"issued document {self.pk} cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise Immutable(f"issued document {self.pk} cannot be deleted")

    @property
    def signed(self) -> bool:
        return bool(self.signed_pdf_sha256)
