"""What a report's unit changed since the report was last returned (read-only): the reviewer
who sent it back reads the resubmission as the lines and figures that moved, beside the
remark that asked for them, instead of the whole report again.

"At the return" is the moment of the last return event: a section's text then is its last
version saved up to that moment, a figure its last change up to it. Sections and figures
nobody touched since cost nothing: only those with a version or change after the moment are
read (eight queries at most, whatever the report's size).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Max

from baocao.apps.campaigns.models import (
    IndicatorChange,
    IndicatorValue,
    Report,
    ReportEvent,
    SectionText,
    SectionVersion,
)
from baocao.richdiff import Change, changed_blocks


@dataclass(frozen=True)
class FigureChange:
    code: str
    year: int
    before: str  # as typed; "" when there was none
    after: str


@dataclass
class SectionChange:
    section_id: str
    before: str = ""  # stored HTML at the return
    after: str = ""  # stored HTML now
    # Lines (and tables) removed and added (richdiff.changed_blocks); None past
    # richtext.MAX_COMPARED_LINES; empty: text unchanged.
    diff: list[Change] | None = field(default_factory=list)
    figures: list[FigureChange] = field(default_factory=list)
    remark: str = ""  # what the reviewer said about the section at the return

    @property
    def text_changed(self) -> bool:
        return self.diff is None or bool(self.diff)


@dataclass
class ChangesSinceReturn:
    returned: ReportEvent
    sections: list[SectionChange]  # changed sections, in the outline's order
    figures_elsewhere: list[FigureChange]  # figures of no section's table
    untouched_remarks: dict[str, str]  # sections remarked on at the return and not changed


def changes_since_return(report: Report) -> ChangesSinceReturn | None:
    """None when the report was never returned."""
    returned = report.last_return()
    if returned is None:
        return None
    at = returned.at
    campaign = report.campaign
    remarks = returned.section_comments or {}
    by_section: dict[str, SectionChange] = {}

    for section_id, before, after in _texts(report, at):
        diff = changed_blocks(before, after)
        if diff is None or diff:
            by_section[section_id] = SectionChange(section_id, before, after, diff)

    section_of: dict[str, str] = {}
    for section_id, codes in campaign.catalogue.attach.items():
        for code in codes:
            section_of.setdefault(code, section_id)
    elsewhere = []
    for figure in _figures(report, at):
        section_id = section_of.get(figure.code)
        if section_id is None:
            elsewhere.append(figure)
            continue
        change = by_section.setdefault(section_id, SectionChange(section_id))
        change.figures.append(figure)

    order = {section_id: index for index, section_id in enumerate(campaign.section_ids)}
    sections = sorted(by_section.values(), key=lambda change: order.get(change.section_id, 0))
    for change in sections:
        change.remark = remarks.get(change.section_id, "")
    return ChangesSinceReturn(
        returned=returned,
        sections=sections,
        figures_elsewhere=elsewhere,
        untouched_remarks={sid: text for sid, text in remarks.items() if sid not in by_section},
    )


def _texts(report: Report, at) -> list[tuple[str, str, str]]:
    """(section id, text at `at`, text now) of the sections saved since `at`."""
    since = set(
        SectionVersion.objects.filter(report=report, saved_at__gt=at).values_list(
            "section_id", flat=True
        )
    )
    if not since:
        return []
    last_before = (
        SectionVersion.objects.filter(report=report, section_id__in=since, saved_at__lte=at)
        .values("section_id")
        .annotate(last=Max("version"))
        .values_list("section_id", "last")
    )
    wanted = dict(last_before)
    before = {
        section_id: text
        for section_id, version, text in SectionVersion.objects.filter(
            report=report, section_id__in=list(wanted)
        ).values_list("section_id", "version", "text")
        if wanted[section_id] == version
    }
    now = dict(
        SectionText.objects.filter(report=report, section_id__in=since).values_list(
            "section_id", "text"
        )
    )
    return [(sid, before.get(sid, ""), now.get(sid, "")) for sid in sorted(since)]


def _figures(report: Report, at) -> list[FigureChange]:
    """The figures typed, changed or cleared since `at` that differ from what they were then."""
    changes = IndicatorChange.objects.filter(report=report)
    touched = set(changes.filter(changed_at__gt=at).values_list("code", "year"))
    if not touched:
        return []
    before: dict[tuple[str, int], str] = {}
    # Oldest first: the last change up to the moment wins.
    for code, year, raw in (
        changes.filter(changed_at__lte=at, code__in={code for code, _ in touched})
        .order_by("changed_at", "pk")
        .values_list("code", "year", "raw")
    ):
        before[(code, year)] = raw
    now = {
        (code, year): raw
        for code, year, raw in IndicatorValue.objects.filter(
            report=report, code__in={code for code, _ in touched}
        ).values_list("code", "year", "raw")
    }
    return [
        FigureChange(code, year, before.get((code, year), ""), now.get((code, year), ""))
        for code, year in sorted(touched)
        if before.get((code, year), "") != now.get((code, year), "")
    ]
