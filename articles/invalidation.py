"""Purge the public page cache (core/pagecache.py) when something readers can see changes, and only then.

- An article purges when it is public (published, its time come) before the write or after it: publishing,
  withdrawing, editing or deleting what readers see. A save that gives it a publication time still ahead
  (approve at a time, reschedule) purges too: cached pages expire at the next publication they knew of when
  rendered, and they did not know this one. Drafts and articles in review, withdrawn or scheduled are shown to
  no reader, so saving them (a reporter's edit, submit, send back) keeps the cache.
- What hangs on one article (bylines, tags, organization and event links, as rows or many-to-many changes)
  purges when that article is public (the article before the write and the one after, should a row move).
- Every other model of the content apps (articles, people, taggit) purges always: authors, organizations,
  events, sections, tags, issues, pages (版), page areas, and any model added later. They are rarely edited,
  and any public page may show them.
- Never: the workflow log, share links and kept edits (ArticleLog, ShareLink, StaleEdit). No reader sees them.

"Before" is the row as stored (pre_save/pre_delete read it: an instance in memory may be stale), except for a
workflow transition, which saves the row it has just locked and read: it uses the values loaded with it. The
purge comes after the write. When in doubt (raw saves, a tag on some other model), purge: a stale public page
is a bug, an extra purge only costs speed.

What signals cannot see must call `purge_public_pages()` itself: queryset.update(), bulk_create(),
bulk_update() and raw SQL; seed_bench does. The search text (search/signals.py) is written with
queryset.update() inside the transaction of the save that caused it, and that save's purge takes effect again
at commit, after it; a command that rebuilds search_text on its own must purge when done.
"""

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db.models.signals import m2m_changed, post_delete, post_init, post_save, pre_delete, pre_save
from django.utils import timezone

from core.pagecache import purge_public_pages

from .querysets import is_public, published_q

CONTENT_APPS = ("articles", "people", "taggit")
# Models of those apps that no public page shows.
PRIVATE_MODELS = {"articles.articlelog", "articles.sharelink", "articles.staleedit"}
# Rows that belong to one article, and the fields naming it (a TaggedItem names it when its type is Article).
ARTICLE_LINKS = {
    "articles.byline": ("article_id",),
    "articles.articleorganization": ("article_id",),
    "articles.articleevent": ("article_id",),
    "taggit.taggeditem": ("content_type_id", "object_id"),
}
ARTICLE = "articles.article"
PUBLISHED = "published"
# Set on the instance before the write, read after it: the article's row before, a link's decision.
_BEFORE = "_pagecache_before"
_LOADED = "_pagecache_loaded"  # an article's (status, published_at) as loaded or last saved (post_init)
_UNKNOWN = object()


def kind_of(model) -> str:
    """The model's kind: article, link, private, content (purges always), or other (not a content app)."""
    meta = model._meta.concrete_model._meta
    if meta.app_label not in CONTENT_APPS:
        return "other"
    if meta.label_lower == ARTICLE:
        return "article"
    if meta.label_lower in ARTICLE_LINKS:
        return "link"
    return "private" if meta.label_lower in PRIVATE_MODELS else "content"


def is_public_content(model) -> bool:
    """Whether a write to this model may change a public page (for an article or a link: it depends)."""
    return kind_of(model) in {"article", "link", "content"}


def _articles(using):
    return apps.get_model("articles", "Article")._base_manager.using(using)


def _any_public(article_ids, using) -> bool:
    ids = {pk for pk in article_ids if pk is not None}
    return bool(ids) and _articles(using).filter(published_q(), pk__in=ids).exists()


# --- articles ------------------------------------------------------------------------------------------


STATE = ("status", "published_at")


def article_loaded(sender, instance, **kwargs):
    # __dict__, not the attributes: reading a deferred field here would cost a query per instance.
    values = instance.__dict__
    if all(field in values for field in STATE):
        values[_LOADED] = tuple(values[field] for field in STATE)
    else:
        values.pop(_LOADED, None)


def loaded_state(article) -> tuple | None:
    """An article's (status, published_at) as loaded or last saved, kept without a query; None when unknown
    (the webhooks' outbox reads it to see what a transition changes)."""
    return article.__dict__.get(_LOADED)


def _remember_saved(article, update_fields) -> None:
    """After a save, the row holds the values written: the saved fields' in-memory values."""
    loaded = article.__dict__.get(_LOADED)
    if update_fields is None or set(STATE) <= set(update_fields):
        article_loaded(type(article), article)
    elif loaded is not None:
        article.__dict__[_LOADED] = tuple(
            article.__dict__.get(field, old) if field in update_fields else old
            for field, old in zip(STATE, loaded, strict=True)
        )


def _state_before(article, update_fields, using):
    """(status, published_at) before this save; None for a new article.

    A transition (update_fields naming the status: articles/workflow.py saves the row it has just locked and
    read) uses the values loaded with the instance. Any other save reads the stored row, one query: an admin
    form's instance may be older than a transition committed meanwhile."""
    if article.pk is None:
        return None
    loaded = article.__dict__.get(_LOADED)
    if update_fields is not None and "status" in update_fields and loaded is not None:
        return loaded
    return _articles(using).filter(pk=article.pk).values_list(*STATE).first()


def article_save_purges(before, article, now) -> bool:
    """Whether saving `article`, whose stored state was `before` (None: new), changes a public page."""
    after = (article.status, article.published_at)
    if is_public(*after, now) or (before is not None and is_public(*before, now)):
        return True
    # Published but not public yet: scheduled. A new time must reach the cached pages' expiry.
    return after[0] == PUBLISHED and tuple(before or ()) != after


def _article_is_public(article, using) -> bool:
    """Public by the instance in hand or by its row (the instance may be stale)."""
    return is_public(article.status, article.published_at, timezone.now()) or _any_public([article.pk], using)


# --- links ---------------------------------------------------------------------------------------------


def _article_content_type_id() -> int:
    return ContentType.objects.get_for_model(apps.get_model("articles", "Article")).pk  # cached by Django


def _target(label: str, row: dict):
    """The article a link row names, or _UNKNOWN when it names something else (a tag on another model)."""
    if label == "taggit.taggeditem":
        return row["object_id"] if row["content_type_id"] == _article_content_type_id() else _UNKNOWN
    return row["article_id"]


def link_touches_public(link, using, *, stored_row: bool) -> bool:
    """Whether the article this row names (and, with `stored_row`, the one its stored row names) is public."""
    label = link._meta.concrete_model._meta.label_lower
    fields = ARTICLE_LINKS[label]
    rows = [{field: getattr(link, field) for field in fields}]
    if stored_row and link.pk is not None:
        stored = type(link)._base_manager.using(using).filter(pk=link.pk).values(*fields).first()
        if stored is not None:
            rows.append(stored)
    targets = [_target(label, row) for row in rows]
    return _UNKNOWN in targets or _any_public(targets, using)


# --- the receivers -------------------------------------------------------------------------------------


def before_save(sender, instance, raw=False, using="default", update_fields=None, **kwargs):
    kind = kind_of(sender)
    if raw or kind not in {"article", "link"}:
        return
    if kind == "article":
        instance.__dict__[_BEFORE] = _state_before(instance, update_fields, using)
    else:
        instance.__dict__[_BEFORE] = link_touches_public(instance, using, stored_row=True)


def after_save(sender, instance, raw=False, using="default", update_fields=None, **kwargs):
    kind = kind_of(sender)
    before = instance.__dict__.pop(_BEFORE, _UNKNOWN)
    if kind in {"private", "other"}:
        return
    if kind == "article" and not raw and before is not _UNKNOWN:
        purges = article_save_purges(before, instance, timezone.now())
    elif kind == "link" and not raw and before is not _UNKNOWN:
        purges = before
    else:
        purges = True  # content, raw saves (loaddata), or a save pre_save did not see: when in doubt, purge
    if kind == "article":
        _remember_saved(instance, update_fields)
    if purges:
        purge_public_pages(using=using)


def before_delete(sender, instance, using="default", **kwargs):
    # Sent for every row of a cascade before any is deleted: the article of a link is still there.
    kind = kind_of(sender)
    if kind == "article":
        instance.__dict__[_BEFORE] = _article_is_public(instance, using)
    elif kind == "link":
        instance.__dict__[_BEFORE] = link_touches_public(instance, using, stored_row=False)


def after_delete(sender, instance, using="default", **kwargs):
    kind = kind_of(sender)
    purges = instance.__dict__.pop(_BEFORE, True)
    if kind in {"content", "article", "link"} and purges:
        purge_public_pages(using=using)


def links_changed(sender, instance, action, pk_set=None, using="default", **kwargs):
    # sender is the through model: Article.tags (taggit's TaggedItem), organizations, events, Event.organizers.
    if action not in {"post_add", "post_remove", "post_clear"} or (action != "post_clear" and not pk_set):
        return
    if kind_of(sender) == "link" and kind_of(type(instance)) == "article":
        purges = _article_is_public(instance, using)  # an article's own links: as public as the article
    else:
        purges = is_public_content(sender) or is_public_content(type(instance))
    if purges:
        purge_public_pages(using=using)


def connect() -> None:
    """Connect the receivers to every model of the content apps (from ArticlesConfig.ready())."""
    post_init.connect(
        article_loaded,
        sender=apps.get_model("articles", "Article"),
        dispatch_uid="articles.invalidation.loaded",
    )
    for app_label in CONTENT_APPS:
        for model in apps.get_app_config(app_label).get_models(include_auto_created=True):
            if not is_public_content(model):
                continue
            pre_save.connect(before_save, sender=model, dispatch_uid="articles.invalidation.pre_save")
            post_save.connect(after_save, sender=model, dispatch_uid="articles.invalidation.post_save")
            pre_delete.connect(before_delete, sender=model, dispatch_uid="articles.invalidation.pre_delete")
            post_delete.connect(after_delete, sender=model, dispatch_uid="articles.invalidation.post_delete")
            m2m_changed.connect(links_changed, sender=model, dispatch_uid="articles.invalidation.m2m")
