"""Campaign URLs: the campaign pages and dashboard, one report's pages (writing, review),
its consolidation workspace and downloads, and the Word/Excel upload flow."""

from django.urls import include, path

app_name = "campaigns"
urlpatterns = [
    path("", include("baocao.apps.campaigns.urls_campaign")),
    path("", include("baocao.apps.campaigns.urls_report")),
    path("", include("baocao.apps.campaigns.urls_consolidate")),
    path("", include("baocao.apps.campaigns.urls_ingest")),
]
