from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """What every app stands on: the page and fragment caches, prepared statements, the resilient Redis cache,
    middleware, security, language, health, upload checks and slugs. Depends on no app of ours."""

    name = "core"
    verbose_name = _("Site infrastructure")
