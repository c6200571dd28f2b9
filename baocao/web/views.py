"""Site-wide pages that belong to no single app."""

from django.contrib.auth import views as auth_views
from django.shortcuts import render

from baocao.apps.orgs.accounts import password_changed
from baocao.apps.outlines.models import OutlineDocument


def home(request):
    """What each person has to do: their reports with deadlines and status, the reports waiting
    for their review (oldest first), a consolidator's subtree per open campaign, what an
    administrator still has to set up, the campaigns they follow; then the outlines."""
    from django.utils import timezone

    from baocao.apps.campaigns.queries import (
        my_reports,
        review_queue,
        setup_needs,
        subtree_progress,
        visible_campaigns,
    )
    from baocao.apps.orgs import scope

    today = timezone.localdate()
    progress = subtree_progress(request.user, today)
    context = {
        "outline_count": OutlineDocument.objects.count(),
        "mine": my_reports(request.user, today),
        "queue": review_queue(request.user, today),
        "progress": progress,
        "own_unit": scope.user_unit(request.user),
        "needs": setup_needs(request.user, today),
        # A consolidator's block already lists the open campaigns they follow.
        "campaigns": []
        if progress
        else list(visible_campaigns(request.user).filter(status="open")[:20]),
    }
    return render(request, "home.html", context)


class PasswordChange(auth_views.PasswordChangeView):
    """Django's page, and an account leaves the one-time password state once it has changed."""

    def form_valid(self, form):
        response = super().form_valid(form)
        password_changed(self.request)
        return response
