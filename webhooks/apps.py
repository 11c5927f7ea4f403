from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    """Webhooks: partners hear when an article is published, updated or withdrawn (an outbox written in the
    change's transaction, delivered by a worker)."""

    name = "webhooks"
    verbose_name = _("Webhooks")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import signals

        # The outbox follows article saves; the Editors group gets the webhook permissions after articles makes it
        # (its receiver is connected first, articles being installed before webhooks).
        signals.connect()
