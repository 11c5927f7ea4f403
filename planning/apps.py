from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlanningConfig(AppConfig):
    name = "planning"
    verbose_name = _("Planning")

    def ready(self):
        from . import signals

        # A story follows its article; the groups get planning's permissions after articles makes them (its
        # receiver is connected first, articles being installed before planning).
        signals.connect()
