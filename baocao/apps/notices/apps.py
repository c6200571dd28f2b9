from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    name = "baocao.apps.notices"
    verbose_name = _("Thông báo")

    def ready(self) -> None:
        # Connects the receiver that enqueues the e-mailing of new notices (notify.stored).
        from baocao.apps.notices import tasks  # noqa: F401
