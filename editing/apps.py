from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EditingConfig(AppConfig):
    """Live editing at the desk: the article form kept on the server as it is typed (autosave), and who else has
    the article open (presence, take-over)."""

    name = "editing"
    verbose_name = _("Live editing")
