from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EditionConfig(AppConfig):
    """The digital edition (数字报): printed pages as images, article areas on them, their views and admin."""

    name = "edition"
    verbose_name = _("Digital edition")
