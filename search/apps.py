from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    """Chinese search: the search text kept current on every save, the query, the search page."""

    name = "search"
    verbose_name = _("Search")

    def ready(self):
        from . import signals  # noqa: F401  (Article.search_text kept current on every save)
