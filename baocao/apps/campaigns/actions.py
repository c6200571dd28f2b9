"""Every change to a campaign and its reports, one function each.

Each action checks who may do it, writes its rows and their history (section versions,
indicator changes, report events) and its audit entry (`baocao.apps.audit`: who, what, from
which address) in one transaction, and refuses with an `ActionError`
whose message a union officer can read. Views, CLI commands and the API call these functions
and nothing else, so the rules cannot drift between them.

Concurrency: a report's row is locked (SELECT ... FOR UPDATE on PostgreSQL; SQLite takes its
write lock at BEGIN) and every write is also conditional on the version the caller saw, so two
saves of a section, or a submit racing a return, can never both win; the loser is told so.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify

from baocao.apps.audit.log import record
from baocao.apps.campaigns.checks import check_report
from baocao.apps.campaigns.models import (
    EDITABLE_STATUSES,
    Campaign,
    CampaignStatus,
    IndicatorChange,
    IndicatorValue,
    Report,
    ReportEvent,
    ReportStatus,
    SectionText,
    SectionVersion,
)
from baocao.apps.campaigns.permissions import (
    can_edit_report,
    can_open_campaign,
    can_review_report,
)
from baocao.apps.orgs.models import Unit, UnitKind
from baocao.errors import InputError
from baocao.indicators.catalogue import Indicator
from baocao.indicators.load import catalogue_of
from baocao.indicators.numbers import format_number, parse_number
from baocao.richtext import clean_section_text
from baocao.text import clean_line, fold, nfc

CLOSED = "Đợt báo cáo đã kết thúc, không thể sửa."
STALE = "Báo cáo vừa được người khác thay đổi, hãy tải lại trang."
MAX_RAW = 200
MAX_DECIMALS = 4
MAX_WHOLE = Decimal(10) ** 16


class ActionError(InputError):
    """An action refused; the message says why and what to do, in Vietnamese."""


class NotAllowed(ActionError):
    """The user's unit or roles do not allow this action (a view answers 403)."""


class StaleReport(ActionError):
    """The report changed since the user loaded it (a view answers 409 and offers a reload)."""


# --- Campaigns ---------------------------------------------------------------------------


@transaction.atomic
def open_campaign(
    outline_document: Any,
    root_unit: Unit,
    *,
    kinds: list[str],
    deadline: datetime.date,
    actor: Any,
    name: str = "",
    slug: str = "",
    baseline_year: int | None = None,
    current_year: int | None = None,
) -> Campaign:
    """Send an outline down `root_unit`'s subtree: one draft report per unit of `kinds`.

    The outline's YAML is copied into the campaign, so later edits of the outline never move
    the sections under reports already being written. Years default to the outline's.
    """
    if not can_open_campaign(actor, root_unit):
        raise NotAllowed(
            "Chỉ cán bộ tổng hợp hoặc quản trị của đơn vị chủ trì mới được mở đợt báo cáo."
        )
    kinds = _checked_kinds(kinds)
    outline = outline_document.outline()  # InputError: the outline must be fixed first
    catalogue_of(outline)  # likewise for its indicators and rules
    baseline = baseline_year or outline.years.get("baseline")
    current = current_year or outline.years.get("current")
    if not baseline or not current:
        raise ActionError("Hãy nhập năm gốc và năm hiện tại của đợt báo cáo (ví dụ 2008 và 2017).")
    if int(baseline) >= int(current):
        raise ActionError("Năm gốc phải trước năm hiện tại.")
    if not isinstance(deadline, datetime.date):
        raise ActionError("Hãy nhập hạn nộp báo cáo (ngày/tháng/năm).")
    name = clean_line(name)[:500] or outline.title[:500]
    slug = _campaign_slug(slug, name, int(current))

    unit_ids = list(
        Unit.objects.subtree(root_unit).filter(kind__in=kinds).values_list("pk", flat=True)
    )
    if not unit_ids:
        raise ActionError(
            f"Không có đơn vị nào thuộc loại đã chọn trong {root_unit.name}; "
            "hãy chọn loại đơn vị khác hoặc nhập danh sách đơn vị trước."
        )
    try:
        with transaction.atomic():
            campaign = Campaign.objects.create(
                slug=slug,
                name=name,
                outline=outline_document,
                outline_yaml=outline_document.yaml_text,
                root_unit=root_unit,
                reporting_kinds=kinds,
                baseline_year=int(baseline),
                current_year=int(current),
                deadline=deadline,
                created_by=actor,
            )
    except IntegrityError:
        raise ActionError(f'Mã "{slug}" đã được dùng cho một đợt báo cáo khác.') from None
    Report.objects.bulk_create(
        [Report(campaign=campaign, unit_id=unit_id) for unit_id in unit_ids], batch_size=1000
    )
    record(
        actor, "campaign.open", campaign, root=root_unit.code, kinds=kinds, reports=len(unit_ids)
    )
    return campaign


@transaction.atomic
def close_campaign(campaign: Campaign, actor: Any) -> Campaign:
    """Make the campaign read-only: no report can be edited, submitted or reviewed after."""
    if not can_open_campaign(actor, campaign.root_unit):
        raise NotAllowed(
            "Chỉ cán bộ tổng hợp hoặc quản trị của đơn vị chủ trì mới được kết thúc đợt báo cáo."
        )
    locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if locked.status != CampaignStatus.CLOSED:
        now = timezone.now()
        Campaign.objects.filter(pk=campaign.pk).update(
            status=CampaignStatus.CLOSED, closed_by=actor, closed_at=now
        )
        locked.status, locked.closed_by, locked.closed_at = CampaignStatus.CLOSED, actor, now
        record(actor, "campaign.close", locked)
    campaign.status, campaign.closed_by, campaign.closed_at = (
        locked.status,
        locked.closed_by,
        locked.closed_at,
    )
    return campaign


def _checked_kinds(kinds: list[str]) -> list[str]:
    valid = dict(UnitKind.choices)
    kinds = list(dict.fromkeys(str(kind) for kind in kinds or ()))
    unknown = [kind for kind in kinds if kind not in valid]
    if not kinds or unknown:
        names = "; ".join(f"{value} ({label})" for value, label in valid.items())
        raise ActionError(f"Hãy chọn loại đơn vị phải báo cáo trong số: {names}.")
    return kinds


def _campaign_slug(slug: str, name: str, year: int) -> str:
    if slug:
        slug = slug.strip()
        if not re.fullmatch(r"[-a-zA-Z0-9_]{1,100}", slug):
            raise ActionError(
                f'Mã "{slug}" không hợp lệ: chỉ dùng chữ không dấu, số và "-", ví dụ nq20-2017.'
            )
        if Campaign.objects.filter(slug=slug).exists():
            raise ActionError(f'Mã "{slug}" đã được dùng cho một đợt báo cáo khác.')
        return slug
    base = f"{slugify(fold(name))[:80].strip('-') or 'dot-bao-cao'}-{year}"
    taken = set(Campaign.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    candidate, number = base, 2
    while candidate in taken:
        candidate, number = f"{base}-{number}", number + 1
    return candidate


# --- Writing: sections ---------------------------------------------------------------------


@dataclass(frozen=True)
class Conflict:
    """Someone saved the section since the writer loaded it: both texts, so nothing is lost."""

    their_text: str
    their_version: int
    their_author: str
    their_saved_at: datetime.datetime | None
    your_text: str


@dataclass(frozen=True)
class SaveResult:
    saved: bool
    version: int
    conflict: Conflict | None = None
    text: str = ""  # the text as stored (sanitised) when saved


@transaction.atomic
def save_section(
    report: Report,
    section_id: str,
    text: str,
    base_version: int,
    actor: Any,
    *,
    note: str = "",
) -> SaveResult:
    """Save a section's text if nobody saved it since `base_version` (0: never saved).

    The text is sanitised (paragraphs and lists only) and NFC-normalised; saving the text
    already stored changes nothing. After a conflict the editor shows both texts and saves the
    merge with base_version=conflict.their_version (note: e.g. "Gộp sau khi trùng sửa").
    """
    locked = _lock_editable(report, actor)
    _check_section(locked.campaign, section_id)
    text = clean_section_text(text)
    return _write_section(locked, section_id, text, base_version, actor, note, "section.save")


@transaction.atomic
def restore_section_version(
    report: Report, section_id: str, version: int, actor: Any
) -> SaveResult:
    """Bring back an earlier version's text, as a new version (history is never rewritten)."""
    locked = _lock_editable(report, actor)
    _check_section(locked.campaign, section_id)
    old = SectionVersion.objects.filter(
        report=locked, section_id=section_id, version=version
    ).first()
    if old is None:
        raise ActionError(f"Không tìm thấy phiên bản {version} của mục này.")
    current = SectionText.objects.filter(report=locked, section_id=section_id).first()
    return _write_section(
        locked,
        section_id,
        old.text,
        current.version if current else 0,
        actor,
        f"Khôi phục từ phiên bản {version}",
        "section.restore",
    )


def _write_section(
    report: Report,
    section_id: str,
    text: str,
    base_version: int,
    actor: Any,
    note: str,
    verb: str,
) -> SaveResult:
    current = (
        SectionText.objects.filter(report=report, section_id=section_id)
        .select_related("updated_by")
        .first()
    )
    current_version = current.version if current else 0
    if text == (current.text if current else ""):  # nothing new: no version, no conflict
        return SaveResult(True, current_version, text=text)
    if base_version != current_version:
        return SaveResult(False, current_version, _conflict(current, text))
    version = base_version + 1
    now = timezone.now()
    if current is None:
        try:
            with transaction.atomic():
                SectionText.objects.create(
                    report=report, section_id=section_id, text=text, version=1, updated_by=actor
                )
        except IntegrityError:  # a first save racing another first save: theirs won
            return _lost(report, section_id, text)
    else:
        won = SectionText.objects.filter(pk=current.pk, version=base_version).update(
            text=text, version=version, updated_by=actor, updated_at=now
        )
        if not won:
            return _lost(report, section_id, text)
    SectionVersion.objects.create(
        report=report,
        section_id=section_id,
        version=version,
        text=text,
        saved_by=actor,
        note=clean_line(note)[:200],
    )
    record(actor, verb, report, section=section_id, version=version, note=note, chars=len(text))
    return SaveResult(True, version, text=text)


def _lost(report: Report, section_id: str, text: str) -> SaveResult:
    current = (
        SectionText.objects.filter(report=report, section_id=section_id)
        .select_related("updated_by")
        .get()
    )
    return SaveResult(False, current.version, _conflict(current, text))


def _conflict(current: SectionText | None, your_text: str) -> Conflict:
    if current is None:  # the caller claimed a version that was never saved
        return Conflict("", 0, "", None, your_text)
    return Conflict(
        their_text=current.text,
        their_version=current.version,
        their_author=display_name(current.updated_by),
        their_saved_at=current.updated_at,
        your_text=your_text,
    )


def _check_section(campaign: Campaign, section_id: str) -> None:
    if section_id not in campaign.section_ids:
        raise ActionError(f'Đề cương của đợt báo cáo không có mục "{section_id}".')


# --- Writing: indicators -------------------------------------------------------------------


@dataclass(frozen=True)
class IndicatorResult:
    """What was stored: the value as understood (None when cleared or for text indicators),
    the text as typed, and a note when the number could be read two ways."""

    value: Decimal | None
    raw: str
    note: str = ""

    @property
    def ambiguous(self) -> bool:
        return bool(self.note)


@transaction.atomic
def save_indicator(
    report: Report, code: str, year: int, raw_text: str, actor: Any
) -> IndicatorResult:
    """Store one figure as typed ("1.234", "1,2", "") for one year.

    A text that is not a number is refused with the reader's message and nothing changes (the
    editor keeps what was typed, so it is not lost); an empty text clears the figure.
    """
    locked = _lock_editable(report, actor)
    campaign = locked.campaign
    indicator = campaign.catalogue.by_code.get(code)
    if indicator is None:
        raise ActionError(f'Đề cương của đợt báo cáo không có chỉ tiêu "{code}".')
    if indicator.derived:
        raise ActionError(f'"{indicator.name}" được tính tự động từ các chỉ tiêu khác.')
    try:
        year = int(year)
    except (TypeError, ValueError):
        year = 0
    if year not in campaign.years:
        raise ActionError(
            f"Đợt báo cáo này chỉ nhận số liệu năm {campaign.baseline_year} "
            f"và năm {campaign.current_year}."
        )
    raw = clean_line(raw_text or "")
    if len(raw) > MAX_RAW:
        raise ActionError(f"Ô số liệu chỉ nhận tối đa {MAX_RAW} ký tự.")
    existing = IndicatorValue.objects.filter(report=locked, code=code, year=year).first()
    if not raw:
        if existing is not None:
            existing.delete()
            IndicatorChange.objects.create(
                report=locked, code=code, year=year, value=None, raw="", changed_by=actor
            )
            record(actor, "indicator.save", locked, code=code, year=year, raw="", value=None)
        return IndicatorResult(None, "")
    value, note = (None, "") if not indicator.numeric else read_figure(indicator, raw)
    if existing is not None and (existing.raw, existing.value) == (raw, value):
        return IndicatorResult(value, raw, note)
    IndicatorValue.objects.update_or_create(
        report=locked,
        code=code,
        year=year,
        defaults={"value": value, "raw": raw, "updated_by": actor},
    )
    IndicatorChange.objects.create(
        report=locked, code=code, year=year, value=value, raw=raw, changed_by=actor
    )
    record(actor, "indicator.save", locked, code=code, year=year, raw=raw, value=value)
    return IndicatorResult(value, raw, note)


def read_figure(indicator: Indicator, raw: str) -> tuple[Decimal, str]:
    """The number typed for `indicator`, and a note when it could be read another way.

    A count has no decimals, so "1,234" typed for members is 1234 (English style), said in the
    note, and "1.234" needs no note at all; for money "1,234" stays 1,234 (Vietnamese style)
    with the note. InputError for what is not a number or cannot be this indicator's figure.
    """
    parsed = parse_number(raw)
    value, note = parsed.value, parsed.note
    if parsed.is_percent and indicator.type != "percent":
        raise ActionError(
            f'"{indicator.name}" tính bằng {indicator.unit}, không phải tỷ lệ %; hãy bỏ dấu %.'
        )
    if indicator.type == "count":
        if parsed.ambiguous:
            other = parse_number(raw, "en").value
            if _whole(value) and not _whole(other):
                note = ""
            elif _whole(other) and not _whole(value):
                value = other
                note = (
                    f'Đã hiểu "{raw}" là {format_number(value)} vì "{indicator.name}" là số '
                    "đếm, không có phần thập phân. Nếu không đúng, hãy nhập lại."
                )
        if not _whole(value):
            raise ActionError(
                f'"{indicator.name}" là số đếm, không có phần thập phân; hãy nhập lại "{raw}".'
            )
    if value.as_tuple().exponent < -MAX_DECIMALS:  # type: ignore[operator]
        raise ActionError(f'Số "{raw}" có quá {MAX_DECIMALS} chữ số thập phân; hãy làm tròn.')
    if abs(value) >= MAX_WHOLE:
        raise ActionError(f'Số "{raw}" quá lớn; hãy kiểm tra lại.')
    return value, note


def _whole(value: Decimal) -> bool:
    return value == value.to_integral_value()


# --- Review --------------------------------------------------------------------------------


@transaction.atomic
def submit(report: Report, actor: Any, expected_version: int) -> Report:
    """Send the report to the parent unit; refused while a hard rule fails."""
    locked = _lock(report)
    if not can_edit_report(actor, locked):
        raise NotAllowed("Chỉ người viết báo cáo của đơn vị mới được gửi báo cáo này.")
    _check_open(locked)
    if locked.status == ReportStatus.SUBMITTED:
        raise ActionError(f"Báo cáo đã được gửi lúc {_when(locked.submitted_at)}.")
    if locked.status == ReportStatus.ACCEPTED:
        raise ActionError(f"Báo cáo đã được duyệt lúc {_when(locked.accepted_at)}.")
    _check_version(locked, expected_version)
    violations = check_report(locked).hard_violations
    if violations:
        lines = "\n".join(f"- {violation.message}" for violation in violations)
        raise ActionError(f"Chưa gửi được báo cáo vì số liệu chưa hợp lệ:\n{lines}")
    _change_status(report, locked, ReportStatus.SUBMITTED, actor, submitted_at=timezone.now())
    record(actor, "report.submit", locked, version=locked.version)
    return report


@transaction.atomic
def return_report(
    report: Report,
    actor: Any,
    reason: str,
    section_comments: dict[str, str] | None = None,
    *,
    expected_version: int,
) -> Report:
    """Send a submitted report back to its unit with a reason and remarks on its sections."""
    locked = _lock_reviewable(report, actor, expected_version, ReportStatus.SUBMITTED)
    reason = nfc(reason or "").strip()
    comments = {}
    for section_id, comment in (section_comments or {}).items():
        _check_section(locked.campaign, section_id)
        comment = nfc(comment or "").strip()
        if comment:
            comments[section_id] = comment
    if not reason and not comments:
        raise ActionError("Hãy ghi lý do trả lại hoặc nhận xét ít nhất một mục.")
    _change_status(report, locked, ReportStatus.RETURNED, actor, reason=reason, comments=comments)
    record(actor, "report.return", locked, reason=reason, comments=comments)
    return report


@transaction.atomic
def accept(report: Report, actor: Any, expected_version: int) -> Report:
    locked = _lock_reviewable(report, actor, expected_version, ReportStatus.SUBMITTED)
    _change_status(report, locked, ReportStatus.ACCEPTED, actor, accepted_at=timezone.now())
    record(actor, "report.accept", locked)
    return report


@transaction.atomic
def reopen(
    report: Report, actor: Any, reason: str, *, expected_version: int | None = None
) -> Report:
    """Send an accepted report back for correction (it becomes "returned")."""
    locked = _lock_reviewable(report, actor, expected_version, ReportStatus.ACCEPTED)
    reason = nfc(reason or "").strip()
    if not reason:
        raise ActionError("Hãy ghi lý do mở lại báo cáo đã duyệt.")
    _change_status(report, locked, ReportStatus.RETURNED, actor, reason=reason, accepted_at=None)
    record(actor, "report.reopen", locked, reason=reason)
    return report


def _lock_reviewable(
    report: Report, actor: Any, expected_version: int | None, required: str
) -> Report:
    locked = _lock(report)
    if not can_review_report(actor, locked):
        raise NotAllowed("Chỉ người duyệt của đơn vị cấp trên mới được duyệt báo cáo này.")
    _check_open(locked)
    if expected_version is not None:
        _check_version(locked, expected_version)
    if locked.status != required:
        raise ActionError(
            f'Báo cáo đang ở trạng thái "{locked.get_status_display()}", '
            f'không phải "{ReportStatus(required).label}".'
        )
    return locked


def _change_status(
    report: Report,
    locked: Report,
    to_status: str,
    actor: Any,
    *,
    reason: str = "",
    comments: dict[str, str] | None = None,
    **fields: Any,
) -> Report:
    """Move the report to `to_status` if its version is still the one checked; record it."""
    changed = Report.objects.filter(pk=locked.pk, version=locked.version).update(
        status=to_status, version=F("version") + 1, **fields
    )
    if changed != 1:
        raise StaleReport(STALE)
    ReportEvent.objects.create(
        report=locked,
        from_status=locked.status,
        to_status=to_status,
        actor=actor,
        reason=reason,
        section_comments=comments or {},
    )
    # The caller's instance follows, as Django's own save() would leave it.
    for target in {id(report): report, id(locked): locked}.values():
        target.status, target.version = to_status, locked.version + 1
        for name, value in fields.items():
            setattr(target, name, value)
    return report


# --- Locks and checks shared by the actions ------------------------------------------------


def _lock(report: Report) -> Report:
    """The report's row, locked until the transaction ends, with its campaign and unit."""
    locked = (
        Report.objects.select_for_update(of=("self",))
        .select_related("campaign", "unit")
        .get(pk=report.pk)
    )
    return locked


def _lock_editable(report: Report, actor: Any) -> Report:
    locked = _lock(report)
    if not can_edit_report(actor, locked):
        raise NotAllowed("Chỉ người viết báo cáo của đơn vị mới được sửa báo cáo này.")
    _check_open(locked)
    if locked.status not in EDITABLE_STATUSES:
        when = locked.submitted_at if locked.status == ReportStatus.SUBMITTED else None
        sent = f" lúc {_when(when)}" if when else ""
        raise ActionError(
            f'Báo cáo đang ở trạng thái "{locked.get_status_display()}"{sent}, không thể sửa. '
            "Nếu cần sửa, hãy đề nghị cấp trên trả lại báo cáo."
        )
    return locked


def _check_open(report: Report) -> None:
    if report.campaign.status != CampaignStatus.OPEN:
        raise ActionError(CLOSED)


def _check_version(report: Report, expected_version: int) -> None:
    if report.version != expected_version:
        raise StaleReport(STALE)


def _when(moment: datetime.datetime | None) -> str:
    if moment is None:
        return "trước đó"
    return timezone.localtime(moment).strftime("%H:%M ngày %d/%m/%Y")


def display_name(user: Any) -> str:
    """How a person is named to others: full name, else login name."""
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()
