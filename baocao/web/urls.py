"""Site URLs: Vietnamese paths for people, /admin/ for the administrator."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from baocao.web import views

urlpatterns = [
    path("", views.home, name="home"),
    path("dang-nhap/", auth_views.LoginView.as_view(), name="login"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    # Choosing the language must work on the login page too.
    path("ngon-ngu/", login_not_required(set_language), name="set_language"),
    path("de-cuong/", include("baocao.apps.outlines.urls")),
    path("don-vi/", include("baocao.apps.orgs.urls")),
    path("dot-bao-cao/", include("baocao.apps.campaigns.urls")),
    path("admin/", admin.site.urls),
]
