"""Site URLs: Vietnamese paths for people, /admin/ for the administrator."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from baocao.web import health, throttle, views

# Both login forms count failures and lock after too many (baocao.web.throttle).
admin.site.login_form = throttle.ThrottledAdminAuthenticationForm

urlpatterns = [
    path("", views.home, name="home"),
    # For a reverse proxy or an orchestrator: 200 when this process can serve (JSON).
    path("healthz", health.healthz, name="healthz"),
    path("dang-nhap/", throttle.LoginView.as_view(), name="login"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("doi-mat-khau/", views.PasswordChange.as_view(), name="password_change"),
    path(
        "doi-mat-khau/xong/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    # Choosing the language must work on the login page too.
    path("ngon-ngu/", login_not_required(set_language), name="set_language"),
    path("de-cuong/", include("baocao.apps.outlines.urls")),
    path("don-vi/", include("baocao.apps.orgs.urls")),
    path("dot-bao-cao/", include("baocao.apps.campaigns.urls")),
    path("dot-bao-cao/", include("baocao.apps.issuing.urls")),
    path("thong-bao/", include("baocao.apps.notices.urls")),
    path("viec-nen/", include("baocao.apps.jobs.urls")),
    # For other software: token-authenticated JSON, described at /api/openapi.json.
    path("api/", include("baocao.apps.api.urls")),
    path("admin/", admin.site.urls),
]

# Vietnamese pages (JSON under /api/, a fragment for htmx) instead of Django's defaults.
handler400 = "baocao.web.errors.bad_request"
handler403 = "baocao.web.errors.permission_denied"
handler404 = "baocao.web.errors.page_not_found"
handler500 = "baocao.web.errors.server_error"
