from django.urls import path

from baocao.apps.outlines import views

app_name = "outlines"
urlpatterns = [
    path("", views.outline_list, name="list"),
    path("nhap/", views.outline_import, name="import"),
    path("<slug:slug>/", views.outline_detail, name="detail"),
]
