"""Site-wide pages that belong to no single app."""

from django.contrib.auth import views as auth_views
from django.shortcuts import render

from baocao.apps.orgs.accounts import password_changed
from baocao.apps.outlines.models import OutlineDocument


def home(request):
    """What each person has to do: their reports with deadlines and status, the reports waiting
    for their review (oldest first), the campaigns they follow; then the outlines."""
    from django.utils import timezone

    from baocao.apps.campaigns.queries import my_reports, review_queue, visible_campaigns

    today = timezone.localdate()
    context = {
        "outline_count": OutlineDocument.objects.count(),
        "mine": my_reports(request.user, today),
        "queue": review_queue(request.user, today),
        "campaigns": list(visible_campaigns(request.user).filter(status="open")[:20]),
    }
    return render(request, "home.html", context)


class PasswordChange(auth_views.PasswordChangeView):
    """Django's page, and an account leaves the one-time password state once it has changed."""

    def form_valid(self, form):
        response = super().form_valid(form)
        password_changed(self.request)
        return response
