"""What the newsroom keeps beside an article: its workflow log, share links, kept edits and page areas."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from ..querysets import ShareLinkQuerySet
from .article import Article, ArticleStatus
from .issues import IssuePage


class ArticleLog(models.Model):
    """One workflow transition: who, when, from, to, comment. Written by articles/workflow.py only."""

    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="log"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=20)
    from_status = models.CharField(_("from"), max_length=12, choices=ArticleStatus.choices)
    to_status = models.CharField(_("to"), max_length=12, choices=ArticleStatus.choices)
    comment = models.TextField(_("comment"), blank=True)
    publish_at = models.DateTimeField(_("publication time"), null=True, blank=True)
    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("workflow log entry")
        verbose_name_plural = _("workflow log")
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.article_id} {self.from_status}→{self.to_status}"


class ShareLink(models.Model):
    """A signed, read-only, expiring, revocable preview link for an outside reviewer."""

    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="share_links"
    )
    token = models.CharField(_("token"), max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    objects = ShareLinkQuerySet.as_manager()

    class Meta:
        verbose_name = _("share link")
        verbose_name_plural = _("share links")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.article} ({self.expires_at:%Y-%m-%d %H:%M})"


class StaleEdit(models.Model):
    """The text of a save refused because the article changed meanwhile, kept for its author to merge."""

    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="+"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE)
    based_on_version = models.PositiveIntegerField(_("based on version"))
    data = models.JSONField(_("submitted text"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("kept edit")
        verbose_name_plural = _("kept edits")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.article_id} v{self.based_on_version} ({self.user})"


class PageArea(models.Model):
    """Where an article stands on a printed page: a rectangle in page-relative coordinates (0–1)."""

    page = models.ForeignKey(
        IssuePage, verbose_name=_("page"), on_delete=models.CASCADE, related_name="areas"
    )
    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="areas"
    )
    x = models.FloatField(_("left"))
    y = models.FloatField(_("top"))
    width = models.FloatField(_("width"))
    height = models.FloatField(_("height"))

    class Meta:
        verbose_name = _("page area")
        verbose_name_plural = _("page areas")
        ordering = ["page", "y", "x"]
        constraints = [
            models.CheckConstraint(
                condition=Q(x__gte=0, y__gte=0, width__gt=0, height__gt=0), name="area_positive"
            ),
            models.CheckConstraint(
                condition=Q(x__lte=1.000001 - F("width")) & Q(y__lte=1.000001 - F("height")),
                name="area_inside_page",
            ),
        ]

    def __str__(self):
        return f"{self.article} @ {self.page}"
