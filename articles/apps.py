from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = _("Newspaper")

    def ready(self):
        from . import cache_signals, revisions, signals  # noqa: F401  (revision registration; Article.search_text kept current)
        from .roles import ensure_groups

        cache_signals.connect()  # every content change purges the public page cache (articles/cache.py)
        # After all apps' permissions exist (they are made by post_migrate too), make the newsroom's groups.
        post_migrate.connect(ensure_groups, dispatch_uid="articles.ensure_groups")
