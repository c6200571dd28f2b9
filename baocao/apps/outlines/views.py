"""Pages for reading and importing outlines; all need a login (LoginRequiredMiddleware).

Importing is two steps: the file is read and shown (the section tree, and every indicator with
what was understood and guessed), the person corrects the indicators and confirms, and only then
is the outline stored. Between the steps the outline as read travels in the page, signed
(`forms.sign_draft`), so nothing is kept on the server for a preview never confirmed.
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from baocao.apps.orgs import scope
from baocao.apps.outlines.display import outline_view
from baocao.apps.outlines.forms import (
    ROLLUP_CHOICES,
    TYPE_CHOICES,
    IndicatorFixForm,
    IndicatorFixFormSet,
    OutlineUploadForm,
    PreviewForm,
    fix_initial,
    sign_draft,
)
from baocao.apps.outlines.models import OutlineDocument
from baocao.apps.outlines.services import save_imported_outline
from baocao.errors import InputError
from baocao.outline.files import check_size, read_outline, size_limit
from baocao.outline.indicator_sheet import apply_sheet
from baocao.outline.model import Outline
from baocao.outline.preview import apply_fixes, preview_of
from baocao.outline.serialize import load_yaml
from baocao.web.bodylimit import accepts_file
from baocao.web.said import shown

IMPORT_ROLES = {"admin", "consolidator"}
FIX_PREFIX = "ct"
FIELDS_PER_ROW = len(IndicatorFixForm.base_fields)


def correctable(count: int) -> bool:
    """Whether the preview's form can carry a row of fields per indicator: Django refuses a
    form of more than DATA_UPLOAD_MAX_NUMBER_FIELDS fields (a few hundred rows is no
    guidance's appendix; such a catalogue is corrected in the editor or in Excel)."""
    return count * FIELDS_PER_ROW + 20 <= settings.DATA_UPLOAD_MAX_NUMBER_FIELDS


def may_import_outlines(user) -> bool:
    """Outlines are set by the officers who run campaigns: unit admins and consolidators."""
    return scope.is_superuser(user) or bool(IMPORT_ROLES & scope.roles(user))


def outline_list(request):
    return render(
        request,
        "outlines/list.html",
        {
            "documents": OutlineDocument.objects.all(),
            "may_import": may_import_outlines(request.user),
        },
    )


def outline_detail(request, slug):
    doc = get_object_or_404(OutlineDocument, slug=slug)
    try:
        view, error = outline_view(doc.outline()), None
    except InputError as exc:
        # Stored before validation existed or edited in the database: say why, do not crash.
        view, error = None, shown(exc)
    return render(
        request,
        "outlines/detail.html",
        {"doc": doc, "view": view, "error": error, "may_edit": may_import_outlines(request.user)},
    )


# A larger request is refused before it is read (a 50 MB upload is a wrong file, not an outline).
@accepts_file(
    size_limit("x.docx"),
    gettext_lazy("Tệp quá lớn: đề cương tối đa %(mb)d MB. Hãy kiểm tra lại tệp đã chọn."),
)
def outline_import(request):
    if not may_import_outlines(request.user):
        raise PermissionDenied
    if request.method == "POST" and "ban_nhap" in request.POST:
        return _confirm(request)
    form, error, status = OutlineUploadForm(), None, 200
    if request.method == "POST":
        form = OutlineUploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                outline = _read_upload(request, form)
            except InputError as exc:
                error, status = shown(exc), 400
            else:
                return _preview(request, outline)
        else:
            status = 400
    return render(request, "outlines/import.html", {"form": form, "error": error}, status=status)


def _read_upload(request, form) -> Outline:
    """The outline file, with the indicators workbook's catalogue when one came with it."""
    upload = form.cleaned_data["file"]
    check_size(upload.size, upload.name)
    outline = read_outline(upload.read(), upload.name)
    sheet = form.cleaned_data.get("chi_tieu")
    if sheet:
        outline, said = apply_sheet(outline, sheet.read(), sheet.name)
        for line in said:
            messages.info(request, line)
    return outline


def _preview(request, outline: Outline, head=None, fixes=None, error=None, status=200):
    """The preview page: `head` and `fixes` bound when shown again after a refused confirm."""
    preview = preview_of(outline)
    if head is None:
        head = PreviewForm(
            initial={
                "ban_nhap": sign_draft(outline),
                "title": outline.title,
                "baseline": outline.years.get("baseline"),
                "current": outline.years.get("current"),
            }
        )
    editable = correctable(len(preview.rows))
    if fixes is None:
        fixes = IndicatorFixFormSet(
            initial=[fix_initial(row) for row in preview.rows] if editable else [],
            prefix=FIX_PREFIX,
            form_kwargs={"outline": outline},
        )
    forms = fixes.forms if editable else [None] * len(preview.rows)
    kinds = [
        f"{dict(TYPE_CHOICES).get(row.indicator.type, row.indicator.type)} · "
        f"{dict(ROLLUP_CHOICES).get(row.indicator.rollup, row.indicator.rollup)}"
        for row in preview.rows
    ]
    return render(
        request,
        "outlines/preview.html",
        {
            "outline": outline,
            "tree": outline_view(outline).tree,
            "preview": preview,
            "head": head,
            "fixes": fixes,
            "rows": list(zip(preview.rows, forms, kinds, strict=True)),
            "editable": editable,
            "error": error,
        },
        status=status,
    )


def _confirm(request):
    """Store the outline as read, with the person's corrections, once it checks whole."""
    head = PreviewForm(request.POST)
    if not head.is_valid():
        problem = head.errors.get("ban_nhap")
        if problem or "ban_nhap" not in head.cleaned_data:
            form = OutlineUploadForm()
            error = problem[0] if problem else _("Hãy chọn lại tệp để xem trước lần nữa.")
            return render(
                request, "outlines/import.html", {"form": form, "error": error}, status=400
            )
    try:
        outline = load_yaml(head.cleaned_data["ban_nhap"])  # checked again, though we signed it
    except InputError as exc:
        form = OutlineUploadForm()
        return render(
            request, "outlines/import.html", {"form": form, "error": shown(exc)}, status=400
        )
    fixes = IndicatorFixFormSet(request.POST, prefix=FIX_PREFIX, form_kwargs={"outline": outline})
    editable = correctable(len(outline.indicators))
    expected = len(outline.indicators) if editable else 0
    if not fixes.management_form.is_valid() or fixes.total_form_count() != expected:
        error = _("Bảng chỉ tiêu gửi lên không khớp với bản xem trước. Hãy sửa lại trên bảng này.")
        return _preview(request, outline, head, None, error, status=400)
    if not (head.is_valid() and fixes.is_valid()):
        error = _("Chưa lưu: hãy sửa những ô được đánh dấu rồi bấm Lưu đề cương lần nữa.")
        return _preview(request, outline, head, fixes, error, status=400)
    data = head.cleaned_data
    try:
        confirmed = apply_fixes(
            outline,
            [form.fix() for form in fixes.forms] if editable else None,
            title=data["title"],
            years=(data["baseline"], data["current"]),
        )
    except InputError as exc:
        return _preview(request, outline, head, fixes, shown(exc), status=400)
    doc, created = save_imported_outline(confirmed, request.user)
    if created:
        messages.success(request, _("Đã nhập đề cương “%s”.") % doc.title)
    else:
        messages.info(request, _("Đề cương này đã có sẵn, không tạo bản thứ hai."))
    for warning in confirmed.warnings:
        messages.warning(request, warning)
    return redirect(doc)
