"""Pages for reading outlines; all need a login (LoginRequiredMiddleware)."""

from django.shortcuts import get_object_or_404, render

from baocao.apps.outlines.display import outline_view
from baocao.apps.outlines.models import OutlineDocument
from baocao.errors import InputError


def outline_list(request):
    return render(request, "outlines/list.html", {"documents": OutlineDocument.objects.all()})


def outline_detail(request, slug):
    doc = get_object_or_404(OutlineDocument, slug=slug)
    try:
        view, error = outline_view(doc.outline()), None
    except InputError as exc:
        # Stored before validation existed or edited in the database: say why, do not crash.
        view, error = None, exc.message
    return render(request, "outlines/detail.html", {"doc": doc, "view": view, "error": error})
