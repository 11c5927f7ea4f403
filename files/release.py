"""Which uploaded files may be public, and moving each file to where it belongs (core/storage.py).

The rule, one line per kind of file:

- An article's picture, and each of its photos (组图), is public while the article is
  (`articles.querysets.is_public`: published, its time come).
- A printed page's image, its thumbnail and its PDF are public while the page is `fully_public`
  (articles/querysets.py): every article placed on it, or with an area on it, is public, since the image
  shows them all.

`place(obj)` brings one article's or page's files in line with the rule: to public storage under a fresh
random name, or back to private storage. It runs after every save of an article, page or page area
(files/signals.py, once the transaction has committed), so publishing, releasing an issue, withdrawing,
reopening, placing a draft on a page and uploading a file all move what they concern at once. What the clock
alone makes public (a scheduled article, an issue released for a later time) is moved by the first request
for its file after that time (files/views.py), or by `manage.py sync_media`, which also moves the files of an
installation older than this rule, and `--check` reports anything out of place.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q

from articles.models import Article, ArticlePhoto, IssuePage
from articles.querysets import is_public
from core.storage import PRIVATE_PREFIX, derived_names, is_private, private_name, public_name

from .models import ReleasedFile

logger = logging.getLogger(__name__)

# The file fields whose files follow the rule, by model.
FILE_FIELDS: dict[type, tuple[str, ...]] = {
    Article: ("image",),
    ArticlePhoto: ("image",),
    IssuePage: ("pdf", "image"),
}


def should_be_public(obj, now=None) -> bool:
    if isinstance(obj, Article):
        return is_public(obj.status, obj.published_at, now)
    if isinstance(obj, ArticlePhoto):
        if ArticlePhoto.article.is_cached(obj):  # loaded with its photo (`place`): no second query
            return is_public(obj.article.status, obj.article.published_at, now)
        article = Article.objects.filter(pk=obj.article_id).values("status", "published_at").first() or {}
        return bool(article) and is_public(article["status"], article["published_at"], now)
    if isinstance(obj, IssuePage):
        return IssuePage.objects.filter(pk=obj.pk).fully_public(now).exists()
    raise TypeError(f"no file rule for {type(obj).__name__}")


@dataclass
class Placement:
    """What `place` did: the fields moved, and to which side."""

    moved: list[str] = field(default_factory=list)
    public: bool = False
    missing: list[str] = field(default_factory=list)
    renamed: dict[str, tuple[str, str]] = field(default_factory=dict)  # field: (old name, new name)

    def follow(self, instance) -> None:
        """Give an instance in memory (the caller's copy) the new names, where it still has the old ones."""
        for name, (old, new) in self.renamed.items():
            file = getattr(instance, name)
            if file.name == old:
                file.name = new
                instance.__dict__.setdefault("_files_loaded", {})[name] = new


def place(model: type, pk: int, now=None) -> Placement:
    """Move the files of `model` #pk to the side the rule puts them on; save the new names. Locks the row, so
    two requests never move the same file at once. Old files are deleted once the new names are committed."""
    rows = model.objects.select_for_update(of=("self",)).filter(pk=pk).order_by()
    if model is ArticlePhoto:
        rows = rows.select_related("article")  # what `should_be_public` reads, in the same query
    with transaction.atomic():
        obj = rows.first()
        if obj is None:
            return Placement()
        result = Placement(public=should_be_public(obj, now))
        copies, old = [], []
        try:
            for name in FILE_FIELDS[model]:
                file = getattr(obj, name)
                if not file or is_private(file.name) != result.public:
                    continue
                if not default_storage.exists(file.name):
                    result.missing.append(file.name)
                    continue
                new = _copy(file.name, public_name(file.name) if result.public else private_name(file.name))
                copies.append(new)
                old.append(file.name)
                result.renamed[name] = (file.name, new)
                file.name = new
                result.moved.append(name)
            if result.moved:
                obj.__dict__["_files_placing"] = True  # files/signals.py: this save needs no second pass
                obj.save(update_fields=result.moved)
                if result.public:  # what pages rendered before the move still link to (files/views.py)
                    for private, public in result.renamed.values():
                        ReleasedFile.objects.update_or_create(
                            private_name=private, defaults={"public_name": public}
                        )
        except BaseException:
            for name in copies:  # nothing half-moved stays behind, public least of all
                _delete_with_derived(name)
            raise
        transaction.on_commit(lambda: [_delete_with_derived(name) for name in old])
    for name in result.missing:
        logger.warning("%s #%s: its file %s is missing from storage", model.__name__, pk, name)
    return result


def _copy(name: str, new_name: str) -> str:
    """Copy a file and the files derived from it (a thumbnail) to `new_name`; returns the stored name."""
    with default_storage.open(name, "rb") as source:
        stored = default_storage.save(new_name, source)
    for old, new in zip(derived_names(name), derived_names(stored), strict=True):
        if default_storage.exists(old):
            with default_storage.open(old, "rb") as source:
                saved = default_storage.save(new, source)
            if saved != new:  # pragma: no cover - the new folder is random and empty
                default_storage.delete(saved)
    return stored


def _delete_with_derived(name: str) -> None:
    for each in [name, *derived_names(name)]:
        if default_storage.exists(each):
            default_storage.delete(each)


def place_article(pk: int, page_ids=(), now=None) -> Placement:
    """An article changed: its picture, its photos, and the pages it is placed on or has areas on (their rule
    reads it). Returns what was done with the article's own picture."""
    result = place(Article, pk, now)
    # Only the photos on the wrong side are placed: one query however many photos the article has.
    photos = ArticlePhoto.objects.filter(article=pk).exclude(image="")
    private = Q(image__startswith=PRIVATE_PREFIX)
    for photo_id in (photos.filter(private) if result.public else photos.exclude(private)).values_list(
        "pk", flat=True
    ):
        place(ArticlePhoto, photo_id, now)
    on_pages = IssuePage.objects.filter(Q(articles=pk) | Q(areas__article=pk)).values_list("pk", flat=True)
    pages = set(page_ids) | set(on_pages)
    for page_id in sorted(pages):
        place(IssuePage, page_id, now)
    return result


def misplaced(now=None):
    """(object, field, name, should be public) for every stored file on the wrong side of the rule."""
    for model, names in FILE_FIELDS.items():
        with_files = Q()
        for name in names:
            with_files |= ~Q(**{name: ""})
        for obj in model.objects.filter(with_files).order_by("pk").iterator(chunk_size=500):
            public = should_be_public(obj, now)
            for name in names:
                file = getattr(obj, name)
                if file and is_private(file.name) == public:
                    yield obj, name, file.name, public


def place_all(now=None) -> int:
    """Move every file that is out of place; returns how many objects had files moved."""
    done = set()
    for obj, _field, _name, _public in list(misplaced(now)):
        key = (type(obj), obj.pk)
        if key not in done:
            done.add(key)
            place(type(obj), obj.pk, now)
    return len(done)
