"""Unit pages: the tree a user may see, its exports, and the import of a unit file.

Every page needs a login (LoginRequiredMiddleware); what it shows comes from `scope`.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from baocao.apps.orgs import scope
from baocao.apps.orgs.accounts import may_issue_any
from baocao.apps.orgs.display import build_tree
from baocao.apps.orgs.models import Unit
from baocao.apps.orgs.services import export_units_csv, export_units_xlsx, import_units
from baocao.errors import InputError
from baocao.unitfile import COLUMN_LABELS, KIND_LABELS, MAX_BYTES, UnitFileError
from baocao.web.bodylimit import accepts_file

SHOWN_CHANGES = 200  # rows listed on the result page; the counts cover the rest

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class UnitFileForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Tệp danh sách đơn vị"),
        help_text=gettext_lazy("Bảng tính Excel (.xlsx) hoặc CSV (UTF-8)."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )
    dry_run = forms.BooleanField(
        label=gettext_lazy("Chỉ kiểm tra, chưa lưu"),
        required=False,
    )


def unit_tree(request):
    units = scope.visible_units(request.user).only(
        "id",
        "code",
        "name",
        "name_folded",
        "kind",
        "parent_id",
        "path",
        "depth",
        "email",
        "synthetic",
    )
    query = request.GET.get("q", "").strip()[:100]
    tree = build_tree(units, query, open_all=request.GET.get("mo") == "tat-ca")
    return render(
        request,
        "orgs/tree.html",
        {
            "tree": tree,
            "own_unit": scope.user_unit(request.user),
            "may_import": scope.can_import_units(request.user),
            "may_issue": may_issue_any(request.user),
            "synthetic": any(node.unit.synthetic for node in tree.nodes),
        },
    )


# A larger request is refused before it is read.
@accepts_file(MAX_BYTES, gettext_lazy("Tệp quá lớn: tối đa %(mb)d MB."))
def unit_import(request):
    if not scope.can_import_units(request.user):
        raise PermissionDenied
    within = None if scope.is_superuser(request.user) else scope.administered_root(request.user)
    context = {
        "form": UnitFileForm(),
        "within": within,
        "columns": COLUMN_LABELS,
        "kinds": KIND_LABELS,
        "shown": SHOWN_CHANGES,
    }
    status = 200
    if request.method == "POST":
        form = UnitFileForm(request.POST, request.FILES)
        context["form"] = form
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                result = import_units(
                    upload.read(),
                    upload.name,
                    within=within,
                    dry_run=form.cleaned_data["dry_run"],
                    actor=request.user,
                )
            except UnitFileError as exc:
                context["problems"], status = exc.problems, 400
                context["filename"] = upload.name
            except InputError as exc:
                context["error"], status = exc.message, 400
            else:
                context["result"] = result
                context["filename"] = upload.name
        else:
            status = 400
    return render(request, "orgs/import.html", context, status=status)


def _export_units(request):
    """The visible units, or the visible subtree of ?ma=CODE; 404 for a unit out of sight."""
    units = scope.visible_units(request.user)
    code = request.GET.get("ma", "").strip()
    if not code:
        own = scope.user_unit(request.user)
        return units, (own.code if own else "tat-ca")
    root = Unit.objects.filter(code=code).first()
    if root is None or not scope.can_view_unit(request.user, root):
        raise Http404(_("Không có đơn vị này."))
    return units.filter(path__startswith=root.path), root.code


def _download(data: bytes, content_type: str, stem: str, suffix: str) -> HttpResponse:
    name = f"don-vi-{slugify(stem) or 'tat-ca'}-{timezone.localdate():%Y%m%d}.{suffix}"
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def export_xlsx(request):
    units, stem = _export_units(request)
    return _download(export_units_xlsx(units=units), XLSX_TYPE, stem, "xlsx")


def export_csv(request):
    units, stem = _export_units(request)
    return _download(export_units_csv(units=units), "text/csv; charset=utf-8", stem, "csv")
