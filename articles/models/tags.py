"""Tags (django-taggit's `Tag`, on `Article.tags`): what a tag name may be, and a slug that is never empty.

A name has at most TAG_NAME_MAX_LENGTH characters and at least one letter (a Chinese character is one):
`validate_tag_name`, run by every form a tag name is typed into (the article form's new tags, the tag admin).
A name whose slug would still be empty (a tag made in code, or kept from before the rule) gets one made from
the name (`fallback_tag_slug`) when it is saved, so every tag has a page at /tags/<slug>/ and a sitemap entry.
"""

import hashlib

from django.core.exceptions import ValidationError
from django.db.models.signals import pre_save
from django.utils.translation import gettext_lazy as _
from taggit.models import Tag

from core.slugs import unique_slug

TAG_NAME_MAX_LENGTH = 50


def validate_tag_name(name: str) -> None:
    """Refuse a tag name that is too long or has no letter ("!!!", "2026")."""
    if len(name) > TAG_NAME_MAX_LENGTH:
        raise ValidationError(
            _("“%(name)s” is too long for a tag (at most %(limit)d characters)."),
            code="tag_too_long",
            params={"name": name, "limit": TAG_NAME_MAX_LENGTH},
        )
    if not any(character.isalpha() for character in name):
        raise ValidationError(
            _("“%(name)s” cannot be a tag: a tag needs at least one letter or Chinese character."),
            code="tag_without_letter",
            params={"name": name},
        )


def is_usable_slug(slug: str | None) -> bool:
    """Whether /tags/<slug>/ (any <str:slug> URL) can be made from `slug`: not empty, no slash."""
    return bool(slug) and "/" not in slug


def fallback_tag_slug(name: str) -> str:
    """A slug for a name that slugifies to nothing: the same for the same name, different for another."""
    return "tag-" + hashlib.sha256(name.encode("utf-8")).hexdigest()[:12]


def _fill_slug(sender, instance, **kwargs):
    # taggit slugifies the name on the first save; a name of punctuation only ("!!!") gives "".
    if not is_usable_slug(instance.slug):
        instance.slug = unique_slug(instance, fallback_tag_slug(instance.name))


def connect() -> None:
    """Give every tag saved a usable slug (called by ArticlesConfig.ready)."""
    pre_save.connect(_fill_slug, sender=Tag, dispatch_uid="articles.tags.fill_slug")
