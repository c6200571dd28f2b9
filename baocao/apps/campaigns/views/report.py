"""One report's pages: writing (sections and figures, with autosave), history, submit, review.

Every change goes through `baocao.apps.campaigns.actions`; these views only read, call an
action and show its answer. Each page works without JavaScript (plain forms, redirect after
POST) and better with HTMX: a section saves itself while the writer types, a figure when its
cell is left, and only the piece of the page that changed comes back over a slow line.

Nothing typed is lost: a refused save (a conflict, a figure that is not a number, a report
sent meanwhile) answers with the typed text in the form, never with the stored one alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import reswap, retarget, trigger_client_event

from baocao.apps.campaigns import actions
from baocao.apps.campaigns.changes import changes_since_return
from baocao.apps.campaigns.checks import CheckResult, check_report, empty_sections
from baocao.apps.campaigns.models import (
    IndicatorValue,
    Report,
    ReportStatus,
    ReviewDraft,
    SectionText,
    SectionVersion,
)
from baocao.apps.campaigns.permissions import (
    can_edit_report,
    can_reopen_now,
    can_review_now,
    can_review_report,
    can_see_subtree,
    can_write_now,
)
from baocao.apps.campaigns.queries import report_figures
from baocao.apps.campaigns.views.common import (
    back_to,
    checked_section,
    dom_keys,
    expected_version,
    local_time,
    placed_sections,
    report_part_url,
    report_view,
    section_labels,
)
from baocao.apps.orgs.models import UnitKind
from baocao.apps.orgs.people import display_name
from baocao.apps.outlines.display import (
    COMMON_TABLE,
    IndicatorRow,
    SectionView,
    outline_view,
    section_anchor,
)
from baocao.errors import InputError
from baocao.indicators.catalogue import Indicator
from baocao.indicators.maths import derive, growth_shown
from baocao.indicators.numbers import format_number, format_percent
from baocao.indicators.reading import read_figure
from baocao.indicators.rules import Violation
from baocao.richdiff import changed_blocks, has_formatting
from baocao.richtext import (
    MAX_COMPARED_LINES,
    clean_section_text,
    editable_lines,
    from_plain_lines,
    word_count,
)
from baocao.web.said import shown

NOTE_MINE = "Giữ bản của tôi sau khi trùng sửa"
NOTE_MERGE = "Gộp sau khi trùng sửa"
SAVED_EVENT = "baocao-saved"  # the editor's script marks the text as safe to leave
REVIEW_SAVED_EVENT = "baocao-review-saved"  # the same for the reviewer's remarks
# After a conflict, "Dùng bản của họ": the writer dropped their text, so the copy the editor's
# script keeps on the device (until the server takes it) goes too.
DROPPED_EVENT = "baocao-mine-dropped"
HISTORY_PAGE = 10  # versions on a page of a section's history (an autosave storm makes many)


# --- Loading and permissions -----------------------------------------------------------------


# --- What the page shows, computed once ------------------------------------------------------


@dataclass
class Cell:
    """One year's figure of one indicator, in one section's table."""

    year: int
    dom: str  # id prefix, unique on the page
    name: str  # form field: v-<code>-<year>
    label: str  # for screen readers: "Số đoàn viên, năm 2017"
    raw: str = ""
    stored: str = ""  # what the database holds: the whole-table form saves only changed cells
    shown: str = ""  # the number as understood, when it reads differently from what was typed
    note: str = ""
    error: str = ""
    saved: bool = False  # just saved: say so
    url: str = ""


@dataclass
class Row:
    indicator: Indicator
    label: str
    unit: str
    part: bool
    dom: str
    cells: list[Cell]
    change: str = ""
    percent: str = ""

    @property
    def derived(self) -> bool:
        return self.indicator.derived

    @property
    def numeric(self) -> bool:
        return self.indicator.numeric


@dataclass
class Table:
    section_id: str
    dom: str
    rows: list[Row]
    hard: list[Violation]
    soft: list[Violation]
    save_url: str
    has_errors: bool = False


@dataclass
class Block:
    """A section of the report as the page shows it: the outline's part and the unit's part."""

    view: SectionView
    dom: str  # "m12": safe in CSS selectors (section ids hold "/" and ".")
    leaf: bool
    text: str = ""  # stored HTML, cleaned again before it is shown
    lines: str = ""  # the text as editable plain lines
    version: int = 0
    saved_at: Any = None
    saved_by: str = ""
    filled: bool = False
    writable: bool = False  # an editor is shown
    show_editor_area: bool = False  # an editor or the read-only text
    comment: str = ""  # the reviewer's remark from the last return
    review_comment: str = ""  # what the reviewer is typing (kept when a return is refused)
    error: str = ""
    draft: bool = False  # `lines` is what was typed, not what is stored
    table: Table | None = None
    where: str = ""  # the number in the tree, "II.4.1", for labels that stand alone
    children: list[Block] = field(default_factory=list)
    save_url: str = ""
    history_url: str = ""

    @property
    def id(self) -> str:
        return self.view.section.id

    @property
    def anchor(self) -> str:
        return self.view.anchor

    @property
    def label(self) -> str:
        return self.view.section.label

    @property
    def has_guide(self) -> bool:
        section = self.view.section
        return bool(section.guidance or self.view.prompts or self.view.notes)

    @property
    def number(self) -> str:
        return self.view.section.number


def _section_violations(
    check: CheckResult, codes: list[str]
) -> tuple[list[Violation], list[Violation]]:
    wanted = set(codes)
    return (
        [v for v in check.hard_violations if wanted.intersection(v.codes)],
        [v for v in check.soft_violations if wanted.intersection(v.codes)],
    )


def _shown(indicator: Indicator, value: Decimal | None, raw: str) -> str:
    """The number as the report will print it, when that reads differently from the typing."""
    if value is None or not indicator.numeric:
        return ""
    shown = format_number(value)
    return "" if shown == raw else shown


def _reading_note(indicator: Indicator, raw: str) -> str:
    """How a stored figure was understood, when it could be read two ways ("1,234")."""
    try:
        return read_figure(indicator, raw).note
    except InputError:
        return ""


def _derived_text(indicator: Indicator, value: Decimal | None) -> str:
    if value is None:
        return ""
    if indicator.type == "percent":
        return format_percent(value, 1)
    return format_number(value, 2)


def build_table(
    report: Report,
    section_id: str,
    rows_shown: list[IndicatorRow],
    dom: str,
    figures: dict[tuple[str, int], IndicatorValue],
    check: CheckResult,
    *,
    typed: dict[tuple[str, int], tuple[str, str]] | None = None,
    saved: set[tuple[str, int]] | None = None,
) -> Table:
    """A section's indicator table; `typed` overrides cells with what was typed and its error
    ((code, year) → (text, message)), so a refused figure stays in its input."""
    campaign = report.campaign
    catalogue = campaign.catalogue.by_code
    years = campaign.years
    typed = typed or {}
    saved = saved or set()
    by_year: dict[int, dict[str, Decimal]] = {year: {} for year in years}
    for (code, year), figure in figures.items():
        if figure.value is not None and year in by_year:
            by_year[year][code] = figure.value
    slug, unit_code = campaign.slug, report.unit.code
    rows = []
    for shown_row in rows_shown:
        indicator = catalogue.get(shown_row.code)
        if indicator is None:
            continue
        row_dom = f"{dom}-{indicator.code}"
        cells = []
        values: list[Decimal | None] = []
        for year in years:
            cell = Cell(
                year=year,
                dom=f"{row_dom}-{year}",
                name=f"v-{indicator.code}-{year}",
                label=_("%(name)s, năm %(year)d") % {"name": indicator.name, "year": year},
            )
            if indicator.derived:
                value = derive(indicator, by_year[year])
                cell.shown = _derived_text(indicator, value)
            else:
                figure = figures.get((indicator.code, year))
                value = figure.value if figure else None
                cell.raw = cell.stored = figure.raw if figure else ""
                cell.shown = _shown(indicator, value, cell.raw)
                if figure is not None and indicator.numeric and figure.value is not None:
                    cell.note = _reading_note(indicator, figure.raw)
                if (indicator.code, year) in typed:
                    cell.raw, cell.error = typed[(indicator.code, year)]
                    if cell.error:
                        cell.shown = cell.note = ""
                cell.saved = (indicator.code, year) in saved and not cell.error
                cell.url = (
                    reverse(
                        "campaigns:indicator_save", args=[slug, unit_code, indicator.code, year]
                    )
                    + "?"
                    + urlencode({"muc": section_id})
                )
            values.append(value)
            cells.append(cell)
        row = Row(
            indicator=indicator,
            label=shown_row.name,
            unit=shown_row.unit,
            part=shown_row.part,
            dom=row_dom,
            cells=cells,
        )
        if indicator.numeric and len(values) == 2:
            row.change, row.percent = growth_shown(indicator, values[0], values[1])
        rows.append(row)
    hard, soft = _section_violations(check, [row.indicator.code for row in rows])
    return Table(
        section_id=section_id,
        dom=dom,
        rows=rows,
        hard=hard,
        soft=soft,
        save_url=reverse("campaigns:indicators_save", args=[slug, unit_code, section_id]),
        has_errors=any(cell.error for row in rows for cell in row.cells),
    )


@dataclass
class PageState:
    """What a refused POST typed, shown again instead of the stored values."""

    drafts: dict[str, str] = field(default_factory=dict)  # section id → typed lines
    errors: dict[str, str] = field(default_factory=dict)  # section id → message
    typed: dict[str, dict[tuple[str, int], tuple[str, str]]] = field(default_factory=dict)
    reason: str = ""
    comments: dict[str, str] = field(default_factory=dict)
    reopen_reason: str = ""
    review_error: str = ""
    submit_error: str = ""
    from_draft: bool = False  # `reason` and `comments` are the reviewer's saved draft


def _deadline(report: Report) -> dict[str, Any]:
    deadline = report.campaign.deadline
    days = (deadline - timezone.localdate()).days
    if report.status in (ReportStatus.SUBMITTED, ReportStatus.ACCEPTED):
        when = ""
    elif days > 0:
        when = _("còn %(days)d ngày") % {"days": days}
    elif days == 0:
        when = _("hạn chót là hôm nay")
    else:
        when = _("đã quá hạn %(days)d ngày") % {"days": -days}
    return {"date": deadline, "days": days, "text": when, "late": days < 0 and bool(when)}


def _section_links(
    report: Report,
    labels: dict[str, tuple[str, str]],
    codes: tuple[str, ...],
    common: SectionView | None = None,
) -> tuple[str, str]:
    """(anchor, label) of the first section whose table shows one of `codes`, else of the
    "Chỉ tiêu chung" table when it shows one."""
    for section_id, attached in report.campaign.catalogue.attach.items():
        if set(attached).intersection(codes) and section_id in labels:
            return labels[section_id]
    if common is not None and set(common.section.indicators).intersection(codes):
        return (common.anchor, _("Chỉ tiêu chung"))
    return ("", "")


def _consolidate_url(user, report: Report) -> str:
    """The consolidation workspace, for those who may see the units below (not for a CĐCS)."""
    if report.unit.kind == UnitKind.GRASSROOTS or not can_see_subtree(user, report.unit):
        return ""
    return reverse("campaigns:consolidate", args=[report.campaign.slug, report.unit.code])


def report_context(request, report: Report, state: PageState | None = None) -> dict[str, Any]:
    """Everything the report page shows: about ten queries whatever the outline's size."""
    state = state or PageState()
    user = request.user
    campaign = report.campaign
    writable = can_write_now(user, report)
    reviewing = can_review_now(user, report)
    review_draft = _review_draft(user, report, state) if reviewing else None
    texts = {
        text.section_id: text
        for text in SectionText.objects.filter(report=report).select_related("updated_by")
    }
    figures = report_figures(report)
    check = check_report(report)
    empty = set(check.empty_sections)
    timeline_events = list(report.events.select_related("actor").order_by("at", "pk"))
    last_return = next(
        (e for e in reversed(timeline_events) if e.to_status == ReportStatus.RETURNED), None
    )
    show_comments = last_return is not None and report.status in (
        ReportStatus.RETURNED,
        ReportStatus.SUBMITTED,
    )
    comments = (last_return.section_comments or {}) if show_comments else {}
    keys = dom_keys(report)
    view = outline_view(campaign.outline_tree)
    slug, unit_code = campaign.slug, report.unit.code
    placed = placed_sections(campaign.outline_tree)
    labels = {sid: (anchor, label) for sid, (anchor, label, _where) in placed.items()}

    def block(section_view: SectionView) -> Block:
        section = section_view.section
        sid = section.id
        stored = texts.get(sid)
        item = Block(
            view=section_view,
            dom=keys[sid],
            leaf=not section.children,
            where=placed[sid][2],
            children=[block(child) for child in section_view.children],
        )
        if stored is not None:
            item.text = clean_section_text(stored.text)
            item.lines = editable_lines(stored.text)
            item.version = stored.version
            item.saved_at = local_time(stored.updated_at)
            item.saved_by = display_name(stored.updated_by)
        item.filled = sid not in empty if item.leaf else bool(item.text)
        item.writable = writable and (item.leaf or bool(item.text))
        item.show_editor_area = item.leaf or bool(item.text)
        if sid in state.drafts:
            item.lines, item.draft = state.drafts[sid], True
        item.error = state.errors.get(sid, "")
        item.comment = comments.get(sid, "")
        item.review_comment = state.comments.get(sid, "")
        if item.writable:
            item.save_url = reverse("campaigns:section_save", args=[slug, unit_code, sid])
        if item.version:
            item.history_url = reverse("campaigns:section_history", args=[slug, unit_code, sid])
        if section_view.indicators:
            item.table = build_table(
                report,
                sid,
                section_view.indicators,
                item.dom,
                figures,
                check,
                typed=state.typed.get(sid),
            )
        return item

    blocks = [block(section_view) for section_view in view.tree]
    common = None
    if view.common is not None:
        common = {
            "anchor": view.common.anchor,
            "table": build_table(
                report,
                COMMON_TABLE,
                view.common.indicators,
                keys[COMMON_TABLE],
                figures,
                check,
                typed=state.typed.get(COMMON_TABLE),
            ),
        }
    todo = [labels[sid] for sid in check.empty_sections if sid in labels]
    hard = [
        {"violation": v, "link": _section_links(report, labels, v.codes, view.common)}
        for v in check.hard_violations
    ]
    soft = [
        {"violation": v, "link": _section_links(report, labels, v.codes, view.common)}
        for v in check.soft_violations
    ]
    numbers = [
        {"message": message, "link": labels.get(sid, ("", ""))}
        for sid, message in check.number_mismatches
    ]
    return {
        "report": report,
        "campaign": campaign,
        "unit": report.unit,
        "numbers": numbers,
        "consolidate_url": _consolidate_url(user, report),
        "status_label": ReportStatus(report.status).label,
        "deadline": _deadline(report),
        "words": sum(word_count(text.text) for text in texts.values()),
        "todo": todo,
        "blocks": blocks,
        "common": common,
        "root_notes": view.root_notes,
        "check": check,
        "hard": hard,
        "soft": soft,
        "writable": writable,
        "may_write": can_edit_report(user, report),
        "reviewing": reviewing,
        "review_draft": review_draft,
        "may_reopen": can_reopen_now(user, report),
        "may_review": can_review_report(user, report),
        "last_return": last_return if show_comments else None,
        "timeline": _timeline_from(timeline_events, labels),
        "state": state,
        "submitted_at": local_time(report.submitted_at),
        "accepted_at": local_time(report.accepted_at),
        "parent": report.unit.parent,
        # Names the copies report.js keeps on this device of what this user typed here.
        "local_key": f"{user.pk}:{report.pk}",
        # The rich-text editor over each section's textarea (report-editor.js).
        "rich_editor": settings.BAOCAO_RICH_EDITOR,
    }


def _review_draft(user, report: Report, state: PageState) -> ReviewDraft | None:
    """The reviewer's own unsent remarks, put back in the return form when they come back;
    what a refused POST carried is newer and wins (the draft is then only its timestamp)."""
    draft = ReviewDraft.objects.filter(report=report, reviewer=user).first()
    if draft is not None and not (state.reason or state.comments):
        state.reason, state.comments = draft.reason, dict(draft.section_comments)
        state.from_draft = True
    return draft


def _timeline_from(events: list, labels: dict[str, tuple[str, str]]) -> list[dict[str, Any]]:
    shown = []
    for event in events:
        comments = []
        for section_id, comment in (event.section_comments or {}).items():
            anchor, label = labels.get(section_id, ("", section_id))
            comments.append({"anchor": anchor, "label": label, "text": comment})
        shown.append(
            {
                "event": event,
                "actor": display_name(event.actor) or _("Không rõ"),
                "from": ReportStatus(event.from_status).label,
                "to": ReportStatus(event.to_status).label,
                "to_status": event.to_status,
                "comments": comments,
            }
        )
    return shown


def _render_page(
    request, report: Report, state: PageState | None = None, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "campaigns/report/page.html",
        report_context(request, report, state),
        status=status,
    )


# --- The report page -------------------------------------------------------------------------


@require_GET
@report_view
def report_page(request, report: Report) -> HttpResponse:
    return _render_page(request, report)


# --- Sections: save (autosave and the Save button), conflicts, history, restore ------------


def _one_block(request, report: Report, section_id: str, **extra: Any) -> Block:
    """The editor's part of one section, read fresh (one query)."""
    campaign = report.campaign
    section = campaign.outline_tree.section(section_id)
    stored = (
        SectionText.objects.filter(report=report, section_id=section_id)
        .select_related("updated_by")
        .first()
    )
    item = Block(
        view=SectionView(section=section, depth=0, anchor=section_anchor(section)),
        dom=dom_keys(report)[section_id],
        leaf=not section.children,
        where=placed_sections(campaign.outline_tree)[section_id][2],
        writable=can_write_now(request.user, report),
        save_url=report_part_url("section_save", report, section_id),
    )
    if stored is not None:
        item.text = clean_section_text(stored.text)
        item.lines = editable_lines(stored.text)
        item.version = stored.version
        item.saved_at = local_time(stored.updated_at)
        item.saved_by = display_name(stored.updated_by)
        item.history_url = report_part_url("section_history", report, section_id)
    for name, value in extra.items():
        setattr(item, name, value)
    return item


def _progress(report: Report, item: Block) -> dict[str, Any]:
    """The page's counters after a save (marks in the tree, sections left, words): two
    queries and no rule or number check, so the writer sees "còn N mục chưa viết" go down
    while writing without paying for the whole submission check on every autosave."""
    texts = dict(report.sections.values_list("section_id", "text"))
    filled = set(report.indicator_values.values_list("code", flat=True).distinct())
    empty = empty_sections(report.campaign, texts, filled)
    labels = section_labels(report.campaign.outline_tree)
    item.filled = item.id not in empty if item.leaf else bool(item.text)
    return {
        "todo": [labels[sid] for sid in empty if sid in labels],
        "words": sum(word_count(text) for text in texts.values()),
    }


def _conflict_response(
    request,
    report: Report,
    section_id: str,
    result: actions.SaveResult,
    typed: str,
    mine_html: str,
) -> HttpResponse:
    """Both texts side by side: theirs as it reads (sanitised HTML, tables as tables), mine as
    lines to edit, with its HTML kept beside them (`mine_html`, sanitised) so that "Giữ bản
    của tôi" keeps its formatting (see `_kept_mine`)."""
    conflict = result.conflict
    item = _one_block(request, report, section_id)
    mine = display_name(request.user)
    context = {
        "s": item,
        "conflict": conflict,
        "their_html": clean_section_text(conflict.their_text),
        "their_saved_at": local_time(conflict.their_saved_at),
        "same_person": bool(conflict.their_author) and conflict.their_author == mine,
        "yours": typed,
        "mine_html": mine_html,
        "mine_formatted": has_formatting(mine_html),
        "report": report,
        "campaign": report.campaign,
        "unit": report.unit,
    }
    if request.htmx:
        response = render(request, "campaigns/report/_conflict.html", context)
        response = retarget(response, f"#editor-{item.dom}")
        return reswap(response, "outerHTML")
    return render(request, "campaigns/report/conflict.html", context, status=409)


@require_POST
@report_view
def section_save(request, report: Report, section_id: str) -> HttpResponse:
    section_id = checked_section(report, section_id)
    typed = request.POST.get("text", "")
    # "html": the rich-text editor's HTML (sanitised by save_section like any text); else
    # the textarea's plain lines, where every "<" is text.
    rich = request.POST.get("format") == "html"
    stored_form = typed if rich else from_plain_lines(typed)
    if rich:  # what the plain-text panels (conflict, a refused save) show of it
        typed = editable_lines(clean_section_text(typed))
    choice = request.POST.get("choice", "")
    if choice in ("mine", "merge") and not rich:
        stored_form = _kept_mine(request.POST.get("mine_html", ""), typed) or stored_form
    try:
        base_version = int(request.POST.get("base_version") or 0)
    except ValueError:
        base_version = 0
    dom = dom_keys(report)[section_id]
    anchor = _one_anchor(report, section_id)

    if choice == "theirs":  # after a conflict: drop mine, show what is stored
        if request.htmx:
            item = _one_block(request, report, section_id)
            response = render(request, "campaigns/report/_editor.html", {"s": item})
            return trigger_client_event(response, DROPPED_EVENT, {"form": f"editor-{dom}"})
        return back_to(report, anchor)

    note = {"mine": NOTE_MINE, "merge": NOTE_MERGE}.get(choice, "")
    try:
        result = actions.save_section(
            report, section_id, stored_form, base_version, request.user, note=note
        )
    except actions.NotAllowed as error:
        if request.htmx:
            return _save_error(request, dom, shown(error))
        raise
    except actions.ActionError as error:
        if request.htmx:
            return _save_error(request, dom, shown(error))
        state = PageState(drafts={section_id: typed}, errors={section_id: shown(error)})
        return _render_page(request, report, state, status=400)

    if result.conflict is not None:
        mine_html = clean_section_text(stored_form)
        return _conflict_response(request, report, section_id, result, typed, mine_html)

    if not request.htmx:
        messages.success(
            request,
            _("Đã lưu mục %(section)s (phiên bản %(version)d).")
            % {"section": _short_label(report, section_id), "version": result.version},
        )
        return back_to(report, anchor)
    item = _one_block(request, report, section_id)
    progress = _progress(report, item)
    # A conflict resolved: the whole editor comes back, fresh; else only the status changes.
    template = "_resolved.html" if choice else "_saved.html"
    response = render(request, f"campaigns/report/{template}", {"s": item, **progress})
    # The version tells the script which base a copy still unsent (typed during the round
    # trip) now stands on.
    return trigger_client_event(
        response, SAVED_EVENT, {"form": f"editor-{dom}", "version": item.version}
    )


def _kept_mine(mine_html: str, typed: str) -> str:
    """After a conflict, the writer's own text with its formatting: the panel's box holds it
    as lines, its HTML (`mine_html`, as the panel was sent) beside it. When the box still
    reads as that HTML's lines, the HTML is what is kept (bold, lists, tables, merged cells);
    when the writer changed the box, the lines are (""). Sanitised like any text."""
    kept = clean_section_text(mine_html)
    if not kept:
        return ""

    def lines(text: str) -> list[str]:
        return [" ".join(line.split()) for line in text.splitlines() if line.strip()]

    return kept if lines(editable_lines(kept)) == lines(typed) else ""


def _save_error(request, dom: str, message: str) -> HttpResponse:
    return render(request, "campaigns/report/_save_error.html", {"dom": dom, "message": message})


def _one_anchor(report: Report, section_id: str) -> str:
    return section_anchor(report.campaign.outline_tree.section(section_id))


def _short_label(report: Report, section_id: str) -> str:
    section = report.campaign.outline_tree.section(section_id)
    return f"“{section.label}”"


@require_GET
@report_view
def section_history(request, report: Report, section_id: str) -> HttpResponse:
    """The section's versions, newest first, HISTORY_PAGE to a page, each with the lines changed
    since the one before, a table changed shown as a table (`richdiff.changed_blocks`); past
    `richtext.MAX_COMPARED_LINES`, both texts whole."""
    section_id = checked_section(report, section_id)
    section = report.campaign.outline_tree.section(section_id)
    stored = SectionVersion.objects.filter(report=report, section_id=section_id)
    total = stored.count()
    pages = max(1, -(-total // HISTORY_PAGE))
    try:
        page = min(pages, max(1, int(request.GET.get("trang") or 1)))
    except ValueError:
        page = 1
    start = (page - 1) * HISTORY_PAGE
    # One more than the page: the version before the page's oldest, to compare it with.
    versions = list(
        stored.select_related("saved_by").order_by("-version")[start : start + HISTORY_PAGE + 1]
    )
    shown = []
    for version, previous in zip(versions[:HISTORY_PAGE], [*versions[1:], None], strict=False):
        before = previous.text if previous else ""
        diff = changed_blocks(before, version.text)
        shown.append(
            {
                "version": version,
                "author": display_name(version.saved_by) or _("Không rõ"),
                "saved_at": local_time(version.saved_at),
                "diff": diff,
                "previous_text": clean_section_text(before) if diff is None else "",
                "text": clean_section_text(version.text),
                "current": page == 1 and version is versions[0],
            }
        )

    def page_url(number: int) -> str:
        return f"{request.path}?{urlencode({'trang': number})}"

    return render(
        request,
        "campaigns/report/history.html",
        {
            "report": report,
            "campaign": report.campaign,
            "unit": report.unit,
            "section": section,
            "anchor": section_anchor(section),
            "versions": shown,
            "page": page,
            "pages": pages,
            "previous_url": page_url(page - 1) if page > 1 else "",
            "next_url": page_url(page + 1) if page < pages else "",
            "max_lines": MAX_COMPARED_LINES,
            "writable": can_write_now(request.user, report),
            "restore_url": report_part_url("section_restore", report, section_id),
        },
    )


@require_POST
@report_view
def section_restore(request, report: Report, section_id: str) -> HttpResponse:
    section_id = checked_section(report, section_id)
    try:
        version = int(request.POST.get("version") or 0)
    except ValueError:
        version = 0
    try:
        result = actions.restore_section_version(report, section_id, version, request.user)
    except actions.NotAllowed:
        raise
    except actions.ActionError as error:
        messages.error(request, shown(error))
        return redirect(report_part_url("section_history", report, section_id))
    if result.conflict is not None:  # someone saved between the lock and now: say so
        messages.error(request, _("Mục này vừa được lưu ở nơi khác; hãy xem lại rồi khôi phục."))
        return redirect(report_part_url("section_history", report, section_id))
    messages.success(
        request,
        _("Đã khôi phục phiên bản %(old)d, thành phiên bản %(new)d.")
        % {"old": version, "new": result.version},
    )
    return back_to(report, _one_anchor(report, section_id))


# --- Figures: one cell (HTMX) or a whole table (plain form) ---------------------------------


def _section_with_table(report: Report, section_id: str) -> SectionView:
    """The section of the outline (or the "Chỉ tiêu chung" table) whose figures a request
    saves; 404 for any other id."""
    view = outline_view(report.campaign.outline_tree)
    candidates = [*_walk_views(view.tree), *([view.common] if view.common else [])]
    for section_view in candidates:
        if section_view.section.id == section_id:
            if not section_view.indicators:
                raise Http404(_("Mục này không có bảng số liệu."))
            return section_view
    raise Http404(_("Không có mục này trong đề cương của đợt báo cáo."))


def _walk_views(views: list[SectionView]):
    for section_view in views:
        yield section_view
        yield from _walk_views(section_view.children)


@require_POST
@report_view
def indicator_save(request, report: Report, code: str, year: int) -> HttpResponse:
    section_view = _section_with_table(report, request.GET.get("muc", ""))
    section_id = section_view.section.id
    if code not in section_view.section.indicators:
        raise Http404(_("Mục này không có chỉ tiêu đó."))
    name = f"v-{code}-{year}"
    typed = request.POST.get(name, "")
    error = ""
    try:
        actions.save_indicator(
            report, code, year, typed, request.user, expected=request.POST.get(f"o-{name}")
        )
    except actions.NotAllowed:
        raise
    except InputError as error_raised:
        error = shown(error_raised)
    if not request.htmx:
        if error:
            state = PageState(typed={section_id: {(code, year): (typed, error)}})
            return _render_page(request, report, state, status=400)
        return back_to(report, section_view.anchor)
    table = build_table(
        report,
        section_id,
        section_view.indicators,
        dom_keys(report)[section_id],
        report_figures(report),
        check_report(report),
        typed={(code, year): (typed, error)} if error else None,
        saved=set() if error else {(code, year)},
    )
    row = next(row for row in table.rows if row.indicator.code == code)
    cell = next(cell for cell in row.cells if cell.year == year)
    return render(
        request,
        "campaigns/report/_cell_response.html",
        {"table": table, "row": row, "cell": cell, "writable": True, "report": report},
    )


@require_POST
@report_view
def indicators_save(request, report: Report, section_id: str) -> HttpResponse:
    """The whole table at once: the form without JavaScript, or Enter in a cell."""
    section_view = _section_with_table(report, section_id)
    catalogue = report.campaign.catalogue.by_code
    typed: dict[tuple[str, int], tuple[str, str]] = {}
    saved: set[tuple[str, int]] = set()
    for code in section_view.section.indicators:
        indicator = catalogue.get(code)
        if indicator is None or indicator.derived:
            continue
        for year in report.campaign.years:
            name = f"v-{code}-{year}"
            if name not in request.POST:
                continue
            text = request.POST[name]
            if request.POST.get(f"o-{name}") == text:
                continue  # unchanged here: never overwrite what someone else saved meanwhile
            try:
                actions.save_indicator(
                    report, code, year, text, request.user, expected=request.POST.get(f"o-{name}")
                )
            except actions.NotAllowed:
                raise
            except InputError as error:
                typed[(code, year)] = (text, shown(error))
            else:
                saved.add((code, year))
    if request.htmx:
        table = build_table(
            report,
            section_id,
            section_view.indicators,
            dom_keys(report)[section_id],
            report_figures(report),
            check_report(report),
            typed=typed,
            saved=saved,
        )
        return render(
            request,
            "campaigns/report/_table.html",
            {"table": table, "writable": can_write_now(request.user, report), "report": report},
        )
    if typed:
        messages.error(request, _("Một số ô chưa lưu được; xem lời nhắn ở từng ô."))
        return _render_page(request, report, PageState(typed={section_id: typed}), status=400)
    messages.success(request, _("Đã lưu số liệu."))
    return back_to(report, section_view.anchor)


# --- Submit and review -----------------------------------------------------------------------


@require_POST
@report_view
def report_submit(request, report: Report) -> HttpResponse:
    try:
        actions.submit(report, request.user, expected_version(request))
    except actions.NotAllowed:
        raise
    except actions.ActionError as error:
        for line in shown(error).splitlines():
            messages.error(request, line)
        return back_to(report, "gui-bao-cao")
    parent = report.unit.parent
    if parent is not None:
        sent = _("Đã gửi báo cáo tới %(parent)s.") % {"parent": parent.name}
    else:
        sent = _("Đã gửi báo cáo.")
    messages.success(request, sent + " " + _("Báo cáo không sửa được nữa trừ khi bị trả lại."))
    return back_to(report)


def _comments_from(request) -> dict[str, str]:
    return {
        key.removeprefix("comment:"): value
        for key, value in request.POST.items()
        if key.startswith("comment:")
    }


@require_POST
@report_view
def report_return(request, report: Report) -> HttpResponse:
    reason = request.POST.get("reason", "")
    comments = _comments_from(request)
    try:
        actions.return_report(
            report,
            request.user,
            reason,
            comments,
            expected_version=expected_version(request),
        )
    except actions.NotAllowed:
        raise
    except actions.ActionError as error:
        state = PageState(reason=reason, comments=comments, review_error=shown(error))
        status = 409 if isinstance(error, actions.StaleReport) else 400
        report.refresh_from_db()
        return _render_page(request, report, state, status=status)
    messages.success(request, _("Đã trả lại báo cáo cho %(unit)s.") % {"unit": report.unit.name})
    return back_to(report)


@require_POST
@report_view
def review_draft_save(request, report: Report) -> HttpResponse:
    """The return form saved as a draft: by itself while the reviewer types (HTMX), or with its
    "Lưu nháp" button. A refusal keeps the typing: in the boxes (HTMX) or on the page shown
    again."""
    reason = request.POST.get("reason", "")
    comments = _comments_from(request)
    try:
        draft = actions.save_review_draft(report, request.user, reason, comments)
    except actions.ActionError as error:  # NotAllowed too: never lose the boxes to a 403 page
        if request.htmx:
            return _save_error(request, "", shown(error))
        if isinstance(error, actions.NotAllowed):
            raise
        state = PageState(reason=reason, comments=comments, review_error=shown(error))
        report.refresh_from_db()
        return _render_page(request, report, state, status=400)
    if not request.htmx:
        messages.success(
            request, _("Đã lưu nháp nhận xét. Đơn vị chỉ nhận được khi bạn bấm “Trả lại”.")
        )
        return back_to(report, "duyet-bao-cao")
    response = render(
        request, "campaigns/report/_review_draft_status.html", {"review_draft": draft}
    )
    return trigger_client_event(response, REVIEW_SAVED_EVENT, {})


@require_GET
@report_view
def report_changes(request, report: Report) -> HttpResponse:
    """What the unit changed since the report was last returned: each section's changed lines
    and figures beside the remark made on it, for the reviewer of a resubmission."""
    changes = changes_since_return(report)
    campaign = report.campaign
    labels = section_labels(campaign.outline_tree)
    catalogue = campaign.catalogue.by_code

    def figures(found) -> list[dict[str, Any]]:
        return [
            {
                "change": figure,
                "name": catalogue[figure.code].name if figure.code in catalogue else figure.code,
            }
            for figure in found
        ]

    sections, untouched = [], []
    if changes is not None:
        for change in changes.sections:
            anchor, label = labels.get(change.section_id, ("", change.section_id))
            sections.append(
                {
                    "change": change,
                    "anchor": anchor,
                    "label": label,
                    "before": clean_section_text(change.before) if change.diff is None else "",
                    "after": clean_section_text(change.after),
                    "figures": figures(change.figures),
                }
            )
        for section_id, remark in changes.untouched_remarks.items():
            anchor, label = labels.get(section_id, ("", section_id))
            untouched.append({"anchor": anchor, "label": label, "remark": remark})
    returned = changes.returned if changes is not None else None
    return render(
        request,
        "campaigns/report/changes.html",
        {
            "report": report,
            "campaign": campaign,
            "unit": report.unit,
            "returned": returned,
            "returned_at": local_time(returned.at) if returned else None,
            "returned_by": display_name(returned.actor) if returned else "",
            "sections": sections,
            "elsewhere": figures(changes.figures_elsewhere) if changes else [],
            "untouched": untouched,
            "max_lines": MAX_COMPARED_LINES,
            "status_label": ReportStatus(report.status).label,
        },
    )


@require_POST
@report_view
def report_accept(request, report: Report) -> HttpResponse:
    try:
        actions.accept(report, request.user, expected_version(request))
    except actions.NotAllowed:
        raise
    except actions.ActionError as error:
        messages.error(request, shown(error))
        return back_to(report, "duyet-bao-cao")
    messages.success(request, _("Đã chấp nhận báo cáo của %(unit)s.") % {"unit": report.unit.name})
    return back_to(report)


@require_POST
@report_view
def report_reopen(request, report: Report) -> HttpResponse:
    reason = request.POST.get("reason", "")
    try:
        actions.reopen(report, request.user, reason, expected_version=expected_version(request))
    except actions.NotAllowed:
        raise
    except actions.ActionError as error:
        state = PageState(reopen_reason=reason, review_error=shown(error))
        status = 409 if isinstance(error, actions.StaleReport) else 400
        report.refresh_from_db()
        return _render_page(request, report, state, status=status)
    messages.success(
        request, _("Đã mở lại báo cáo của %(unit)s để sửa.") % {"unit": report.unit.name}
    )
    return back_to(report)
