"""The issuing page of a unit's report: issue it, download what was issued, check a signature.

Reached from the consolidation workspace. Whoever may see the report sees the page, downloads
the issued copies and checks a PDF's signature; only the unit's consolidators issue
(`permissions.can_issue`, enforced again by `actions.issue_report`).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from baocao import libreoffice
from baocao.apps.campaigns.actions import NotAllowed
from baocao.apps.campaigns.consolidation import header_of
from baocao.apps.campaigns.models import Report
from baocao.apps.campaigns.permissions import can_issue
from baocao.apps.campaigns.views.common import forbidden, report_view
from baocao.apps.issuing import actions, keys
from baocao.apps.issuing.models import IssuedDocument
from baocao.docx_out.render import date_line
from baocao.errors import InputError
from baocao.text import fold
from baocao.web.bodylimit import accepts_file
from baocao.web.downloads import download

if TYPE_CHECKING:
    from baocao.signing import Verdict

MB = 1024 * 1024
MAX_PDF_BYTES = 30 * MB  # a PDF whose signature is checked on the page
PDF_TOO_BIG = gettext_lazy(
    "Tệp quá lớn: tệp PDF cần kiểm tra tối đa %(mb)d MB. Hãy kiểm tra bằng lệnh "
    "`baocao verify TỆP.pdf` trên máy chủ."
)


class IssueForm(forms.Form):
    number = forms.IntegerField(
        label=gettext_lazy("Số"),
        min_value=1,
        error_messages={
            "required": gettext_lazy("Hãy ghi số văn bản."),
            "invalid": gettext_lazy("Số văn bản phải là số nguyên dương (1, 2, 3...)."),
            "min_value": gettext_lazy("Số văn bản phải là số nguyên dương (1, 2, 3...)."),
        },
    )
    on_behalf = forms.CharField(label=gettext_lazy("Thẩm quyền ký"), max_length=120, required=False)
    signer_title = forms.CharField(label=gettext_lazy("Chức vụ người ký"), max_length=120)
    signer_name = forms.CharField(
        label=gettext_lazy("Họ tên người ký"),
        max_length=120,
        error_messages={"required": gettext_lazy("Hãy ghi họ tên người ký.")},
    )
    recipients = forms.CharField(
        label=gettext_lazy("Nơi nhận"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    include_submitted = forms.BooleanField(
        label=gettext_lazy("Tính cả báo cáo đã gửi nhưng chưa duyệt"), required=False
    )
    sign = forms.BooleanField(label=gettext_lazy("Ký số bằng khóa của đơn vị"), required=False)


class VerifyForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Tệp PDF cần kiểm tra"),
        error_messages={
            "required": gettext_lazy("Hãy chọn tệp PDF cần kiểm tra."),
            "empty": gettext_lazy("Tệp đã chọn rỗng (0 byte); hãy chọn lại tệp PDF."),
        },
        widget=forms.FileInput(attrs={"accept": ".pdf,application/pdf"}),
    )


def _initial(report: Report) -> dict[str, Any]:
    """The form as the register and the last issue of the unit suggest it."""
    unit = report.unit
    today = timezone.localdate()
    _header, committee = header_of(unit, date=today)
    initial: dict[str, Any] = {
        "number": actions.next_number(unit, today.year),
        "on_behalf": committee.on_behalf,
        "signer_title": actions.DEFAULT_POSITION,
        "sign": keys.key_path(unit) is not None,
    }
    last = (
        IssuedDocument.objects.filter(unit=unit)
        .only("on_behalf", "signer_title", "signer_name", "recipients")
        .first()
    )
    if last is not None:
        initial.update(
            on_behalf=last.on_behalf,
            signer_title=last.signer_title,
            signer_name=last.signer_name,
            recipients="\n".join(last.recipients),
        )
    return initial


def _page(
    request,
    report: Report,
    *,
    form: IssueForm | None = None,
    error: str = "",
    verdict: Verdict | None = None,
    verify_form: VerifyForm | None = None,
    verify_error: str = "",
    status: int = 200,
) -> HttpResponse:
    unit, campaign = report.unit, report.campaign
    today = timezone.localdate()
    header, _committee = header_of(unit, number_blank="", date=today)
    issued = list(
        IssuedDocument.objects.filter(campaign=campaign, unit=unit)
        .defer(*IssuedDocument.FILES)
        .select_related("issued_by")
    )
    may_issue = can_issue(request.user, unit)
    context = {
        "report": report,
        "campaign": campaign,
        "unit": unit,
        "may_issue": may_issue,
        "form": form or (IssueForm(initial=_initial(report)) if may_issue else None),
        "number_suffix": header.number,
        "date_line": date_line(header.place, header.date),
        "signing_ready": keys.key_path(unit) is not None,
        "signing_file": f"{unit.code}.p12",
        "issued": issued,
        "error": error,
        "verdict": verdict,
        "verify_form": verify_form or VerifyForm(),
        "verify_error": verify_error,
        "max_mb": MAX_PDF_BYTES // MB,
        "workspace_url": reverse("campaigns:consolidate", args=[campaign.slug, unit.code]),
        "report_url": reverse("campaigns:report", args=[campaign.slug, unit.code]),
    }
    return render(request, "issuing/page.html", context, status=status)


@require_GET
@report_view
def issuing_page(request, report: Report) -> HttpResponse:
    return _page(request, report)


def _lines(text: str) -> list[str]:
    return [line for line in (text or "").splitlines() if line.strip()]


@require_POST
@report_view
def issue(request, report: Report) -> HttpResponse:
    unit = report.unit
    if not can_issue(request.user, unit):
        return forbidden(request, report, str(actions.NOT_ISSUER))
    form = IssueForm(request.POST)
    if not form.is_valid():
        return _page(request, report, form=form, status=400)
    data = form.cleaned_data
    try:
        key = keys.unit_key(unit) if data["sign"] else None
        issued = actions.issue_report(
            report.campaign,
            unit,
            request.user,
            signer=actions.Signer(
                name=data["signer_name"],
                position=data["signer_title"],
                on_behalf=data["on_behalf"],
            ),
            recipients=_lines(data["recipients"]),
            number=data["number"],
            include_submitted=data["include_submitted"],
            key=key,
        )
    except libreoffice.Busy as error:
        response = _page(request, report, form=form, error=error.message, status=503)
        response["Retry-After"] = str(libreoffice.RETRY_AFTER_SECONDS)
        return response
    except NotAllowed:
        raise  # the 403 page (report_view)
    except InputError as error:
        return _page(request, report, form=form, error=error.message, status=400)
    if issued.signed:
        done = _("Đã ban hành báo cáo số %(number)s, có chữ ký số.")
    elif issued.pdf_sha256:
        done = _("Đã ban hành báo cáo số %(number)s (chưa ký số).")
    else:
        done = _("Đã ban hành báo cáo số %(number)s, chỉ có bản DOCX: %(why)s")
    messages.success(request, done % {"number": issued.number_text, "why": issued.pdf_missing})
    url = reverse("issuing:page", args=[report.campaign.slug, unit.code])
    return redirect(f"{url}#van-ban-{issued.pk}")


@require_GET
@report_view
def download_issued(request, report: Report, document_id: str, kind: str) -> HttpResponse:
    field = {"docx": "docx", "pdf": "pdf", "ky-so": "signed_pdf"}[kind]
    issued = get_object_or_404(
        IssuedDocument.objects.only("number_text", "unit", "campaign", field),
        pk=document_id,
        campaign=report.campaign,
        unit=report.unit,
    )
    data = getattr(issued, field)
    if data is None:
        raise Http404(_("Bản này không có tệp ở dạng đã chọn."))
    suffix = " (ký số)" if kind == "ky-so" else ""
    extension = "docx" if kind == "docx" else "pdf"
    number = issued.number_text.replace("/", "-")
    shown = f"Báo cáo số {number} {report.unit.name}{suffix}.{extension}"
    ascii_name = (
        f"bao-cao-{slugify(fold(number))}-{report.unit.code.lower()}{'-ky-so' * bool(suffix)}"
    )
    return download(bytes(data), re.sub(r"\s+", " ", shown), fallback=f"{ascii_name}.{extension}")


@accepts_file(MAX_PDF_BYTES, PDF_TOO_BIG)
@require_POST
@report_view
def verify(request, report: Report) -> HttpResponse:
    form = VerifyForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, report, verify_form=form, status=400)
    upload = form.cleaned_data["file"]
    if upload.size > MAX_PDF_BYTES:
        error = PDF_TOO_BIG % {"mb": MAX_PDF_BYTES // MB}
        form.add_error("file", error)
        return _page(request, report, verify_form=form, status=400)
    try:
        roots = keys.trust_roots()
    except InputError as error:
        return _page(request, report, verify_form=form, verify_error=error.message, status=503)
    from baocao import signing  # pyHanko: loaded by the processes that check signatures only

    verdict = signing.verify_pdf(upload.read(), roots, tz=timezone.get_current_timezone())
    return _page(request, report, verdict=verdict, verify_form=VerifyForm())
