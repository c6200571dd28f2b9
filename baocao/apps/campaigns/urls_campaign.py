"""Campaign pages: the list, opening a campaign, and one campaign's dashboard and its actions."""

from django.urls import path

from baocao.apps.campaigns import views_campaign

urlpatterns = [
    path("", views_campaign.campaign_list, name="list"),
    path("mo/", views_campaign.campaign_open, name="open"),
    path("<slug:slug>/", views_campaign.campaign_detail, name="detail"),
    path("<slug:slug>/xuat.xlsx", views_campaign.campaign_export, name="export"),
    path("<slug:slug>/nhac-nho/", views_campaign.campaign_remind, name="remind"),
    path("<slug:slug>/ket-thuc/", views_campaign.campaign_close, name="close"),
]
