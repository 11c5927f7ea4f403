"""The planning desk (选题与稿单): a story from the pitch to the page.

A `Story` (选题) is pitched by anyone in the newsroom, accepted and assigned by an editor (派题: assignees with
roles, a due time, a length in characters and a place in an issue and on one of its pages), and followed through
its article: filed when the article is submitted, published when it is published. A story can be killed, with
a reason, until its article is published. Every change is in the story's log (`StoryLog`).

The rules (who may do what, from which status) are in planning/services.py; models only hold the data.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from articles.models import Article, Event, Issue, IssuePage, Section


class StoryKind(models.TextChoices):
    NEWS = "news", _("News")
    FEATURE = "feature", _("Feature")
    PHOTO = "photo", _("Photo story")
    OPINION = "opinion", _("Opinion")


class StoryStatus(models.TextChoices):
    PITCHED = "pitched", _("Pitched")
    ACCEPTED = "accepted", _("Accepted")
    FILED = "filed", _("Filed")
    PUBLISHED = "published", _("Published")
    KILLED = "killed", _("Killed")


class Story(models.Model):
    """A planned story (选题): what, for which issue and page, how long, by when, by whom."""

    title = models.CharField(_("title"), max_length=200)
    brief = models.TextField(_("brief"), blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=StoryKind.choices, default=StoryKind.NEWS)
    section = models.ForeignKey(
        Section, verbose_name=_("section"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    issue = models.ForeignKey(
        Issue,
        verbose_name=_("issue"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="stories",
    )
    page = models.ForeignKey(
        IssuePage,
        verbose_name=_("page"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="stories",
    )
    target_length = models.PositiveIntegerField(_("planned length (characters)"), null=True, blank=True)
    due_at = models.DateTimeField(_("due"), null=True, blank=True, db_index=True)
    event = models.ForeignKey(
        Event,
        verbose_name=_("event covered"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="stories",
    )
    pitched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("pitched by"), on_delete=models.PROTECT, related_name="+"
    )
    editor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("editor in charge"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=StoryStatus.choices, default=StoryStatus.PITCHED, db_index=True
    )
    kill_reason = models.TextField(_("reason for killing"), blank=True)
    article = models.OneToOneField(
        Article,
        verbose_name=_("article"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="story",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("story")
        verbose_name_plural = _("stories")
        ordering = ["due_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(target_length__isnull=True) | Q(target_length__gt=0), name="story_length_positive"
            ),
            models.CheckConstraint(
                condition=~Q(status="killed") | ~Q(kill_reason=""), name="killed_story_has_reason"
            ),
        ]

    def __str__(self):
        return self.title


class AssignmentRole(models.TextChoices):
    REPORTER = "reporter", _("Staff reporter")
    PHOTOGRAPHER = "photographer", _("Photographer")
    CORRESPONDENT = "correspondent", _("Correspondent")


class Assignment(models.Model):
    """Who covers a story, in which role (a user with an author profile, so the article can carry a byline)."""

    story = models.ForeignKey(
        Story, verbose_name=_("story"), on_delete=models.CASCADE, related_name="assignments"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        on_delete=models.PROTECT,
        related_name="assignments",
    )
    role = models.CharField(
        _("role"), max_length=20, choices=AssignmentRole.choices, default=AssignmentRole.REPORTER
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["order", "id"]
        constraints = [models.UniqueConstraint(fields=["story", "user"], name="one_assignment_per_person")]

    def __str__(self):
        return f"{self.story} · {self.user}"


class StoryLog(models.Model):
    """Who changed what on a story, and when."""

    story = models.ForeignKey(Story, verbose_name=_("story"), on_delete=models.CASCADE, related_name="log")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=30)
    message = models.TextField(_("details"), blank=True)
    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("story log entry")
        verbose_name_plural = _("story log")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.story} · {self.action}"
