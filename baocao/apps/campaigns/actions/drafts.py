"""The consolidation workspace's writes into the unit's own report: a passage of a unit below
inserted with its source, and the first draft of the sections still empty (all at once, or one
section per call: `draft_section`, which a page's step or a task calls). Both are section saves
(`writing.save_section`: versions, optimistic locking, audit) under the consolidator's
permission; the draft never overwrites what someone wrote."""

from __future__ import annotations

import html
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from baocao.apps.campaigns.actions.errors import ActionError, NotAllowed
from baocao.apps.campaigns.actions.locks import check_section
from baocao.apps.campaigns.actions.writing import SaveResult, save_section
from baocao.apps.campaigns.consolidation import passages_below, section_draft
from baocao.apps.campaigns.models import Report, ReportStatus, SectionText
from baocao.apps.campaigns.permissions import can_consolidate, can_edit_report, is_consolidator
from baocao.richtext import clean_section_text, editable_lines, from_plain_lines, plain_text

__all__ = [
    "DRAFTED",
    "Drafted",
    "EMPTY",
    "Inserted",
    "KEPT",
    "NOTE_DRAFT",
    "NOTE_INSERT",
    "PassageNotFound",
    "check_may_draft",
    "compose_draft",
    "draft_section",
    "fill_empty_sections",
    "insert_passage",
    "save_drafts",
    "sections_to_draft",
]

NOTE_INSERT = "Chèn đoạn của %(unit)s"
NOTE_DRAFT = "Bản nháp tổng hợp"


@dataclass(frozen=True)
class Inserted:
    """What an insert did: the save's result, the text it tried to store, whose passage it was."""

    result: SaveResult
    text: str
    source_name: str
    passage_id: int


def insert_passage(
    report: Report,
    section_id: str,
    passage_id: int,
    typed: str | None,
    base_version: int,
    actor: Any,
    *,
    rich: bool = False,
) -> Inserted:
    """Append the passage `passage_id` of a unit below, then "(Nguồn: <unit>)", to the section.

    `typed` is the editor's text as sent (not yet saved, kept) or None: the rich-text editor's
    HTML when `rich`, else the textarea's plain lines; a stale base version
    comes back as the save's conflict with the passage already added to the writer's text.
    ActionError when the passage is not one of this section's below the unit.
    """
    if not can_consolidate(actor, report):
        raise NotAllowed(
            _(
                "Chỉ người tổng hợp của đơn vị mới chèn được đoạn viết vào báo cáo tổng hợp, khi báo cáo còn sửa được."
            )
        )
    passage = (
        passages_below(report)
        .filter(pk=passage_id, section_id=section_id)
        .select_related("report__unit")
        .first()
    )
    if passage is None:
        raise PassageNotFound(_("Không có đoạn viết này."))
    source = passage.report.unit
    stored = SectionText.objects.filter(report=report, section_id=section_id).first()
    start = _typed_or_stored(typed, stored.text if stored else "", rich=rich)
    combined = start + _with_source(passage.text, source.name)
    result = save_section(
        report,
        section_id,
        combined,
        base_version,
        actor,
        note=NOTE_INSERT % {"unit": source.name},
    )
    return Inserted(result, combined, source.name, passage.pk)


class PassageNotFound(ActionError):
    """The passage asked for is not one of the section's passages below the unit (404)."""


@dataclass(frozen=True)
class Drafted:
    drafted: int  # sections that got their draft
    kept: int  # sections left as they were written
    empty: int  # sections with nothing to draft from


DRAFTED, KEPT, EMPTY = "drafted", "kept", "empty"  # what `draft_section` did


def check_may_draft(report: Report, actor: Any) -> None:
    """NotAllowed unless `actor` consolidates the unit and writes its report; ActionError when
    the report cannot be changed now."""
    if not is_consolidator(actor, report.unit) or not can_edit_report(actor, report):
        raise NotAllowed(_("Chỉ người tổng hợp của đơn vị mới tạo được bản nháp."))
    if not report.is_editable:
        raise ActionError(
            _("Báo cáo tổng hợp đang ở trạng thái “%(status)s”, không tạo bản nháp được.")
            % {"status": ReportStatus(report.status).label}
        )


def sections_to_draft(report: Report) -> list[str]:
    """The report's sections with no text yet, in the outline's order: one query."""
    written = {
        text.section_id
        for text in SectionText.objects.filter(report=report).exclude(text="")
        if plain_text(text.text)
    }
    return [sid for sid in report.campaign.section_ids if sid not in written]


def draft_section(
    report: Report, section_id: str, actor: Any, *, include_submitted: bool = False
) -> str:
    """Draft one section if it is still empty: DRAFTED, KEPT (it has text, or someone saved it
    meanwhile: theirs stays) or EMPTY (nothing below to draft from). One section per call, so
    a page can draft a report one request at a time, or a task one section after another; what
    the report's other sections already say is not said again (`section_draft`)."""
    check_may_draft(report, actor)
    check_section(report.campaign, section_id)
    own = {text.section_id: text for text in SectionText.objects.filter(report=report)}
    stored = own.get(section_id)
    if stored is not None and plain_text(stored.text):
        return KEPT  # what someone wrote is never overwritten
    said = [text.text for sid, text in own.items() if sid != section_id and text.text]
    draft = section_draft(
        report.campaign,
        report.unit,
        section_id,
        include_submitted=include_submitted,
        said=said,
    )
    if not draft:
        return EMPTY
    result = save_section(
        report, section_id, draft, stored.version if stored else 0, actor, note=NOTE_DRAFT
    )
    return KEPT if result.conflict is not None else DRAFTED


def fill_empty_sections(report: Report, actor: Any, *, include_submitted: bool = False) -> Drafted:
    """Every empty section of `report` gets its draft, one after another (`draft_section`);
    a section with any text, or saved by someone meanwhile, is never overwritten."""
    check_may_draft(report, actor)
    empty = sections_to_draft(report)
    done = Counter(
        draft_section(report, section_id, actor, include_submitted=include_submitted)
        for section_id in empty
    )
    written = len(report.campaign.section_ids) - len(empty)
    return Drafted(done[DRAFTED], written + done[KEPT], done[EMPTY])


def compose_draft(
    report: Report,
    section_id: str,
    said: list[str],
    *,
    include_submitted: bool = False,
) -> str:
    """One section's draft ("" when there is nothing below to draft from), written nowhere:
    for a task that drafts the whole report and saves it at the end (`save_drafts`); `said`,
    what the report's other sections and the drafts made before say, is not said again."""
    check_section(report.campaign, section_id)
    return section_draft(
        report.campaign,
        report.unit,
        section_id,
        include_submitted=include_submitted,
        said=said,
    )


@transaction.atomic
def save_drafts(report: Report, actor: Any, drafts: dict[str, str]) -> Drafted:
    """The drafts composed for the report's empty sections (`compose_draft`), saved together
    in one transaction: all or none. A section written meanwhile keeps its text; each saved one
    is a section save (version, audit) under the consolidator's permission."""
    check_may_draft(report, actor)
    own = {text.section_id: text for text in SectionText.objects.filter(report=report)}
    done: Counter[str] = Counter()
    for section_id in report.campaign.section_ids:
        if section_id not in drafts:
            continue
        stored = own.get(section_id)
        draft = drafts[section_id]
        if stored is not None and plain_text(stored.text):
            done[KEPT] += 1
        elif not draft:
            done[EMPTY] += 1
        else:
            base = stored.version if stored else 0
            result = save_section(report, section_id, draft, base, actor, note=NOTE_DRAFT)
            done[KEPT if result.conflict is not None else DRAFTED] += 1
    written = len(report.campaign.section_ids) - len(drafts)
    return Drafted(done[DRAFTED], written + done[KEPT], done[EMPTY])


def _with_source(passage_html: str, unit_name: str) -> str:
    """The passage, then "(Nguồn: <unit>)": inside its last paragraph when it ends with one."""
    source = f"(Nguồn: {html.escape(unit_name, quote=False)})"
    text = clean_section_text(passage_html)
    if text.endswith("</p>"):
        return f"{text[: -len('</p>')]} {source}</p>"
    return f"{text}<p>{source}</p>"


def _typed_or_stored(typed: str | None, stored: str, *, rich: bool = False) -> str:
    """The editor's text as sent (HTML from the rich-text editor, else lines), unless it is
    what is stored (then the stored HTML, with its bold unit names, is kept as it is)."""
    if typed is None:
        return stored
    if rich:
        return clean_section_text(typed)
    as_typed = clean_section_text(from_plain_lines(typed))
    if as_typed == clean_section_text(from_plain_lines(editable_lines(stored))):
        return stored
    return as_typed
