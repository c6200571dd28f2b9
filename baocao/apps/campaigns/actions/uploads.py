"""A Word or Excel file sent in for a report: kept as it came with what the ingest found
(`store_upload`), then confirmed into the report (`confirm_upload`: each chosen section and
figure saved as a new version through `writing`, leaving alone what changed since the preview)
or discarded (`discard_upload`). Each step is audited; a file is decided once.

Files live in the database. What no one confirmed costs space and backups for nothing, so a
unit may keep at most BAOCAO_UPLOAD_QUOTA_MB of files waiting (`store_upload` refuses more,
saying what to do), and `prune_uploads` (`baocao uploads prune`, for cron) deletes the files
still waiting, or discarded, after some days; confirmed files stay as the report's attachments.
"""

from __future__ import annotations

import datetime
import hashlib
import html
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from baocao.apps.audit.log import record
from baocao.apps.campaigns.actions.errors import ActionError, NotAllowed
from baocao.apps.campaigns.actions.locks import lock_editable
from baocao.apps.campaigns.actions.writing import save_indicator, save_section
from baocao.apps.campaigns.models import Report, SectionText, Upload, UploadStatus
from baocao.apps.campaigns.permissions import can_edit_report
from baocao.apps.campaigns.queries import report_figures
from baocao.errors import InputError, gettext_noop
from baocao.indicators.numbers import format_number
from baocao.ingest.result import decimal_of
from baocao.richtext import clean_section_text

__all__ = [
    "Applied",
    "Pruned",
    "SKIP",
    "UploadChoices",
    "UploadDecided",
    "UploadQuotaExceeded",
    "confirm_upload",
    "discard_upload",
    "import_note",
    "prune_uploads",
    "store_upload",
]

SKIP = "-"  # an unplaced piece of content left out, on purpose
MB = 1024 * 1024
PRUNE_BATCH = 50  # files deleted per transaction: SQLite's write lock is held briefly


def import_note(filename: str) -> str:
    """The note on every section version a file wrote: where the text came from."""
    return f"Nhập từ tệp {filename}"


class UploadDecided(ActionError):
    """The file was confirmed or discarded already (by a double click, or another tab)."""

    def __init__(self, upload: Upload):
        super().__init__(gettext_noop("Tệp này đã được xử lý."))
        self.upload = upload


class UploadQuotaExceeded(ActionError):
    """The unit's files waiting for confirmation would pass BAOCAO_UPLOAD_QUOTA_MB."""


def _megabytes(size: int) -> str:
    return f"{format_number(Decimal(size) / MB, 1)} MB"


def _check_quota(report: Report, size: int) -> None:
    quota = settings.BAOCAO_UPLOAD_QUOTA_MB * MB
    if not quota:
        return
    waiting = Upload.objects.filter(report__unit_id=report.unit_id, status=UploadStatus.PENDING)
    held = waiting.aggregate(total=Sum("size"))["total"] or 0
    if held + size > quota:
        raise UploadQuotaExceeded(
            _(
                "Chưa nhận tệp: đơn vị đã có %(held)s tệp nộp đang chờ xác nhận, thêm tệp này "
                "sẽ quá %(quota)s cho mỗi đơn vị. Hãy mở các tệp đã nộp để nhập vào báo cáo "
                "hoặc bỏ những tệp không cần, rồi nộp lại."
            )
            % {"held": _megabytes(held), "quota": _megabytes(quota)}
        )


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
    confirmation; nothing in the report changes yet. UploadQuotaExceeded when the unit's files
    waiting would pass BAOCAO_UPLOAD_QUOTA_MB."""
    locked = lock_editable(report, actor)
    _check_quota(locked, len(data))
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
    section (or SKIP) for each unplaced piece, the figures read from sentences that they
    accepted (by their place in the file's `proposals`), and what the page showed as
    current."""

    sections: set[str] = field(default_factory=set)
    values: set[str] = field(default_factory=set)
    places: dict[int, str] = field(default_factory=dict)
    bases: dict[str, int] = field(default_factory=dict)  # section id -> version shown
    was: dict[str, str] = field(default_factory=dict)  # "code:year" -> figure shown
    proposals: set[int] = field(default_factory=set)  # accepted figures read from sentences


@dataclass
class Applied:
    sections: dict[str, int] = field(default_factory=dict)  # saved: section id -> version
    values: dict[str, str] = field(default_factory=dict)  # saved: "code:year" -> raw
    places: dict[int, str] = field(default_factory=dict)  # placed content -> section or SKIP
    proposals: dict[int, str] = field(default_factory=dict)  # saved: proposal -> raw
    conflicts: dict[str, dict[str, Any]] = field(default_factory=dict)
    value_conflicts: dict[str, str] = field(default_factory=dict)
    proposal_conflicts: dict[int, str] = field(default_factory=dict)

    @property
    def complete(self) -> bool:
        return not self.conflicts and not self.value_conflicts and not self.proposal_conflicts


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
    if applied.proposals or outcome.get("proposals"):
        outcome["proposals"] = {
            **outcome.get("proposals", {}),
            **{str(k): v for k, v in applied.proposals.items()},
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
        proposals=sorted(applied.proposals),
        complete=applied.complete,
    )
    return applied


@transaction.atomic
def discard_upload(report: Report, upload: Upload, actor: Any) -> bool:
    """Leave a pending file out (what it already put in stays). False if it was not pending.
    UploadDecided for a file already confirmed."""
    if not can_edit_report(actor, report):
        raise NotAllowed(gettext_noop("Chỉ người viết báo cáo của đơn vị mới được bỏ tệp đã nộp."))
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


@dataclass
class Pruned:
    """The files `prune_uploads` deleted (or, in a dry run, would delete)."""

    count: int = 0
    size: int = 0  # bytes
    by_status: dict[str, int] = field(default_factory=dict)

    def add(self, size: int, status: str) -> None:
        self.count += 1
        self.size += size
        self.by_status[status] = self.by_status.get(status, 0) + 1


def prune_uploads(days: int, *, dry_run: bool = False, actor: Any = None) -> Pruned:
    """Delete the files received more than `days` days ago that are still waiting for
    confirmation or were discarded; confirmed files stay (the report's attachments). Each
    deletion is audited on its report; PRUNE_BATCH files per transaction, each file locked and
    checked again inside it, so one confirmed meanwhile is kept. `dry_run`: count only."""
    if days < 1:
        raise ActionError(
            gettext_noop("Số ngày phải từ 1 trở lên: tệp vừa nộp có thể đang được xem trước.")
        )
    old = Upload.objects.filter(
        status__in=[UploadStatus.PENDING, UploadStatus.DISCARDED],
        uploaded_at__lt=timezone.now() - datetime.timedelta(days=days),
    )
    pruned = Pruned()
    if dry_run:
        for size, status in old.values_list("size", "status").iterator():
            pruned.add(size, status)
        return pruned
    batch = (
        old.select_for_update(of=("self",))
        .select_related("report__campaign", "report__unit")
        .defer("data", "result", "outcome")
        .order_by("pk")
    )
    while True:
        with transaction.atomic():
            chunk = list(batch[:PRUNE_BATCH])
            for upload in chunk:
                record(
                    actor,
                    "upload.prune",
                    upload.report,
                    upload=upload.pk,
                    filename=upload.filename,
                    size=upload.size,
                    status=upload.status,
                    uploaded_at=upload.uploaded_at,
                    days=days,
                )
                pruned.add(upload.size, upload.status)
            Upload.objects.filter(pk__in=[upload.pk for upload in chunk]).delete()
        if len(chunk) < PRUNE_BATCH:
            return pruned


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
    _apply_proposals(report, upload, choices, actor, stored, applied)
    return applied


def _apply_proposals(
    report: Report,
    upload: Upload,
    choices: UploadChoices,
    actor: Any,
    stored: dict,
    applied: Applied,
) -> None:
    """The figures read from sentences that the writer accepted, each saved like a table
    figure (`save_indicator`) unless the same figure was taken from a table meanwhile or was
    changed since the preview; none is ever saved without being ticked."""
    proposals = (upload.result or {}).get("proposals") or []
    done = {int(k) for k in (upload.outcome or {}).get("proposals", {})}
    for index in sorted(choices.proposals):
        if not 0 <= index < len(proposals) or index in done:
            continue
        proposal = proposals[index]
        code, year = str(proposal.get("code", "")), proposal.get("year")
        value = decimal_of(proposal.get("value"))
        if value is None or not isinstance(year, int):
            continue
        key = f"{code}:{year}"
        if key in applied.values:
            continue  # the table's figure, ticked too, went in
        now = stored.get((code, year))
        if (now.raw if now else "") != choices.was.get(key, ""):
            applied.proposal_conflicts[index] = _(
                "Số liệu này vừa được sửa thành “%(raw)s” sau khi bạn mở trang xem trước; chưa "
                "ghi đè."
            ) % {"raw": now.raw if now else ""}
            continue
        try:
            saved = save_indicator(report, code, year, format_number(value), actor)
        except NotAllowed:
            raise
        except InputError as error:
            applied.proposal_conflicts[index] = error.message
            continue
        applied.proposals[index] = saved.raw
        applied.values[key] = saved.raw
