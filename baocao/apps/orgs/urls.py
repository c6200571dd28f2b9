from django.urls import path

from baocao.apps.orgs import account_views, views

app_name = "orgs"
urlpatterns = [
    path("", views.unit_tree, name="tree"),
    path("nhap/", views.unit_import, name="import"),
    path("xuat.xlsx", views.export_xlsx, name="export_xlsx"),
    path("xuat.csv", views.export_csv, name="export_csv"),
    path("tai-khoan/", account_views.accounts_page, name="accounts"),
    path(
        "tai-khoan/<str:code>/dat-lai-mat-khau/",
        account_views.reset_password,
        name="reset_password",
    ),
]
