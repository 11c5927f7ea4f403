"""Revisions of articles (django-reversion): what is kept, readable diffs, and restoring an old revision.

Only the content is versioned — never status, publication time, version or search text — so restoring a
revision, or recovering a deleted article (which comes back as a draft), never changes what the public sees.
An article's photos (组图) are part of its content: each revision holds them (their file, alt text, caption,
credit and order), the diffs show them, and a restore brings back their words and order.
"""

import html
import re

import reversion
from diff_match_patch import diff_match_patch
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.utils.html import format_html, strip_tags
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from reversion.models import Version

from core.storage import private_name

from .models import (
    Article,
    ArticleEvent,
    ArticleOrganization,
    ArticlePhoto,
    Byline,
    content_fields,
    content_text_fields,
)

# The content groups' own columns; their links (many-to-many) are versioned as the relations followed below.
CONTENT_FIELDS = [name for name in content_fields() if not Article._meta.get_field(name).many_to_many]
TEXT_FIELDS = content_text_fields()

reversion.register(
    Article,
    fields=[*CONTENT_FIELDS, "created_by", "updated_by", "created_at", "updated_at"],
    follow=["bylines", "articleorganization_set", "articleevent_set", "photos"],
)
reversion.register(Byline)
reversion.register(ArticlePhoto)
reversion.register(ArticleOrganization)
reversion.register(ArticleEvent)

_BLOCK_END = re.compile(r"</(p|h[1-6]|li|blockquote|tr|figcaption)>", re.I)


def as_text(value: str) -> str:
    """HTML to readable text: one line per block, entities decoded."""
    return html.unescape(strip_tags(_BLOCK_END.sub("\n", value or ""))).strip()


def related(version: Version, model) -> list[dict]:
    return [v.field_dict for v in version.revision.version_set.all() if v._model is model]


def byline_text(version: Version) -> str:
    from people.models import Author

    rows = sorted(related(version, Byline), key=lambda row: (row["order"], row.get("id") or 0))
    names = dict(Author.objects.filter(pk__in=[r["author_id"] for r in rows]).values_list("pk", "name"))
    roles = dict(Byline.Role.choices)
    return "\n".join(f"{roles.get(r['role'], r['role'])} {names.get(r['author_id'], '?')}" for r in rows)


# The words of a photo, in the order a reader meets them: what the four-eyes rule counts as its text.
PHOTO_TEXT_FIELDS = ("caption", "credit", "alt")


def version_photos(version: Version) -> list[dict]:
    """The photos a revision holds, in their order (empty for a revision from before photos were kept)."""
    return sorted(related(version, ArticlePhoto), key=lambda row: (row["order"], row.get("id") or 0))


def photos_text(rows) -> tuple[tuple[str, ...], ...]:
    """The words of these photos (dicts, as a revision or `values()` has them), each photo's by its id: moving
    a photo is not changing its text."""
    ordered = sorted(rows, key=lambda row: row.get("id") or 0)
    return tuple(tuple(str(row.get(name) or "").strip() for name in PHOTO_TEXT_FIELDS) for row in ordered)


def photos_readable(rows) -> str:
    """The photos, one line each in their order: caption, credit and alt text, named."""
    names = PHOTO_TEXT_FIELDS
    labels = [ArticlePhoto._meta.get_field(name).verbose_name for name in names]
    return "\n".join(
        f"{number}. "
        + " | ".join(f"{label}: {row.get(name) or ''}" for label, name in zip(labels, names, strict=True))
        for number, row in enumerate(rows, 1)
    )


def diff_html(old: str, new: str) -> str:
    """A character-level diff (good for Chinese), escaped, with <del> and <ins>."""
    engine = diff_match_patch()
    diffs = engine.diff_main(old, new)
    engine.diff_cleanupSemantic(diffs)
    tags = {-1: "del", 0: None, 1: "ins"}
    parts = []
    for op, text in diffs:
        tag = tags[op]
        parts.append(
            format_html("<{}>{}</{}>", mark_safe(tag), text, mark_safe(tag))
            if tag
            else format_html("{}", text)
        )
    return mark_safe("".join(parts))


def compare(old: Version, new: Version) -> list[dict]:
    """Field-by-field differences between two revisions of one article, text fields and bylines."""
    rows = []
    for name in TEXT_FIELDS:
        a = old.field_dict.get(name) or ""
        b = new.field_dict.get(name) or ""
        if name == "body":
            a, b = as_text(a), as_text(b)
        rows.append(
            {"label": Article._meta.get_field(name).verbose_name, "changed": a != b, "diff": diff_html(a, b)}
        )
    a, b = byline_text(old), byline_text(new)
    rows.append({"label": Byline._meta.verbose_name_plural, "changed": a != b, "diff": diff_html(a, b)})
    a, b = photos_readable(version_photos(old)), photos_readable(version_photos(new))
    rows.append({"label": ArticlePhoto._meta.verbose_name_plural, "changed": a != b, "diff": diff_html(a, b)})
    return rows


def restore(article: Article, version: Version, user) -> Article:
    """Make `version`'s content the article's current content, as a new revision. The status does not change."""
    with transaction.atomic(), reversion.create_revision():
        locked = Article.objects.select_for_update().get(pk=article.pk)
        data = version.field_dict
        for name in CONTENT_FIELDS:
            field = Article._meta.get_field(name)
            value = data.get(field.attname, data.get(name))
            if isinstance(field, models.FileField):
                value = _stored_file(getattr(locked, field.attname).name, value)
            setattr(locked, field.attname, value)
        locked.updated_by = user
        locked.version += 1
        locked.save()
        locked.bylines.all().delete()
        for row in related(version, Byline):
            Byline.objects.create(
                article=locked, author_id=row["author_id"], role=row["role"], order=row["order"]
            )
        locked.organizations.set([r["organization_id"] for r in related(version, ArticleOrganization)])
        locked.events.set([r["event_id"] for r in related(version, ArticleEvent)])
        _restore_photos(locked, version)
        reversion.set_user(user)
        reversion.set_comment(_("Restored revision #%(id)s") % {"id": version.revision_id})
    return locked


def _stored_file(current: str, old: str) -> str:
    """The name to restore a file field to: the file it held then, where it is stored now. A file is renamed when
    it moves between private and public storage (core/storage.py), so the same file keeps its current name; a
    file no longer stored anywhere is not restored (the current one stays)."""
    old = getattr(old, "name", old) or ""  # a revision holds the file as its field gave it
    if current and old and private_name(current) == private_name(old):
        return current
    if old and not default_storage.exists(old):
        return current
    return old


def _restore_photos(article: Article, version: Version) -> None:
    """The photos as `version` holds them: the words and order of those still there, those deleted since brought
    back where their file is still stored, and those added since removed."""
    current = {photo.pk: photo for photo in article.photos.all()}
    kept = set()
    for row in version_photos(version):
        photo = current.get(row.get("id"))
        if photo is None:
            name = getattr(row.get("image"), "name", row.get("image"))
            if not name or not default_storage.exists(name):
                continue  # its file is gone: nothing to show
            photo = ArticlePhoto(
                article=article, image=name, width=row.get("width"), height=row.get("height")
            )
        for name in PHOTO_TEXT_FIELDS:
            setattr(photo, name, row.get(name) or "")
        photo.order = row.get("order") or 0
        photo.save()
        kept.add(photo.pk)
    for pk, photo in current.items():
        if pk not in kept:
            photo.delete()


def versions_of(article: Article):
    return Version.objects.get_for_object(article).select_related("revision", "revision__user")


def record_as_made(article: Article) -> bool:
    """Record an article that has no revision yet, as it is, in a revision with no user: one made in code (the
    demo, a script), before its first edit in the admin. Each edit then has the content it changed to be compared
    with (the history, a conflict, the four-eyes rule: articles/policy.py). The admin and the print import record
    the articles they make themselves."""
    if Version.objects.get_for_object(article).exists():
        return False
    with transaction.atomic(), reversion.create_revision():
        reversion.add_to_revision(article)
        reversion.set_comment(_("As it was before its first edit in the newsroom"))
    return True


_BETWEEN_TAGS = re.compile(r">\s+<")


def text_of(values: dict) -> tuple[str, ...]:
    """The text fields of an article (or a revision's `field_dict`), without the differences an editor's widget
    makes on its own (line ends, indenting between tags)."""
    return tuple(
        _BETWEEN_TAGS.sub("><", str(values.get(name) or "").replace("\r\n", "\n")).strip()
        for name in TEXT_FIELDS
    )
