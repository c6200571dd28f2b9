"""Word and Excel round trip for one report, under /dot-bao-cao/<campaign>/bao-cao/<unit code>/:
templates to download, files to upload, preview and confirm, the kept files."""

from django.urls import path

from baocao.apps.campaigns.views import ingest as views

REPORT = "<slug:slug>/bao-cao/<str:unit_code>/"
UPLOAD = REPORT + "nop-tep/<int:upload_id>/"

urlpatterns = [
    path(REPORT + "mau.docx", views.report_template, name="report_template"),
    path(REPORT + "mau-chi-tieu.xlsx", views.indicators_template, name="indicators_template"),
    path(REPORT + "nop-tep/", views.report_upload, name="report_upload"),
    path(REPORT + "nop-tep/danh-sach/", views.report_uploads, name="report_uploads"),
    path(UPLOAD, views.upload_preview, name="upload_preview"),
    path(UPLOAD + "nhap/", views.upload_confirm, name="upload_confirm"),
    path(UPLOAD + "bo/", views.upload_discard, name="upload_discard"),
    path(UPLOAD + "tep", views.upload_file, name="upload_file"),
]
