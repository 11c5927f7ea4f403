"""What the planning desk learns without being asked: a story follows its article, and the newsroom's groups get
the planning permissions after every `migrate`.

A story follows its article's status (post_save of Article): filed when it is submitted for review, published
when it is published (scheduled included: status published), back to accepted when it is sent back to draft or
withdrawn. A killed story stays killed. One indexed query per article save, none for a save that leaves the
status alone (`update_fields` without it) or for raw fixture loading. Deleting the article takes a filed or
published story back to accepted.

The groups themselves are made by articles (articles/policy.py `ensure_groups`, which sets their permissions
exactly); `grant_planning_permissions` runs after it on each post_migrate and adds planning's.
"""

from django.db.models.signals import post_migrate, post_save, pre_delete
from django.utils.translation import gettext_lazy as _

from articles.models import Article, ArticleStatus
from articles.policy import EDITORS, REPORTERS, grant_app_permissions

from .models import Story, StoryLog, StoryStatus

A, S = ArticleStatus, StoryStatus

# The article's status → the story's, and the story statuses that follow it there.
FOLLOWS = {
    A.REVIEW: (S.FILED, {S.ACCEPTED, S.PUBLISHED}),
    A.PUBLISHED: (S.PUBLISHED, {S.ACCEPTED, S.FILED}),
    A.DRAFT: (S.ACCEPTED, {S.FILED, S.PUBLISHED}),
    A.WITHDRAWN: (S.ACCEPTED, {S.FILED, S.PUBLISHED}),
}
MESSAGES = {
    A.REVIEW: _("The article was submitted for review."),
    A.PUBLISHED: _("The article was published."),
    A.DRAFT: _("The article went back to draft."),
    A.WITHDRAWN: _("The article was withdrawn."),
}

# Reporters pitch (add), see and change their stories (what a change may do is the services' to say);
# editors do everything.
REPORTER_PERMISSIONS = {"story": ["add", "change", "view"], "assignment": ["view"], "storylog": ["view"]}
EDITOR_PERMISSIONS = {
    "story": ["add", "change", "delete", "view"],
    "assignment": ["add", "change", "delete", "view"],
    "storylog": ["view"],
}


def follow_article(sender, instance: Article, created=False, raw=False, update_fields=None, **kwargs):
    if raw or created or instance.pk is None:
        return
    if update_fields is not None and "status" not in update_fields:
        return
    target, sources = FOLLOWS.get(instance.status, (None, set()))
    if target is None:
        return
    story = Story.objects.filter(article_id=instance.pk, status__in=sources).only("pk", "status").first()
    if story is None:
        return
    Story.objects.filter(pk=story.pk).update(status=target)
    StoryLog.objects.create(
        story=story, user=None, action=f"article_{instance.status}", message=MESSAGES[instance.status]
    )


def article_deleted(sender, instance: Article, **kwargs):
    stories = Story.objects.filter(article_id=instance.pk, status__in=[S.FILED, S.PUBLISHED])
    for story in stories.only("pk"):
        Story.objects.filter(pk=story.pk).update(status=S.ACCEPTED)
        StoryLog.objects.create(
            story=story, user=None, action="article_deleted", message=_("The article was deleted.")
        )


def grant_planning_permissions(**kwargs) -> None:
    """Add planning's permissions to the Reporters and Editors groups (idempotent; a post_migrate receiver that
    runs after articles' `ensure_groups`; call it after `ensure_groups` where a test remakes the groups)."""
    grant_app_permissions("planning", {REPORTERS: REPORTER_PERMISSIONS, EDITORS: EDITOR_PERMISSIONS})


def connect() -> None:
    post_save.connect(follow_article, sender=Article, dispatch_uid="planning.follow_article")
    pre_delete.connect(article_deleted, sender=Article, dispatch_uid="planning.article_deleted")
    post_migrate.connect(grant_planning_permissions, dispatch_uid="planning.grant_planning_permissions")
