"""A Word or Excel file sent in for a report: kept as it came with what the ingest found
(`store_upload`), then confirmed into the report (`confirm_upload`: each chosen section and
figure saved as a new version through `writing`, leaving alone what changed since the preview)
or discarded (`discard_upload`). Each step is audited; a file is decided once.
"""

from __future__ import annotations

import hashlib
import html
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from baocao.apps.audit.log import record
from baocao.apps.campaigns.actions.errors import ActionError, NotAllowed
from baocao.apps.campaigns.actions.locks import lock_editable
from baocao.apps.campaigns.actions.writing import save_indicator, save_section
from baocao.apps.campaigns.models import Report, SectionText, Upload, UploadStatus
from baocao.apps.campaigns.permissions import can_edit_report
from baocao.apps.campaigns.queries import report_figures
from baocao.errors import InputError
from baocao.indicators.numbers import format_number
from baocao.ingest.result import decimal_of
from baocao.richtext import clean_section_text

__all__ = [
    "Applied",
    "SKIP",
    "UploadChoices",
    "UploadDecided",
    "confirm_upload",
    "discard_upload",
    "import_note",
    "store_upload",
]

SKIP = "-"  # an unplaced piece of content left out, on purpose


def import_note(filename: str) -> str:
    """The note on every section version a file wrote: where the text came from."""
    return f"Nhập từ tệp {filename}"


class UploadDecided(ActionError):
    """The file was confirmed or discarded already (by a double click, or another tab)."""

    def __init__(self, upload: Upload):
        super().__init__("Tệp này đã được xử lý.")
        self.upload = upload


@transaction.atomic
def store_upload(
    report: Report,
    actor: Any,
    *,
    filename: str,
    data: bytes,
    content_type: str,
    found: dict[str, Any],
) -> Upload:
    """Keep a file read by the ingest (`found`: what it found, as JSON), pending the writer's
    confirmation; nothing in the report changes yet."""
    locked = lock_editable(report, actor)
    upload = Upload.objects.create(
        report=locked,
        uploaded_by=actor,
        filename=filename,
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        data=data,
        result=found,
    )
    record(
        actor,
        "upload.receive",
        locked,
        upload=upload.pk,
        filename=filename,
        size=len(data),
        sha256=upload.sha256,
    )
    return upload


@dataclass
class UploadChoices:
    """What the writer chose on the preview: sections and figures ("code:year") to import, a
    section (or SKIP) for each unplaced piece, and what the page showed as current."""

    sections: set[str] = field(default_factory=set)
    values: set[str] = field(default_factory=set)
    places: dict[int, str] = field(default_factory=dict)
    bases: dict[str, int] = field(default_factory=dict)  # section id -> version shown
    was: dict[str, str] = field(default_factory=dict)  # "code:year" -> figure shown


@dataclass
class Applied:
    sections: dict[str, int] = field(default_factory=dict)  # saved: section id -> version
    values: dict[str, str] = field(default_factory=dict)  # saved: "code:year" -> raw
    places: dict[int, str] = field(default_factory=dict)  # placed content -> section or SKIP
    conflicts: dict[str, dict[str, Any]] = field(default_factory=dict)
    value_conflicts: dict[str, str] = field(default_factory=dict)

    @property
    def complete(self) -> bool:
        return not self.conflicts and not self.value_conflicts


@transaction.atomic
def confirm_upload(report: Report, upload: Upload, choices: UploadChoices, actor: Any) -> Applied:
    """Write the chosen sections and figures; what changed since the preview is left alone and
    named in the result, and the file stays pending until everything chosen went in.
    UploadDecided when the file was confirmed or discarded meanwhile."""
    locked_report = lock_editable(report, actor)
    locked = Upload.objects.select_for_update().defer("data").get(pk=upload.pk)
    if locked.status != UploadStatus.PENDING:  # a second confirm racing the first
        raise UploadDecided(locked)
    applied = _apply(locked_report, locked, choices, actor)
    outcome = dict(locked.outcome or {})
    outcome["sections"] = {**outcome.get("sections", {}), **applied.sections}
    outcome["values"] = {**outcome.get("values", {}), **applied.values}
    outcome["places"] = {
        **outcome.get("places", {}),
        **{str(k): v for k, v in applied.places.items()},
    }
    locked.outcome = outcome
    fields = ["outcome"]
    if applied.complete:
        locked.status = UploadStatus.CONFIRMED
        locked.decided_by = actor
        locked.decided_at = timezone.now()
        fields += ["status", "decided_by", "decided_at"]
    locked.save(update_fields=fields)
    upload.outcome, upload.status = locked.outcome, locked.status
    upload.decided_by, upload.decided_at = locked.decided_by, locked.decided_at
    record(
        actor,
        "upload.confirm",
        locked_report,
        upload=upload.pk,
        filename=upload.filename,
        sections=sorted(applied.sections),
        values=sorted(applied.values),
        complete=applied.complete,
    )
    return applied


@transaction.atomic
def discard_upload(report: Report, upload: Upload, actor: Any) -> bool:
    """Leave a pending file out (what it already put in stays). False if it was not pending.
    UploadDecided for a file already confirmed."""
    if not can_edit_report(actor, report):
        raise NotAllowed("Chỉ người viết báo cáo của đơn vị mới được bỏ tệp đã nộp.")
    locked = Upload.objects.select_for_update().defer("data").get(pk=upload.pk)
    if locked.status == UploadStatus.CONFIRMED:
        raise UploadDecided(locked)
    if locked.status != UploadStatus.PENDING:
        return False
    locked.status, locked.decided_by, locked.decided_at = (
        UploadStatus.DISCARDED,
        actor,
        timezone.now(),
    )
    locked.save(update_fields=["status", "decided_by", "decided_at"])
    upload.status = locked.status
    record(actor, "upload.discard", report, upload=upload.pk, filename=upload.filename)
    return True


def _apply(report: Report, upload: Upload, choices: UploadChoices, actor: Any) -> Applied:
    data = upload.result or {}
    found = data.get("sections") or {}
    done_places = {int(k) for k in (upload.outcome or {}).get("places", {})}
    applied = Applied()
    extra: dict[str, list[int]] = {}
    for index, _text in enumerate(data.get("unassigned") or []):
        if index in done_places:
            continue
        choice = choices.places.get(index, "")
        if choice == SKIP:
            applied.places[index] = SKIP
        else:
            extra.setdefault(choice, []).append(index)
    unassigned = data.get("unassigned") or []
    chosen = [sid for sid in report.campaign.section_ids if sid in choices.sections or sid in extra]
    current = {
        text.section_id: text.text
        for text in SectionText.objects.filter(report=report, section_id__in=chosen)
    }
    note = import_note(upload.filename)
    for sid in chosen:
        text = found.get(sid, "") if sid in choices.sections else current.get(sid, "")
        added = "".join(
            f"<p>{html.escape(unassigned[i], quote=False)}</p>" for i in extra.get(sid, [])
        )
        result = save_section(
            report, sid, text + added, choices.bases.get(sid, 0), actor, note=note
        )
        if result.conflict is not None:
            conflict = result.conflict
            applied.conflicts[sid] = {
                "their_text": clean_section_text(conflict.their_text),
                "their_author": conflict.their_author,
                "their_saved_at": timezone.localtime(conflict.their_saved_at)
                if conflict.their_saved_at
                else None,
                "your_text": clean_section_text(conflict.your_text),
            }
            continue
        if sid in choices.sections:
            applied.sections[sid] = result.version
        for index in extra.get(sid, []):
            applied.places[index] = sid

    stored = report_figures(report)
    found_values = data.get("indicators") or {}
    for key in sorted(choices.values):
        code, _sep, year = key.rpartition(":")
        text = (found_values.get(code) or {}).get(year)
        value = decimal_of(text) if text is not None else None
        if value is None or not year.isdigit():
            continue
        now = stored.get((code, int(year)))
        if (now.raw if now else "") != choices.was.get(key, ""):
            applied.value_conflicts[key] = _(
                "Số liệu này vừa được sửa thành “%(raw)s” sau khi bạn mở trang xem trước; chưa "
                "ghi đè."
            ) % {"raw": now.raw if now else ""}
            continue
        try:
            saved = save_indicator(report, code, int(year), format_number(value), actor)
        except NotAllowed:
            raise
        except InputError as error:
            applied.value_conflicts[key] = error.message
            continue
        applied.values[key] = saved.raw
    return applied
