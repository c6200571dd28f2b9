"""Pages for reading and importing outlines; all need a login (LoginRequiredMiddleware)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from baocao.apps.orgs import scope
from baocao.apps.outlines.display import outline_view
from baocao.apps.outlines.forms import OutlineUploadForm
from baocao.apps.outlines.models import OutlineDocument
from baocao.apps.outlines.services import save_imported_outline
from baocao.errors import InputError
from baocao.outline.files import check_size, read_outline, size_limit
from baocao.web.bodylimit import accepts_file

IMPORT_ROLES = {"admin", "consolidator"}


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
        view, error = None, exc.message
    return render(request, "outlines/detail.html", {"doc": doc, "view": view, "error": error})


# A larger request is refused before it is read (a 50 MB upload is a wrong file, not an outline).
@accepts_file(
    size_limit("x.docx"),
    gettext_lazy("Tệp quá lớn: đề cương tối đa %(mb)d MB. Hãy kiểm tra lại tệp đã chọn."),
)
def outline_import(request):
    if not may_import_outlines(request.user):
        raise PermissionDenied
    form, error, status = OutlineUploadForm(), None, 200
    if request.method == "POST":
        form = OutlineUploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                check_size(upload.size, upload.name)
                outline = read_outline(upload.read(), upload.name)
            except InputError as exc:
                error, status = exc.message, 400
            else:
                doc, created = save_imported_outline(outline, request.user)
                if created:
                    messages.success(request, _("Đã nhập đề cương “%s”.") % doc.title)
                else:
                    messages.info(request, _("Đề cương này đã có sẵn, không tạo bản thứ hai."))
                for warning in outline.warnings:
                    messages.warning(request, warning)
                return redirect(doc)
        else:
            status = 400
    return render(request, "outlines/import.html", {"form": form, "error": error}, status=status)
