"""What the desk keeps while an article is open: one autosaved copy of the form per user and article, and one
presence row per user and article (the last heartbeat, and who took the page over).

Neither touches the article: no revision, no version, no page-cache purge. Saving the article through the admin
deletes the saver's copy (editing/admin.py).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from articles.models import Article


class DraftCopy(models.Model):
    """The text fields of an article's change form as one user last had them, overwritten on every autosave."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="+"
    )
    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="+"
    )
    # The article version the form was loaded from (its hidden `based_on_version`).
    based_on_version = models.PositiveIntegerField(_("based on version"))
    data = models.JSONField(_("form fields"), default=dict)
    saved_at = models.DateTimeField(_("saved at"))

    class Meta:
        verbose_name = _("autosaved copy")
        verbose_name_plural = _("autosaved copies")
        constraints = [
            models.UniqueConstraint(fields=["user", "article"], name="draftcopy_one_per_user_article")
        ]

    def __str__(self):
        return f"{self.article_id}/{self.user_id} @ {self.saved_at:%Y-%m-%d %H:%M:%S}"


class Presence(models.Model):
    """A user having an article's change page open: the last heartbeat, and whether the page may edit."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="+"
    )
    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="+"
    )
    last_seen = models.DateTimeField(_("last seen"))
    editing = models.BooleanField(_("may edit"), default=False)
    # An editor took the article over: pages opened before `taken_over_at` stop editing.
    taken_over_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("taken over by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    taken_over_at = models.DateTimeField(_("taken over at"), null=True, blank=True)

    class Meta:
        verbose_name = _("presence")
        verbose_name_plural = _("presences")
        constraints = [
            models.UniqueConstraint(fields=["user", "article"], name="presence_one_per_user_article")
        ]
        indexes = [models.Index(fields=["article", "last_seen"], name="presence_article_seen")]

    def __str__(self):
        return f"{self.article_id}/{self.user_id} @ {self.last_seen:%Y-%m-%d %H:%M:%S}"
