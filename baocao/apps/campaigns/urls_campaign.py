from django.urls import path

from baocao.apps.campaigns import views_campaign

urlpatterns = [
    path("", views_campaign.campaign_list, name="list"),
]
