"""Campaign pages: the list of campaigns a user takes part in (more to come)."""

from django.shortcuts import render

from baocao.apps.campaigns.models import Campaign


def campaign_list(request):
    return render(request, "campaigns/list.html", {"campaigns": Campaign.objects.all()})
