"""Site-wide pages that belong to no single app."""

from django.contrib.auth import views as auth_views
from django.shortcuts import render

from baocao.apps.orgs.accounts import password_changed
from baocao.apps.outlines.models import OutlineDocument


def home(request):
    return render(request, "home.html", {"outline_count": OutlineDocument.objects.count()})


class PasswordChange(auth_views.PasswordChangeView):
    """Django's page, and an account leaves the one-time password state once it has changed."""

    def form_valid(self, form):
        response = super().form_valid(form)
        password_changed(self.request)
        return response
