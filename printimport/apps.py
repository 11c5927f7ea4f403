from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrintImportConfig(AppConfig):
    """Print pages as plain text into an issue's draft articles: the parser, the service, the command and
    导入版面 in the issue admin."""

    name = "printimport"
    verbose_name = _("Print import")
