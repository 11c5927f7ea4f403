"""The outbox, written in the transaction of the change: an article saved or deleted writes its event
(webhooks/models.py WebhookEvent) from pre_save/post_save inside the saver's transaction, so a rolled-back
change writes nothing. The workflow (articles/workflow.py) and the admin save inside a transaction.

- `published`: an article becomes public (approved now; or saved once its scheduled time has come and before
  the worker announced it). A scheduled article is announced by the worker when its time comes
  (`announce_due_publications` in webhooks/delivery.py); the outbox holds one `published` per article and
  publication time (a unique constraint), so it happens once.
- `updated`: a public article stays public and a field readers see changed (the article's content fields,
  articles/models/article.py, or its publication time), or its bylines, tags, organizations or events changed.
  Saves of hidden articles (drafts, review, scheduled, withdrawn) send nothing, as they purge nothing
  (articles/invalidation.py).
- `withdrawn`: an article becomes withdrawn, always (even one never public); or a public article leaves the
  public by any other way (deleted, rescheduled into the future).

A payload describes the article as committed. The admin saves the article first (its `updated` or
`published` is written then, with the bylines and links as they were), then its links (m2m) and bylines
(an inline), one by one. Each of those saves (`byline_saved`, `byline_deleted`, `links_changed`) reads the
public article again and rewrites the payload of its events not yet dispatched (`published`, `updated`), or,
when none is pending, writes one `updated` (`relations_changed`): one admin save, one event, with what it
saved. An event a worker dispatched meanwhile is not rewritten (on PostgreSQL the rewrite waits for the
worker's lock, then finds the row dispatched): a new `updated` is written instead. Raw saves (loaddata) send
nothing; an article deleted takes its bylines and links with it without a word here (`withdrawn` says it).

The groups: `grant_webhook_permissions` gives the Editors group the webhook permissions after every migrate
(reporters get none).
"""

from django.db import IntegrityError, transaction
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save, pre_delete, pre_save
from django.utils import timezone

from articles.invalidation import STATE, loaded_state  # (status, published_at), kept as loaded
from articles.models import Article, ArticleStatus, Byline, content_fields
from articles.policy import EDITORS, grant_app_permissions
from articles.querysets import is_public

from .models import EventName, WebhookEvent
from .payload import article_payload, withdrawn_payload

_BEFORE = "_webhooks_before"
_CLEARING = "_webhooks_clearing"  # the articles a clear() is about to unlink, from pre_clear to post_clear
# The article's links that partners see in the payload (tags) or that describe it (organizations, events).
LINK_FIELDS = ("tags", "organizations", "events")
_LINK_NAMES = {}  # through model → the article's field name (LINK_FIELDS), filled by connect()
PENDING_REWRITTEN = (EventName.PUBLISHED, EventName.UPDATED)
EDITOR_PERMISSIONS = {
    "webhookendpoint": ["add", "change", "delete", "view"],
    "webhookdelivery": ["change", "view"],  # change: "retry now"; the log itself is read-only
    "webhookevent": ["view"],
}


def watched_fields() -> list[str]:
    """The article's columns a partner may see change: its state and its content fields (not many-to-many)."""
    concrete = {f.name for f in Article._meta.concrete_fields}
    return list(STATE) + [name for name in content_fields() if name in concrete]


def _stored(article: Article, using: str):
    fields = watched_fields()
    attnames = [Article._meta.get_field(name).attname for name in fields]
    row = Article._base_manager.using(using).filter(pk=article.pk).values_list(*attnames).first()
    return dict(zip(attnames, row, strict=True)) if row is not None else None


def _as_loaded(article: Article):
    """The row before a workflow transition, without a query: the transition saves the row it has just locked
    and read (update_fields naming the status, no content field), so its state is the one loaded with it
    (kept by articles/invalidation.py) and its content is unchanged."""
    loaded = loaded_state(article)
    if loaded is None:
        return None
    fields = watched_fields()
    before = {Article._meta.get_field(name).attname: None for name in fields}
    before.update({a: getattr(article, a) for a in before})
    before.update(zip(STATE, loaded, strict=True))
    return before


def before_save(sender, instance: Article, raw=False, using="default", update_fields=None, **kwargs):
    instance.__dict__.pop(_BEFORE, None)
    if raw or instance.pk is None:
        return
    watched = set(watched_fields())
    if update_fields is not None and not set(update_fields) & watched:
        return  # e.g. search text, version: nothing a partner sees
    before = None
    if (
        update_fields is not None
        and "status" in update_fields
        and not set(update_fields) & (watched - {*STATE})
    ):
        before = _as_loaded(instance)
    instance.__dict__[_BEFORE] = before if before is not None else _stored(instance, using)


def _announced(article_id: int, published_at, using: str) -> bool:
    return (
        WebhookEvent.objects.using(using)
        .filter(event=EventName.PUBLISHED, article_id=article_id, published_at=published_at)
        .exists()
    )


def event_for_save(before, article: Article, now, using: str) -> str | None:
    """The event this save makes, from the stored row before it (None: new) and the article as saved."""
    was_public = before is not None and is_public(before["status"], before["published_at"], now)
    public = is_public(article.status, article.published_at, now)
    if article.status == ArticleStatus.WITHDRAWN:
        return EventName.WITHDRAWN if before is None or before["status"] != ArticleStatus.WITHDRAWN else None
    if public and not _announced(article.pk, article.published_at, using):
        return EventName.PUBLISHED
    if public and was_public:
        changed = any(getattr(article, attname) != old for attname, old in before.items())
        return EventName.UPDATED if changed else None
    if was_public and not public:
        return EventName.WITHDRAWN
    return None


def write_event(
    event: str, article: Article, using: str = "default", payload: dict | None = None
) -> WebhookEvent | None:
    """The outbox row of `event` for `article` (in the caller's transaction); None for a publication announced
    already. `payload`: the article's, made already by the caller."""
    if event == EventName.WITHDRAWN:
        payload = withdrawn_payload(article.pk, article.get_absolute_url())
    elif payload is None:
        payload = article_payload(article)
    published_at = article.published_at if event == EventName.PUBLISHED else None
    row = WebhookEvent(event=event, article_id=article.pk, published_at=published_at, payload=payload)
    if event != EventName.PUBLISHED:
        row.save(using=using)
        return row
    try:
        # A savepoint: a `published` the worker wrote meanwhile (the unique constraint) must not undo the save.
        with transaction.atomic(using=using):
            row.save(using=using)
            return row
    except IntegrityError:
        return None


def after_save(sender, instance: Article, created=False, raw=False, using="default", **kwargs):
    if raw:
        return
    if not created and _BEFORE not in instance.__dict__:
        return  # pre_save saw nothing a partner sees change
    before = instance.__dict__.pop(_BEFORE, None)
    event = event_for_save(before, instance, timezone.now(), using)
    if event:
        write_event(event, instance, using)


def before_delete(sender, instance: Article, using="default", **kwargs):
    stored = _stored(instance, using)
    if stored and is_public(stored["status"], stored["published_at"]):
        write_event(EventName.WITHDRAWN, instance, using)


# --- bylines, tags, organizations, events ---------------------------------------------------------------


def relations_changed(article_ids, using: str = "default") -> None:
    """The bylines or links of these articles changed: for each one public now, rewrite the payload of its
    events not yet dispatched (`published`, `updated`) to the article as it is in this transaction; none
    pending, write `updated` (`published` for a public article never announced, as a save of it would).
    Hidden articles send nothing. Queries: one for the public articles (with section and issue), then per
    public article the payload's two (bylines, tags) and the rewrite; the write when none was pending."""
    ids = {pk for pk in article_ids if pk is not None}
    if not ids:
        return
    public = (
        Article.objects.using(using)
        .published()
        .filter(pk__in=ids)
        .select_related("section", "issue")
        .order_by("pk")
    )
    for article in public:
        payload = article_payload(article)
        pending = WebhookEvent.objects.using(using).filter(
            article_id=article.pk, dispatched_at=None, event__in=PENDING_REWRITTEN
        )
        if pending.update(payload=payload):
            continue
        announced = _announced(article.pk, article.published_at, using)
        write_event(EventName.UPDATED if announced else EventName.PUBLISHED, article, using, payload)


def byline_saved(sender, instance: Byline, raw=False, using="default", **kwargs):
    if not raw:
        relations_changed({instance.article_id}, using)


def byline_deleted(sender, instance: Byline, using="default", origin=None, **kwargs):
    # Only a byline deleted by itself (the admin's inline, a queryset of bylines): one deleted with its article
    # (a cascade from the article or from above it) is followed by the article's delete, which says `withdrawn`,
    # while the article's row, deleted last, still looks public here.
    if isinstance(origin, Byline) or getattr(origin, "model", None) is Byline:
        relations_changed({instance.article_id}, using)


def _linked_articles(sender, instance, reverse: bool, using: str) -> set:
    """The articles a clear() of this link is about to unlink (before it: afterwards the rows are gone)."""
    name = _LINK_NAMES[sender]
    if reverse:  # instance: the organization or event
        articles = Article._base_manager.using(using).filter(**{name: instance})
        return set(articles.values_list("pk", flat=True))
    return {instance.pk} if getattr(instance, name).using(using).exists() else set()


def links_changed(
    sender, instance, action, reverse=False, model=None, pk_set=None, using="default", **kwargs
):
    """m2m_changed of Article.tags (taggit sends it, never reversed, with the tag ids), organizations and events
    (from either side: reversed, the instance is the organization or event and pk_set the articles)."""
    of_articles = model is Article if reverse else isinstance(instance, Article)
    if not of_articles:
        return  # taggit's TaggedItem links tags to other models too
    if action == "pre_clear":
        instance.__dict__[_CLEARING] = _linked_articles(sender, instance, reverse, using)
    elif action == "post_clear":
        relations_changed(instance.__dict__.pop(_CLEARING, ()), using)
    elif action in {"post_add", "post_remove"} and pk_set:  # an empty set: nothing was added or removed
        relations_changed(set(pk_set) if reverse else {instance.pk}, using)


def grant_webhook_permissions(**kwargs) -> None:
    """Add the webhook permissions to the Editors group (idempotent; a post_migrate receiver that runs after
    articles' `ensure_groups`; call it after `ensure_groups` where a test remakes the groups)."""
    grant_app_permissions("webhooks", {EDITORS: EDITOR_PERMISSIONS})


def connect() -> None:
    pre_save.connect(before_save, sender=Article, dispatch_uid="webhooks.before_save")
    post_save.connect(after_save, sender=Article, dispatch_uid="webhooks.after_save")
    pre_delete.connect(before_delete, sender=Article, dispatch_uid="webhooks.before_delete")
    post_save.connect(byline_saved, sender=Byline, dispatch_uid="webhooks.byline_saved")
    post_delete.connect(byline_deleted, sender=Byline, dispatch_uid="webhooks.byline_deleted")
    for name in LINK_FIELDS:
        through = Article._meta.get_field(name).remote_field.through
        _LINK_NAMES[through] = name
        m2m_changed.connect(links_changed, sender=through, dispatch_uid=f"webhooks.links_changed.{name}")
    post_migrate.connect(grant_webhook_permissions, dispatch_uid="webhooks.grant_webhook_permissions")
