"""A campaign (đợt báo cáo): an outline sent down a subtree, and one report per unit in it.

Rows change only through `baocao.apps.campaigns.actions`, which write the state and its history
(section versions, indicator changes, report events) together in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from baocao.apps.orgs.models import Unit
from baocao.apps.outlines.models import OutlineDocument
from baocao.outline.serialize import load_yaml

if TYPE_CHECKING:
    from baocao.indicators.catalogue import Catalogue
    from baocao.indicators.rules import CompiledRule
    from baocao.outline.model import Outline


@dataclass(frozen=True)
class ParsedOutline:
    """A campaign's outline snapshot with what is derived from it. Shared by every request of a
    process (see `parsed_outline`), so everything reached from here is read-only by contract."""

    outline: Outline
    catalogue: Catalogue
    compiled_rules: list[CompiledRule]
    section_ids: list[str]


@lru_cache(maxsize=16)
def parsed_outline(outline_yaml: str) -> ParsedOutline:
    """Parse a snapshot once per process: parsing and checking it cost about 20 ms, more than
    the rest of an autosave. Keyed by the text itself, so an edited snapshot is parsed afresh."""
    from baocao.indicators.load import validate_catalogue
    from baocao.outline.catalogue import catalogue_of

    outline = load_yaml(outline_yaml)
    catalogue = catalogue_of(outline)
    return ParsedOutline(
        outline=outline,
        catalogue=catalogue,
        compiled_rules=validate_catalogue(catalogue),
        section_ids=[section.id for section, _ in outline.walk()],
    )


class CampaignStatus(models.TextChoices):
    OPEN = "open", _("Đang mở")
    CLOSED = "closed", _("Đã kết thúc")
    ARCHIVED = "archived", _("Đã lưu trữ")


class Campaign(models.Model):
    slug = models.SlugField(_("mã"), max_length=100, unique=True)
    name = models.CharField(_("tên đợt báo cáo"), max_length=500)
    outline = models.ForeignKey(
        OutlineDocument,
        verbose_name=_("đề cương"),
        on_delete=models.PROTECT,
        related_name="campaigns",
    )
    # The outline as it was when the campaign opened: editing the outline later never moves
    # the sections or indicators of reports already being written.
    outline_yaml = models.TextField(_("đề cương khi mở đợt (YAML)"), editable=False)
    root_unit = models.ForeignKey(
        Unit, verbose_name=_("đơn vị chủ trì"), on_delete=models.PROTECT, related_name="+"
    )
    reporting_kinds = models.JSONField(_("loại đơn vị báo cáo"), default=list)
    baseline_year = models.PositiveSmallIntegerField(_("năm gốc"))
    current_year = models.PositiveSmallIntegerField(_("năm hiện tại"))
    deadline = models.DateField(_("hạn nộp"))
    status = models.CharField(
        _("trạng thái"),
        max_length=10,
        choices=CampaignStatus.choices,
        default=CampaignStatus.OPEN,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người mở"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("ngày mở"), auto_now_add=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người kết thúc"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("ngày kết thúc"), null=True, blank=True)
    # When the live roll-up's rows (LiveFigure, LiveCount) were last built whole: by the
    # opening (nothing written yet) or by `live_rollup.rebuild`; kept up to date by the actions
    # since. Empty: never built (a campaign opened before the live roll-up, data written around
    # the actions): consolidated figures are rolled up from the reports until a rebuild.
    live_rollup_at = models.DateTimeField(
        "số liệu tổng hợp tức thời dựng lúc", null=True, blank=True, editable=False
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("đợt báo cáo")
        verbose_name_plural = _("đợt báo cáo")

    def __str__(self) -> str:
        return self.name

    @property
    def is_open(self) -> bool:
        return self.status == CampaignStatus.OPEN

    @property
    def years(self) -> list[int]:
        return [self.baseline_year, self.current_year]

    @property
    def parsed(self) -> ParsedOutline:
        return parsed_outline(self.outline_yaml)

    @property
    def outline_tree(self) -> Outline:
        """The snapshot, parsed once per process; read-only (shared between requests)."""
        return self.parsed.outline

    @property
    def catalogue(self) -> Catalogue:
        return self.parsed.catalogue

    @property
    def compiled_rules(self) -> list[CompiledRule]:
        return self.parsed.compiled_rules

    @property
    def section_ids(self) -> list[str]:
        return self.parsed.section_ids


class ReportStatus(models.TextChoices):
    """A report's state. Everything said about a state lives here and in `STATUS_TABLE` below:
    pages, dashboards, exports, the CLI, the API and e-mails all read it from here. The style
    sheet colours a state by its value (`status--draft`, `dot--draft`)."""

    DRAFT = "draft", _("Đang soạn")
    SUBMITTED = "submitted", _("Đã gửi")
    RETURNED = "returned", _("Bị trả lại")
    ACCEPTED = "accepted", _("Đã duyệt")

    @property
    def queue_label(self) -> str:
        """The state as a superior's queue names it ("Chờ duyệt" for a report sent to them)."""
        return str(STATUS_TABLE[self].queue_label)

    @classmethod
    def in_order(cls) -> list[ReportStatus]:
        """Dashboards' order: the furthest along first."""
        return sorted(cls, key=lambda status: STATUS_TABLE[status].order)


@dataclass(frozen=True)
class StatusInfo:
    queue_label: Any  # a lazy translation
    order: int


STATUS_TABLE: dict[str, StatusInfo] = {
    ReportStatus.ACCEPTED: StatusInfo(_("Đã duyệt"), 0),
    ReportStatus.SUBMITTED: StatusInfo(_("Chờ duyệt"), 1),
    ReportStatus.RETURNED: StatusInfo(_("Bị trả lại"), 2),
    ReportStatus.DRAFT: StatusInfo(_("Đang soạn"), 3),
}


EDITABLE_STATUSES = (ReportStatus.DRAFT, ReportStatus.RETURNED)


class Report(models.Model):
    campaign = models.ForeignKey(
        Campaign, verbose_name=_("đợt báo cáo"), on_delete=models.CASCADE, related_name="reports"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="reports"
    )
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    submitted_at = models.DateTimeField(_("ngày gửi"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("ngày duyệt"), null=True, blank=True)
    # Bumped by every change of status: a submit and a return racing each other cannot both win.
    version = models.PositiveIntegerField(_("phiên bản trạng thái"), default=1)

    class Meta:
        ordering = ["campaign_id", "unit__path"]
        verbose_name = _("báo cáo")
        verbose_name_plural = _("báo cáo")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "unit"], name="report_one_per_unit"),
        ]
        indexes = [models.Index(fields=["campaign", "status"], name="report_campaign_status")]

    def __str__(self) -> str:
        return f"{self.campaign} - {self.unit}"

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES and self.campaign.is_open

    def last_return(self) -> ReportEvent | None:
        """The latest "returned" event: its reason and section comments guide the rewrite."""
        return self.events.filter(to_status=ReportStatus.RETURNED).order_by("-at", "-pk").first()


class SectionText(models.Model):
    """The current text of one section of one report; its history is in SectionVersion."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="sections")
    section_id = models.CharField(_("mục"), max_length=200)
    text = models.TextField(_("nội dung"), blank=True)
    version = models.PositiveIntegerField(_("phiên bản"), default=0)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        verbose_name = _("nội dung mục")
        verbose_name_plural = _("nội dung mục")
        constraints = [
            models.UniqueConstraint(fields=["report", "section_id"], name="section_text_once"),
        ]

    def __str__(self) -> str:
        return f"{self.report} / {self.section_id} v{self.version}"


class SectionVersion(models.Model):
    """Every saved version of a section, kept: restore and "who wrote what" read these."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="section_versions")
    section_id = models.CharField(_("mục"), max_length=200)
    version = models.PositiveIntegerField(_("phiên bản"))
    text = models.TextField(_("nội dung"), blank=True)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    saved_at = models.DateTimeField(_("lưu lúc"), auto_now_add=True)
    note = models.CharField(_("ghi chú"), max_length=200, blank=True)

    class Meta:
        ordering = ["report_id", "section_id", "-version"]
        verbose_name = _("phiên bản nội dung mục")
        verbose_name_plural = _("phiên bản nội dung mục")
        constraints = [
            models.UniqueConstraint(
                fields=["report", "section_id", "version"], name="section_version_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.report} / {self.section_id} v{self.version}"


class IndicatorValue(models.Model):
    """One figure of one report for one year, with the text as typed (a row exists only when
    something was typed; clearing the cell deletes it)."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="indicator_values")
    code = models.CharField(_("mã chỉ tiêu"), max_length=100)
    year = models.PositiveSmallIntegerField(_("năm"))
    value = models.DecimalField(_("giá trị"), max_digits=20, decimal_places=4, null=True)
    raw = models.CharField(_("giá trị đã nhập"), max_length=200, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        verbose_name = _("số liệu chỉ tiêu")
        verbose_name_plural = _("số liệu chỉ tiêu")
        constraints = [
            models.UniqueConstraint(fields=["report", "code", "year"], name="indicator_value_once"),
        ]

    def __str__(self) -> str:
        return f"{self.report} / {self.code} {self.year}: {self.raw}"


class IndicatorChange(models.Model):
    """The history of a figure: every save or clear, with what was typed."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="indicator_changes")
    code = models.CharField(_("mã chỉ tiêu"), max_length=100)
    year = models.PositiveSmallIntegerField(_("năm"))
    value = models.DecimalField(_("giá trị"), max_digits=20, decimal_places=4, null=True)
    raw = models.CharField(_("giá trị đã nhập"), max_length=200, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(_("lúc"), auto_now_add=True)

    class Meta:
        ordering = ["report_id", "-changed_at", "-pk"]
        verbose_name = _("lịch sử số liệu")
        verbose_name_plural = _("lịch sử số liệu")

    def __str__(self) -> str:
        return f"{self.report} / {self.code} {self.year}: {self.raw}"


class ReportEvent(models.Model):
    """The report's timeline: every change of status, who made it and why."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(_("từ trạng thái"), max_length=10, choices=ReportStatus.choices)
    to_status = models.CharField(_("sang trạng thái"), max_length=10, choices=ReportStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thực hiện"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("lúc"), auto_now_add=True)
    reason = models.TextField(_("lý do"), blank=True)
    # {section_id: comment}: the reviewer's remarks, shown beside each section when returned.
    section_comments = models.JSONField(_("nhận xét từng mục"), default=dict, blank=True)

    class Meta:
        ordering = ["report_id", "at", "pk"]
        verbose_name = _("sự kiện báo cáo")
        verbose_name_plural = _("sự kiện báo cáo")

    def __str__(self) -> str:
        return f"{self.report}: {self.from_status} → {self.to_status}"


class ReviewDraft(models.Model):
    """What a reviewer has typed in the return form and not yet sent: saved as they type, so
    following a link and coming back loses nothing; deleted when the report is returned."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="review_drafts")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người duyệt"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    reason = models.TextField(_("lý do"), blank=True)
    # {section_id: comment}, as in ReportEvent.section_comments.
    section_comments = models.JSONField(_("nhận xét từng mục"), default=dict, blank=True)
    updated_at = models.DateTimeField(_("lưu lúc"), auto_now=True)

    class Meta:
        verbose_name = _("nhận xét đang soạn")
        verbose_name_plural = _("nhận xét đang soạn")
        constraints = [
            models.UniqueConstraint(fields=["report", "reviewer"], name="one_review_draft")
        ]

    def __str__(self) -> str:
        return f"{self.report} / {self.reviewer_id}"


class ReminderLog(models.Model):
    """One reminder e-mail sent about a late or returned report: who sent it, to whom, when
    (`baocao.apps.campaigns.reminders`); the dashboard shows the latest beside the unit."""

    class Reason(models.TextChoices):
        LATE = "late", _("Quá hạn chưa gửi")
        RETURNED = "returned", _("Bị trả lại, chưa gửi lại")

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="reminders")
    reason = models.CharField(_("lý do"), max_length=10, choices=Reason.choices)
    recipients = models.JSONField(_("người nhận"), default=list)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người gửi"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    sent_at = models.DateTimeField(_("gửi lúc"), auto_now_add=True)

    class Meta:
        ordering = ["report_id", "-sent_at", "-pk"]
        verbose_name = _("thư nhắc nhở")
        verbose_name_plural = _("thư nhắc nhở")
        indexes = [models.Index(fields=["report", "sent_at"], name="reminder_report_sent")]

    def __str__(self) -> str:
        return f"{self.report} @ {self.sent_at:%d/%m/%Y %H:%M}"


class UploadStatus(models.TextChoices):
    PENDING = "pending", _("Chờ xác nhận")
    CONFIRMED = "confirmed", _("Đã nhập")
    DISCARDED = "discarded", _("Đã bỏ")


class Upload(models.Model):
    """A Word or Excel file sent in for a report (`actions.uploads`): kept as it came, with what
    the ingest found in it, until the writer confirms (its texts and figures become new
    versions of the report's draft) or discards it. The file stays as the report's attachment.

    `data` lives in the database (at most 20 MB, `baocao.officefile.MAX_BYTES`), so a backup of
    the database is a backup of the attachments, on SQLite and PostgreSQL alike; lists of
    uploads must `defer("data", "result")`. `result` is the ingest's finding as JSON (the
    preview's source); `outcome` what a confirm saved (sections, figures, placed content).
    """

    report = models.ForeignKey(
        Report, verbose_name=_("báo cáo"), on_delete=models.CASCADE, related_name="uploads"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người nộp"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("nộp lúc"), auto_now_add=True)
    filename = models.CharField(_("tên tệp"), max_length=255)
    content_type = models.CharField(_("kiểu tệp"), max_length=200)
    size = models.PositiveIntegerField(_("kích thước (byte)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    data = models.BinaryField(_("nội dung tệp"))
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=UploadStatus.choices, default=UploadStatus.PENDING
    )
    result = models.JSONField(_("kết quả đọc tệp"), default=dict)
    outcome = models.JSONField(_("đã nhập"), default=dict, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người xác nhận hoặc bỏ"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("xác nhận hoặc bỏ lúc"), null=True, blank=True)

    class Meta:
        ordering = ["report_id", "-uploaded_at", "-pk"]
        verbose_name = _("tệp nộp")
        verbose_name_plural = _("tệp nộp")
        indexes = [models.Index(fields=["report", "uploaded_at"], name="upload_report_at")]

    def __str__(self) -> str:
        return f"{self.report} / {self.filename}"

    @property
    def is_pending(self) -> bool:
        return self.status == UploadStatus.PENDING


class LiveFigure(models.Model):
    """A unit's consolidated figure for one indicator and year, kept up to date by every figure
    save and status change (`baocao.apps.campaigns.live_rollup`), for one counting mode
    (accepted reports only, or submitted ones too): reading it is a lookup, not a roll-up.

    `own` is the unit's own figure while its report counts (else empty); `children_sum` and
    `children_count` add up the `value` of its direct units that have one; `value` is `own`
    when there is one, else `children_sum` when some unit below gave a figure, else empty.

    Rows that can always be rebuilt from the reports, written a hundred thousand at a time by a
    rebuild: their keys are not constrained in the database (Django still deletes them with
    their campaign or unit) and are indexed once, by the unique constraint."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="+", db_constraint=False, db_index=False
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="+", db_constraint=False, db_index=False
    )
    include_submitted = models.BooleanField(_("tính cả báo cáo đã gửi"))
    code = models.CharField(_("mã chỉ tiêu"), max_length=100)
    year = models.PositiveSmallIntegerField(_("năm"))
    own = models.DecimalField(_("số của đơn vị"), max_digits=30, decimal_places=4, null=True)
    children_sum = models.DecimalField(
        _("tổng các đơn vị trực thuộc"), max_digits=30, decimal_places=4, default=0
    )
    children_count = models.IntegerField(_("số đơn vị trực thuộc có số liệu"), default=0)
    value = models.DecimalField(_("số tổng hợp"), max_digits=30, decimal_places=4, null=True)

    class Meta:
        verbose_name = _("số liệu tổng hợp tức thời")
        verbose_name_plural = _("số liệu tổng hợp tức thời")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "unit", "include_submitted", "code", "year"],
                name="live_figure_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}/{self.unit_id} {self.code} {self.year}: {self.value}"


class LiveCount(models.Model):
    """How many reports of a unit's subtree (its own included) are in each state, kept up to
    date with every status change: the dashboard's tiles, and "counted" in either mode
    (accepted; accepted and submitted), as lookups. Plain integers, not positive ones: rows
    written around the actions (demo data, a restored backup) leave them off until the next
    `baocao rollup rebuild`, and that must never make a review fail."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    draft = models.IntegerField(default=0)
    submitted = models.IntegerField(default=0)
    returned = models.IntegerField(default=0)
    accepted = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("số báo cáo theo trạng thái")
        verbose_name_plural = _("số báo cáo theo trạng thái")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "unit"], name="live_count_once"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}/{self.unit_id}"
