"""People and organizations the paper writes about and writes with."""

import re

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.filecleaning import CleanedImageField
from core.slugs import SlugFromName
from core.storage import PublicUpload
from core.uploads import validate_image_upload
from core.urls_cache import cached_reverse

ALIAS_SEPARATORS = re.compile(r"[\n,，、;；]+")


class Organization(SlugFromName, models.Model):
    class Kind(models.TextChoices):
        ASSOCIATION = "association", _("Association or society")
        GOVERNMENT = "government", _("Government department")
        UNIVERSITY = "university", _("University")
        INSTITUTE = "institute", _("Research institute")
        COMPANY = "company", _("Company")
        CENTRE = "centre", _("Centre or unit")
        MEDIA = "media", _("Media")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True, allow_unicode=True, blank=True)
    short_name = models.CharField(_("short name"), max_length=60, blank=True)
    aliases = models.TextField(
        _("aliases"),
        blank=True,
        help_text=_("Other names the text may use, one per line or separated by commas."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent organization"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("description"), blank=True)

    slug_source = ("short_name", "name")

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return cached_reverse("people:organization", self.slug)

    @property
    def alias_list(self) -> list[str]:
        return [a.strip() for a in ALIAS_SEPARATORS.split(self.aliases) if a.strip()]

    def names(self) -> list[str]:
        """Every name under which the text may mention this organization, longest first."""
        names = {self.name, *self.alias_list}
        if self.short_name:
            names.add(self.short_name)
        return sorted(names, key=len, reverse=True)


class Author(SlugFromName, models.Model):
    class Kind(models.TextChoices):
        STAFF = "staff", _("Staff journalist")
        CORRESPONDENT = "correspondent", _("Correspondent")
        PHOTOGRAPHER = "photographer", _("Photographer")
        CONTRIBUTOR = "contributor", _("Contributor")
        EDITOR = "editor", _("Editor")

    # Names are not unique: two people can share one.
    name = models.CharField(_("name"), max_length=100, db_index=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True, allow_unicode=True, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.STAFF)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("login user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="author",
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="people",
    )
    position = models.CharField(_("position"), max_length=120, blank=True)
    bio = models.TextField(_("biography"), blank=True)
    photo = CleanedImageField(
        _("photo"),
        upload_to=PublicUpload("authors/%Y/"),
        blank=True,
        validators=[validate_image_upload],
        width_field="photo_width",
        height_field="photo_height",
    )
    photo_width = models.PositiveIntegerField(_("photo width"), null=True, blank=True, editable=False)
    photo_height = models.PositiveIntegerField(_("photo height"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("author")
        verbose_name_plural = _("authors")
        ordering = ["name", "id"]

    def __str__(self):
        # Position, not organization: __str__ must not cost a query in admin lists and autocomplete.
        return f"{self.name}（{self.position}）" if self.position else self.name

    def get_absolute_url(self):
        return cached_reverse("people:author", self.slug)
