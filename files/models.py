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


class ReleasedFile(models.Model):
    """A private file moved to public storage when what it belongs to became public (files/release.py), by the
    name it had. A page rendered just before the move still links to the private name, and to its renditions
    and thumbnail, which the first request moves all at once: /private-media/ sends the readers of such a page
    on to the public names (files/views.py) for as long as they are still the files of what they belong to."""

    private_name = models.CharField(_("private name"), max_length=255, unique=True)
    public_name = models.CharField(_("public name"), max_length=255)
    released_at = models.DateTimeField(_("made public at"), auto_now_add=True)

    class Meta:
        verbose_name = _("released file")
        verbose_name_plural = _("released files")

    def __str__(self):
        return f"{self.private_name} → {self.public_name}"
