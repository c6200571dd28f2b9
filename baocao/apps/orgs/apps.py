from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgsConfig(AppConfig):
    name = "baocao.apps.orgs"
    verbose_name = _("Tổ chức")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from baocao.apps.orgs.accounts import remember_at_login

        user_logged_in.connect(remember_at_login, dispatch_uid="baocao-must-change-password")
