"""The editorial workflow: the only code that changes an article's status, or marks an issue released.

The transitions are declared in articles/policy.py (`TRANSITIONS`); `take` runs any of them. Each checks the
role first (PermissionDenied), then the article's state (TransitionError), then its arguments
(ValidationError), then, for one that makes the article public, that every picture has its alt text
(ValidationError); locks the row; saves; revokes the share links where the transition says so (withdraw); writes
the log row in the same transaction; and sends its side effects (mail, cache purge) only once the transaction has
committed.

    draft ──submit──▶ review ──approve (now / at a time)──▶ published ──withdraw──▶ withdrawn
      ▲                 │                                                           │
      └───send_back─────┘                      draft ◀──────────reopen─────────────┘
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _

from . import notifications
from .models import Article, ArticleLog, ArticleStatus, Issue
from .policy import (
    APPROVE,
    REOPEN,
    RESCHEDULE,
    SEND_BACK,
    SUBMIT,
    TRANSITIONS,
    WITHDRAW,
    Transition,
    alt_text_refusal,
    can_release,
    four_eyes_refusal,
    may_take,
    refusal,
    role_may,
)
from .sharing import revoke_all_share_links

__all__ = [
    "TRANSITIONS",
    "ReleasePlan",
    "ReleaseResult",
    "Transition",
    "TransitionError",
    "allowed_transitions",
    "approve",
    "four_eyes_note",
    "is_scheduled",
    "may_take",
    "release",
    "release_issue",
    "release_plan",
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
# The furthest ahead a publication may be scheduled: past a century a time is a slip of the keyboard (9999-12-31,
# 20266), which would keep the article out of sight for good. Anything a plan or a test may want stays allowed.
SCHEDULE_HORIZON = timedelta(days=100 * 365)


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
    return [
        t for t in TRANSITIONS.values() if _state_allows(article, t, now) and may_take(user, t.name, article)
    ]


def _state_allows(article: Article, transition: Transition, now: datetime) -> bool:
    try:
        _check_state(article, transition, now)
    except TransitionError:
        return False
    return True


def four_eyes_note(article: Article, user):
    """Why an approval (or rescheduling) the article's state allows now is not this editor's to take: the
    four-eyes rule's reason, for the admin to show where the button would be. None when nothing is held back."""
    now = timezone.now()
    for transition in TRANSITIONS.values():
        if (
            transition.four_eyes
            and _state_allows(article, transition, now)
            and role_may(user, transition.name, article)
        ):
            return four_eyes_refusal(user, article)
    return None


def _publish_time(publish_at: datetime | None, now: datetime) -> datetime:
    if publish_at is None:
        return now
    if timezone.is_naive(publish_at):
        publish_at = timezone.make_aware(publish_at)
    if publish_at < now - SCHEDULE_TOLERANCE:
        raise ValidationError(_("The publication time is in the past."), code="past_publication_time")
    if publish_at > now + SCHEDULE_HORIZON:
        raise ValidationError(
            _("The publication time is in the year %(year)s: check the date.") % {"year": publish_at.year},
            code="far_publication_time",
        )
    return publish_at  # a moment ago is fine: published() compares with <=, so it is public at once


def _check_arguments(transition: Transition, comment: str, publish_at: datetime | None) -> None:
    if transition.needs_comment and not comment:
        raise ValidationError({"comment": _("A comment is required.")}, code="comment_required")
    if transition.needs_time and publish_at is None:
        raise ValidationError(_("Choose a publication time."), code="publication_time_required")


def _check_alt_text(article: Article) -> None:
    reason = alt_text_refusal(article)
    if reason:
        raise ValidationError(reason, code="alt_text_missing")


def take(
    name: str, article: Article, user, *, comment: str = "", publish_at: datetime | None = None
) -> Article:
    """Take the transition `name` (articles/policy.py) on `article` as `user`. A comment is kept only where the
    transition asks for one, a publication time only where it sets one."""
    reason = refusal(user, name, article)  # an undeclared name included
    if reason:
        raise PermissionDenied(reason)
    transition = TRANSITIONS[name]
    comment = (comment or "").strip() if transition.needs_comment else ""
    with transaction.atomic():
        locked = Article.objects.select_for_update().get(pk=article.pk)
        now = timezone.now()
        # Re-check the role on the locked row: bylines, ownership or the text may have changed meanwhile.
        reason = refusal(user, name, locked)
        if reason:
            raise PermissionDenied(reason)
        _check_state(locked, transition, now)
        _check_arguments(transition, comment, publish_at)
        if transition.publishes:
            _check_alt_text(locked)
        from_status = locked.status
        fields = ["status", "updated_at"]
        locked.status = transition.target
        when = None
        if transition.takes_time:
            when = _publish_time(publish_at, now)
            locked.published_at = when
            fields.append("published_at")
        locked.save(update_fields=fields)
        if transition.revokes_share_links:
            revoke_all_share_links(locked, now)
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


# ----- releasing a whole issue (整期签发) ------------------------------------------------------------------

# Ready for release: in review (approved by the release) or already published (public, or scheduled).
READY = frozenset({S.REVIEW, S.PUBLISHED})


@dataclass(frozen=True)
class PlacedArticle:
    """One article placed in an issue, as the release shows it: its state (scheduled apart) and readiness."""

    article: Article
    state: str
    ready: bool


@dataclass
class ReleasePlan:
    """Every article placed in an issue, in reading order (articles/querysets.py READING_ORDER), with its
    state."""

    issue: Issue
    placed: list[PlacedArticle]

    @property
    def unready(self) -> list[Article]:
        return [p.article for p in self.placed if not p.ready]

    @property
    def in_review(self) -> list[Article]:
        return [p.article for p in self.placed if p.article.status == S.REVIEW]

    def pages(self) -> list[tuple]:
        """[(page or None, [PlacedArticle, ...]), ...] by page (版), articles on no page last."""
        groups: dict = {}
        for item in self.placed:
            groups.setdefault(item.article.page_id, (item.article.page, []))[1].append(item)
        return list(groups.values())


@dataclass
class ReleaseResult:
    """What a release did: the articles approved and when the issue is released; or, refused, why.
    `four_eyes`: refused because this editor wrote an article in review, or changed its text (another editor
    must release)."""

    approved: list[Article] = field(default_factory=list)
    refused: list[tuple[Article, str]] = field(default_factory=list)
    released_at: datetime | None = None
    four_eyes: bool = False


def _state(article: Article, now: datetime) -> str:
    return _("Scheduled") if is_scheduled(article, now) else article.get_status_display()


def release_plan(issue: Issue, now: datetime | None = None, *, lock: bool = False) -> ReleasePlan:
    """Every article placed in `issue`, by page in reading order, with its state and whether it is ready."""
    now = now or timezone.now()
    articles = Article.objects.filter(issue=issue).select_related("page").in_reading_order()
    if lock:
        articles = articles.select_for_update(of=("self",))
    placed = [PlacedArticle(a, _state(a, now), a.status in READY) for a in articles]
    return ReleasePlan(issue, placed)


def _unready_refusals(plan: ReleasePlan, leave_out: set[int]) -> list[tuple[Article, str]]:
    """Nothing, when the articles not ready are exactly those the editor confirmed to leave out; else each
    article not ready and not confirmed, and each confirmed one whose state changed meanwhile."""
    unready = {a.pk: a for a in plan.unready}
    if set(unready) == leave_out:
        return []
    refused = [
        (a, _("Not ready to be released (%(state)s).") % {"state": _state(a, timezone.now())})
        for pk, a in unready.items()
        if pk not in leave_out
    ]
    changed = Article.objects.filter(pk__in=leave_out - set(unready)).in_reading_order()
    refused += [(a, _("Changed since you chose to leave it out: check the issue again.")) for a in changed]
    return refused


def release(issue: Issue, user, publish_at: datetime | None = None, *, leave_out=None) -> ReleaseResult:
    """Release the whole issue: approve every article in review at one time (now, or `publish_at`) and mark the
    issue released then (`Issue.released_at`), so today's paper is this issue from that moment.

    Refused, with nothing changed, while an article placed in the issue is not ready (a draft, or withdrawn),
    unless `leave_out` (articles or their ids) names exactly the ones not ready: those stay as they are and out
    of the paper. If that set changed since the editor saw it, the release is refused again. Also refused,
    all or nothing, when this editor may not approve an article in review (the four-eyes rule: wrote it, or
    changed its text), or when a picture of an article in review has no alt text. A release of an issue
    released before keeps its earlier release time.
    """
    if not can_release(user):
        raise PermissionDenied(_("You may not release this issue."))
    now = timezone.now()
    when = _publish_time(publish_at, now)
    left_out = {getattr(item, "pk", item) for item in (leave_out or ())}
    with transaction.atomic():
        locked = Issue.objects.select_for_update().get(pk=issue.pk)
        plan = release_plan(locked, now, lock=True)
        refused = _unready_refusals(plan, left_out)
        if refused:
            return ReleaseResult(refused=refused)
        if len(plan.unready) == len(plan.placed):
            raise ValidationError(
                _("No article of this issue is ready to be released."), code="nothing_ready"
            )
        refused = [(a, reason) for a in plan.in_review if (reason := refusal(user, APPROVE, a))]
        if refused:
            return ReleaseResult(refused=refused, four_eyes=True)
        prefetch_related_objects(plan.in_review, "photos")
        refused = [(a, reason) for a in plan.in_review if (reason := alt_text_refusal(a))]
        if refused:
            return ReleaseResult(refused=refused)
        approved = [approve(article, user, publish_at=when) for article in plan.in_review]
        locked.released_at = min(locked.released_at, when) if locked.released_at else when
        locked.save(update_fields=["released_at", "updated_at"])
    issue.released_at = locked.released_at
    return ReleaseResult(approved=approved, released_at=locked.released_at)


def release_issue(
    issue: Issue, user, publish_at: datetime | None = None, *, leave_out=None
) -> tuple[list[Article], list[tuple]]:
    """`release`, as (approved, refused): refused holds (article, reason), and nothing was done when it is not
    empty."""
    result = release(issue, user, publish_at, leave_out=leave_out)
    return result.approved, result.refused
