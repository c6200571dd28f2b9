"""One audit entry per change: who, when, which action on which object, from which address."""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _


class Verb(models.TextChoices):
    CAMPAIGN_OPEN = "campaign.open", _("Mở đợt báo cáo")
    CAMPAIGN_CLOSE = "campaign.close", _("Kết thúc đợt báo cáo")
    CAMPAIGN_ADD_UNITS = "campaign.add_units", _("Thêm đơn vị vào đợt báo cáo")
    CAMPAIGN_ARCHIVE = "campaign.archive", _("Lưu trữ đợt báo cáo")
    SECTION_SAVE = "section.save", _("Lưu nội dung mục")
    SECTION_RESTORE = "section.restore", _("Khôi phục phiên bản mục")
    INDICATOR_SAVE = "indicator.save", _("Lưu số liệu")
    REPORT_SUBMIT = "report.submit", _("Gửi báo cáo")
    REPORT_RETURN = "report.return", _("Trả lại báo cáo")
    REPORT_ACCEPT = "report.accept", _("Chấp nhận báo cáo")
    REPORT_REOPEN = "report.reopen", _("Mở lại báo cáo đã duyệt")
    REVIEW_DRAFT = "review.draft", _("Lưu nháp nhận xét duyệt")
    REPORT_ISSUE = "report.issue", _("Ban hành báo cáo")
    UPLOAD_RECEIVE = "upload.receive", _("Nộp tệp cho báo cáo")
    UPLOAD_CONFIRM = "upload.confirm", _("Nhập tệp vào báo cáo")
    UPLOAD_DISCARD = "upload.discard", _("Bỏ tệp đã nộp")
    UPLOAD_PRUNE = "upload.prune", _("Xoá tệp nộp cũ chưa nhập")
    UNITS_IMPORT = "units.import", _("Nhập danh sách đơn vị")
    ACCOUNTS_ISSUE = "accounts.issue", _("Cấp tài khoản cho các đơn vị")
    ACCOUNTS_RESET = "accounts.reset", _("Đặt lại mật khẩu của đơn vị")
    ACCOUNTS_MAIL = "accounts.mail", _("Gửi thông tin đăng nhập qua thư")
    OUTLINE_IMPORT = "outline.import", _("Nhập đề cương")
    OUTLINE_EDIT = "outline.edit", _("Sửa đề cương")
    JOB_START = "job.start", _("Yêu cầu việc nền")


class AuditEntry(models.Model):
    # The account, and its name at the time: the entry still says who after an account is gone.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thực hiện"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_name = models.CharField(_("tên đăng nhập"), max_length=150, blank=True)
    at = models.DateTimeField(_("lúc"), auto_now_add=True)
    action = models.CharField(_("thao tác"), max_length=40, choices=Verb.choices)
    object_type = models.CharField(_("loại đối tượng"), max_length=100, blank=True)
    object_id = models.CharField(_("mã đối tượng"), max_length=100, blank=True)
    object_label = models.CharField(_("đối tượng"), max_length=300, blank=True)
    details = models.JSONField(_("chi tiết"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    # None for changes made outside a web request (the command line, scripts).
    ip_address = models.GenericIPAddressField(_("địa chỉ IP"), null=True, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("nhật ký thao tác")
        verbose_name_plural = _("nhật ký thao tác")
        indexes = [
            models.Index(fields=["at"], name="audit_at"),
            models.Index(fields=["actor", "at"], name="audit_actor_at"),
            models.Index(fields=["action", "at"], name="audit_action_at"),
            models.Index(fields=["object_type", "object_id"], name="audit_object"),
        ]

    def __str__(self) -> str:
        return (
            f"{self.at:%d/%m/%Y %H:%M} {self.actor_name or '-'}: {self.action} {self.object_label}"
        )
