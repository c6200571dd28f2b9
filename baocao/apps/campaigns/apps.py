from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "baocao.apps.campaigns"
    verbose_name = _("Đợt báo cáo")

    def ready(self) -> None:
        from baocao.apps.campaigns.live_rollup import on_units_moved
        from baocao.apps.orgs.signals import units_moved

        units_moved.connect(on_units_moved, dispatch_uid="live_rollup.units_moved")
