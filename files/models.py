"""Images shown in article bodies, by the articles that show them (the body editor's uploads are private files,
readable by the public only while an article whose body shows them is public: files/views.py)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from articles.models import Article


class BodyImage(models.Model):
    """An image uploaded from the body editor (`private/editor/…`) and an article whose body shows it; kept
    current on every save of the article (files/signals.py)."""

    name = models.CharField(_("file name"), max_length=255, db_index=True)
    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        verbose_name = _("image in an article body")
        verbose_name_plural = _("images in article bodies")
        constraints = [
            models.UniqueConstraint(fields=["name", "article"], name="one_body_image_row_per_article")
        ]

    def __str__(self):
        return self.name
