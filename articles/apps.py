from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = _("Newspaper")

    def ready(self):
        from core import health, pagecache

        from . import invalidation, revisions  # noqa: F401  (revisions: the models registered with reversion)
        from .models import listing, tags
        from .policy import ensure_groups
        from .querysets import check_schedule, next_publication_after

        listing.connect()  # the listing index follows every write to an article and its links
        invalidation.connect()  # public content changed: purge the public pages (core/pagecache.py)
        pagecache.register_scheduled_change(next_publication_after)  # cached pages expire when it goes public
        health.register_check("schedule", check_schedule)
        tags.connect()  # every tag saved gets a slug its page and the sitemap can use
        # After all apps' permissions exist (they are made by post_migrate too), make the newsroom's groups.
        post_migrate.connect(ensure_groups, dispatch_uid="articles.ensure_groups")
