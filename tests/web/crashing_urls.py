"""The site's URLs plus views that fail on purpose, for the error page and log tests
(settings.ROOT_URLCONF = "web.crashing_urls"): a bug in a page, in an API address, and in a
page that needs no login."""

from django.contrib.auth.decorators import login_not_required
from django.urls import include, path

from baocao.web.urls import handler400, handler403, handler404, handler500  # noqa: F401

BUG = "Lỗi cố ý để thử trang lỗi"


def crash(request, **kwargs):
    raise RuntimeError(BUG)


@login_not_required
def public_crash(request):
    raise RuntimeError(BUG)


urlpatterns = [
    path("thu-loi/<str:unit_code>/", crash),
    path("thu-loi-cong-khai/", public_crash),
    path("api/thu-loi/", public_crash),
    path("", include("baocao.web.urls")),
]
