"""The jobs app: background jobs a person waits on (see the package docstring)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "baocao.apps.jobs"
    verbose_name = _("Việc nền")
