"""The notices page ("Thông báo"): a signed-in person's own notices, newest first, and marking
them read. Nobody sees another person's notices: every query starts from the person."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from baocao.apps.campaigns.dashboard import report_url
from baocao.apps.notices.actions import mark_read
from baocao.apps.notices.context import unread_count
from baocao.apps.notices.models import Notice

PER_PAGE = 30


def notice_list(request):
    notices = Notice.objects.filter(recipient=request.user).select_related(
        "campaign", "unit", "sender_unit"
    )
    page = Paginator(notices, PER_PAGE).get_page(request.GET.get("trang"))
    for notice in page:
        notice.url = report_url(notice.campaign.slug, notice.unit.code)
    return render(
        request,
        "notices/list.html",
        {"page": page, "unread": unread_count(request.user)},
    )


@require_POST
def notice_read(request):
    """One notice (`thong_bao` = its id) or, without it, all the person's unread ones."""
    raw = request.POST.get("thong_bao", "")
    if raw and not raw.isdigit():
        raise Http404(_("Không có thông báo này."))
    notice_id = int(raw) if raw else None
    if (
        notice_id is not None
        and not Notice.objects.filter(pk=notice_id, recipient=request.user).exists()
    ):
        raise Http404(_("Không có thông báo này."))
    mark_read(request.user, notice_id)
    url, page = reverse("notices:list"), request.POST.get("trang", "")
    return redirect(f"{url}?trang={page}" if page.isdigit() else url)
