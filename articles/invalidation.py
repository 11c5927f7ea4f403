"""Every change to public content purges the public page cache (articles/cache.py).

One rule, with no per-page bookkeeping to get wrong: a save, delete or many-to-many change of any model of the
content apps (articles, people, taggit) calls `purge_public_pages()`, except the models no reader ever sees
(workflow log, share links, kept edits). That covers articles, bylines, tags and tagged items, organizations
and their aliases and parents, authors, events and their organizers, sections, issues, pages (版) and page
areas, along every chain (article → page → issue → home, tag, author, organization, event, feed, sitemap),
and any model these apps add later.

What signals cannot see must call `purge_public_pages()` itself: queryset.update(), bulk_create(),
bulk_update() and raw SQL. seed_bench does. Search-text refreshes (articles/signals.py) run inside the
transaction of the save that caused them, whose purge takes effect at commit, after them; a command that
rebuilds search_text on its own must purge when done, as search result pages are cached too.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save

from core.pagecache import purge_public_pages

CONTENT_APPS = {"articles", "people", "taggit"}
# Models of those apps that no public page shows.
PRIVATE_MODELS = {"articles.articlelog", "articles.sharelink", "articles.staleedit"}


def is_public_content(model) -> bool:
    meta = model._meta
    return meta.app_label in CONTENT_APPS and meta.label_lower not in PRIVATE_MODELS


def content_saved_or_deleted(sender, **kwargs):
    if is_public_content(sender):
        purge_public_pages(using=kwargs.get("using") or "default")


def content_links_changed(sender, action, **kwargs):
    # sender is the through model: Article.tags (taggit's TaggedItem), organizations, events, Event.organizers.
    if action in {"post_add", "post_remove", "post_clear"} and (
        is_public_content(sender) or is_public_content(type(kwargs["instance"]))
    ):
        purge_public_pages(using=kwargs.get("using") or "default")


def connect() -> None:
    """Connect the receivers (from ArticlesConfig.ready())."""
    post_save.connect(content_saved_or_deleted, dispatch_uid="core.pagecache.saved")
    post_delete.connect(content_saved_or_deleted, dispatch_uid="core.pagecache.deleted")
    m2m_changed.connect(content_links_changed, dispatch_uid="core.pagecache.links")
