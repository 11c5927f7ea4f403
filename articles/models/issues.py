"""Sections (栏目), issues (期) with their pages (版), and the events articles cover."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.filecleaning import CleanedFileField, CleanedImageField
from core.slugs import SlugFromName
from core.storage import PrivateUpload, is_private
from core.uploads import validate_image_upload, validate_pdf_upload
from core.urls_cache import cached_reverse
from people.models import Organization

from ..querysets import IssuePageQuerySet, IssueQuerySet


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


# How far ahead an issue may be dated: past a century a date is a slip of the keyboard (2999-01-01, 9999-12-31).
ISSUE_DATE_HORIZON = timedelta(days=100 * 365)


def check_issue_date(day, field: str | None = None) -> None:
    """Refuse an issue date more than ISSUE_DATE_HORIZON ahead (as an error of `field` when given)."""
    if day is not None and day > timezone.localdate() + ISSUE_DATE_HORIZON:
        error = ValidationError(
            _("An issue dated in the year %(year)s: check the date.") % {"year": day.year},
            code="issue_date_too_far",
        )
        raise ValidationError({field: error}) if field else error


class Issue(models.Model):
    """One print edition (期): 总第N期, published on one date."""

    number = models.PositiveIntegerField(
        _("issue number"), unique=True, help_text=_("The running number (总第N期).")
    )
    date = models.DateField(_("publication date"), unique=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    # Set by the release of the whole issue (articles/workflow.py `release`): now, or the scheduled time. The
    # newest released issue whose time has come is today's paper (IssueQuerySet.todays_paper).
    released_at = models.DateTimeField(_("released at"), null=True, blank=True, editable=False)
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

    def clean(self):
        check_issue_date(self.date, "date")


class IssuePage(models.Model):
    """A page (版) of an issue, e.g. 第1版 要闻, with the printed page as PDF and image."""

    issue = models.ForeignKey(Issue, verbose_name=_("issue"), on_delete=models.CASCADE, related_name="pages")
    number = models.PositiveSmallIntegerField(_("page number"))
    name = models.CharField(_("page name"), max_length=40, blank=True)
    pdf = CleanedFileField(
        _("PDF of the printed page"),
        upload_to=PrivateUpload("pages/%Y/%m/"),
        blank=True,
        validators=[validate_pdf_upload],
    )
    image = CleanedImageField(
        _("image of the printed page"),
        upload_to=PrivateUpload("pages/%Y/%m/"),
        blank=True,
        validators=[validate_image_upload],
    )

    objects = IssuePageQuerySet.as_manager()

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

    @property
    def pdf_is_public(self) -> bool:
        """The PDF is in public storage (files/release.py put it there: every article on the page is public)."""
        return bool(self.pdf) and not is_private(self.pdf.name)


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
