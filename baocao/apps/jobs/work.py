"""What each kind of job does (`WORK`), and when a request hands its work to a job.

- `report_file`: a report's PDF (always: a LibreOffice conversion is seconds of a core), or its
  DOCX/XLSX when the unit's subtree holds more than BAOCAO_BACKGROUND_EXPORT_REPORTS reports
  (`export_in_background`). The file is made by the worker and kept on the job.
- `draft`: the draft of every empty section of a consolidated report, section after section
  (the page shows k/N); the drafts are remembered on the job as they are made and saved
  together at the end (`actions.save_drafts`): a killed worker leaves the report untouched.
- `ingest`: an uploaded file larger than BAOCAO_BACKGROUND_INGEST_BYTES (`ingest_in_background`)
  read by the worker; it is kept for its preview (`actions.store_upload`) when the job
  finishes, in the job's finishing transaction.

The thresholds are settings (or environment variables of the same name), so that a small
install can do everything inline and a national one can move more to the workers.
"""

from __future__ import annotations

import logging
import os
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from baocao.apps.campaigns import actions
from baocao.apps.jobs.models import Job, JobKind
from baocao.apps.jobs.outcome import Outcome, progress, remember
from baocao.errors import InputError

logger = logging.getLogger(__name__)

EXPORT_REPORTS_DEFAULT = 2000
INGEST_BYTES_DEFAULT = 2 * 1024 * 1024


def _limit(name: str, default: int) -> int:
    configured = getattr(settings, name, None)
    if configured is None:
        configured = os.environ.get(name, "").strip() or default
    try:
        return int(configured)
    except (TypeError, ValueError):
        return default


def export_in_background(reports: int) -> bool:
    """Whether a DOCX/XLSX of a subtree of `reports` reports is made by a job."""
    return reports > _limit("BAOCAO_BACKGROUND_EXPORT_REPORTS", EXPORT_REPORTS_DEFAULT)


def ingest_in_background(size: int) -> bool:
    """Whether an uploaded file of `size` bytes is read by a job."""
    return size > _limit("BAOCAO_BACKGROUND_INGEST_BYTES", INGEST_BYTES_DEFAULT)


# --- the report's file -------------------------------------------------------------------------


def report_file(job: Job) -> Outcome:
    from baocao.apps.campaigns.consolidation import (
        indicators_xlsx,
        report_docx,
        report_file_names,
    )

    report, fmt = job.report, job.params["fmt"]
    submitted_too = bool(job.params.get("submitted_too"))
    steps = 2 if fmt == "pdf" else 1
    progress(job, 0, steps)
    if fmt == "xlsx":
        data, _subtree = indicators_xlsx(
            report.campaign, report.unit, include_submitted=submitted_too
        )
    else:
        data, _subtree = report_docx(report.campaign, report.unit, include_submitted=submitted_too)
    if fmt == "pdf":
        from baocao.docx_out.pdf import docx_to_pdf

        progress(job, 1)
        data = docx_to_pdf(data)
    ascii_name, shown = report_file_names(report, fmt)
    return Outcome(data=data, name=shown, ascii_name=ascii_name)


# --- the whole report's draft ------------------------------------------------------------------


def drafted_message(outcome: actions.Drafted) -> str:
    said = _("Đã soạn nháp %(drafted)d mục; giữ nguyên %(kept)d mục đã có nội dung.") % {
        "drafted": outcome.drafted,
        "kept": outcome.kept,
    }
    if outcome.empty:
        said += " " + _(
            "%(empty)d mục chưa có gì để soạn (chưa có số liệu hay đoạn viết nào của các "
            "báo cáo được tính)."
        ) % {"empty": outcome.empty}
    return said


def draft(job: Job) -> Outcome:
    from baocao.apps.campaigns.models import SectionText

    report, actor = job.report, job.requested_by
    submitted_too = bool(job.params.get("submitted_too"))
    actions.check_may_draft(report, actor)
    planned: list[str] = job.work.get("planned") or []
    if "planned" not in job.work:  # claimed: the sections this job drafts, fixed once
        planned = actions.sections_to_draft(report)
        remember(job, planned=planned, drafts={})
    drafts: dict[str, str] = dict(job.work.get("drafts") or {})
    progress(job, len(drafts), len(planned))
    said = [
        text
        for sid, text in SectionText.objects.filter(report=report).values_list("section_id", "text")
        if text and sid not in planned
    ]
    for section_id in planned:
        if section_id in drafts:  # made by an earlier run of this job
            said.append(drafts[section_id])
            continue
        made = actions.compose_draft(
            report, section_id, [*said, *drafts.values()], include_submitted=submitted_too
        )
        drafts[section_id] = made
        job.done = len(drafts)
        remember(job, drafts=drafts)

    def write(locked: Job) -> str:
        outcome = actions.save_drafts(report, actor, drafts)
        locked.message = drafted_message(outcome)
        return ""

    back = job.params.get("back_url") or reverse(
        "campaigns:consolidate", args=[report.campaign.slug, report.unit.code]
    )
    outcome = Outcome(url=back, write=write)
    return outcome


# --- an uploaded file, read ----------------------------------------------------------------------


def ingest(job: Job) -> Outcome:
    from baocao import filetypes
    from baocao.apps.campaigns.views.common import report_part_url
    from baocao.ingest import ingest_file
    from baocao.ingest.files import kind_of, result_json

    report, actor = job.report, job.requested_by
    filename = job.params["filename"]
    data = bytes(job.input_data or b"")
    progress(job, 0, 1)
    try:
        result = ingest_file(data, filename, report.campaign.outline_tree)
    except InputError:
        raise
    except Exception as error:  # the core is fuzzed; still, a file must never break the job
        logger.exception("ingest of %r for report %s failed", filename, report.pk)
        raise InputError(
            _(
                "Không đọc được tệp %(name)s. Hãy mở tệp bằng Word hoặc Excel, lưu lại dạng "
                ".docx hoặc .xlsx rồi nộp lại."
            )
            % {"name": filename}
        ) from error
    kind = kind_of(data, filename)
    found = result_json(result, kind)
    progress(job, 1)

    def write(locked: Job) -> str:
        upload = actions.store_upload(
            report,
            actor,
            filename=filename,
            data=data,
            content_type=filetypes.content_type(kind),
            found=found,
        )
        return report_part_url("upload_preview", report, upload.pk)

    return Outcome(write=write)


WORK: dict[str, Any] = {
    JobKind.REPORT_FILE: report_file,
    JobKind.DRAFT: draft,
    JobKind.INGEST: ingest,
}
