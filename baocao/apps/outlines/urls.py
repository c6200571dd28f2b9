from django.urls import path

from baocao.apps.outlines import views

app_name = "outlines"
urlpatterns = [
    path("", views.outline_list, name="list"),
    path("<slug:slug>/", views.outline_detail, name="detail"),
]
