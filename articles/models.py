"""The newspaper: issues (期) and their pages (版), sections, events, articles and their bylines.

Status changes live in articles/workflow.py; nothing else sets `Article.status`. An article's content fields
are declared in groups (`ContentGroup`), beside the fields; what edits, versions and searches them follows.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager

from core.slugs import SlugFromName
from core.uploads import validate_image_upload, validate_pdf_upload
from core.urls_cache import cached_reverse
from people.models import Author, Organization

from .querysets import ArticleManager, IssueQuerySet, ShareLinkQuerySet
from .richtext import SanitizedHTMLField


class Section(SlugFromName, models.Model):
    """A recurring column (栏目): 要闻, 综合, 图片新闻, 观点."""

    name = models.CharField(_("name"), max_length=40, unique=True)
    slug = models.SlugField(_("slug"), max_length=60, unique=True, allow_unicode=True, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_opinion = models.BooleanField(
        _("opinion section"),
        default=False,
        help_text=_("Articles here are opinion pieces (signed commentary)."),
    )
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        ordering = ["order", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return cached_reverse("articles:section", self.slug)


class Issue(models.Model):
    """One print edition (期): 总第N期, published on one date."""

    number = models.PositiveIntegerField(
        _("issue number"), unique=True, help_text=_("The running number (总第N期).")
    )
    date = models.DateField(_("publication date"), unique=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    objects = IssueQuerySet.as_manager()

    class Meta:
        verbose_name = _("issue")
        verbose_name_plural = _("issues")
        ordering = ["-date"]
        constraints = [models.CheckConstraint(condition=Q(number__gte=1), name="issue_number_positive")]

    def __str__(self):
        return _("No. %(number)s (%(date)s)") % {"number": self.number, "date": self.date.isoformat()}

    def get_absolute_url(self):
        return cached_reverse("articles:issue", self.number)


class IssuePage(models.Model):
    """A page (版) of an issue, e.g. 第1版 要闻, with the printed page as PDF and image."""

    issue = models.ForeignKey(Issue, verbose_name=_("issue"), on_delete=models.CASCADE, related_name="pages")
    number = models.PositiveSmallIntegerField(_("page number"))
    name = models.CharField(_("page name"), max_length=40, blank=True)
    pdf = models.FileField(
        _("PDF of the printed page"), upload_to="pages/%Y/%m/", blank=True, validators=[validate_pdf_upload]
    )
    image = models.ImageField(
        _("image of the printed page"),
        upload_to="pages/%Y/%m/",
        blank=True,
        validators=[validate_image_upload],
    )

    class Meta:
        verbose_name = _("page")
        verbose_name_plural = _("pages")
        ordering = ["issue", "number"]
        constraints = [
            models.UniqueConstraint(fields=["issue", "number"], name="one_page_number_per_issue"),
            models.CheckConstraint(condition=Q(number__gte=1), name="page_number_positive"),
        ]

    def __str__(self):
        label = _("Page %(number)s") % {"number": self.number}
        return f"{label} {self.name}".strip()

    def get_absolute_url(self):
        return cached_reverse("articles:issue_page", self.issue.number, self.number)


class Event(SlugFromName, models.Model):
    """A conference, training, launch… that articles cover."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=80, unique=True, allow_unicode=True, blank=True)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    organizers = models.ManyToManyField(
        Organization, verbose_name=_("organizers"), blank=True, related_name="organized_events"
    )
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["-start_date", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="event_ends_after_start",
            )
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return cached_reverse("articles:event", self.slug)

    def clean(self):
        if self.end_date and self.start_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The end date cannot be before the start date.")})


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

    image = models.ImageField(
        _("image"), upload_to="articles/%Y/%m/", blank=True, validators=[validate_image_upload]
    )
    image_caption = models.CharField(_("image caption"), max_length=300, blank=True)
    image_credit = models.CharField(_("image credit"), max_length=100, blank=True)
    IMAGE = ContentGroup(
        _("Image"), ("image", "image_caption", "image_credit"), searched={"image_caption": "D"}
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


class ArticleLog(models.Model):
    """One workflow transition: who, when, from, to, comment. Written by articles/workflow.py only."""

    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="log"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=20)
    from_status = models.CharField(_("from"), max_length=12, choices=ArticleStatus.choices)
    to_status = models.CharField(_("to"), max_length=12, choices=ArticleStatus.choices)
    comment = models.TextField(_("comment"), blank=True)
    publish_at = models.DateTimeField(_("publication time"), null=True, blank=True)
    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("workflow log entry")
        verbose_name_plural = _("workflow log")
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.article_id} {self.from_status}→{self.to_status}"


class ShareLink(models.Model):
    """A signed, read-only, expiring, revocable preview link for an outside reviewer."""

    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="share_links"
    )
    token = models.CharField(_("token"), max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    objects = ShareLinkQuerySet.as_manager()

    class Meta:
        verbose_name = _("share link")
        verbose_name_plural = _("share links")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.article} ({self.expires_at:%Y-%m-%d %H:%M})"


class StaleEdit(models.Model):
    """The text of a save refused because the article changed meanwhile, kept for its author to merge."""

    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="+"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE)
    based_on_version = models.PositiveIntegerField(_("based on version"))
    data = models.JSONField(_("submitted text"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("kept edit")
        verbose_name_plural = _("kept edits")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.article_id} v{self.based_on_version} ({self.user})"


class PageArea(models.Model):
    """Where an article stands on a printed page: a rectangle in page-relative coordinates (0–1)."""

    page = models.ForeignKey(
        IssuePage, verbose_name=_("page"), on_delete=models.CASCADE, related_name="areas"
    )
    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="areas"
    )
    x = models.FloatField(_("left"))
    y = models.FloatField(_("top"))
    width = models.FloatField(_("width"))
    height = models.FloatField(_("height"))

    class Meta:
        verbose_name = _("page area")
        verbose_name_plural = _("page areas")
        ordering = ["page", "y", "x"]
        constraints = [
            models.CheckConstraint(
                condition=Q(x__gte=0, y__gte=0, width__gt=0, height__gt=0), name="area_positive"
            ),
            models.CheckConstraint(
                condition=Q(x__lte=1.000001 - F("width")) & Q(y__lte=1.000001 - F("height")),
                name="area_inside_page",
            ),
        ]

    def __str__(self):
        return f"{self.article} @ {self.page}"
