"""Site-wide pages that belong to no single app."""

from django.shortcuts import render

from baocao.apps.outlines.models import OutlineDocument


def home(request):
    return render(request, "home.html", {"outline_count": OutlineDocument.objects.count()})
