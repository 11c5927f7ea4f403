"""Who may do what: the newsroom's roles (groups Reporters and Editors) and the workflow's transitions, each
declared once and read by every surface (admin, previews, workflow, mail, desk).

The groups are made, with their permissions, after every `migrate`, so assigning a user to a group is all an
administrator does. "Editor" means one thing everywhere: whoever holds `articles.review_article` (through a
group, directly, or as a superuser): `is_editor` for one user, `editors()` for all of them. The transitions
(`TRANSITIONS`) are run by articles/workflow.py.
"""

from dataclasses import dataclass
from enum import StrEnum

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _

from .models import Article, ArticleLog, ArticleStatus
from .revisions import PHOTO_TEXT_FIELDS, TEXT_FIELDS, photos_text, text_of, version_photos, versions_of

REPORTERS = "Reporters"
EDITORS = "Editors"
# What makes an editor.
REVIEW_PERMISSION = "articles.review_article"

_VIEW = ["view"]
_ALL = ["add", "change", "delete", "view"]

REPORTER_PERMISSIONS = {
    "articles": {
        "article": _ALL,
        "byline": _ALL,
        "articlephoto": _ALL,
        "issue": _VIEW,
        "issuepage": _VIEW,
        "section": _VIEW,
        "event": _VIEW,
    },
    "people": {"author": ["add", "view"], "organization": _VIEW},
    "taggit": {"tag": ["add", "view"]},
}
EDITOR_PERMISSIONS = {
    "articles": {
        "article": [*_ALL, "edit_any_article", "review_article", "share_article"],
        "byline": _ALL,
        "articlephoto": _ALL,
        "issue": _ALL,
        "issuepage": _ALL,
        "section": _ALL,
        "event": _ALL,
        "pagearea": _ALL,
        "sharelink": _ALL,
        "articlelog": _VIEW,
    },
    "people": {"author": _ALL, "organization": _ALL},
    "taggit": {"tag": _ALL},
}


def _codenames(spec: dict[str, dict[str, list[str]]]):
    for app_label, models in spec.items():
        for model, actions in models.items():
            for action in actions:
                codename = action if "_" in action else f"{action}_{model}"
                yield app_label, codename


def _permissions(spec) -> list[Permission]:
    wanted = set(_codenames(spec))
    found = [
        p
        for p in Permission.objects.select_related("content_type").filter(
            codename__in={codename for _, codename in wanted}
        )
        if (p.content_type.app_label, p.codename) in wanted
    ]
    return found


def ensure_groups(**kwargs) -> None:
    """Create or update the two groups with exactly their permissions (idempotent; a post_migrate receiver)."""
    for name, spec in ((REPORTERS, REPORTER_PERMISSIONS), (EDITORS, EDITOR_PERMISSIONS)):
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.set(_permissions(spec))


def grant_app_permissions(app_label: str, specs: dict[str, dict[str, tuple[str, ...]]]) -> None:
    """Add an app's permissions to the newsroom's groups, `{group name: {model: actions}}` (idempotent; the
    post_migrate receivers of the apps above articles run it after `ensure_groups`). A missing group is skipped."""
    for name, spec in specs.items():
        group = Group.objects.filter(name=name).first()
        if group is None:
            continue
        codenames = {f"{action}_{model}" for model, actions in spec.items() for action in actions}
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
        )


def is_editor(user) -> bool:
    return bool(user and user.is_active and (user.is_superuser or user.has_perm(REVIEW_PERMISSION)))


def editors():
    """Every user `is_editor` says yes to: active, and holding the review permission through a group, directly,
    or as a superuser."""
    app_label, codename = REVIEW_PERMISSION.split(".")
    review = Permission.objects.filter(content_type__app_label=app_label, codename=codename)
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(is_superuser=True) | Q(groups__permissions__in=review) | Q(user_permissions__in=review))
        .distinct()
    )


def is_reporter(user) -> bool:
    return bool(user and user.is_active and user.has_perm("articles.add_article"))


def is_staff_member(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.is_staff)


def is_owner(user, article: Article) -> bool:
    return bool(user and user.is_authenticated and article.created_by_id == user.pk)


def holds_byline(user, article: Article) -> bool:
    if not (user and user.is_authenticated) or not article.pk:
        return False
    return article.bylines.filter(author__user=user).exists()


def wrote(user, article: Article) -> bool:
    """The four-eyes rule's notion of authorship: stands in its byline, or created it, unless that creator only
    imported it from a print page (`Article.imported_by`): an imported article's text was written by its
    bylines, and the editor who imported the page may approve it."""
    imported_by_creator = (
        article.imported_by_id is not None and article.imported_by_id == article.created_by_id
    )
    return (is_owner(user, article) and not imported_by_creator) or holds_byline(user, article)


def can_view(user, article: Article) -> bool:
    """See it in the admin, its history and its preview."""
    if not is_staff_member(user):
        return False
    return is_editor(user) or (is_reporter(user) and is_owner(user, article))


def can_edit(user, article: Article) -> bool:
    if not is_staff_member(user):
        return False
    if is_editor(user):
        return True
    return is_reporter(user) and is_owner(user, article) and article.status == ArticleStatus.DRAFT


def can_delete(user, article: Article) -> bool:
    """Published articles are withdrawn, not deleted (superusers excepted)."""
    if not is_staff_member(user):
        return False
    if user.is_superuser:
        return True
    if article.status == ArticleStatus.PUBLISHED:
        return False
    if is_editor(user):
        return True
    return is_reporter(user) and is_owner(user, article) and article.status == ArticleStatus.DRAFT


def can_share(user, article: Article) -> bool:
    return is_staff_member(user) and is_editor(user) and user.has_perm("articles.share_article")


def can_release(user) -> bool:
    """Release a whole issue (整期签发): the editors' work."""
    return is_staff_member(user) and is_editor(user)


def can_restore(user, article: Article) -> bool:
    return is_staff_member(user) and is_editor(user)


# ----- the workflow's transitions, each declared once -----------------------------------------------------

SUBMIT, SEND_BACK, APPROVE = "submit", "send_back", "approve"
WITHDRAW, REOPEN, RESCHEDULE = "withdraw", "reopen", "reschedule"


class Who(StrEnum):
    """Whose role may take a transition."""

    AUTHOR_OR_EDITOR = "author_or_editor"  # the reporter who created the article, or any editor
    EDITOR = "editor"


class Tell(StrEnum):
    """Who hears of a transition by mail (never the person who took it)."""

    EDITORS = "editors"  # every editor (`editors()`)
    CREATOR = "creator"  # the article's creator


@dataclass(frozen=True)
class Mail:
    """A transition's mail: its recipients, and its subject and body (formatted with %(title)s, %(who)s,
    %(comment)s and %(when)s, the publication time)."""

    to: Tell
    subject: str
    body: str


@dataclass(frozen=True)
class Transition:
    """One step of the workflow: from which states to which, whose role may take it, and what it needs."""

    name: str
    label: str
    sources: frozenset
    target: str
    who: Who = Who.EDITOR
    four_eyes: bool = False  # refused to whoever wrote or changed the article's text (`four_eyes_refusal`)
    needs_comment: bool = False
    takes_time: bool = False  # sets the publication time: the one given, or now
    needs_time: bool = False  # ... which must be given
    only_when_scheduled: bool = False  # published, its time still ahead
    revokes_share_links: bool = False  # the article's share links end with it (articles/sharing.py)
    publishes: bool = False  # makes it public (now or at its time): refused while a picture lacks alt text
    mail: Mail | None = None


S = ArticleStatus
_APPROVED = Mail(
    Tell.CREATOR, _("Approved: %(title)s"), _("%(who)s approved “%(title)s”. It is public from %(when)s.")
)
TRANSITIONS = {
    t.name: t
    for t in [
        Transition(
            SUBMIT,
            _("Submit for review"),
            sources=frozenset({S.DRAFT}),
            target=S.REVIEW,
            who=Who.AUTHOR_OR_EDITOR,
            mail=Mail(
                Tell.EDITORS, _("For review: %(title)s"), _("%(who)s submitted “%(title)s” for review.")
            ),
        ),
        Transition(
            SEND_BACK,
            _("Send back"),
            sources=frozenset({S.REVIEW}),
            target=S.DRAFT,
            needs_comment=True,
            mail=Mail(
                Tell.CREATOR,
                _("Sent back: %(title)s"),
                _("%(who)s sent “%(title)s” back to you.\n\nComment:\n%(comment)s"),
            ),
        ),
        Transition(
            APPROVE,
            _("Approve"),
            sources=frozenset({S.REVIEW}),
            target=S.PUBLISHED,
            four_eyes=True,
            takes_time=True,
            publishes=True,
            mail=_APPROVED,
        ),
        Transition(
            WITHDRAW,
            _("Withdraw"),
            sources=frozenset({S.PUBLISHED}),
            target=S.WITHDRAWN,
            needs_comment=True,
            # A withdrawn text is not read through a link made before; reopening does not revive one.
            revokes_share_links=True,
            mail=Mail(
                Tell.CREATOR,
                _("Withdrawn: %(title)s"),
                _("%(who)s withdrew “%(title)s” from the site.\n\nComment:\n%(comment)s"),
            ),
        ),
        Transition(REOPEN, _("Reopen"), sources=frozenset({S.WITHDRAWN}), target=S.DRAFT),
        Transition(
            RESCHEDULE,
            _("Reschedule"),
            sources=frozenset({S.PUBLISHED}),
            target=S.PUBLISHED,
            four_eyes=True,
            takes_time=True,
            needs_time=True,
            only_when_scheduled=True,
            publishes=True,
            mail=_APPROVED,
        ),
    ]
}


def role_may(user, action: str, article: Article) -> bool:
    """Whether this user's role may take the transition `action` on this article, the four-eyes rule aside."""
    transition = TRANSITIONS.get(action)
    if transition is None or not is_staff_member(user):
        return False
    if transition.who == Who.AUTHOR_OR_EDITOR:
        return is_editor(user) or (is_reporter(user) and is_owner(user, article))
    return is_editor(user)


def refusal(user, action: str, article: Article):
    """Why this user may never take the transition `action` on this article (regardless of its current state):
    their role, or the four-eyes rule where it applies. None when they may."""
    if not role_may(user, action, article):
        return _("You may not do this to this article.")
    if TRANSITIONS[action].four_eyes:
        return four_eyes_refusal(user, article)
    return None


def may_take(user, action: str, article: Article) -> bool:
    """Whether this user's role may ever take the transition `action` on this article (regardless of its
    current state): who the transition declares, and the four-eyes rule where it applies."""
    return refusal(user, action, article) is None


# ----- the four-eyes rule (四眼原则): whoever approves neither wrote the text nor changed it ----------------

# The text the rule counts (articles/revisions.py TEXT_FIELDS: the TEXT group, the image's alt text, caption
# and credit; and each photo's, PHOTO_TEXT_FIELDS): what an editor answers for by changing it. Placing the
# article, its links, its picture files and their order are the desk's work, not its text.


def four_eyes_refusal(user, article: Article):
    """Why the four-eyes rule keeps this user from approving (or rescheduling) this article, or None. On unless
    settings.WORKFLOW_FOUR_EYES is off; counting who changed the text unless FOUR_EYES_COUNTS_TEXT_EDITORS is."""
    if not settings.WORKFLOW_FOUR_EYES:
        return None
    if wrote(user, article):
        return _("You wrote this article or stand in its byline: another editor must approve it.")
    if settings.FOUR_EYES_COUNTS_TEXT_EDITORS and changed_text(user, article):
        return _("You changed its text after it was submitted for review: another editor must approve it.")
    return None


def _answered_for_since(user, article: Article):
    """When someone other than `user` last submitted the article for review, answering for its text then (None:
    no one else ever has). The same person submitting their own changes answers for nothing."""
    submissions = ArticleLog.objects.filter(article_id=article.pk, to_status=ArticleStatus.REVIEW)
    return submissions.exclude(user_id=user.pk).order_by("-at", "-id").values_list("at", flat=True).first()


def changed_text(user, article: Article) -> bool:
    """Whether `user` changed the article's text since someone else last submitted it for review.

    The record is the article's revisions (django-reversion, articles/revisions.py: every save in the admin and
    every restore, with its user and time), each compared with the one before it; and the article as it is now,
    compared with its newest revision, for a change not yet in one (the admin's workflow buttons save the form,
    then take the transition, before the revision is written). An article's first revision is its making: in the
    admin, by the print import, or, for one made in code, recorded before its first edit (`record_as_made`). A
    first revision by someone other than its creator has nothing to be compared with (an article edited before
    that was recorded): it counts."""
    if not (article.pk and user and user.pk):
        return False
    since = _answered_for_since(user, article)
    previous = None  # the text of the revision before
    versions = versions_of(article).order_by("pk").prefetch_related("revision__version_set__content_type")
    for version in versions:
        text = (text_of(version.field_dict), photos_text(version_photos(version)))
        revision = version.revision
        mine_since = revision.user_id == user.pk and (since is None or revision.date_created > since)
        if mine_since and _changes(user, article, text, previous):
            return True
        previous = text
    if article.updated_by_id != user.pk or (since is not None and article.updated_at <= since):
        return False
    photos = article.photos.values("id", *PHOTO_TEXT_FIELDS)
    now = (text_of({name: getattr(article, name) for name in TEXT_FIELDS}), photos_text(photos))
    return _changes(user, article, now, previous)


def _changes(user, article: Article, text: tuple, previous: tuple | None) -> bool:
    """Whether this text, saved by `user`, changed the text before it; with none before, see `changed_text`."""
    if previous is None:
        return user.pk != article.created_by_id
    return text != previous


# ----- alt text (替代文字): every public picture is described for readers who cannot see it ------------------


def photo_label(number: int, caption: str = "") -> str:
    """A photo as the editor finds it in the form: its position (from 1), and the start of its caption."""
    caption = (caption or "").strip()
    if not caption:
        return _("photo %(number)d") % {"number": number}
    short = caption if len(caption) <= 20 else caption[:20] + "…"
    return _("photo %(number)d (“%(caption)s”)") % {"number": number, "caption": short}


def missing_alt_text(article: Article) -> list[str]:
    """The article's saved pictures without alt text, as the editor names them: the lead picture, then each photo
    in its order (`article.photos`: prefetch it where many articles are checked)."""
    missing = [str(_("the lead picture"))] if article.image and not article.image_alt.strip() else []
    for number, photo in enumerate(article.photos.all(), 1):
        if not photo.alt.strip():
            missing.append(photo_label(number, photo.caption))
    return missing


def alt_text_message(missing: list[str], public: bool = False) -> str:
    """The refusal naming the pictures `missing` their alt text; `public`: of an article public already."""
    pictures = str(_(", ")).join(missing)
    if public:
        return _("The article is public: every picture keeps its alt text. Missing: %(pictures)s.") % {
            "pictures": pictures
        }
    return _("Every picture needs alt text before the article is made public. Missing: %(pictures)s.") % {
        "pictures": pictures
    }


def alt_text_refusal(article: Article):
    """Why the article may not be made public yet (a transition that `publishes` it, a release of its issue): the
    pictures that have no alt text. None when every picture has its alt text."""
    missing = missing_alt_text(article)
    return alt_text_message(missing) if missing else None


def article_visible_or_404(user, pk, queryset=None) -> Article:
    """The article `pk` if this user may see it in the admin; Http404 otherwise, as if it did not exist (another
    reporter learns nothing about it). Every admin view of one article and the preview start here."""
    article = get_object_or_404(queryset if queryset is not None else Article.objects.all(), pk=pk)
    if not can_view(user, article):
        raise Http404
    return article
