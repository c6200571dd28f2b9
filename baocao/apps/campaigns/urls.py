"""Campaign URLs: the campaign pages and dashboard, then one report's pages (writing, review)."""

from django.urls import include, path

app_name = "campaigns"
urlpatterns = [
    path("", include("baocao.apps.campaigns.urls_campaign")),
    path("", include("baocao.apps.campaigns.urls_report")),
]
