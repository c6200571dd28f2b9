from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LoginsConfig(AppConfig):
    name = "baocao.apps.logins"
    verbose_name = _("Đăng nhập")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from baocao.web.middleware import start_idle_clock

        user_logged_in.connect(start_idle_clock, dispatch_uid="baocao-idle-clock")
