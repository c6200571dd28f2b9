"""A job's progress page and its file: for the person who asked for it, only while they may
still see what it is about (`may_follow`); anyone else gets a 404, as for a job that does not
exist.

The page (`job_page`) says where the job is ("Đang chờ", "3/17"), polled every 2 s by HTMX
(`_progress.html` alone, until the job is finished: the polling stops), or without JavaScript
reloaded by a meta refresh and a "Tải lại" link; finished, it offers the file, or the link to
the result (the workspace with its draft, the upload's preview), or says why it failed.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from baocao.apps.campaigns.consolidation import SUBMITTED_TOO
from baocao.apps.campaigns.permissions import can_edit_report, can_see_subtree, can_view_report
from baocao.apps.jobs.actions import stuck
from baocao.apps.jobs.models import BROKEN, Job, JobKind, JobState
from baocao.web.downloads import download

SLOW_AFTER_SECONDS = 60  # a job waiting longer than this: the worker may not run

TITLES = {
    "pdf": gettext_lazy("Bản PDF của báo cáo"),
    "docx": gettext_lazy("Bản DOCX của báo cáo"),
    "xlsx": gettext_lazy("Bảng chỉ tiêu (Excel)"),
}


def may_follow(user: Any, job: Job) -> bool:
    """Only the person who asked, and only while they still may see what the job is about."""
    if not user.is_authenticated or job.requested_by_id != user.pk:
        return False
    report = job.report
    if job.kind == JobKind.DRAFT:
        return can_see_subtree(user, report.unit)
    if job.kind == JobKind.INGEST:
        return can_edit_report(user, report)
    if job.params.get("fmt") == "xlsx":
        return can_view_report(user, report) and can_see_subtree(user, report.unit)
    return can_view_report(user, report)


def _job(request, job_id: int) -> Job:
    job = (
        Job.objects.select_related("report", "report__campaign", "report__unit")
        .defer("input_data", "result_data")
        .filter(pk=job_id)
        .first()
    )
    if job is None or not may_follow(request.user, job):
        raise Http404(_("Không có việc này."))
    return job


def title_of(job: Job) -> str:
    if job.kind == JobKind.DRAFT:
        return _("Tạo bản nháp tổng hợp")
    if job.kind == JobKind.INGEST:
        return _("Đọc tệp nộp %(name)s") % {"name": job.params.get("filename", "")}
    return str(TITLES.get(job.params.get("fmt", ""), _("Tệp báo cáo")))


def docx_url(job: Job) -> str:
    """The report's DOCX, to take instead of a PDF that could not be made."""
    report = job.report
    url = reverse(
        "campaigns:report_download", args=[report.campaign.slug, report.unit.code, "docx"]
    )
    return url + (f"?gom={SUBMITTED_TOO}" if job.params.get("submitted_too") else "")


def job_url(job: Job) -> str:
    return reverse("jobs:detail", args=[job.pk])


def file_url(job: Job) -> str:
    return reverse("jobs:file", args=[job.pk])


@require_GET
def job_page(request, job_id: int) -> HttpResponse:
    job = _job(request, job_id)
    waited = (timezone.now() - job.created_at).total_seconds()
    report = job.report
    context = {
        "job": job,
        # Its task failed outside the job's handling: it will not finish; say so, stop polling.
        "broken": BROKEN if stuck(job) else "",
        "title": title_of(job),
        "report": report,
        "campaign": report.campaign,
        "unit": report.unit,
        "progress_url": request.get_full_path(),
        "file_url": file_url(job) if job.has_file else "",
        "slow": job.state == JobState.WAITING and waited > SLOW_AFTER_SECONDS,
        "back_url": job.params.get("back_url")
        or reverse("campaigns:report", args=[report.campaign.slug, report.unit.code]),
    }
    if job.kind == JobKind.REPORT_FILE and job.params.get("fmt") != "docx":
        context["docx_url"] = docx_url(job)
    if request.htmx:
        return render(request, "jobs/_progress.html", context)
    return render(request, "jobs/job.html", context)


@require_GET
def job_file(request, job_id: int) -> HttpResponse:
    job = _job(request, job_id)
    if not job.has_file:
        return redirect("jobs:detail", job_id=job.pk)
    data = Job.objects.filter(pk=job.pk).values_list("result_data", flat=True).get()
    return download(bytes(data), job.result_name, fallback=job.result_ascii_name)
