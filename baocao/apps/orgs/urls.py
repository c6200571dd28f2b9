from django.urls import path

from baocao.apps.orgs import views

app_name = "orgs"
urlpatterns = [
    path("", views.unit_tree, name="tree"),
    path("nhap/", views.unit_import, name="import"),
    path("xuat.xlsx", views.export_xlsx, name="export_xlsx"),
    path("xuat.csv", views.export_csv, name="export_csv"),
]
