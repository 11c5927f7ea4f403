"""Keep `Article.search_text` current: on every save of an article, every byline change, every author rename.

The field is written with queryset.update(), so keeping it current never triggers other save logic (no
post_save, no revision, no version bump). Raw saves (loaddata, reversion) are handled too: the text is computed
from what is in the database, whichever order the rows arrive in.
"""

from django.db.models.signals import post_delete, post_init, post_save
from django.dispatch import receiver

from articles.models import Article, Byline, searched_fields
from people.models import Author

from .text import refresh_article, refresh_articles

# Saving only other fields (a workflow transition's update_fields) leaves the text as it was.
SEARCHED_FIELDS = frozenset(searched_fields())


@receiver(post_save, sender=Article, dispatch_uid="search.engine.article_saved")
def article_saved(sender, instance, update_fields=None, **kwargs):
    if update_fields is not None and not SEARCHED_FIELDS.intersection(update_fields):
        return
    # A full save wrote the in-memory search_text, so comparing with it is comparing with the database.
    refresh_article(instance, force_write=update_fields is not None)


def _refresh_by_id(article_id) -> None:
    article = Article.objects.filter(pk=article_id).first()
    if article is not None:  # gone when the byline is deleted along with its article
        refresh_article(article, force_write=True)


@receiver(post_init, sender=Byline, dispatch_uid="search.engine.byline_loaded")
def byline_loaded(sender, instance, **kwargs):
    instance._search_article_id = instance.__dict__.get("article_id")


@receiver(post_save, sender=Byline, dispatch_uid="search.engine.byline_saved")
def byline_saved(sender, instance, **kwargs):
    previous = getattr(instance, "_search_article_id", None)
    if previous is not None and previous != instance.article_id:
        _refresh_by_id(previous)  # the byline moved to another article
    instance._search_article_id = instance.article_id
    _refresh_by_id(instance.article_id)


@receiver(post_delete, sender=Byline, dispatch_uid="search.engine.byline_deleted")
def byline_deleted(sender, instance, **kwargs):
    _refresh_by_id(instance.article_id)


@receiver(post_init, sender=Author, dispatch_uid="search.engine.author_loaded")
def author_loaded(sender, instance, **kwargs):
    # __dict__, not the attribute: reading a deferred field here would cost a query per instance.
    instance._search_name = instance.__dict__.get("name")


@receiver(post_save, sender=Author, dispatch_uid="search.engine.author_saved")
def author_saved(sender, instance, created, update_fields=None, **kwargs):
    previous = getattr(instance, "_search_name", None)
    instance._search_name = instance.name
    if created or (update_fields is not None and "name" not in update_fields):
        return
    if previous is not None and previous == instance.name:
        return
    refresh_articles(Article.objects.filter(bylines__author=instance))
