"""Writing a report: a section's text (with optimistic locking, so two writers never lose each
other's text) and its figures, each saved with its history and audit entry."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from baocao.apps.audit.log import record
from baocao.apps.campaigns import live_rollup
from baocao.apps.campaigns.actions.errors import ActionError, FigureMoved
from baocao.apps.campaigns.actions.locks import check_section, lock_editable
from baocao.apps.campaigns.models import (
    IndicatorChange,
    IndicatorValue,
    Report,
    SectionText,
    SectionVersion,
)
from baocao.apps.orgs.people import display_name
from baocao.errors import Said, gettext_noop
from baocao.indicators.reading import read_figure
from baocao.richtext import clean_section_text
from baocao.text import clean_line

__all__ = [
    "Conflict",
    "IndicatorResult",
    "SaveResult",
    "read_figure",
    "restore_section_version",
    "save_indicator",
    "save_section",
]

MAX_RAW = 200


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

    The text is sanitised (`richtext.clean_section_text`) and NFC-normalised; saving the text
    already stored changes nothing. After a conflict the editor shows both texts and saves the
    merge with base_version=conflict.their_version (note: e.g. "Gộp sau khi trùng sửa").
    """
    locked = lock_editable(report, actor)
    check_section(locked.campaign, section_id)
    text = clean_section_text(text)
    return _write_section(locked, section_id, text, base_version, actor, note, "section.save")


@transaction.atomic
def restore_section_version(
    report: Report, section_id: str, version: int, actor: Any
) -> SaveResult:
    """Bring back an earlier version's text, as a new version (history is never rewritten)."""
    locked = lock_editable(report, actor)
    check_section(locked.campaign, section_id)
    old = SectionVersion.objects.filter(
        report=locked, section_id=section_id, version=version
    ).first()
    if old is None:
        raise ActionError(
            gettext_noop("Không tìm thấy phiên bản {version} của mục này."), version=version
        )
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
    report: Report,
    code: str,
    year: int,
    raw_text: str,
    actor: Any,
    *,
    source: str = "",
    expected: str | None = None,
) -> IndicatorResult:
    """Store one figure as typed ("1.234", "1,2", "") for one year (`source`, in the audit
    entry: where the figure came from when not typed, e.g. "Lấy số liệu tổng hợp").

    A text that is not a number is refused with the reader's message and nothing changes (the
    editor keeps what was typed, so it is not lost); an empty text clears the figure.
    `expected`: what the cell held when the person started typing (the page's copy); when
    someone else has changed it since, `FigureMoved` is raised and nothing is written, so the
    later of two people editing one figure sees the other's value instead of overwriting it.
    """
    locked = lock_editable(report, actor)
    campaign = locked.campaign
    indicator = campaign.catalogue.by_code.get(code)
    if indicator is None:
        raise ActionError(
            gettext_noop('Đề cương của đợt báo cáo không có chỉ tiêu "{code}".'), code=code
        )
    if indicator.derived:
        raise ActionError(
            gettext_noop('"{name}" được tính tự động từ các chỉ tiêu khác.'), name=indicator.name
        )
    try:
        year = int(year)
    except (TypeError, ValueError):
        year = 0
    if year not in campaign.years:
        raise ActionError(
            gettext_noop("Đợt báo cáo này chỉ nhận số liệu năm {baseline} và năm {current}."),
            baseline=campaign.baseline_year,
            current=campaign.current_year,
        )
    raw = clean_line(raw_text or "")
    if len(raw) > MAX_RAW:
        raise ActionError(gettext_noop("Ô số liệu chỉ nhận tối đa {limit} ký tự."), limit=MAX_RAW)
    existing = (
        IndicatorValue.objects.select_related("updated_by")
        .filter(report=locked, code=code, year=year)
        .first()
    )
    _check_not_moved(existing, raw, expected)
    if not raw:
        if existing is not None:
            existing.delete()
            live_rollup.apply_figure_change(locked, code, year, existing.value, None)
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
    live_rollup.apply_figure_change(locked, code, year, existing and existing.value, value)
    IndicatorChange.objects.create(
        report=locked, code=code, year=year, value=value, raw=raw, changed_by=actor
    )
    came_from = {"source": source} if source else {}
    record(actor, "indicator.save", locked, code=code, year=year, raw=raw, value=value, **came_from)
    return IndicatorResult(value, raw, note)


def _check_not_moved(existing: IndicatorValue | None, raw: str, expected: str | None) -> None:
    """Refuse a figure typed over a value that changed after the person's page showed it."""
    if expected is None:
        return
    current = existing.raw if existing is not None else ""
    if clean_line(expected) == current or raw == current:
        return
    by = display_name(existing.updated_by) if existing is not None else ""
    typed = raw or Said(gettext_noop("(để trống)"))
    if current:
        message = Said(
            gettext_noop(
                "Ô này vừa được {by} sửa thành “{current}” sau khi bạn mở trang; "
                "số bạn nhập “{typed}” chưa được lưu. "
                "Nếu vẫn muốn dùng số của bạn, hãy bấm “Lưu số liệu”."
            ),
            by=by or Said(gettext_noop("người khác")),
            current=current,
            typed=typed,
        )
    else:
        message = Said(
            gettext_noop(
                "Ô này vừa được người khác xoá sau khi bạn mở trang; "
                "số bạn nhập “{typed}” chưa được lưu. "
                "Nếu vẫn muốn dùng số của bạn, hãy bấm “Lưu số liệu”."
            ),
            typed=typed,
        )
    raise FigureMoved(message, current=current, by=by)
