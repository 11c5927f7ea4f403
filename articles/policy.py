"""Who may do what: the newsroom's roles (groups Reporters and Editors) and the rules every surface reads.

The groups are made, with their permissions, after every `migrate`, so assigning a user to a group is all an
administrator does. "Editor" means one thing everywhere: whoever holds `articles.review_article` (the Editors
group, or a superuser). The admin, previews, workflow, mail and the desk all ask this module.
"""

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.http import Http404
from django.shortcuts import get_object_or_404

from .models import Article, ArticleStatus

REPORTERS = "Reporters"
EDITORS = "Editors"

_VIEW = ["view"]
_ALL = ["add", "change", "delete", "view"]

REPORTER_PERMISSIONS = {
    "articles": {
        "article": _ALL,
        "byline": _ALL,
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


def is_editor(user) -> bool:
    return bool(user and user.is_active and (user.is_superuser or user.has_perm("articles.review_article")))


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
    """The four-eyes rule's notion of authorship: created it, or stands in its byline."""
    return is_owner(user, article) or holds_byline(user, article)


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


def can_restore(user, article: Article) -> bool:
    return is_staff_member(user) and is_editor(user)


def may_take(user, action: str, article: Article) -> bool:
    """Whether this user's role may ever take `action` on this article (regardless of its current state)."""
    if not is_staff_member(user):
        return False
    if action == "submit":
        return is_editor(user) or (is_reporter(user) and is_owner(user, article))
    if not is_editor(user):
        return False
    if action in {"approve", "reschedule"} and settings.WORKFLOW_FOUR_EYES and wrote(user, article):
        return False
    return action in {"send_back", "approve", "withdraw", "reopen", "reschedule"}


def article_visible_or_404(user, pk, queryset=None) -> Article:
    """The article `pk` if this user may see it in the admin; Http404 otherwise, as if it did not exist (another
    reporter learns nothing about it). Every admin view of one article and the preview start here."""
    article = get_object_or_404(queryset if queryset is not None else Article.objects.all(), pk=pk)
    if not can_view(user, article):
        raise Http404
    return article
