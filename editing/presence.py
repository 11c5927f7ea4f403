"""Presence: who has an article's change page open, from the heartbeats their pages send; and take-over.

A page sends a heartbeat every EDITING_HEARTBEAT_SECONDS; someone is "here" when seen within
EDITING_PRESENCE_SECONDS. The rows live in the database, so every app server sees the same people. An editor
taking over marks the others' rows: a page opened before that moment learns it from its next heartbeat and stops
editing; a page opened afterwards (the person reloading) edits again.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone

from articles import policy
from articles.models import Article
from articles.names import person

from .models import Presence

DEFAULT_SECONDS = {"autosave": 30, "heartbeat": 15, "presence": 45}


def seconds(name: str) -> int:
    """EDITING_AUTOSAVE_SECONDS, EDITING_HEARTBEAT_SECONDS or EDITING_PRESENCE_SECONDS, or its default."""
    return int(getattr(settings, f"EDITING_{name.upper()}_SECONDS", DEFAULT_SECONDS[name]))


def display_name(user) -> str:
    return person(user)


def taken_over_by(user, article: Article, opened_at: datetime):
    """Who took the article over from this user's page opened at `opened_at`, or None."""
    row = Presence.objects.filter(user=user, article=article).select_related("taken_over_by").first()
    if row and row.taken_over_at and opened_at <= row.taken_over_at:
        return row.taken_over_by or True  # True: taken over by someone since deleted
    return None


def touch(user, article: Article) -> None:
    """Record a heartbeat of this user's page."""
    Presence.objects.update_or_create(
        user=user,
        article=article,
        defaults={"last_seen": timezone.now(), "editing": policy.can_edit(user, article)},
    )


def _here(article: Article):
    cutoff = timezone.now() - timedelta(seconds=seconds("presence"))
    return (
        Presence.objects.filter(article=article, last_seen__gte=cutoff, user__is_active=True)
        # A page taken over is gone, unless its person has opened the article again since.
        .filter(Q(taken_over_at__isnull=True) | Q(last_seen__gt=F("taken_over_at")))
    )


def others(user, article: Article) -> list[dict]:
    """The other people who have the article open now, editors of it first."""
    rows = _here(article).exclude(user=user).select_related("user").order_by("-editing", "user__username")
    # Whether each may edit is asked again: the article may have moved on since their last heartbeat (a reporter
    # who submitted it and left edits it no more).
    others = [
        {"name": display_name(row.user), "editing": row.editing and policy.can_edit(row.user, article)}
        for row in rows
    ]
    return sorted(others, key=lambda other: not other["editing"])  # editors of it first, as they came


def leave(user, article: Article) -> None:
    """This user's page was closed or left: they are no longer here (the row stays, with any take-over mark)."""
    Presence.objects.filter(user=user, article=article).update(last_seen=timezone.now() - _GONE)


_GONE = timedelta(days=1)  # further back than any EDITING_PRESENCE_SECONDS


def take_over(editor, article: Article) -> int:
    """Stop the other open pages that may edit the article; how many there were."""
    now = timezone.now()
    taken = (
        _here(article)
        .filter(editing=True)
        .exclude(user=editor)
        .update(taken_over_by=editor, taken_over_at=now)
    )
    touch(editor, article)
    return taken
