from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    """The read-only content API under /api/v1/: what the public pages show, as JSON (docs/api.md), and the
    partner keys administrators issue for it (api/models.py)."""

    name = "api"
    verbose_name = _("Content API")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import signals

        # A saved or deleted partner key drops its cached lookup, so revoking takes effect at once.
        signals.connect()
        # Stored answers (core/pagecache.py) are rate-limited like the views' own.
        from core.pagecache import register_hit_check

        from .throttling import check_hit

        register_hit_check("/api/", check_hit)
