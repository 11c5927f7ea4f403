"""The planning desk's rules: the only code that changes a story's status, its assignees or its place.

    pitched ──accept──▶ accepted ──(article submitted)──▶ filed ──(article published)──▶ published
       │                  │  ▲                              │
       └──────kill────────┴──┴──── (article sent back) ─────┘──kill──▶ killed (with a reason)

Reporters and editors pitch; editors accept (assigning someone, with a due time, a length and a place in an issue),
move, assign, unassign and kill; an assignee starts the article. Each service checks the role first
(PermissionDenied), then the story's state (StoryStateError, a ValidationError, like articles.workflow's
TransitionError), then its arguments (ValidationError, keyed by field for the admin's forms: `validate_plan`);
locks the story's row; writes a StoryLog entry in the same transaction; and mails only once it has committed
(planning/notifications.py). The story follows its article on its own: planning/signals.py.
"""

from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from articles.models import Article, ArticleStatus, Byline
from articles.names import person
from articles.policy import is_editor, is_reporter, is_staff_member
from articles.revisions import record_as_made
from people.models import Author

from . import notifications
from .models import Assignment, AssignmentRole, Story, StoryLog, StoryStatus
from .notifications import place_text

S = StoryStatus

__all__ = [
    "StoryStateError",
    "accept",
    "assign",
    "is_assignee",
    "kill",
    "may_edit",
    "may_plan",
    "may_pitch",
    "may_start",
    "move",
    "pitch",
    "revise",
    "start_article",
    "stories_for",
    "unassign",
    "validate_plan",
]

# The fields a pitch may set besides its title and brief.
PITCH_FIELDS = ("kind", "section", "issue", "page", "target_length", "due_at", "event")
# The pitch's words: what `revise` changes.
EDIT_FIELDS = ("title", "brief", "kind", "section", "event")
# Where an action may be taken from.
ACCEPTS_FROM = frozenset({S.PITCHED, S.ACCEPTED})
MOVES_FROM = frozenset({S.PITCHED, S.ACCEPTED, S.FILED})
KILLS_FROM = frozenset({S.PITCHED, S.ACCEPTED, S.FILED})
STARTS_FROM = frozenset({S.ACCEPTED, S.FILED})
# The byline an assignment gives its assignee in the article.
BYLINE_ROLE = {
    AssignmentRole.REPORTER: Byline.Role.REPORTER,
    AssignmentRole.PHOTOGRAPHER: Byline.Role.PHOTOGRAPHER,
    AssignmentRole.CORRESPONDENT: Byline.Role.CORRESPONDENT,
}


class StoryStateError(ValidationError):
    """The user's role may take this action, but not from the story's current state."""


# ----- who may do what ---------------------------------------------------------------------------------------


def may_pitch(user) -> bool:
    return is_staff_member(user) and (is_reporter(user) or is_editor(user))


def may_plan(user) -> bool:
    """Accept, assign, move, unassign and kill: the editors' work."""
    return is_staff_member(user) and is_editor(user)


def is_assignee(user, story: Story) -> bool:
    if not (user and user.is_authenticated) or not story.pk:
        return False
    return story.assignments.filter(user=user).exists()


def may_start(user, story: Story) -> bool:
    """Start (or open) the story's article: its assignees only."""
    return may_pitch(user) and is_assignee(user, story)


def may_edit(user, story: Story) -> bool:
    """Change the pitch's words (title, brief, kind, section, event): its pitcher while it is pitched, editors
    until it is published or killed."""
    if story.status in (S.PUBLISHED, S.KILLED):
        return False
    if may_plan(user):
        return True
    return may_pitch(user) and story.pitched_by_id == user.pk and story.status == S.PITCHED


def stories_for(user):
    """The stories this user sees: editors all of them; reporters those they pitched or are assigned to."""
    if may_plan(user):
        return Story.objects.all()
    if not may_pitch(user):
        return Story.objects.none()
    assigned = Assignment.objects.filter(user=user).values("story_id")
    return Story.objects.filter(Q(pitched_by=user) | Q(pk__in=assigned))


def _refuse_unless(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied(_("You may not do this to this story."))


# ----- checks --------------------------------------------------------------------------------------------------


def _check_state(story: Story, sources, action: str) -> None:
    if story.status not in sources:
        raise StoryStateError(
            _("“%(title)s” is %(status)s; “%(action)s” is not possible now.")
            % {"title": story.title, "status": story.get_status_display(), "action": action},
            code="invalid_story_state",
        )


def _aware(when: datetime | None) -> datetime | None:
    if when is not None and timezone.is_naive(when):
        return timezone.make_aware(when)
    return when


# What a plan may ask for at most: a whole special section is some 30,000 characters. Past these a number or a
# date is a slip of the keyboard (99999999, 9999-12-31); a century leaves any real plan (or test) alone.
MAX_TARGET_LENGTH = 100_000
PLANNING_HORIZON = timedelta(days=100 * 365)


def validate_plan(issue=None, page=None, target_length=None, due_at=None, now=None) -> None:
    """Refuse a plan that cannot be: a page of another issue, a length that is not positive or past any
    newspaper's, a due time in the past or a century ahead. Errors are keyed by field (the admin shows each under its
    field)."""
    errors = {}
    if page is not None and issue is not None and page.issue_id != issue.pk:
        message = _("Page %(page)s belongs to issue %(other)s, not to issue %(issue)s.") % {
            "page": page.number,
            "other": page.issue.number,
            "issue": issue.number,
        }
        errors["page"] = ValidationError(message, code="page_of_another_issue")
    if target_length is not None and target_length <= 0:
        errors["target_length"] = ValidationError(
            _("The planned length must be a positive number of characters."), code="length_not_positive"
        )
    elif target_length is not None and target_length > MAX_TARGET_LENGTH:
        errors["target_length"] = ValidationError(
            _("A story of more than %(count)d characters fills more than a newspaper: check the number.")
            % {"count": MAX_TARGET_LENGTH},
            code="length_too_long",
        )
    now = now or timezone.now()
    if due_at is not None and _aware(due_at) < now:
        errors["due_at"] = ValidationError(_("The due time is in the past."), code="due_in_the_past")
    elif due_at is not None and _aware(due_at) > now + PLANNING_HORIZON:
        errors["due_at"] = ValidationError(
            _("The due time is in the year %(year)s: check the date.") % {"year": due_at.year},
            code="due_too_far",
        )
    if errors:
        raise ValidationError(errors)


def author_of(user) -> Author | None:
    return Author.objects.filter(user=user).first() if user is not None and user.pk else None


def validate_assignee(user, role=AssignmentRole.REPORTER) -> Author:
    """The assignee's author profile (their byline in the article); a ValidationError when there is none."""
    if user is None:
        raise ValidationError(
            {"assignee": ValidationError(_("Choose who covers the story."), code="assignee_required")}
        )
    if role not in AssignmentRole.values:
        raise ValidationError(
            {"role": ValidationError(_("Choose a role for the assignee."), code="invalid_role")}
        )
    if not may_pitch(user):
        raise ValidationError(
            {
                "assignee": ValidationError(
                    _("%(name)s does not work in the newsroom system.") % {"name": person(user)},
                    code="assignee_not_staff",
                )
            }
        )
    author = author_of(user)
    if author is None:
        message = _("%(name)s has no author profile, so no byline can be given.") % {"name": person(user)}
        raise ValidationError({"assignee": ValidationError(message, code="assignee_without_author")})
    return author


# ----- running an action -------------------------------------------------------------------------------------


def _lock(story: Story) -> Story:
    # FOR UPDATE OF the story's row only: PostgreSQL refuses to lock the nullable side of an outer join.
    return Story.objects.select_for_update(of=("self",)).select_related("issue", "page").get(pk=story.pk)


def keep_current(story: Story, locked: Story) -> None:
    """Bring the caller's copy of a story up to date with the saved one."""
    for field in Story._meta.concrete_fields:
        setattr(story, field.attname, getattr(locked, field.attname))


def _log(story: Story, user, action: str, message: str = "") -> StoryLog:
    return StoryLog.objects.create(story=story, user=user, action=action, message=message)


def _plan_message(story: Story) -> str:
    due = timezone.localtime(story.due_at).strftime("%Y-%m-%d %H:%M") if story.due_at else "—"
    length = story.target_length or "—"
    return _("Place: %(place)s; length: %(length)s; due: %(due)s") % {
        "place": place_text(story),
        "length": length,
        "due": due,
    }


# ----- the services -------------------------------------------------------------------------------------------


def pitch(user, title: str, brief: str = "", **fields) -> Story:
    """Pitch a story (报题): any reporter or editor. `fields`: kind, section, issue, page (a page of that issue;
    with no issue, the page's), target_length, due_at, event."""
    _refuse_unless(may_pitch(user))
    unknown = set(fields) - set(PITCH_FIELDS)
    if unknown:
        raise TypeError(f"pitch() got unexpected fields: {', '.join(sorted(unknown))}")
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": ValidationError(_("A story needs a title."), code="title_required")})
    if fields.get("page") is not None and fields.get("issue") is None:
        fields["issue"] = fields["page"].issue
    validate_plan(fields.get("issue"), fields.get("page"), fields.get("target_length"), fields.get("due_at"))
    with transaction.atomic():
        story = Story.objects.create(
            title=title, brief=brief or "", pitched_by=user, status=S.PITCHED, **fields
        )
        _log(story, user, "pitch", _plan_message(story))
    return story


def revise(story: Story, user, **fields) -> Story:
    """Change the pitch's words (EDIT_FIELDS): its pitcher while it is pitched, editors until it is published or
    killed. Where and when it runs is `accept` and `move`'s."""
    unknown = set(fields) - set(EDIT_FIELDS)
    if unknown:
        raise TypeError(f"revise() got unexpected fields: {', '.join(sorted(unknown))}")
    _refuse_unless(may_pitch(user) and story.pk is not None)
    with transaction.atomic():
        locked = _lock(story)
        _refuse_unless(may_edit(user, locked))
        if "title" in fields:
            fields["title"] = (fields["title"] or "").strip()
            if not fields["title"]:
                raise ValidationError(
                    {"title": ValidationError(_("A story needs a title."), code="title_required")}
                )
        changed = [name for name, value in fields.items() if getattr(locked, name) != value]
        for name in changed:
            setattr(locked, name, fields[name])
        if changed:
            locked.save()
            labels = "、".join(str(Story._meta.get_field(name).verbose_name) for name in changed)
            _log(locked, user, "edit", _("Changed: %(fields)s") % {"fields": labels})
    keep_current(story, locked)
    return story


def _apply_plan(locked: Story, issue, page, target_length, due_at) -> None:
    """Set what is given (None keeps what the story has), then check the plan as a whole. A page given alone
    places an unplaced story in the page's issue; an issue given alone leaves behind a page of another issue."""
    if issue is None:
        issue = page.issue if page is not None and locked.issue_id is None else locked.issue
    if page is None and locked.page_id and issue is not None and locked.page.issue_id == issue.pk:
        page = locked.page
    validate_plan(issue, page, target_length, due_at)
    locked.issue, locked.page = issue, page
    if target_length is not None:
        locked.target_length = target_length
    if due_at is not None:
        locked.due_at = _aware(due_at)


def accept(
    story: Story,
    editor,
    assignee,
    issue=None,
    page=None,
    target_length=None,
    due_at=None,
    role=AssignmentRole.REPORTER,
) -> Story:
    """Accept a pitch and assign it (派题), or re-assign and move an accepted story: `assignee` (a user with an
    author profile) covers it in `role`; the other arguments place it (None keeps what the story has). The
    editor becomes the editor in charge. The assignee is mailed the assignment, the pitcher the acceptance."""
    _refuse_unless(may_plan(editor))
    with transaction.atomic():
        locked = _lock(story)
        _check_state(locked, ACCEPTS_FROM, _("Accept"))
        validate_assignee(assignee, role)
        _apply_plan(locked, issue, page, target_length, due_at)
        was_pitched = locked.status == S.PITCHED
        locked.status, locked.editor = S.ACCEPTED, editor
        locked.save()
        assignment, new = _assign(locked, assignee, role)
        _log(
            locked,
            editor,
            "accept" if was_pitched else "reassign",
            _("%(who)s covers it (%(role)s). %(plan)s")
            % {"who": person(assignee), "role": assignment.get_role_display(), "plan": _plan_message(locked)},
        )
        transaction.on_commit(lambda: notifications.assigned(locked, editor, assignment, new))
        if was_pitched:
            transaction.on_commit(lambda: notifications.accepted(locked, editor))
    keep_current(story, locked)
    return story


def _assign(story: Story, user, role) -> tuple[Assignment, bool]:
    assignment = Assignment.objects.filter(story=story, user=user).first()
    if assignment is None:
        order = story.assignments.count()
        return Assignment.objects.create(story=story, user=user, role=role, order=order), True
    changed = assignment.role != role
    if changed:
        assignment.role = role
        assignment.save(update_fields=["role"])
    return assignment, changed


def assign(story: Story, editor, user, role=AssignmentRole.REPORTER) -> Assignment:
    """Add someone to an accepted (or filed) story's assignees, or change their role."""
    _refuse_unless(may_plan(editor))
    with transaction.atomic():
        locked = _lock(story)
        _check_state(locked, MOVES_FROM - {S.PITCHED}, _("Assign"))
        validate_assignee(user, role)
        assignment, new = _assign(locked, user, role)
        _log(
            locked,
            editor,
            "assign",
            _("%(who)s covers it (%(role)s).") % {"who": person(user), "role": assignment.get_role_display()},
        )
        transaction.on_commit(lambda: notifications.assigned(locked, editor, assignment, new))
    return assignment


def unassign(story: Story, editor, user) -> Story:
    """Take someone off a story (their byline in an article already started stays: the article is the desk's)."""
    _refuse_unless(may_plan(editor))
    with transaction.atomic():
        locked = _lock(story)
        _check_state(locked, MOVES_FROM, _("Unassign"))
        deleted, _rows = Assignment.objects.filter(story=locked, user=user).delete()
        if not deleted:
            raise ValidationError(
                {
                    "assignee": ValidationError(
                        _("%(name)s is not assigned to this story.") % {"name": person(user)},
                        code="not_assigned",
                    )
                }
            )
        _log(locked, editor, "unassign", _("%(who)s no longer covers it.") % {"who": person(user)})
    keep_current(story, locked)
    return story


def move(story: Story, editor, issue=None, page=None, target_length=None, due_at=None) -> Story:
    """Change a story's place, length or due time (None keeps what it has)."""
    _refuse_unless(may_plan(editor))
    with transaction.atomic():
        locked = _lock(story)
        _check_state(locked, MOVES_FROM, _("Move"))
        _apply_plan(locked, issue, page, target_length, due_at)
        locked.save()
        _log(locked, editor, "move", _plan_message(locked))
    keep_current(story, locked)
    return story


def kill(story: Story, editor, reason: str) -> Story:
    """Drop a story, with a reason (the pitcher and the assignees are told). Refused once its article is
    published: withdraw the article instead (articles/workflow.py)."""
    _refuse_unless(may_plan(editor))
    with transaction.atomic():
        locked = _lock(story)
        article = Article.objects.filter(pk=locked.article_id).only("status").first()
        if article is not None and article.status == ArticleStatus.PUBLISHED:
            raise StoryStateError(
                _(
                    "The article of “%(title)s” is published: withdraw the article instead of killing the story."
                )
                % {"title": locked.title},
                code="article_published",
            )
        _check_state(locked, KILLS_FROM, _("Kill"))
        reason = (reason or "").strip()
        if not reason:
            raise ValidationError(
                {"reason": ValidationError(_("Say why the story is killed."), code="reason_required")}
            )
        locked.status, locked.kill_reason = S.KILLED, reason
        if locked.editor_id is None:
            locked.editor = editor
        locked.save()
        _log(locked, editor, "kill", reason)
        transaction.on_commit(lambda: notifications.killed(locked, editor))
    keep_current(story, locked)
    return story


def start_article(story: Story, user) -> Article:
    """The assignee's draft of the story: in its issue and on its page, with its section and the assignee's
    byline in the role of their assignment. Made once; asked again, the same article."""
    _refuse_unless(may_start(user, story))
    with transaction.atomic():
        locked = _lock(story)
        _refuse_unless(may_start(user, locked))  # re-checked on the locked row: an assignee may be gone
        _check_state(locked, STARTS_FROM, _("Start the article"))
        if locked.article_id is not None:
            return Article.objects.get(pk=locked.article_id)
        assignment = locked.assignments.get(user=user)
        author = validate_assignee(user, assignment.role)
        article = Article.objects.create(
            title=locked.title,
            body="",
            created_by=user,
            updated_by=user,
            status=ArticleStatus.DRAFT,
            section=locked.section,
            issue=locked.issue,
            page=locked.page,
        )
        Byline.objects.create(article=article, author=author, role=BYLINE_ROLE[assignment.role], order=0)
        record_as_made(article)  # its first revision: the draft as the desk made it
        locked.article = article
        locked.save(update_fields=["article", "updated_at"])
        _log(locked, user, "start", _("Article started: “%(title)s”.") % {"title": article.title})
    keep_current(story, locked)
    return article
