"""Campaign pages: the list, opening a campaign, and one campaign's dashboard and its actions."""

from django.urls import path

from baocao.apps.campaigns.views import campaign as views

urlpatterns = [
    path("", views.campaign_list, name="list"),
    path("mo/", views.campaign_open, name="open"),
    path("<slug:slug>/", views.campaign_detail, name="detail"),
    path("<slug:slug>/xuat.xlsx", views.campaign_export, name="export"),
    path("<slug:slug>/nhac-nho/", views.campaign_remind, name="remind"),
    path(
        "<slug:slug>/nhac-nho/<str:task_id>/",
        views.campaign_remind_progress,
        name="remind_progress",
    ),
    path("<slug:slug>/ket-thuc/", views.campaign_close, name="close"),
    path("<slug:slug>/luu-tru/", views.campaign_archive, name="archive"),
    path("<slug:slug>/them-don-vi/", views.campaign_add_units, name="add_units"),
]
