"""The article: its content fields in groups (`ContentGroup`), placement, status, and the rows that hang on it
(organizations and events it mentions, its bylines)."""

from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager

from core.filecleaning import CleanedImageField
from core.storage import PrivateUpload
from core.uploads import validate_image_upload
from core.urls_cache import cached_reverse
from people.models import Author, Organization

from ..querysets import ArticleManager
from ..richtext import SanitizedHTMLField
from .issues import Event, Issue, IssuePage, Section


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    REVIEW = "review", _("In review")
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Withdrawn")


@dataclass(frozen=True)
class ContentGroup:
    """Article fields edited and versioned together (one admin fieldset, in this order). `searched`: each
    searched field's weight in the search text (search/text.py); `editors_only`: what only editors change.
    Char and text fields are also compared in revisions and kept from a refused save."""

    label: str | None
    fields: tuple[str, ...]
    searched: dict[str, str] = field(default_factory=dict)
    editors_only: tuple[str, ...] = ()


class Article(models.Model):
    kicker = models.CharField(
        _("kicker"), max_length=200, blank=True, help_text=_("The line above the title (引题).")
    )
    title = models.CharField(_("title"), max_length=200)
    subtitle = models.CharField(_("subtitle"), max_length=200, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    dateline = models.CharField(_("dateline"), max_length=60, blank=True, help_text=_("For example 本报讯."))
    body = SanitizedHTMLField(_("body"), blank=True)
    author_note = models.CharField(
        _("author note"),
        max_length=300,
        blank=True,
        help_text=_("The line that closes an opinion piece (作者系…)."),
    )
    TEXT = ContentGroup(
        None,
        ("kicker", "title", "subtitle", "summary", "dateline", "body", "author_note"),
        searched={"title": "A", "kicker": "B", "subtitle": "B", "summary": "B",
                  "body": "D", "author_note": "D"},
    )  # fmt: skip

    issue = models.ForeignKey(
        Issue,
        verbose_name=_("issue"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="articles",
    )
    page = models.ForeignKey(
        IssuePage,
        verbose_name=_("page"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="articles",
    )
    position = models.PositiveSmallIntegerField(_("position on the page"), default=0)
    section = models.ForeignKey(
        Section,
        verbose_name=_("section"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="articles",
    )
    # Placing an article in the print issue is the editors' job; reporters choose the section.
    PLACEMENT = ContentGroup(
        _("Placement"), ("section", "issue", "page", "position"), editors_only=("issue", "page", "position")
    )

    image = CleanedImageField(
        _("image"),
        upload_to=PrivateUpload("articles/%Y/%m/"),
        blank=True,
        validators=[validate_image_upload],
        width_field="image_width",
        height_field="image_height",
        db_index=True,  # the private-file view finds the article by its file (files/views.py)
    )
    image_alt = models.CharField(
        _("image alt text"),
        max_length=250,
        blank=True,
        help_text=_("What the picture shows, for readers who cannot see it. Required before approval."),
    )
    image_caption = models.CharField(_("image caption"), max_length=300, blank=True)
    image_credit = models.CharField(_("image credit"), max_length=100, blank=True)
    # The picture's important spot, in per cent of its width and height: listings crop around it.
    image_focal_x = models.PositiveSmallIntegerField(
        _("focal point (across)"), default=50, validators=[MaxValueValidator(100)]
    )
    image_focal_y = models.PositiveSmallIntegerField(
        _("focal point (down)"), default=50, validators=[MaxValueValidator(100)]
    )
    image_width = models.PositiveIntegerField(_("image width"), null=True, blank=True, editable=False)
    image_height = models.PositiveIntegerField(_("image height"), null=True, blank=True, editable=False)
    IMAGE = ContentGroup(
        _("Image"),
        ("image", "image_alt", "image_caption", "image_credit", "image_focal_x", "image_focal_y"),
        searched={"image_caption": "D"},
    )

    tags = TaggableManager(verbose_name=_("tags"), blank=True)
    organizations = models.ManyToManyField(
        Organization,
        verbose_name=_("organizations"),
        through="ArticleOrganization",
        blank=True,
        related_name="articles",
    )
    events = models.ManyToManyField(
        Event, verbose_name=_("events"), through="ArticleEvent", blank=True, related_name="articles"
    )
    LINKS = ContentGroup(_("Links"), ("tags", "organizations", "events"))

    status = models.CharField(
        _("status"), max_length=12, choices=ArticleStatus.choices, default=ArticleStatus.DRAFT, editable=False
    )
    published_at = models.DateTimeField(_("publication time"), null=True, blank=True, editable=False)
    # Optimistic locking: a save from a form that loaded an older version is refused (articles/admin/forms.py).
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    # jieba-segmented text for search (search/text.py); PostgreSQL indexes it as a tsvector.
    search_text = models.TextField(_("search text"), blank=True, editable=False)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="articles_created",
        editable=False,
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("last edited by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    # Who imported it from a print page (printimport/service.py), who then also owns it (`created_by`); its
    # text was written by its bylines, so the four-eyes rule does not count the importer (articles/policy.py).
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ArticleManager()

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = ["-published_at", "-id"]
        permissions = [
            ("edit_any_article", _("Can edit any article in any state")),
            ("review_article", _("Can send back, approve, schedule, withdraw and reopen articles")),
            ("share_article", _("Can make share links for outside reviewers")),
        ]
        indexes = [
            models.Index(fields=["status", "-published_at"], name="article_status_pub"),
            models.Index(fields=["issue", "page", "position"], name="article_placement"),
            models.Index(fields=["section", "status", "-published_at"], name="article_section_pub"),
            models.Index(fields=["created_by", "status"], name="article_owner_status"),
            # The sitemap's latest change (reader/sitemaps.py) without a scan of the archive.
            models.Index(fields=["status", "-updated_at"], name="article_status_updated"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="published_article_has_time",
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return cached_reverse("articles:article", self.pk)

    def clean(self):
        errors = {}
        if self.page_id and self.issue_id and self.page.issue_id != self.issue_id:
            errors["page"] = _("This page belongs to another issue.")
        if self.page_id and not self.issue_id:
            errors["issue"] = _("Choose the issue of this page.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_opinion(self) -> bool:
        return bool(self.section_id and self.section.is_opinion) or bool(self.author_note)

    def is_public(self, now=None) -> bool:
        return type(self).objects.published(now).filter(pk=self.pk).exists()


CONTENT_GROUPS = (Article.TEXT, Article.PLACEMENT, Article.IMAGE, Article.LINKS)


def content_fields() -> list[str]:
    return [name for group in CONTENT_GROUPS for name in group.fields]


def content_text_fields() -> list[str]:
    """The content fields holding text, in form order: what revisions compare and a refused save keeps."""
    text = (models.CharField, models.TextField)
    return [name for name in content_fields() if isinstance(Article._meta.get_field(name), text)]


def searched_fields() -> dict[str, str]:
    """{field: weight} of the searched content fields, in form order."""
    return {name: g.searched[name] for g in CONTENT_GROUPS for name in g.fields if name in g.searched}


class ArticleOrganization(models.Model):
    """An organization an article mentions. PROTECT: deleting the organization never unlinks the article."""

    article = models.ForeignKey(Article, verbose_name=_("article"), on_delete=models.CASCADE)
    organization = models.ForeignKey(
        Organization, verbose_name=_("organization"), on_delete=models.PROTECT, related_name="article_links"
    )

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        constraints = [
            models.UniqueConstraint(fields=["article", "organization"], name="article_organization_once")
        ]

    def __str__(self):
        return str(self.article)


class ArticleEvent(models.Model):
    """An event an article covers. PROTECT: deleting the event never unlinks the article."""

    article = models.ForeignKey(Article, verbose_name=_("article"), on_delete=models.CASCADE)
    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.PROTECT, related_name="article_links"
    )

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        constraints = [models.UniqueConstraint(fields=["article", "event"], name="article_event_once")]

    def __str__(self):
        return str(self.article)


class Byline(models.Model):
    """One name in an article's byline (署名), with its role, in printed order."""

    class Role(models.TextChoices):
        REPORTER = "reporter", _("Staff reporter")
        CORRESPONDENT = "correspondent", _("Correspondent")
        PHOTOGRAPHER = "photographer", _("Photographer")
        AUTHOR = "author", _("Author")
        EDITOR = "editor", _("Desk editor")

    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="bylines"
    )
    author = models.ForeignKey(
        Author, verbose_name=_("author"), on_delete=models.PROTECT, related_name="bylines"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.REPORTER)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("byline")
        verbose_name_plural = _("bylines")
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["article", "author", "role"], name="byline_once_per_role")
        ]

    def __str__(self):
        return f"{self.article} — {self.get_role_display()} {self.author.name}"
