from django.urls import path

from baocao.apps.outlines import editor, views

app_name = "outlines"
urlpatterns = [
    path("", views.outline_list, name="list"),
    path("nhap/", views.outline_import, name="import"),
    path("<slug:slug>/", views.outline_detail, name="detail"),
    path("<slug:slug>/sua/", editor.outline_edit, name="edit"),
    path("<slug:slug>/nhap-tep/", editor.outline_upload, name="upload"),
    path("<slug:slug>/tai-ve.yaml", editor.outline_export_yaml, name="export_yaml"),
    path("<slug:slug>/chi-tieu.xlsx", editor.outline_export_xlsx, name="export_xlsx"),
]
