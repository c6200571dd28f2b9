"""What every report page starts with: loading the report of a URL, refusing politely, and the
addresses and labels the pages share.

A view is wrapped in `report_view` (anyone who may see the report) or loads with `load_report`
and checks a narrower question from `baocao.apps.campaigns.permissions`; a refusal is the one
403 page, `forbidden`, with a message that says why.
"""

from __future__ import annotations

from functools import wraps
from typing import Any

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from baocao.apps.campaigns import actions
from baocao.apps.campaigns.models import Report
from baocao.apps.campaigns.permissions import can_view_report
from baocao.apps.outlines.display import COMMON_TABLE, section_anchor
from baocao.web.said import shown


def forbidden(request, report: Report | None = None, message: str = "") -> HttpResponse:
    """The 403 page: who may do this instead, when `message` says it."""
    return render(
        request,
        "campaigns/report/forbidden.html",
        {"report": report, "message": message},
        status=403,
    )


def load_report(slug: str, unit_code: str) -> Report:
    """The report of <slug>/<unit_code> with its campaign and unit (404 when there is none)."""
    return get_object_or_404(
        Report.objects.select_related("campaign", "unit", "unit__parent"),
        campaign__slug=slug,
        unit__code=unit_code,
    )


def report_view(view):
    """Load the report of <slug>/<unit_code> (404), check the user may see it (403 page), and
    answer NotAllowed from an action with the same 403 page."""

    @wraps(view)
    def wrapper(request, slug: str, unit_code: str, **kwargs: Any) -> HttpResponse:
        report = load_report(slug, unit_code)
        if not can_view_report(request.user, report):
            return forbidden(request, report)
        try:
            return view(request, report, **kwargs)
        except actions.NotAllowed as error:
            return forbidden(request, report, shown(error))

    return wrapper


def checked_section(report: Report, section_id: str) -> str:
    """`section_id` if the campaign's outline has it; 404 otherwise."""
    if section_id not in report.campaign.section_ids:
        raise Http404(_("Không có mục này trong đề cương của đợt báo cáo."))
    return section_id


def report_url(report: Report, anchor: str = "") -> str:
    url = reverse("campaigns:report", args=[report.campaign.slug, report.unit.code])
    return url + (f"#{anchor}" if anchor else "")


def report_part_url(name: str, report: Report, *args: Any) -> str:
    """The address of one of the report's pages: `report_part_url("section_save", r, sid)`."""
    return reverse(f"campaigns:{name}", args=[report.campaign.slug, report.unit.code, *args])


def back_to(report: Report, anchor: str = "") -> HttpResponse:
    return redirect(report_url(report, anchor))


def local_time(moment):
    return timezone.localtime(moment) if moment else None


def expected_version(request) -> int:
    """The report version the page was showing (0 when missing or garbled: it will not match)."""
    try:
        return int(request.POST.get("expected_version") or 0)
    except ValueError:
        return 0


def dom_keys(report: Report) -> dict[str, str]:
    """{section id: "m12"}: ids safe in CSS selectors (section ids hold "/" and "."); the
    "Chỉ tiêu chung" table's is "mchung"."""
    keys = {section_id: f"m{index}" for index, section_id in enumerate(report.campaign.section_ids)}
    return {COMMON_TABLE: "mchung", **keys}


def section_labels(outline: Any) -> dict[str, tuple[str, str]]:
    """{section id: (anchor, label)}, labels placed in the tree for lists out of it: "1. Ưu điểm"
    is one of many "1." sections, so it reads "Phần thứ nhất › III.1. Ưu điểm"."""
    return {
        sid: (anchor, label) for sid, (anchor, label, _where) in placed_sections(outline).items()
    }


def placed_sections(outline: Any) -> dict[str, tuple[str, str, str]]:
    """{section id: (anchor, label in the tree, number in the tree: "III.1")}."""
    labels: dict[str, tuple[str, str, str]] = {}

    def walk(sections: list, part: str, numbers: list[str]) -> None:
        for section in sections:
            number = section.number.strip().rstrip(".")
            if not number or number.lower().startswith("phần"):
                label, inner_part, path = section.label, section.number or part, []
            else:
                own = number.split(".")  # "4.1" under "4" already carries its parent's number
                path = numbers[: len(numbers) - len(own) + 1] + own
                label = ".".join(path) + (f". {section.title}" if section.title else "")
                if part:
                    label = f"{part[:1].upper()}{part[1:].lower()} › {label}"
                inner_part = part
            labels[section.id] = (section_anchor(section), label, ".".join(path))
            walk(section.children, inner_part, path)

    walk(outline.sections, "", [])
    return labels
