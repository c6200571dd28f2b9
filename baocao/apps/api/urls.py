"""API URLs under /api/. Path parameters are taken as plain text and checked by the views, so
a malformed one gets the API's JSON 404 rather than the site's HTML page; so does any other
address under /api/."""

from django.urls import path, re_path

from baocao.apps.api import views

app_name = "api"
REPORT = "campaigns/<str:slug>/reports/<str:unit_code>/"
urlpatterns = [
    path("openapi.json", views.openapi, name="openapi"),
    path("units/", views.unit_list, name="units"),
    path("units/<str:code>/", views.unit_detail, name="unit"),
    path("campaigns/", views.campaign_list, name="campaigns"),
    path("campaigns/<str:slug>/", views.campaign_detail, name="campaign"),
    path("campaigns/<str:slug>/reports/", views.report_list, name="reports"),
    path(REPORT, views.report_detail, name="report"),
    path(REPORT + "indicators/", views.value_list, name="values"),
    path(REPORT + "indicators/<str:code>/<str:year>/", views.value_detail, name="value"),
    re_path(r"^(?P<rest>.*)$", views.not_found_view, name="not_found"),
]
