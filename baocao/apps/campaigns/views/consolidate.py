"""A unit's consolidation workspace and its report's downloads (DOCX, XLSX, PDF).

The workspace shows one section of the outline at a time: the figures of the units below
rolled up (`consolidation.subtree_figures`), where a unit's own total and its units' sum
disagree, what every unit below wrote for that section (searchable without diacritics,
filterable, 50 a page), and beside them the consolidator's own text, which IS the unit's
report: it is saved through `actions.save_section` like any report, with the report page's
editor and endpoint, and then goes through the same review. "Tạo bản nháp" drafts the empty
sections one per request, showing its progress; "Lấy số liệu tổng hợp làm số liệu của đơn vị"
shows where the unit's own figures and the roll-up differ, then writes the chosen ones into the
report.

Who: the unit's consolidators (who also write its report) and superusers write; anyone who may
see the whole subtree (viewers, reviewers, consolidators and admins at or above the unit) reads.
A plain writer of the unit sees only its own unit, so not the texts below: 403. Downloads are
for anyone who may see the report; the XLSX, which lists every unit below with its figures,
needs the subtree too. The PDF, and the DOCX/XLSX of a subtree larger than
BAOCAO_BACKGROUND_EXPORT_REPORTS, are made by a background job (`baocao.apps.jobs`) whose page
shows its progress and then the file; so is the no-JavaScript "Tạo bản nháp".

Queries per page are fixed, whatever the subtree's size: the report, the reports and figures of
the subtree (two), the passages counted per section (one), one page of passages (one), the
unit's own texts (one), plus the session and the membership.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import (
    HttpResponseClientRedirect,
    reswap,
    retarget,
    trigger_client_event,
)

from baocao import search
from baocao.apps.campaigns import actions
from baocao.apps.campaigns.consolidation import (
    SUBMITTED_TOO,
    XLSX_MAX_REPORTS,
    SubtreeFigures,
    indicators_xlsx,
    missing_reports,
    passages_below,
    report_docx,
    report_file_names,
    reports_under,
    subtree_figures,
)
from baocao.apps.campaigns.models import Campaign, Report, ReportStatus, SectionText
from baocao.apps.campaigns.permissions import (
    can_consolidate,
    can_edit_report,
    can_see_subtree,
    can_view_report,
    can_write_now,
    is_consolidator,
)
from baocao.apps.campaigns.views.common import dom_keys, forbidden, load_report, placed_sections
from baocao.apps.campaigns.views.report import SAVED_EVENT, Block
from baocao.apps.jobs import actions as jobs
from baocao.apps.jobs.models import JobKind, JobState
from baocao.apps.jobs.views import file_url, job_url
from baocao.apps.jobs.work import drafted_message, export_in_background
from baocao.apps.orgs.display import KIND_ORDER, kind_short
from baocao.apps.orgs.models import Unit, UnitKind
from baocao.apps.orgs.people import display_name
from baocao.apps.outlines.display import SectionView, outline_view, section_anchor
from baocao.consolidate.crosscheck import mismatches
from baocao.indicators.catalogue import Indicator
from baocao.indicators.maths import growth_shown
from baocao.indicators.numbers import format_number, format_percent
from baocao.richdiff import has_formatting
from baocao.richtext import clean_section_text, editable_lines, plain_text
from baocao.web.downloads import download
from baocao.web.said import shown

PER_PAGE = 50
MISSING_SHOWN = 100  # the reports still missing listed by name; the rest are counted
NUMBERS_PART = "so-lieu"  # ?phan=so-lieu: only the number check (refreshed after each save)


def _unavailable(
    request, report: Report, heading: str, message: str, submitted_too: bool, *, status: int
) -> HttpResponse:
    """A download that cannot be made: why, and the DOCX instead."""
    context = {
        "report": report,
        "campaign": report.campaign,
        "unit": report.unit,
        "heading": heading,
        "message": message,
        "docx_url": _download_url(report, "docx", submitted_too),
    }
    return render(request, "campaigns/consolidate/unavailable.html", context, status=status)


def workspace_view(view):
    """Load the report; only those who see its whole subtree come in (403 page otherwise)."""

    @wraps(view)
    def wrapper(request, slug: str, unit_code: str, **kwargs: Any) -> HttpResponse:
        report = load_report(slug, unit_code)
        if not can_see_subtree(request.user, report.unit):
            return forbidden(
                request,
                report,
                _(
                    "Trang tổng hợp chỉ dành cho người tổng hợp của đơn vị và những người được "
                    "xem báo cáo của các đơn vị cấp dưới."
                ),
            )
        try:
            return view(request, report, **kwargs)
        except actions.NotAllowed as error:
            return forbidden(request, report, shown(error))

    return wrapper


# --- The page's state, read from the query string ------------------------------------------------


@dataclass
class Filters:
    section_id: str = ""
    submitted_too: bool = False
    q: str = ""
    kind: str = ""
    status: str = ""
    page: int = 1

    @classmethod
    def read(cls, params, section_ids: list[str]) -> Filters:
        kind = params.get("loai", "")
        status = params.get("trang-thai", "")
        try:
            page = max(1, int(params.get("trang") or 1))
        except ValueError:
            page = 1
        section_id = params.get("muc", "")
        return cls(
            section_id=section_id if section_id in section_ids else "",
            submitted_too=params.get("gom") == SUBMITTED_TOO,
            q=" ".join(params.get("q", "").split())[:200],
            kind=kind if kind in UnitKind.values else "",
            status=status if status in ReportStatus.values else "",
            page=page,
        )

    def params(self, **changes: Any) -> dict[str, str]:
        """The query string's values, with some changed: params(page=2, q="")."""
        state = {
            "section_id": self.section_id,
            "submitted_too": self.submitted_too,
            "q": self.q,
            "kind": self.kind,
            "status": self.status,
            "page": self.page,
            **changes,
        }
        values = {
            "muc": state["section_id"],
            "gom": SUBMITTED_TOO if state["submitted_too"] else "",
            "q": state["q"],
            "loai": state["kind"],
            "trang-thai": state["status"],
            "trang": str(state["page"]) if state["page"] > 1 else "",
        }
        return {key: value for key, value in values.items() if value}

    def query(self, **changes: Any) -> str:
        found = self.params(**changes)
        return "?" + urlencode(found) if found else ""


def _workspace_url(report: Report, filters: Filters | None = None, **changes: Any) -> str:
    url = reverse("campaigns:consolidate", args=[report.campaign.slug, report.unit.code])
    return url + (filters.query(**changes) if filters else "")


def _download_url(report: Report, fmt: str, submitted_too: bool) -> str:
    url = reverse("campaigns:report_download", args=[report.campaign.slug, report.unit.code, fmt])
    return url + ("?" + urlencode({"gom": SUBMITTED_TOO}) if submitted_too else "")


# --- What the page shows -------------------------------------------------------------------


@dataclass
class NavItem:
    id: str
    label: str
    dom: str
    count: int
    filled: bool
    current: bool
    url: str
    has_table: bool
    children: list[NavItem] = field(default_factory=list)


@dataclass
class FigureLine:
    label: str
    unit: str
    part: bool
    derived: bool
    values: list[tuple[int, str]]  # (year, the figure as printed)
    change: str = ""
    percent: str = ""
    note: str = ""

    @property
    def empty(self) -> bool:
        return not any(value for _year, value in self.values)


@dataclass
class Passage:
    pk: int
    unit: Unit
    kind: str
    status: str
    status_text: str
    text: str
    url: str


@dataclass
class Missing:
    name: str
    status: str
    status_text: str
    url: str


def _number(indicator: Indicator, value: Decimal | None) -> str:
    if value is None:
        return ""
    if indicator.type == "percent":
        return format_percent(value, 1)
    if indicator.derived:
        return format_number(value, 2)
    return format_number(value)


def figure_lines(
    section_view: SectionView,
    catalogue: dict[str, Indicator],
    values: dict[str, dict[int, Decimal]],
    years: list[int],
) -> list[FigureLine]:
    lines = []
    for row in section_view.indicators:
        indicator = catalogue.get(row.code)
        if indicator is None:
            continue
        by_year = values.get(indicator.code, {})
        line = FigureLine(
            label=row.name,
            unit=row.unit,
            part=row.part,
            derived=indicator.derived,
            values=[(year, _number(indicator, by_year.get(year))) for year in years],
        )
        if not indicator.numeric or indicator.rollup == "none":
            line.note = _("không cộng dồn")
        else:
            line.change, line.percent = growth_shown(
                indicator, by_year.get(years[0]), by_year.get(years[-1])
            )
        lines.append(line)
    return lines


def difference_lines(
    campaign: Campaign,
    subtree: SubtreeFigures,
    codes: list[str],
    catalogue: dict[str, Indicator],
    years: list[int],
) -> list[dict[str, str]]:
    """ "LĐLĐ huyện Đăk Hà báo 4.210 đoàn viên (năm 2017), các CĐCS cộng lại 4.185":
    two queries, for the units that differ only."""
    wanted = set(codes)
    differences = [d for d in subtree.rollup.differences if d.code in wanted]
    paths = {difference.path for difference in differences}
    units = {unit.path: unit for unit in Unit.objects.filter(path__in=paths)} if paths else {}
    kinds_below: dict[str, set[str]] = {}
    if paths:
        for parent, kind in (
            Report.objects.filter(campaign=campaign, unit__parent__path__in=paths)
            .values_list("unit__parent__path", "unit__kind")
            .distinct()
        ):
            kinds_below.setdefault(parent, set()).add(kind)
    lines = []
    for difference in differences:
        indicator = catalogue[difference.code]
        unit = units.get(difference.path)
        name = unit.name if unit else difference.path
        below = (
            _("các CĐCS")
            if kinds_below.get(difference.path) == {UnitKind.GRASSROOTS}
            else _("các đơn vị trực thuộc")
        )
        reported = format_number(difference.reported)
        summed = format_number(difference.children_sum)
        if indicator.mentions:
            said = _(
                "%(unit)s báo %(value)s %(noun)s (năm %(year)d), %(below)s cộng lại %(sum)s"
            ) % {
                "unit": name,
                "value": reported,
                "noun": indicator.mentions[0],
                "year": difference.year,
                "below": below,
                "sum": summed,
            }
        else:
            said = _(
                "%(unit)s báo “%(indicator)s” năm %(year)d là %(value)s, %(below)s cộng lại %(sum)s"
            ) % {
                "unit": name,
                "indicator": indicator.name,
                "year": difference.year,
                "value": reported,
                "below": below,
                "sum": summed,
            }
        gap = format_number(abs(difference.reported - difference.children_sum))
        url = reverse("campaigns:report", args=[campaign.slug, unit.code]) if unit else ""
        lines.append({"text": said, "gap": gap, "url": url})
    return lines


def _passage_counts(report: Report) -> dict[str, dict[tuple[str, str], int]]:
    """{section id: {(unit kind, report status): passages}}: one grouped query."""
    counts: dict[str, dict[tuple[str, str], int]] = {}
    rows = (
        passages_below(report)
        .values_list("section_id", "report__unit__kind", "report__status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for section_id, kind, status, number in rows:
        counts.setdefault(section_id, {})[(kind, status)] = number
    return counts


def passages_page(
    report: Report, filters: Filters, section_id: str, total_unfiltered: int
) -> tuple[list[Passage], int]:
    """One page of the section's passages and how many match: one query.

    Without a search the page is cut by the database; a search reads the section's passages
    (filtered by kind and status already) and matches their folded words in Python
    (`baocao.search`: "dak ha" finds Đăk Hà on every database, the unit named first).
    """
    rows = (
        passages_below(report)
        .filter(section_id=section_id)
        .select_related("report__unit")
        .order_by("report__unit__path")
    )
    if filters.kind:
        rows = rows.filter(report__unit__kind=filters.kind)
    if filters.status:
        rows = rows.filter(report__status=filters.status)

    def first_row(total: int) -> int:  # a page past the end shows the last one
        filters.page = min(filters.page, max(1, -(-total // PER_PAGE)))
        return (filters.page - 1) * PER_PAGE

    if filters.q:
        query = search.search_text(filters.q)
        ranked = []
        for order, row in enumerate(rows):
            unit = row.report.unit
            found_at = search.rank(query, unit.name, unit.code, plain_text(row.text))
            if found_at is not None:
                ranked.append((found_at, order, row))
        found = [row for _rank, _order, row in sorted(ranked, key=lambda item: item[:2])]
        total = len(found)
        start = first_row(total)
        chosen = found[start : start + PER_PAGE]
    else:
        total = total_unfiltered
        start = first_row(total)
        chosen = list(rows[start : start + PER_PAGE])
    slug = report.campaign.slug
    return [
        Passage(
            pk=row.pk,
            unit=row.report.unit,
            kind=kind_short(row.report.unit.kind),
            status=row.report.status,
            status_text=ReportStatus(row.report.status).label,
            text=clean_section_text(row.text),
            url=reverse("campaigns:report", args=[slug, row.report.unit.code]),
        )
        for row in chosen
    ], total


def _number_findings(
    text: str,
    indicators: list[Indicator],
    values: dict[str, dict[int, Decimal]],
    years: tuple[int, int],
) -> list[str]:
    if not text or not indicators:
        return []
    found = mismatches(text, indicators, values, years)
    by_code = {indicator.code: indicator for indicator in indicators}
    return [finding.message(by_code[finding.code], years) for finding in found]


def _editor_block(
    report: Report, section_id: str, stored: SectionText | None, writable: bool
) -> Block:
    campaign = report.campaign
    section = campaign.outline_tree.section(section_id)
    slug, code = campaign.slug, report.unit.code
    item = Block(
        view=SectionView(section=section, depth=0, anchor=section_anchor(section)),
        dom=dom_keys(report)[section_id],
        leaf=not section.children,
        where=placed_sections(campaign.outline_tree)[section_id][2],
        writable=writable,
        save_url=reverse("campaigns:section_save", args=[slug, code, section_id]),
    )
    if stored is not None:
        item.text = clean_section_text(stored.text)
        item.lines = editable_lines(stored.text)
        item.version = stored.version
        item.saved_at = timezone.localtime(stored.updated_at) if stored.updated_at else None
        item.saved_by = display_name(stored.updated_by)
        if stored.version:
            item.history_url = reverse("campaigns:section_history", args=[slug, code, section_id])
    item.filled = bool(item.text)
    item.show_editor_area = True
    return item


def _own_texts(report: Report) -> dict[str, SectionText]:
    return {
        text.section_id: text
        for text in SectionText.objects.filter(report=report).select_related("updated_by")
    }


def _walk(views: list[SectionView]):
    for section_view in views:
        yield section_view
        yield from _walk(section_view.children)


def workspace_context(
    request, report: Report, filters: Filters, *, conflict: dict | None = None
) -> dict[str, Any]:
    campaign = report.campaign
    unit = report.unit
    user = request.user
    years = campaign.years
    writable = can_consolidate(user, report)
    view = outline_view(campaign.outline_tree)
    views = list(_walk(view.tree))
    counts = _passage_counts(report)
    totals = {sid: sum(by.values()) for sid, by in counts.items()}
    attach = campaign.catalogue.attach
    if not filters.section_id:
        filters.section_id = next(
            (v.section.id for v in views if attach.get(v.section.id) or totals.get(v.section.id)),
            views[0].section.id,
        )
    section_id = filters.section_id
    current = next(v for v in views if v.section.id == section_id)
    own = _own_texts(report)
    keys = dom_keys(report)

    def nav(section_views: list[SectionView]) -> list[NavItem]:
        return [
            NavItem(
                id=v.section.id,
                label=v.section.label,
                dom=keys[v.section.id],
                count=totals.get(v.section.id, 0),
                filled=bool(own.get(v.section.id) and own[v.section.id].text),
                current=v.section.id == section_id,
                url=_workspace_url(
                    report, filters, section_id=v.section.id, q="", kind="", status="", page=1
                ),
                has_table=bool(v.indicators),
                children=nav(v.children),
            )
            for v in section_views
        ]

    catalogue = campaign.catalogue.by_code
    indicators = campaign.catalogue.for_section(section_id)
    subtree = subtree_figures(
        campaign, unit, include_submitted=filters.submitted_too, indicators=indicators
    )
    values = subtree.figures(unit)
    own_counted = report.status in subtree.counted_statuses
    expected = subtree.rollup.expected.get(unit.path, 0) - 1
    counted = subtree.rollup.counted.get(unit.path, 0) - (1 if own_counted else 0)
    missing_shown, missing_total = missing_reports(
        campaign, unit, subtree.counted_statuses, MISSING_SHOWN
    )
    missing = [
        Missing(
            name=below.unit.name,
            status=below.status,
            status_text=ReportStatus(below.status).label,
            url=reverse("campaigns:report", args=[campaign.slug, below.unit.code]),
        )
        for below in missing_shown
    ]

    section_counts = counts.get(section_id, {})
    unfiltered = sum(
        number
        for (kind, status), number in section_counts.items()
        if (not filters.kind or kind == filters.kind)
        and (not filters.status or status == filters.status)
    )
    passages, matching = passages_page(report, filters, section_id, unfiltered)
    pages = max(1, -(-matching // PER_PAGE))
    kind_counts: dict[str, int] = {}
    status_counts: dict[str, int] = {}
    for (kind, status), number in section_counts.items():
        kind_counts[kind] = kind_counts.get(kind, 0) + number
        status_counts[status] = status_counts.get(status, 0) + number

    stored = own.get(section_id)
    editor = _editor_block(report, section_id, stored, writable)
    show_editor = writable and (editor.leaf or bool(editor.text) or bool(section_counts))
    findings = _number_findings(
        stored.text if stored else "",
        indicators,
        values,
        (campaign.baseline_year, campaign.current_year),
    )
    insert_url = (
        reverse("campaigns:consolidate_insert", args=[campaign.slug, unit.code]) + filters.query()
    )
    reason = ""
    if not writable:
        if not campaign.is_open:
            reason = _("Đợt báo cáo đã kết thúc; trang tổng hợp chỉ còn để xem.")
        elif not is_consolidator(user, unit):
            reason = _(
                "Bạn xem được trang này nhưng không sửa được: chỉ người tổng hợp của %(unit)s "
                "mới soạn báo cáo tổng hợp."
            ) % {"unit": unit.name}
        elif not can_edit_report(user, report):
            reason = _(
                "Bạn là người tổng hợp nhưng chưa có vai trò người viết báo cáo của đơn vị nên "
                "chưa sửa được; hãy đề nghị quản trị đơn vị thêm vai trò này."
            )
        else:
            reason = _(
                "Báo cáo tổng hợp đang ở trạng thái “%(status)s”, không sửa được; nếu cần sửa, "
                "hãy đề nghị cấp trên trả lại."
            ) % {"status": ReportStatus(report.status).label}

    return {
        "report": report,
        "campaign": campaign,
        "unit": unit,
        "filters": filters,
        "status_label": ReportStatus(report.status).label,
        "writable": writable,
        "read_only_reason": reason,
        "nav": nav(view.tree),
        "section": current.section,
        "section_view": current,
        "section_where": placed_sections(campaign.outline_tree)[section_id][1],
        "lines": figure_lines(current, catalogue, values, years),
        "differences": difference_lines(
            campaign, subtree, attach.get(section_id, []), catalogue, years
        ),
        "counted": counted,
        "expected": expected,
        "own_counted": own_counted,
        "missing": missing,
        "missing_total": missing_total,
        "passages": passages,
        "matching": matching,
        "section_total": totals.get(section_id, 0),
        "page": filters.page,
        "pages": pages,
        "previous_url": (
            _workspace_url(report, filters, page=filters.page - 1) if filters.page > 1 else ""
        ),
        "next_url": (
            _workspace_url(report, filters, page=filters.page + 1) if filters.page < pages else ""
        ),
        "kind_choices": [
            (kind, kind_short(kind), kind_counts[kind])
            for kind in KIND_ORDER
            if kind in kind_counts
        ],
        "status_choices": [
            (status, status.label, status_counts[status])
            for status in ReportStatus.in_order()
            if status in status_counts
        ],
        "s": editor,
        "show_editor": show_editor,
        # The report page's rich-text editor here too, so a table or a list is never flattened
        # into lines by a consolidator's edit.
        "rich_editor": settings.BAOCAO_RICH_EDITOR,
        "insert_url": insert_url,
        "findings": findings,
        "has_table": bool(indicators),
        "own_text": editor.text,
        "conflict": conflict,
        "accepted_url": _workspace_url(report, filters, submitted_too=False, page=1),
        "submitted_url": _workspace_url(report, filters, submitted_too=True, page=1),
        "numbers_url": _numbers_url(report, filters),
        "draft_url": reverse("campaigns:consolidate_draft", args=[campaign.slug, unit.code]),
        "draft_step_url": reverse(
            "campaigns:consolidate_draft_step", args=[campaign.slug, unit.code]
        ),
        "adopt_url": _adopt_url(report, filters.submitted_too),
        "report_url": reverse("campaigns:report", args=[campaign.slug, unit.code]),
        "downloads": [
            ("docx", "DOCX", _download_url(report, "docx", filters.submitted_too)),
            ("xlsx", "XLSX", _download_url(report, "xlsx", filters.submitted_too)),
            ("pdf", "PDF", _download_url(report, "pdf", filters.submitted_too)),
        ],
    }


def _numbers_url(report: Report, filters: Filters) -> str:
    params = filters.params(q="", kind="", status="", page=1)
    return _workspace_url(report) + "?" + urlencode({**params, "phan": NUMBERS_PART})


def numbers_context(report: Report, filters: Filters) -> dict[str, Any]:
    """Only the number check of the section shown (three queries): refreshed after each save."""
    campaign = report.campaign
    section_id = filters.section_id
    if not section_id:
        raise Http404(_("Không có mục này trong đề cương của đợt báo cáo."))
    indicators = campaign.catalogue.for_section(section_id)
    subtree = subtree_figures(
        campaign, report.unit, include_submitted=filters.submitted_too, indicators=indicators
    )
    stored = SectionText.objects.filter(report=report, section_id=section_id).first()
    text = clean_section_text(stored.text) if stored else ""
    findings = _number_findings(
        text,
        indicators,
        subtree.figures(report.unit),
        (campaign.baseline_year, campaign.current_year),
    )
    return {"findings": findings, "own_text": text}


# --- Views ---------------------------------------------------------------------------------


@require_GET
@workspace_view
def consolidate_page(request, report: Report) -> HttpResponse:
    filters = Filters.read(request.GET, report.campaign.section_ids)
    if request.GET.get("phan") == NUMBERS_PART:
        context = numbers_context(report, filters)
        return render(request, "campaigns/consolidate/_numbers_body.html", context)
    context = workspace_context(request, report, filters)
    return render(request, "campaigns/consolidate/page.html", context)


def _conflict_context(
    request, result: actions.SaveResult, typed: str, mine_html: str = ""
) -> dict[str, Any]:
    """The conflict panel's words (campaigns/report/_conflict.html): theirs as sanitised HTML,
    mine as lines and as sanitised HTML (kept by "Giữ bản của tôi", views.report)."""
    conflict = result.conflict
    mine = display_name(request.user)
    return {
        "conflict": conflict,
        "their_html": clean_section_text(conflict.their_text),
        "mine_html": clean_section_text(mine_html),
        "mine_formatted": has_formatting(clean_section_text(mine_html)),
        "their_saved_at": (
            timezone.localtime(conflict.their_saved_at) if conflict.their_saved_at else None
        ),
        "same_person": bool(conflict.their_author) and conflict.their_author == mine,
        "yours": typed,
    }


@require_POST
@workspace_view
def consolidate_insert(request, report: Report) -> HttpResponse:
    """ "Chèn kèm nguồn": a passage of a unit below, then its source, at the end of the section.

    Posted by the editor's own form (the button sits beside the passage with form="editor-…"),
    so what was typed and not yet saved travels with it and is kept; a stale base version
    answers with the conflict panel holding the text with the passage added.
    """
    filters = Filters.read(request.GET, report.campaign.section_ids)
    section_id = filters.section_id
    if not section_id:
        raise Http404(_("Không có mục này trong đề cương của đợt báo cáo."))
    try:
        passage_id = int(request.POST.get("doan") or 0)
        base_version = int(request.POST.get("base_version") or 0)
    except ValueError as error:
        raise Http404(_("Không có đoạn viết này.")) from error
    dom = dom_keys(report)[section_id]
    try:
        inserted = actions.insert_passage(
            report,
            section_id,
            passage_id,
            request.POST.get("text"),
            base_version,
            request.user,
            rich=request.POST.get("format") == "html",
        )
    except actions.PassageNotFound as error:
        raise Http404(shown(error)) from error
    except actions.NotAllowed:
        raise
    except actions.ActionError as error:
        if request.htmx:
            return render(
                request,
                "campaigns/report/_save_error.html",
                {"dom": dom, "message": shown(error)},
            )
        messages.error(request, shown(error))
        return redirect(_workspace_url(report, filters) + "#noi-dung")

    result = inserted.result
    if result.conflict is not None:
        typed = editable_lines(inserted.text)
        if request.htmx:
            item = _editor_block(report, section_id, None, True)
            context = {
                "s": item,
                "passage_pk": inserted.passage_id,
                "said": _(
                    "Chưa chèn được: mục vừa được lưu ở nơi khác; đoạn đã được thêm vào ô “Bản của bạn”."
                ),
                **_conflict_context(request, result, typed, inserted.text),
            }
            response = render(request, "campaigns/consolidate/_insert_conflict.html", context)
            return reswap(retarget(response, f"#editor-{dom}"), "outerHTML")
        context = workspace_context(
            request,
            report,
            filters,
            conflict=_conflict_context(request, result, typed, inserted.text),
        )
        return render(request, "campaigns/consolidate/page.html", context, status=409)

    saved = _("Đã chèn đoạn của %(unit)s kèm nguồn (phiên bản %(version)d).") % {
        "unit": inserted.source_name,
        "version": result.version,
    }
    if request.htmx:
        fresh = SectionText.objects.filter(report=report, section_id=section_id).select_related(
            "updated_by"
        )
        item = _editor_block(report, section_id, fresh.first(), True)
        context = {"s": item, "said": saved, "passage_pk": inserted.passage_id}
        response = render(request, "campaigns/consolidate/_inserted.html", context)
        response = reswap(retarget(response, f"#editor-{dom}"), "outerHTML")
        return trigger_client_event(response, SAVED_EVENT, {"form": f"editor-{dom}"})
    messages.success(request, saved)
    return redirect(_workspace_url(report, filters) + "#noi-dung")


@require_POST
@workspace_view
def consolidate_draft(request, report: Report) -> HttpResponse:
    """ "Tạo bản nháp" without JavaScript: every empty section drafted by a background job
    (`baocao.apps.jobs`), whose page shows "k/N" and then links back here (the page, with
    JavaScript, drafts one section per request: `consolidate_draft_step`); nothing written is
    overwritten, and the drafts are saved together when all are made."""
    filters = Filters.read(request.POST, report.campaign.section_ids)
    back = _workspace_url(report, filters)
    try:
        actions.check_may_draft(report, request.user)
    except actions.NotAllowed:
        raise
    except actions.ActionError as error:
        messages.error(request, shown(error))
        return redirect(back)
    params = {"submitted_too": filters.submitted_too, "back_url": back}
    job = jobs.start(JobKind.DRAFT, report, request.user, params)
    if job.state == JobState.DONE:  # drafted at once (no worker): the workspace, as before
        messages.success(request, job.message)
        return redirect(back)
    if job.state == JobState.FAILED:
        messages.error(request, job.error)
        return redirect(back)
    return redirect(job_url(job))


def _say_drafted(request, outcome: actions.Drafted) -> None:
    (messages.success if outcome.drafted else messages.info)(request, drafted_message(outcome))


@dataclass
class DraftProgress:
    """Where a draft made one section per request stands, carried from one request to the
    next by the progress form: the section to draft now ("" on the first request), how many
    sections were handled, and what became of them (for the last message)."""

    section_id: str = ""
    handled: int = 0
    drafted: int = 0
    kept: int = 0
    empty: int = 0

    FIELDS = {"handled": "xong", "drafted": "da-soan", "kept": "giu", "empty": "trong"}

    @classmethod
    def read(cls, params, section_ids: list[str]) -> DraftProgress:
        counts = {}
        for name, key in cls.FIELDS.items():
            try:
                counts[name] = min(max(0, int(params.get(key) or 0)), len(section_ids))
            except ValueError:
                counts[name] = 0
        return cls(section_id=params.get("soan", ""), **counts)

    def fields(self) -> dict[str, int]:
        return {key: getattr(self, name) for name, key in self.FIELDS.items()}

    def count(self, done: str) -> None:
        self.handled += 1
        if done == actions.DRAFTED:
            self.drafted += 1
        elif done == actions.EMPTY:
            self.empty += 1
        else:
            self.kept += 1


@require_POST
@workspace_view
def consolidate_draft_step(request, report: Report) -> HttpResponse:
    """ "Tạo bản nháp" one section per request (`actions.draft_section`), so no request drafts
    the whole report: the first request counts the empty sections, each next one drafts one
    and answers the progress ("Đang soạn mục 3/17…"), whose form asks for the next section as
    soon as it is shown; at the end the workspace is loaded again with the draft in it."""
    campaign = report.campaign
    filters = Filters.read(request.POST, campaign.section_ids)
    progress = DraftProgress.read(request.POST, campaign.section_ids)
    order = {sid: index for index, sid in enumerate(campaign.section_ids)}
    try:
        actions.check_may_draft(report, request.user)
        if progress.section_id:
            progress.count(
                actions.draft_section(
                    report,
                    progress.section_id,
                    request.user,
                    include_submitted=filters.submitted_too,
                )
            )
        empty = actions.sections_to_draft(report)
        if not progress.section_id:
            progress.kept = len(campaign.section_ids) - len(empty)
        after = order.get(progress.section_id, -1)
        remaining = [sid for sid in empty if order[sid] > after]
    except actions.NotAllowed:
        raise
    except actions.ActionError as error:
        if not request.htmx:
            messages.error(request, shown(error))
            return redirect(_workspace_url(report, filters))
        context = {"message": shown(error), "back_url": _workspace_url(report, filters)}
        return render(request, "campaigns/consolidate/_draft_stopped.html", context)
    if not remaining:
        outcome = actions.Drafted(progress.drafted, progress.kept, progress.empty)
        _say_drafted(request, outcome)
        back = _workspace_url(report, filters)
        return HttpResponseClientRedirect(back) if request.htmx else redirect(back)
    progress.section_id = remaining[0]
    total = progress.handled + len(remaining)
    context = {
        "report": report,
        "campaign": campaign,
        "unit": report.unit,
        "filters": filters,
        "progress": progress,
        "step": progress.handled + 1,
        "total": total,
        "section_where": placed_sections(campaign.outline_tree)[progress.section_id][1],
        "step_url": reverse(
            "campaigns:consolidate_draft_step", args=[campaign.slug, report.unit.code]
        ),
        "back_url": _workspace_url(report, filters),
    }
    if request.htmx:
        return render(request, "campaigns/consolidate/_draft_progress.html", context)
    return render(request, "campaigns/consolidate/draft_progress.html", context)


# --- Adopting the rolled-up figures ------------------------------------------------------------


@dataclass
class GapLine:
    key: str
    label: str
    unit: str
    year: int
    part: bool
    derived: bool
    own: str
    rolled: str
    difference: str
    seen: str


def _gap_lines(adoption: actions.Adoption) -> list[GapLine]:
    lines = []
    for gap in adoption.gaps:
        indicator = gap.indicator
        difference = gap.difference
        shown = _number(indicator, difference) if difference is not None else ""
        if difference is not None and difference > 0:
            shown = f"+{shown}"
        lines.append(
            GapLine(
                key=gap.key,
                label=indicator.name,
                unit=indicator.unit,
                year=gap.year,
                part=bool(indicator.part_of),
                derived=indicator.derived,
                own=gap.own_raw or _number(indicator, gap.own),
                rolled=_number(indicator, gap.rolled),
                difference=shown,
                seen=gap.seen,
            )
        )
    return lines


def _adopt_url(report: Report, submitted_too: bool) -> str:
    url = reverse("campaigns:consolidate_adopt", args=[report.campaign.slug, report.unit.code])
    return url + ("?" + urlencode({"gom": SUBMITTED_TOO}) if submitted_too else "")


@require_http_methods(["GET", "POST"])
@workspace_view
def consolidate_adopt(request, report: Report) -> HttpResponse:
    """ "Lấy số liệu tổng hợp làm số liệu của đơn vị": where the unit's own figures and its
    units' roll-up differ (GET, for whoever reads the workspace), then the chosen ones written
    into the unit's report (POST, its consolidators, while the report may be written)."""
    campaign, unit, user = report.campaign, report.unit, request.user
    params = request.POST if request.method == "POST" else request.GET
    submitted_too = params.get("gom") == SUBMITTED_TOO
    here = _adopt_url(report, submitted_too)
    if request.method == "POST":
        actions.check_may_adopt(report, user)  # NotAllowed: the 403 page
        if not can_write_now(user, report):
            messages.error(
                request, _("Báo cáo của đơn vị đang không sửa được, nên chưa lấy được số liệu.")
            )
            return redirect(here)
        chosen = request.POST.getlist("chon")
        if not chosen:
            messages.info(request, _("Bạn chưa chọn số liệu nào."))
            return redirect(here)
        try:
            version = int(request.POST.get("expected_version") or 0)
        except ValueError:
            version = 0
        seen = {key: request.POST.get(f"thay:{key}", "") for key in chosen}
        try:
            adopted = actions.adopt_rollup(
                report, chosen, seen, version, user, include_submitted=submitted_too
            )
        except actions.NotAllowed:
            raise
        except actions.ActionError as error:
            messages.error(request, shown(error))
            return redirect(here)
        _say_adopted(request, adopted)
        return redirect(here)

    adoption = actions.figures_to_adopt(report, include_submitted=submitted_too)
    reason = ""
    if not (is_consolidator(user, unit) and can_edit_report(user, report)):
        reason = _(
            "Chỉ người tổng hợp của đơn vị (có vai trò người viết báo cáo) mới lấy được số liệu."
        )
    elif not can_write_now(user, report):
        reason = _(
            "Báo cáo của đơn vị đang ở trạng thái “%(status)s”, không sửa được; nếu cần lấy số "
            "liệu tổng hợp, hãy đề nghị cấp trên trả lại."
        ) % {"status": ReportStatus(report.status).label}
    context = {
        "report": report,
        "campaign": campaign,
        "unit": unit,
        "adoption": adoption,
        "lines": _gap_lines(adoption),
        "writable": not reason,
        "read_only_reason": reason,
        "submitted_too": submitted_too,
        "accepted_url": _adopt_url(report, False),
        "submitted_url": _adopt_url(report, True),
        "workspace_url": _workspace_url(report)
        + ("?" + urlencode({"gom": SUBMITTED_TOO}) if submitted_too else ""),
        "report_url": reverse("campaigns:report", args=[campaign.slug, unit.code]),
        "here": here,
    }
    return render(request, "campaigns/consolidate/adopt.html", context)


def _say_adopted(request, adopted: actions.Adopted) -> None:
    if adopted.saved:
        messages.success(
            request,
            _("Đã lấy %(count)d số liệu tổng hợp làm số liệu của đơn vị.")
            % {"count": len(adopted.saved)},
        )
    if adopted.moved:
        messages.warning(
            request,
            _(
                "%(count)d số liệu vừa thay đổi sau khi bạn mở trang (số của đơn vị hoặc số "
                "tổng hợp) nên chưa lấy; hãy xem lại bảng dưới đây."
            )
            % {"count": len(adopted.moved)},
        )
    if not adopted.saved and not adopted.moved:
        messages.info(request, _("Không có gì thay đổi: các số đã chọn đã là số liệu tổng hợp."))


# --- Downloads -------------------------------------------------------------------------------


@require_GET
def report_download(request, slug: str, unit_code: str, fmt: str) -> HttpResponse:
    report = load_report(slug, unit_code)
    if not can_view_report(request.user, report):
        return forbidden(request, report)
    campaign, unit = report.campaign, report.unit
    submitted_too = request.GET.get("gom") == SUBMITTED_TOO
    reports = reports_under(campaign, unit)
    if fmt == "xlsx":
        if reports > 1 and not can_see_subtree(request.user, unit):
            return forbidden(
                request,
                report,
                _(
                    "Bảng chỉ tiêu liệt kê số liệu của từng đơn vị cấp dưới; bạn chỉ được xem "
                    "báo cáo của đơn vị mình. Hãy tải bản DOCX."
                ),
            )
        if reports > XLSX_MAX_REPORTS:
            return _unavailable(
                request,
                report,
                _("Chưa xuất được bảng Excel"),
                _(
                    "Bảng chỉ tiêu có một dòng cho mỗi báo cáo; %(count)s báo cáo dưới "
                    "%(unit)s là quá nhiều để tải qua trang web. Hãy tải bảng của từng đơn vị "
                    "trực thuộc từ trang tổng hợp của đơn vị đó, hoặc tải bản DOCX (có số liệu "
                    "đã tổng hợp)."
                )
                % {"count": format_number(reports), "unit": unit.name},
                submitted_too,
                status=422,
            )
    if fmt == "pdf" or export_in_background(reports):
        return _file_job(request, report, fmt, submitted_too)
    if fmt == "xlsx":
        data, _subtree = indicators_xlsx(campaign, unit, include_submitted=submitted_too)
    else:
        data, _subtree = report_docx(campaign, unit, include_submitted=submitted_too)
    ascii_name, shown = report_file_names(report, fmt)
    return download(data, shown, fallback=ascii_name)


def _file_job(request, report: Report, fmt: str, submitted_too: bool) -> HttpResponse:
    """The file made by a background job (`baocao.apps.jobs`): its progress page, or, when it
    was made at once (no worker), the file itself; when it could not be made, why, and the DOCX
    instead (503; with Retry-After when every conversion slot was taken)."""
    from baocao import libreoffice

    params = {"fmt": fmt, "submitted_too": submitted_too}
    job = jobs.start(JobKind.REPORT_FILE, report, request.user, params)
    if job.state == JobState.DONE:
        return redirect(file_url(job))
    if job.state == JobState.FAILED:
        heading = _("Chưa xuất được bản PDF") if fmt == "pdf" else _("Chưa xuất được tệp")
        response = _unavailable(request, report, heading, job.error, submitted_too, status=503)
        if job.busy:  # as many conversions as the server may make
            response["Retry-After"] = str(libreoffice.RETRY_AFTER_SECONDS)
        return response
    return redirect(job_url(job))
