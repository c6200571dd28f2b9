"""Campaign pages: the list of campaigns a user takes part in (archived ones apart), opening
one, and the superior's tracking dashboard (with its spreadsheet, its reminders, the units added
to the tree later, the closing of the campaign after a look at who has not sent, its archiving).

Who sees what:
- a campaign is listed for a user whose unit has a report in it, who can see its root unit,
  or who sees a subtree that lies under its root (a district officer in a province campaign);
- the dashboard is for viewers, reviewers, consolidators and admins (and superusers), over the
  part of the campaign they see; a plain writer is sent to its own unit's report;
- opening, adding units, closing and archiving follow `permissions.can_open_campaign`,
  reminders `reminders.can_remind`; a batch of reminders on its way (its progress page) is
  followed by the person who sent it and by those who share that person's dashboard.
The views only read the request and call `dashboard` (queries), `actions`, `reminders` and
`tasks` (the reminders are sent by a background worker).
"""

from __future__ import annotations

import dataclasses
import io
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, pgettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from baocao.apps.campaigns import actions, charts, dashboard
from baocao.apps.campaigns.forms import OpenCampaignForm, may_open_any
from baocao.apps.campaigns.models import (
    Campaign,
    CampaignStatus,
    LiveCount,
    Report,
    ReportStatus,
)
from baocao.apps.campaigns.permissions import can_open_campaign
from baocao.apps.campaigns.queries import (
    audience,
    units_without_report,
    unsent_reports,
    visible_campaigns,
)
from baocao.apps.campaigns.reminders import (
    Reminders,
    can_remind,
    due,
    preview,
    signature,
    window_hours,
)
from baocao.apps.campaigns.tasks import (
    WAITING,
    find_batch,
    remembered,
    start_reminders,
    summary,
)
from baocao.apps.orgs import scope
from baocao.apps.orgs.models import Unit, UnitKind
from baocao.errors import InputError
from baocao.indicators.numbers import format_number
from baocao.spreadsheet import neutralise
from baocao.web.downloads import download
from baocao.web.replica import replica_reads
from baocao.web.said import shown

LISTED = 10  # units named in a message about reminders; the rest are counted
# Batches of reminders run at once (no queue: nothing keeps their result but the session of
# the person who sent them): {task id: what they did}, the last REMINDED_KEPT.
REMINDED_SESSION_KEY = "baocao.reminded"
REMINDED_KEPT = 10
LEVELS = {  # a summary's message levels (`reminded_messages`) as the messages framework's
    "success": messages.SUCCESS,
    "info": messages.INFO,
    "warning": messages.WARNING,
    "error": messages.ERROR,
}

# --- who sees what -------------------------------------------------------------------------


def _own_report(user: Any, campaign: Campaign) -> Report | None:
    unit = scope.user_unit(user)
    return campaign.reports.filter(unit=unit).first() if unit is not None else None


# --- the list ----------------------------------------------------------------------------------


@dataclass
class Entry:
    campaign: Campaign
    days_left: int
    own_status: str = ""
    own_url: str = ""
    dashboard: bool = False
    sent: int = 0
    total: int = 0

    @property
    def days_late(self) -> int:
        return -self.days_left


ARCHIVED_FILTER = "luu-tru"  # ?trang-thai=luu-tru: the archived campaigns, hidden otherwise


@replica_reads
def campaign_list(request):
    user = request.user
    archived = request.GET.get("trang-thai") == ARCHIVED_FILTER
    taking_part = visible_campaigns(user)
    if archived:
        campaigns = list(taking_part.filter(status=CampaignStatus.ARCHIVED))
        archived_count = len(campaigns)
    else:
        campaigns = list(taking_part.exclude(status=CampaignStatus.ARCHIVED))
        archived_count = taking_part.filter(status=CampaignStatus.ARCHIVED).count()
    today = timezone.localdate()
    unit = scope.user_unit(user)
    own = {}
    if unit is not None:
        own = {
            campaign_id: status
            for campaign_id, status in Report.objects.filter(
                unit=unit, campaign__in=[c.pk for c in campaigns]
            ).values_list("campaign_id", "status")
        }
    progress = _progress(user, unit, campaigns)
    entries = []
    for campaign in campaigns:
        entry = Entry(campaign, (campaign.deadline - today).days)
        if campaign.pk in own:
            entry.own_status = ReportStatus(own[campaign.pk]).label
            entry.own_url = dashboard.report_url(campaign.slug, unit.code)
        entry.dashboard = audience(user, campaign) is not None
        if entry.dashboard and campaign.pk in progress:
            entry.sent = progress[campaign.pk]["sent"]
            entry.total = progress[campaign.pk]["total"]
        entries.append(entry)
    return render(
        request,
        "campaigns/list.html",
        {
            "entries": entries,
            "may_open": may_open_any(user),
            "archived": archived,
            "archived_count": archived_count,
            "archived_filter": ARCHIVED_FILTER,
        },
    )


def _progress(user: Any, unit: Any, campaigns: list[Campaign]) -> dict[int, dict[str, int]]:
    """{campaign id: {"total", "sent"}} of the reports the user sees in each campaign: the
    subtree counts the live roll-up keeps (`LiveCount`, one query), the database counting the
    reports only for a campaign without them."""
    covering = {}  # campaign id -> the unit whose subtree is what the user sees of it
    for campaign in campaigns:
        root = campaign.root_unit
        if scope.is_superuser(user) or unit is None or root.is_within(unit):
            covering[campaign.pk] = root.pk
        elif unit.is_within(root):
            covering[campaign.pk] = unit.pk
    progress = {}
    if covering:
        wanted = Q()
        for campaign_id, unit_id in covering.items():
            wanted |= Q(campaign_id=campaign_id, unit_id=unit_id)
        for row in LiveCount.objects.filter(wanted).values(
            "campaign_id", "unit_id", *ReportStatus.values
        ):
            if covering.get(row["campaign_id"]) == row["unit_id"]:
                sent = row[ReportStatus.SUBMITTED] + row[ReportStatus.ACCEPTED]
                total = sum(row[status] for status in ReportStatus.values)
                progress[row["campaign_id"]] = {"total": total, "sent": sent}
    missing = [campaign.pk for campaign in campaigns if campaign.pk not in progress]
    if missing:
        counted = Report.objects.filter(campaign__in=missing)
        if not scope.is_superuser(user) and unit is not None:
            counted = counted.filter(unit__path__startswith=unit.path)
        for row in counted.values("campaign_id").annotate(
            total=Count("pk"),
            sent=Count("pk", filter=Q(status__in=dashboard.DONE)),
        ):
            progress[row["campaign_id"]] = row
    return progress


# --- opening -----------------------------------------------------------------------------------


def campaign_open(request):
    user = request.user
    if not may_open_any(user):
        raise PermissionDenied
    form = OpenCampaignForm(request.POST or None, user=user)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                campaign = actions.open_campaign(
                    data["outline"],
                    data["root_unit"],
                    kinds=data["kinds"],
                    deadline=data["deadline"],
                    actor=user,
                    name=data["name"],
                    baseline_year=data["baseline_year"],
                    current_year=data["current_year"],
                )
            except InputError as exc:
                form.add_error(None, shown(exc))
            else:
                messages.success(
                    request,
                    _("Đã mở đợt báo cáo “%(name)s”: %(count)d đơn vị phải báo cáo.")
                    % {"name": campaign.name, "count": campaign.reports.count()},
                )
                return redirect("campaigns:detail", slug=campaign.slug)
        status = 400
    return render(request, "campaigns/open.html", {"form": form}, status=status)


# --- the dashboard -------------------------------------------------------------------------------


def _campaign(slug: str) -> Campaign:
    return get_object_or_404(Campaign.objects.select_related("outline", "root_unit"), slug=slug)


def _audience_or_redirect(request, campaign: Campaign):
    """The user's audience, or the response for one without a dashboard: its own report, or
    "not found" (the campaign is none of its business)."""
    found = audience(request.user, campaign)
    if found is not None:
        return found, None
    own = _own_report(request.user, campaign)
    if own is None:
        raise Http404(_("Không có đợt báo cáo này."))
    return None, redirect(dashboard.report_url(campaign.slug, scope.user_unit(request.user).code))


@replica_reads
def campaign_detail(request, slug: str):
    campaign = _campaign(slug)
    seen, response = _audience_or_redirect(request, campaign)
    if response is not None:
        return response
    filters = dashboard.Filters.from_params(request.GET)
    board = dashboard.build(campaign, seen.reports, seen.top, filters)
    context = {
        "campaign": campaign,
        "board": board,
        "top": seen.top,
        "filters": filters,
        # The main figures counted the other way (accepted only, or submitted too).
        "counting_other": dataclasses.replace(
            filters, submitted_too=not filters.submitted_too, page=1
        ).params(),
        "statuses": [(status, status.queue_label) for status in ReportStatus.in_order()],
        "may_remind": campaign.is_open and can_remind(request.user, campaign),
    }
    if can_open_campaign(request.user, campaign.root_unit):  # the campaign's owner
        context["may_close"] = campaign.is_open
        context["may_archive"] = campaign.status == CampaignStatus.CLOSED
        context["new_units"] = _new_units(campaign, board) if campaign.is_open else 0
    context.update(_units_context(board))
    if request.htmx and request.htmx.target == "units":
        return render(request, "campaigns/dashboard/_units.html", context)
    context.update(_charts_context(board))
    context["due"] = (
        due(campaign, units=_units_of(request.user, campaign)).count()
        if context["may_remind"]
        else 0
    )
    context["synthetic"] = campaign.root_unit.synthetic
    return render(request, "campaigns/dashboard/detail.html", context)


def _new_units(campaign: Campaign, board: dashboard.Dashboard) -> int:
    """Units added under the campaign's root since it opened (without a report): one query
    (two when narrowed). When every kind reports, the reports counted under the root (by the
    roll-up: `board.indicators.expected`, or `LiveCount`) are one per unit of its subtree
    unless some unit is new, so counting the units is enough (130,000 nationally, without
    the anti-join of `units_without_report`)."""
    root = campaign.root_unit
    if set(campaign.reporting_kinds) >= set(UnitKind.values):
        if board.top is not None and board.top.pk == root.pk:
            expected = board.indicators.expected
        else:  # narrowed to a unit below: the root's count as the live roll-up keeps it
            live = dashboard.live_counts(campaign, root)
            expected = None if live is None else sum(live.values())
        if expected is not None:
            return max(0, Unit.objects.subtree(root).count() - expected)
    return units_without_report(campaign).count()


MATRIX_CELLS = {
    "filled": ("✓", gettext_noop("đã viết")),
    "empty": ("·", gettext_noop("còn trống")),
    "comment": ("!", gettext_noop("có nhận xét")),
}


def _units_context(board: dashboard.Dashboard) -> dict[str, Any]:
    """The table's pages and the matrix, as the template walks them."""
    filters, page = board.filters, board.page
    matrix = []
    # The cells as HTML, written here: 50 rows × 40 sections through the template's loops
    # took a tenth of a second.
    plain = {
        state: format_html(
            '<td class="mx mx--{}"><span aria-hidden="true">{}</span>'
            '<span class="visually-hidden">{}</span></td>',
            state,
            symbol,
            _(text),
        )
        for state, (symbol, text) in MATRIX_CELLS.items()
    }
    for row in board.rows:
        cells = []
        for section in board.sections:
            state = row.cell(section.id)
            if state == "comment":
                symbol, text = MATRIX_CELLS[state]
                cells.append(
                    format_html(
                        '<td class="mx mx--{}" title="{}"><span aria-hidden="true">{}</span>'
                        '<span class="visually-hidden">{}</span></td>',
                        state,
                        f"{section.label}: {row.commented[section.id]}",
                        symbol,
                        _(text),
                    )
                )
            else:
                cells.append(plain[state])
        matrix.append({"name": row.name, "url": row.url, "cells": mark_safe("".join(cells))})
    parts: list[dict[str, Any]] = []
    for section in board.sections:
        if parts and parts[-1]["name"] == section.part:
            parts[-1]["span"] += 1
        else:
            parts.append({"name": section.part, "span": 1})
    trail = [
        {
            "name": unit.name,
            "params": dataclasses.replace(filters, unit=unit.code if step else "", page=1).params(),
        }
        for step, unit in enumerate(board.trail)
    ]
    return {
        "trail": trail,
        "matrix_parts": parts if len(parts) > 1 else [],
        "matrix_rows": matrix,
        "prev_params": filters.params(page=page.number - 1),
        "next_params": filters.params(page=page.number + 1),
    }


def _charts_context(board: dashboard.Dashboard) -> dict[str, Any]:
    """The charts, and the same numbers as tables for those who would rather read."""
    progress_rows, previous = [], 0
    for point in board.progress.points:
        if point.count != previous or point.day == board.progress.deadline:
            progress_rows.append(
                {"day": point.day, "new": point.count - previous, "count": point.count}
            )
        previous = point.count
    statuses_ordered = [(status, status.queue_label) for status in ReportStatus.in_order()]
    kind_rows = [
        {
            "label": row.label,
            "total": row.total,
            "counts": [row.counts[status] for status in ReportStatus.in_order()],
        }
        for row in board.by_kind
    ]
    indicator_rows = [
        {
            "name": pair.name,
            "unit": pair.unit,
            "baseline": format_number(pair.baseline) or "—",
            "current": format_number(pair.current) or "—",
        }
        for pair in board.indicators.pairs
    ]
    return {
        "charts": _charts(board),
        "progress_rows": progress_rows,
        "statuses_ordered": statuses_ordered,
        "kind_rows": kind_rows,
        "indicator_rows": indicator_rows,
    }


def _units_of(user: Any, campaign: Campaign | None = None):
    """The units whose reports the user may remind; None for all (a superuser, or a unit at or
    above the campaign's root: no condition on 130,000 units' paths)."""
    if scope.is_superuser(user):
        return None
    unit = scope.user_unit(user)
    if (
        campaign is not None
        and unit is not None
        and scope.sees_subtree(user)
        and campaign.root_unit.is_within(unit)
    ):
        return None
    return scope.visible_units(user)


def _charts(board: dashboard.Dashboard) -> dict[str, str]:
    progress = board.progress
    totals = board.totals
    progress_svg = charts.progress_chart(
        [(point.day, point.count) for point in progress.points],
        start=progress.start,
        end=progress.end,
        total=progress.total,
        deadline=progress.deadline,
        today=progress.today,
        deadline_label=_("Hạn"),
        title=_("Số báo cáo đã gửi theo ngày"),
        desc=_(
            "Đường tăng dần: số đơn vị đã gửi báo cáo (ít nhất một lần) đến cuối mỗi ngày, "
            "trên tổng số %(total)d đơn vị; %(by_deadline)d đơn vị gửi trước hạn %(deadline)s."
        )
        % {
            "total": totals.total,
            "by_deadline": progress.sent_by_deadline,
            "deadline": f"{progress.deadline:%d/%m/%Y}",
        },
    )
    kinds_svg = charts.stacked_bars(
        [
            (
                row.label,
                row.total,
                [
                    charts.Segment(
                        status.value,
                        status.queue_label,
                        row.counts[status],
                    )
                    for status in ReportStatus.in_order()
                ],
            )
            for row in board.by_kind
        ],
        title=_("Trạng thái báo cáo theo loại đơn vị"),
        desc="; ".join(
            f"{row.label}: "
            + ", ".join(
                f"{status.queue_label} {row.counts[status]}" for status in ReportStatus.in_order()
            )
            for row in board.by_kind
        ),
    )
    summary = board.indicators
    pairs_svg = charts.paired_bars(
        [
            charts.Pair(_short_name(pair.code, pair.name), pair.baseline, pair.current)
            for pair in summary.pairs
        ],
        years=(summary.baseline_year, summary.current_year),
        no_figure=_("chưa có số liệu"),
        title=_("Chỉ tiêu chính năm %(base)d và năm %(now)d")
        % {"base": summary.baseline_year, "now": summary.current_year},
        desc="; ".join(
            f"{pair.name}: {pair.baseline if pair.baseline is not None else '-'} → "
            f"{pair.current if pair.current is not None else '-'}"
            for pair in summary.pairs
        ),
    )
    return {"progress": progress_svg, "kinds": kinds_svg, "indicators": pairs_svg}


SHORT_NAMES = {
    "members": pgettext_lazy("chart", "Đoàn viên"),
    "workers": pgettext_lazy("chart", "CNVCLĐ"),
    "grassroots_unions": pgettext_lazy("chart", "CĐCS"),
}


def _short_name(code: str, name: str) -> str:
    return str(SHORT_NAMES[code]) if code in SHORT_NAMES else name[:20]


# --- export -----------------------------------------------------------------------------------


def campaign_export(request, slug: str):
    campaign = _campaign(slug)
    seen, response = _audience_or_redirect(request, campaign)
    if response is not None:
        return response
    filters = dashboard.Filters.from_params(request.GET)
    rows, sections = dashboard.export_rows(campaign, seen.reports, filters, top=seen.top)
    data = _workbook(campaign, rows, sections)
    return download(data, f"theo-doi-{campaign.slug}-{timezone.localdate():%Y%m%d}.xlsx")


def _workbook(campaign: Campaign, rows: list, sections: list) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Theo dõi")
    sheet.freeze_panes = "C2"

    def text(value: Any, bold: bool = False) -> WriteOnlyCell:
        cell = WriteOnlyCell(sheet, value=neutralise(str(value)) if value is not None else "")
        cell.data_type = "s"
        if bold:
            cell.font = Font(bold=True)
        return cell

    def date(value: Any) -> str:
        return f"{timezone.localtime(value):%d/%m/%Y}" if value else ""

    header = [
        "Mã đơn vị",
        "Tên đơn vị",
        "Loại đơn vị",
        "Đơn vị cấp trên",
        "Trạng thái",
        "Ngày gửi",
        "Ngày gửi lại",
        "Ngày duyệt",
        "Hạn nộp",
        "Số mục đã viết",
        "% mục đã viết",
        "Lỗi số liệu (chặn gửi)",
        "Cảnh báo số liệu",
        "Nhắc nhở lần cuối",
        *(f"Mục {section.label}" for section in sections),
    ]
    for letter, width in zip("ABCDE", (16, 50, 26, 40, 14), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.append([text(title, bold=True) for title in header])
    marks = {"filled": "x", "empty": "", "comment": "nhận xét"}
    for row in rows:
        sheet.append(
            [
                text(row.code),
                text(row.name),
                text(row.kind_label),
                text(row.parent_name),
                text(row.status_label),
                text(date(row.first_submitted_at)),
                text(date(row.submitted_at) if row.resubmitted else ""),
                text(date(row.accepted_at)),
                text(row.timeliness_label),
                len(row.filled or ()),
                row.fill_percent,
                row.hard,
                row.soft,
                text(
                    f"{timezone.localtime(row.reminded_at):%H:%M %d/%m/%Y}"
                    if row.reminded_at
                    else ""
                ),
                *(text(marks[row.cell(section.id)]) for section in sections),
            ]
        )
    legend = workbook.create_sheet("Ghi chú")
    legend.append([text(campaign.name, bold=True)])
    legend.append([text(f"Hạn nộp: {campaign.deadline:%d/%m/%Y}")])
    legend.append(
        [text("Cột “Mục …”: x = đã viết; để trống = chưa viết; nhận xét = bị trả lại có nhận xét.")]
    )
    for section in sections:
        legend.append([text(f"Mục {section.label}"), text(section.title)])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# --- actions from the dashboard -------------------------------------------------------------


def _owned_campaign(request, slug: str) -> Campaign:
    """The campaign of an owner's action: 404 for one out of sight, 403 for one seen but not
    owned (`permissions.can_open_campaign`)."""
    campaign = _campaign(slug)
    if audience(request.user, campaign) is None:
        raise Http404(_("Không có đợt báo cáo này."))
    if not can_open_campaign(request.user, campaign.root_unit):
        raise PermissionDenied(
            _("Chỉ cán bộ tổng hợp hoặc quản trị của đơn vị chủ trì mới làm được việc này.")
        )
    return campaign


@require_http_methods(["GET", "POST"])
def campaign_close(request, slug: str):
    """GET: the units that have not sent, and the confirmation; POST: close."""
    campaign = _owned_campaign(request, slug)
    if request.method == "POST":
        actions.close_campaign(campaign, request.user)
        messages.success(
            request,
            _("Đã kết thúc đợt báo cáo. Các báo cáo không thể sửa, gửi hay duyệt nữa."),
        )
        return redirect("campaigns:detail", slug=campaign.slug)
    if not campaign.is_open:
        messages.info(request, _("Đợt báo cáo đã kết thúc."))
        return redirect("campaigns:detail", slug=campaign.slug)
    unsent, unsent_count = unsent_reports(campaign)
    return render(
        request,
        "campaigns/close.html",
        {
            "campaign": campaign,
            "unsent": unsent,
            "unsent_count": unsent_count,
            "total": campaign.reports.count(),
            "today": timezone.localdate(),
        },
    )


@require_POST
def campaign_archive(request, slug: str):
    campaign = _owned_campaign(request, slug)
    try:
        actions.archive_campaign(campaign, request.user)
    except actions.ActionError as exc:
        messages.error(request, shown(exc))
    else:
        messages.success(
            request,
            _(
                "Đã lưu trữ đợt báo cáo: đợt không còn trong danh sách thường, xem lại ở mục "
                "“Đã lưu trữ”."
            ),
        )
    return redirect("campaigns:detail", slug=campaign.slug)


@require_POST
def campaign_add_units(request, slug: str):
    """Units added to the tree after the campaign opened get their report."""
    campaign = _owned_campaign(request, slug)
    try:
        added = actions.add_units(campaign, campaign.root_unit, request.user)
    except actions.ActionError as exc:
        messages.error(request, shown(exc))
    else:
        if added:
            messages.success(
                request, _("Đã thêm %(count)d đơn vị mới vào đợt báo cáo.") % {"count": added}
            )
        else:
            messages.info(request, _("Không có đơn vị mới nào cần thêm vào đợt báo cáo."))
    return redirect("campaigns:detail", slug=campaign.slug)


@require_http_methods(["GET", "POST"])
def campaign_remind(request, slug: str):
    """GET: the preview, who would get a reminder, at which addresses and why, and who is
    left out (reminded within the window, no address); POST with `confirm`: enqueue the
    sending to the reports the preview listed (`tasks.send_reminders`: a second click finds
    them reminded and sends nothing) and show its progress."""
    campaign = _campaign(slug)
    if audience(request.user, campaign) is None:
        raise Http404(_("Không có đợt báo cáo này."))
    confirmed = request.method == "POST" and bool(request.POST.get("confirm"))
    try:
        planned = preview(campaign, actor=request.user)
    except actions.NotAllowed as exc:
        raise PermissionDenied(shown(exc)) from None
    except InputError as exc:
        messages.error(request, shown(exc))
        return redirect("campaigns:detail", slug=campaign.slug)
    if confirmed:
        only = _ids(request.POST.get("reports"))
        chosen = [item for item in planned if only is None or item.report.pk in only]
        if not chosen:
            _say_reminded(request, summary(Reminders()))
            return redirect("campaigns:detail", slug=campaign.slug)
        letters = sum(1 for item in chosen if item.sends)
        started = start_reminders(campaign, request.user, [i.report.pk for i in chosen], letters)
        if started.is_finished:  # run at once (no queue), and kept by nobody but this session
            kept = request.session.get(REMINDED_SESSION_KEY, {})
            kept = dict(list(kept.items())[-(REMINDED_KEPT - 1) :])
            kept[str(started.id)] = remembered(started)
            request.session[REMINDED_SESSION_KEY] = kept
        return redirect("campaigns:remind_progress", slug=campaign.slug, task_id=started.id)
    to_send = [item for item in planned if item.sends]
    return render(
        request,
        "campaigns/remind.html",
        {
            "campaign": campaign,
            "to_send": to_send,
            "left_out": [item for item in planned if not item.sends],
            "reports": ",".join(str(item.report.pk) for item in to_send),
            "window": window_hours(),
            "signature": signature(request.user, campaign),
        },
    )


@require_GET
def campaign_remind_progress(request, slug: str, task_id: str):
    """A batch of reminders on its way (`tasks.find_batch`): "Đã gửi k/N thư", polled every
    2 s (HTMX) until the worker is done, then the summary. For the person who confirmed it
    and for those who see the campaign as that person does (same dashboard), superusers too."""
    campaign = _campaign(slug)
    seen = audience(request.user, campaign)
    if seen is None:
        raise Http404(_("Không có đợt báo cáo này."))
    kept = request.session.get(REMINDED_SESSION_KEY, {}).get(task_id)
    batch = find_batch(task_id, campaign, kept)
    if batch is None or not _may_follow(request.user, seen, batch, campaign):
        raise Http404(_("Không có đợt gửi nhắc nhở này."))
    waited = timezone.now() - batch.enqueued_at if batch.enqueued_at else None
    context = {
        "campaign": campaign,
        "batch": batch,
        "sent": batch.sent_so_far(),
        "said": reminded_messages(batch.summary) if batch.summary is not None else [],
        "slow": batch.state == WAITING and waited is not None and waited.total_seconds() > 60,
        "progress_url": request.get_full_path(),
    }
    if request.htmx:
        return render(request, "campaigns/_remind_progress.html", context)
    return render(request, "campaigns/remind_progress.html", context)


def _may_follow(user: Any, seen, batch, campaign: Campaign) -> bool:
    if user.pk == batch.actor_id or scope.is_superuser(user):
        return True
    actor = get_user_model().objects.filter(pk=batch.actor_id).first()
    theirs = audience(actor, campaign) if actor is not None else None
    return theirs is not None and theirs.top.pk == seen.top.pk


def _ids(raw: str | None) -> set[int] | None:
    """The confirmed reports ("12,15,19"); None (every one due) when the form has none."""
    if raw is None:
        return None
    return {int(part) for part in raw.split(",") if part.strip().isdigit()}


def _say_reminded(request, done: dict[str, Any]) -> None:
    for level, text in reminded_messages(done):
        messages.add_message(request, LEVELS[level], text)


def reminded_messages(done: dict[str, Any]) -> list[tuple[str, str]]:
    """What a batch of reminders did (`tasks.summary`), as (level, message) for the person:
    the one place of its wording, for the progress page and the dashboard."""
    said: list[tuple[str, str]] = []
    if done["error"]:
        said.append(("error", done["error"]))
    if done["sent"]:
        said.append(
            (
                "success",
                _(
                    "Đã gửi %(count)d thư nhắc nhở (%(late)d đơn vị quá hạn, %(returned)d báo "
                    "cáo bị trả lại)."
                )
                % {"count": done["sent"], "late": done["late"], "returned": done["returned"]},
            )
        )
    elif not done["failed"] and not done["already"] and not done["error"]:
        said.append(("info", _("Không có đơn vị nào cần nhắc nhở.")))
    if done["failed"]:
        said.append(
            (
                "error",
                _(
                    "Không gửi được thư nhắc cho %(count)d đơn vị: %(names)s%(more)s. Hãy sửa "
                    "rồi bấm “Gửi nhắc nhở” lại: thư đã gửi không bị gửi lại."
                )
                % {
                    "count": len(done["failed"]),
                    **_listing([f"{name} ({why})" for name, why in done["failed"]], "; "),
                },
            )
        )
    if done["already"]:
        said.append(
            (
                "info",
                _(
                    "%(count)d đơn vị đã được nhắc trong %(hours)d giờ qua nên không nhắc lại: "
                    "%(names)s%(more)s."
                )
                % {
                    "count": len(done["already"]),
                    "hours": window_hours(),
                    **_listing(done["already"]),
                },
            )
        )
    if done["without_address"]:
        said.append(
            (
                "warning",
                _("Chưa gửi được cho %(count)d đơn vị vì chưa có địa chỉ thư: %(names)s%(more)s.")
                % {
                    "count": len(done["without_address"]),
                    **_listing(done["without_address"]),
                },
            )
        )
    return said


def _listing(items: list[str], separator: str = ", ") -> dict[str, str]:
    """A message's %(names)s (the first LISTED items) and %(more)s (how many are left out)."""
    more = len(items) - LISTED
    return {
        "names": separator.join(items[:LISTED]),
        "more": _(" và %(count)d đơn vị khác") % {"count": more} if more > 0 else "",
    }
