"""One job a person asked for, done in the background (`baocao.apps.jobs`): what it is about
(its kind, the report, its parameters), how far it is (`done`/`total`, and `work`, what a run
has done so far that a later run may reuse), and at the end its file or the address of its
result, or the reason it could not be done (Vietnamese, for the person).

The file lives in the database (`result_data`, as uploads do), so a backup holds it and every
process of the site serves it; a job's input file (`input_data`, an upload being read) is
dropped when the job finishes.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from baocao.apps.campaigns.models import Report


class JobKind(models.TextChoices):
    REPORT_FILE = "report_file", _("Tệp báo cáo")
    DRAFT = "draft", _("Bản nháp tổng hợp")
    INGEST = "ingest", _("Đọc tệp nộp")


class JobState(models.TextChoices):
    WAITING = "waiting", _("Đang chờ")
    RUNNING = "running", _("Đang làm")
    DONE = "done", _("Xong")
    FAILED = "failed", _("Không làm được")


FINISHED = (JobState.DONE, JobState.FAILED)
# A job's error when its work broke on an error of the program (logged), not on bad input.
BROKEN = _(
    "Việc này gặp lỗi của chương trình và đã dừng; không có gì bị ghi dở. Hãy thử lại, hoặc "
    "báo quản trị nếu lỗi lặp lại."
)


class Job(models.Model):
    kind = models.CharField(_("loại việc"), max_length=20, choices=JobKind.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người yêu cầu"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    report = models.ForeignKey(
        Report, verbose_name=_("báo cáo"), on_delete=models.CASCADE, related_name="+"
    )
    params = models.JSONField(_("tham số"), default=dict, blank=True)
    state = models.CharField(
        _("trạng thái"), max_length=10, choices=JobState.choices, default=JobState.WAITING
    )
    done = models.PositiveIntegerField(_("đã xong"), default=0)
    total = models.PositiveIntegerField(_("tổng số"), default=0)
    work = models.JSONField(_("phần việc đã làm"), default=dict, blank=True)
    tries = models.PositiveIntegerField(_("số lần chạy"), default=0)
    task_id = models.CharField(_("mã việc trong hàng đợi"), max_length=64, blank=True)
    input_data = models.BinaryField(_("tệp đầu vào"), null=True, blank=True)
    result_data = models.BinaryField(_("tệp kết quả"), null=True, blank=True)
    result_name = models.CharField(_("tên tệp kết quả"), max_length=255, blank=True)
    result_ascii_name = models.CharField(_("tên tệp (không dấu)"), max_length=255, blank=True)
    result_url = models.CharField(_("địa chỉ kết quả"), max_length=500, blank=True)
    message = models.TextField(_("kết quả"), blank=True)
    error = models.TextField(_("lỗi"), blank=True)
    busy = models.BooleanField(_("máy chủ bận"), default=False)
    created_at = models.DateTimeField(_("yêu cầu lúc"), auto_now_add=True)
    started_at = models.DateTimeField(_("bắt đầu lúc"), null=True, blank=True)
    finished_at = models.DateTimeField(_("xong lúc"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("việc nền")
        verbose_name_plural = _("việc nền")
        indexes = [models.Index(fields=["requested_by", "state"], name="job_requester_state")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def finished(self) -> bool:
        return self.state in FINISHED

    @property
    def has_file(self) -> bool:
        return self.state == JobState.DONE and bool(self.result_name)
