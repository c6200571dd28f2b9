"""A unit's consolidation workspace and its report's downloads, beside its report's pages:
/dot-bao-cao/<campaign>/bao-cao/<unit code>/tong-hop/ and …/tai-ve.docx|xlsx|pdf."""

from django.urls import path, re_path

from baocao.apps.campaigns.views import consolidate as views

REPORT = "<slug:slug>/bao-cao/<str:unit_code>/"

urlpatterns = [
    path(REPORT + "tong-hop/", views.consolidate_page, name="consolidate"),
    path(REPORT + "tong-hop/chen/", views.consolidate_insert, name="consolidate_insert"),
    path(REPORT + "tong-hop/ban-nhap/", views.consolidate_draft, name="consolidate_draft"),
    path(
        REPORT + "tong-hop/ban-nhap/tung-muc/",
        views.consolidate_draft_step,
        name="consolidate_draft_step",
    ),
    path(REPORT + "tong-hop/lay-so-lieu/", views.consolidate_adopt, name="consolidate_adopt"),
    re_path(
        r"^(?P<slug>[-a-zA-Z0-9_]+)/bao-cao/(?P<unit_code>[^/]+)/tai-ve\.(?P<fmt>docx|xlsx|pdf)$",
        views.report_download,
        name="report_download",
    ),
]
