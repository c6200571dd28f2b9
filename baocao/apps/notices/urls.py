"""A person's own notices: /thong-bao/ and marking them read."""

from django.urls import path

from baocao.apps.notices import views

app_name = "notices"
urlpatterns = [
    path("", views.notice_list, name="list"),
    path("da-doc/", views.notice_read, name="read"),
]
