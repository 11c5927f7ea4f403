"""An article's photos (组图): a photo story shows them in order, each with its caption and credit."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.filecleaning import CleanedImageField
from core.storage import PrivateUpload
from core.uploads import validate_image_upload

from .article import Article


class ArticlePhoto(models.Model):
    """One photo of an article's gallery. Its file is private until the article is public (files/release.py)."""

    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="photos"
    )
    image = CleanedImageField(
        _("photo"),
        upload_to=PrivateUpload("articles/%Y/%m/"),
        validators=[validate_image_upload],
        width_field="width",
        height_field="height",
        db_index=True,  # the private-file view finds the photo by its file (files/views.py)
    )
    alt = models.CharField(
        _("alt text"),
        max_length=250,
        blank=True,
        help_text=_("What the photo shows, for readers who cannot see it. Required before approval."),
    )
    caption = models.CharField(_("caption"), max_length=300, blank=True)
    credit = models.CharField(_("credit"), max_length=100, blank=True)
    order = models.PositiveIntegerField(_("order"), default=0, db_index=True)
    width = models.PositiveIntegerField(_("width"), null=True, blank=True, editable=False)
    height = models.PositiveIntegerField(_("height"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["order", "id"]

    def __str__(self):
        return self.caption[:40] or self.image.name.rsplit("/", 1)[-1]
