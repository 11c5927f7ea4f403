"""The outbox, written in the transaction of the change: an article saved or deleted writes its event
(webhooks/models.py WebhookEvent) from pre_save/post_save inside the saver's transaction, so a rolled-back
change writes nothing. The workflow (articles/workflow.py) and the admin save inside a transaction.

- `published`: an article becomes public (approved now; or saved once its scheduled time has come and before
  the worker announced it). A scheduled article is announced by the worker when its time comes
  (`announce_due_publications` in webhooks/delivery.py); the outbox holds one `published` per article and
  publication time (a unique constraint), so it happens once.
- `updated`: a public article stays public and a field readers see changed (the article's content fields,
  articles/models/article.py, or its publication time). Saves of hidden articles (drafts, review, scheduled)
  send nothing, as they purge nothing (articles/invalidation.py).
- `withdrawn`: an article becomes withdrawn, always (even one never public); or a public article leaves the
  public by any other way (deleted, rescheduled into the future).

The groups: `grant_webhook_permissions` gives the Editors group the webhook permissions after every migrate
(reporters get none).
"""

from django.db import IntegrityError, transaction
from django.db.models.signals import post_migrate, post_save, pre_delete, pre_save
from django.utils import timezone

from articles.invalidation import STATE, loaded_state  # (status, published_at), kept as loaded
from articles.models import Article, ArticleStatus, content_fields
from articles.policy import EDITORS, grant_app_permissions
from articles.querysets import is_public

from .models import EventName, WebhookEvent
from .payload import article_payload, withdrawn_payload

_BEFORE = "_webhooks_before"
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


def write_event(event: str, article: Article, using: str = "default") -> WebhookEvent | None:
    """The outbox row of `event` for `article` (in the caller's transaction); None for a publication announced
    already."""
    if event == EventName.WITHDRAWN:
        payload = withdrawn_payload(article.pk, article.get_absolute_url())
    else:
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


def grant_webhook_permissions(**kwargs) -> None:
    """Add the webhook permissions to the Editors group (idempotent; a post_migrate receiver that runs after
    articles' `ensure_groups`; call it after `ensure_groups` where a test remakes the groups)."""
    grant_app_permissions("webhooks", {EDITORS: EDITOR_PERMISSIONS})


def connect() -> None:
    pre_save.connect(before_save, sender=Article, dispatch_uid="webhooks.before_save")
    post_save.connect(after_save, sender=Article, dispatch_uid="webhooks.after_save")
    pre_delete.connect(before_delete, sender=Article, dispatch_uid="webhooks.before_delete")
    post_migrate.connect(grant_webhook_permissions, dispatch_uid="webhooks.grant_webhook_permissions")
