"""Autosave: the text fields of an article's change form, kept per user and article while the page is open.

Which fields: the article's text-like content fields (`articles.models.content_text_fields()`: the TEXT
group, the image caption and credit). One row per user and article, overwritten each time; a copy equal to the
saved article is not kept. Nothing here touches the article itself.
"""

import re

from django.db import transaction
from django.utils import timezone

from articles.models import Article, content_text_fields

from .models import DraftCopy

AUTOSAVE_FIELDS = tuple(content_text_fields())
# PostgreSQL's jsonb refuses NUL characters; no form field can hold one anyway.
_NUL = "\x00"
_BETWEEN_TAGS = re.compile(r">\s+<")


def fields_from(post) -> dict[str, str]:
    """The autosaved fields present in a POST, as text."""
    return {name: str(post[name]).replace(_NUL, "") for name in AUTOSAVE_FIELDS if name in post}


def _normal(value) -> str:
    """Text compared without the differences a browser's editor makes on its own (line ends, indenting)."""
    text = str(value or "").replace("\r\n", "\n")
    return _BETWEEN_TAGS.sub("><", text).strip()


def same_as_saved(article: Article, data: dict) -> bool:
    return all(_normal(value) == _normal(getattr(article, name)) for name, value in data.items())


def keep(user, article: Article, based_on_version: int, data: dict) -> DraftCopy | None:
    """Keep the user's copy of the form, or drop it when it says what the article already says."""
    with transaction.atomic():
        if not data or same_as_saved(article, data):
            discard(user, article)
            return None
        copy, _created = DraftCopy.objects.update_or_create(
            user=user,
            article=article,
            defaults={"based_on_version": based_on_version, "data": data, "saved_at": timezone.now()},
        )
    return copy


def offered(user, article: Article) -> DraftCopy | None:
    """The user's kept copy if it differs from the saved article (else it is stale: deleted)."""
    copy = DraftCopy.objects.filter(user=user, article=article).first()
    if copy is None:
        return None
    data = {name: value for name, value in copy.data.items() if name in AUTOSAVE_FIELDS}
    if same_as_saved(article, data):
        copy.delete()
        return None
    return copy


def restorable(copy: DraftCopy) -> dict[str, str]:
    return {name: str(value) for name, value in copy.data.items() if name in AUTOSAVE_FIELDS}


def discard(user, article: Article) -> None:
    DraftCopy.objects.filter(user=user, article=article).delete()
