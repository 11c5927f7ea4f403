from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReaderConfig(AppConfig):
    """The public site: pages, feeds, sitemaps, SEO and previews in the public design."""

    name = "reader"
    verbose_name = _("Reader's site")
