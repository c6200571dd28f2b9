"""One report's pages, under /dot-bao-cao/<campaign>/bao-cao/<unit code>/.

Section ids hold "/" ("P1/II/4/4.1"), so they travel as a path and each route ends with a
word that no section id ends with.
"""

from django.urls import path

from baocao.apps.campaigns.views import report as views

REPORT = "<slug:slug>/bao-cao/<str:unit_code>/"
SECTION = REPORT + "muc/<path:section_id>/"

urlpatterns = [
    path(REPORT, views.report_page, name="report"),
    path(REPORT + "gui/", views.report_submit, name="report_submit"),
    path(REPORT + "tra-lai/", views.report_return, name="report_return"),
    path(REPORT + "chap-nhan/", views.report_accept, name="report_accept"),
    path(REPORT + "mo-lai/", views.report_reopen, name="report_reopen"),
    path(REPORT + "nhan-xet-nhap/", views.review_draft_save, name="review_draft_save"),
    path(REPORT + "thay-doi/", views.report_changes, name="report_changes"),
    path(
        REPORT + "chi-tieu/<str:code>/<int:year>/luu/",
        views.indicator_save,
        name="indicator_save",
    ),
    path(SECTION + "luu/", views.section_save, name="section_save"),
    path(SECTION + "so-lieu/", views.indicators_save, name="indicators_save"),
    path(SECTION + "lich-su/", views.section_history, name="section_history"),
    path(SECTION + "khoi-phuc/", views.section_restore, name="section_restore"),
]
