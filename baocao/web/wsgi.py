"""WSGI entry point for a production server (gunicorn baocao.web.wsgi)."""

import contextlib
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "baocao.web.settings")
application = get_wsgi_application()

# The pages people open first, compiled when a worker starts rather than by the first request
# after a restart (with every view imported and the translations loaded: about half a second
# of the first hit). Nothing here touches the database.
WARM_TEMPLATES = (
    "campaigns/list.html",
    "campaigns/dashboard/detail.html",
    "campaigns/report/page.html",
    "campaigns/consolidate/page.html",
    "registration/login.html",
)


def warm_up() -> None:
    from django.conf import settings
    from django.template import TemplateDoesNotExist
    from django.template.loader import get_template
    from django.urls import get_resolver
    from django.utils import translation

    get_resolver().url_patterns  # noqa: B018 - imports the URLconf and with it every view
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            translation.gettext("Đợt báo cáo")
    for name in WARM_TEMPLATES:
        with contextlib.suppress(TemplateDoesNotExist):
            get_template(name)


if os.environ.get("BAOCAO_WARM_UP", "1") != "0":
    warm_up()
