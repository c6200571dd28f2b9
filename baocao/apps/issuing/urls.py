"""Issuing, beside the report's pages: /dot-bao-cao/<campaign>/bao-cao/<unit code>/ban-hanh/,
the issue form's target, each issued copy's files, and the signature check of a PDF."""

from django.urls import path, re_path

from baocao.apps.issuing import views

app_name = "issuing"
REPORT = "<slug:slug>/bao-cao/<str:unit_code>/ban-hanh/"

urlpatterns = [
    path(REPORT, views.issuing_page, name="page"),
    path(REPORT + "moi/", views.issue, name="issue"),
    path(REPORT + "kiem-tra-chu-ky/", views.verify, name="verify"),
    re_path(
        r"^(?P<slug>[-a-zA-Z0-9_]+)/bao-cao/(?P<unit_code>[^/]+)/ban-hanh/"
        r"(?P<document_id>[0-9]+)/(?P<kind>docx|pdf|ky-so)$",
        views.download_issued,
        name="download",
    ),
]
