"""Who may do what to an article. The single source of these rules for the admin, previews and workflow."""

from django.conf import settings

from .models import Article, ArticleStatus
from .roles import is_editor, is_reporter


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
