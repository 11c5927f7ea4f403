"""The editorial workflow: the only code that changes an article's status.

The transitions are declared in articles/policy.py (`TRANSITIONS`); `take` runs any of them. Each checks the
role first (PermissionDenied), then the article's state (TransitionError), then its arguments
(ValidationError); locks the row; saves; writes the log row in the same transaction; and sends its side effects
(mail, cache purge) only once the transaction has committed.

    draft ──submit──▶ review ──approve (now / at a time)──▶ published ──withdraw──▶ withdrawn
      ▲                 │                                                           │
      └───send_back─────┘                      draft ◀──────────reopen─────────────┘
"""

from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import notifications
from .models import Article, ArticleLog, ArticleStatus
from .policy import (
    APPROVE,
    REOPEN,
    RESCHEDULE,
    SEND_BACK,
    SUBMIT,
    TRANSITIONS,
    WITHDRAW,
    Transition,
    may_take,
)

__all__ = [
    "TRANSITIONS",
    "Transition",
    "TransitionError",
    "allowed_transitions",
    "approve",
    "is_scheduled",
    "may_take",
    "release_issue",
    "reopen",
    "reschedule",
    "send_back",
    "submit",
    "take",
    "withdraw",
]

S = ArticleStatus


class TransitionError(ValidationError):
    """The user's role may take this transition, but not from the article's current state."""


# A scheduled time a little in the past (a form filled in a minute ago) is kept: it means "at once".
# Further back is an error: backdating would reorder the archive.
SCHEDULE_TOLERANCE = timedelta(minutes=2)


def is_scheduled(article: Article, now: datetime | None = None) -> bool:
    return (
        article.status == S.PUBLISHED
        and article.published_at is not None
        and article.published_at > (now or timezone.now())
    )


def _check_state(article: Article, transition: Transition, now: datetime) -> None:
    state_ok = article.status in transition.sources
    if transition.only_when_scheduled:
        state_ok = state_ok and is_scheduled(article, now)
    if not state_ok:
        raise TransitionError(
            _("“%(title)s” is %(status)s; “%(action)s” is not possible now.")
            % {"title": article.title, "status": article.get_status_display(), "action": transition.label},
            code="invalid_transition",
        )


def allowed_transitions(article: Article, user) -> list[Transition]:
    """The transitions this user may take on this article now (what the admin shows as buttons)."""
    now = timezone.now()
    result = []
    for transition in TRANSITIONS.values():
        if not may_take(user, transition.name, article):
            continue
        try:
            _check_state(article, transition, now)
        except TransitionError:
            continue
        result.append(transition)
    return result


def _publish_time(publish_at: datetime | None, now: datetime) -> datetime:
    if publish_at is None:
        return now
    if timezone.is_naive(publish_at):
        publish_at = timezone.make_aware(publish_at)
    if publish_at < now - SCHEDULE_TOLERANCE:
        raise ValidationError(_("The publication time is in the past."), code="past_publication_time")
    return publish_at  # a moment ago is fine: published() compares with <=, so it is public at once


def _check_arguments(transition: Transition, comment: str, publish_at: datetime | None) -> None:
    if transition.needs_comment and not comment:
        raise ValidationError({"comment": _("A comment is required.")}, code="comment_required")
    if transition.needs_time and publish_at is None:
        raise ValidationError(_("Choose a publication time."), code="publication_time_required")


def take(
    name: str, article: Article, user, *, comment: str = "", publish_at: datetime | None = None
) -> Article:
    """Take the transition `name` (articles/policy.py) on `article` as `user`. A comment is kept only where the
    transition asks for one, a publication time only where it sets one."""
    if not may_take(user, name, article):  # an undeclared name included
        raise PermissionDenied(_("You may not do this to this article."))
    transition = TRANSITIONS[name]
    comment = (comment or "").strip() if transition.needs_comment else ""
    with transaction.atomic():
        locked = Article.objects.select_for_update().get(pk=article.pk)
        now = timezone.now()
        # Re-check the role on the locked row: bylines or ownership may have changed meanwhile.
        if not may_take(user, name, locked):
            raise PermissionDenied(_("You may not do this to this article."))
        _check_state(locked, transition, now)
        _check_arguments(transition, comment, publish_at)
        from_status = locked.status
        fields = ["status", "updated_at"]
        locked.status = transition.target
        when = None
        if transition.takes_time:
            when = _publish_time(publish_at, now)
            locked.published_at = when
            fields.append("published_at")
        locked.save(update_fields=fields)
        ArticleLog.objects.create(
            article=locked,
            user=user,
            action=name,
            from_status=from_status,
            to_status=locked.status,
            comment=comment,
            publish_at=when,
        )
        transaction.on_commit(lambda: notifications.transition_done(locked, name, user, comment))
    # Keep the caller's object current.
    article.status, article.published_at = locked.status, locked.published_at
    return locked


def submit(article: Article, user) -> Article:
    return take(SUBMIT, article, user)


def send_back(article: Article, user, comment: str) -> Article:
    return take(SEND_BACK, article, user, comment=comment)


def approve(article: Article, user, publish_at: datetime | None = None) -> Article:
    """Publish now, or at `publish_at` (scheduled: public from that moment, decided at query time)."""
    return take(APPROVE, article, user, publish_at=publish_at)


def reschedule(article: Article, user, publish_at: datetime) -> Article:
    return take(RESCHEDULE, article, user, publish_at=publish_at)


def withdraw(article: Article, user, comment: str) -> Article:
    return take(WITHDRAW, article, user, comment=comment)


def reopen(article: Article, user) -> Article:
    return take(REOPEN, article, user)


def release_issue(issue, user, publish_at: datetime | None = None) -> tuple[list[Article], list[tuple]]:
    """Approve every article of `issue` that is in review, at one time, so the print issue goes live as one.

    All or nothing: if any article may not be approved by this user (four-eyes rule), nothing is approved and
    the refusals are returned. Returns (approved, refused) where refused holds (article, reason).
    """
    now = timezone.now()
    when = _publish_time(publish_at, now)
    candidates = list(Article.objects.filter(issue=issue, status=S.REVIEW).in_reading_order())
    refused = [
        (a, _("You wrote it or stand in its byline.")) for a in candidates if not may_take(user, APPROVE, a)
    ]
    if refused:
        return [], refused
    approved = []
    with transaction.atomic():
        for article in candidates:
            approved.append(approve(article, user, publish_at=when))
    return approved, []
