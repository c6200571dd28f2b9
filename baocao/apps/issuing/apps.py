from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IssuingConfig(AppConfig):
    name = "baocao.apps.issuing"
    verbose_name = _("Ban hành văn bản")
