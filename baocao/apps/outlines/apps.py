from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutlinesConfig(AppConfig):
    name = "baocao.apps.outlines"
    verbose_name = _("Đề cương")
