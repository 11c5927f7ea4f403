"""/private-media/<name>: a private file, for whoever may see what it belongs to.

- Staff who may see the article (`articles.policy.can_view`: its picture, its photos and their renditions) or
  edit pages (`articles.change_issuepage`: a page's image, its thumbnail and renditions, its PDF) get it.
- A link signed by `signed_url` (a share-link preview shows the article's picture this way) gets it until the
  link expires (PRIVATE_MEDIA_URL_SECONDS).
- An image inserted into an article body from the editor: newsroom staff, and anybody while a public article's
  body shows it (files/body_images.py).
- Anybody else gets it only when the clock alone has made its article or page public (a scheduled
  publication, an issue released for a later time) since its file was last placed: the file is moved to public
  storage now (files/release.py) and the reader is sent to its public URL.
- Everyone else, and every unknown name, gets the same 404.

The file goes out through nginx (X-Accel-Redirect to PRIVATE_MEDIA_ACCEL_PREFIX, docs/deployment.md), as a
short-lived signed URL of the private bucket (S3), or from this process (development).
"""

from __future__ import annotations

import mimetypes
import posixpath
from urllib.parse import quote

from django.conf import settings
from django.core import signing
from django.core.files.storage import FileSystemStorage, default_storage, storages
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.views.decorators.http import require_safe

from articles.models import Article, ArticlePhoto, IssuePage
from articles.policy import can_view, is_editor, is_reporter, is_staff_member
from core import renditions
from core.storage import PRIVATE_PREFIX, THUMBNAIL_SUFFIX, is_private

from . import body_images, release
from .models import ReleasedFile

SIGNER_SALT = "files.private-media"
# What a private file may be sent as; anything else is a download.
INLINE_TYPES = {"image/jpeg", "image/png", "image/gif", "image/webp", "image/avif", "application/pdf"}


def signed_url(name: str) -> str:
    """A link to the private file `name` that works for anyone until PRIVATE_MEDIA_URL_SECONDS pass."""
    url = default_storage.url(name)
    if not is_private(name):
        return url
    return f"{url}?s={quote(signing.TimestampSigner(salt=SIGNER_SALT).sign(name))}"


def _signature_valid(name: str, signature: str) -> bool:
    try:
        signed = signing.TimestampSigner(salt=SIGNER_SALT).unsign(
            signature, max_age=settings.PRIVATE_MEDIA_URL_SECONDS
        )
    except signing.BadSignature:
        return False
    return signed == name


def find_owner(name: str):
    """(the article, photo or page the private file `name` belongs to, the file field's name), or (None, None).
    A rendition or a thumbnail belongs to whatever its original belongs to."""
    original = renditions.original_of(name)
    if original is None and name.endswith(THUMBNAIL_SUFFIX):  # a page image's thumbnail: find its image
        stem = name[: -len(THUMBNAIL_SUFFIX)]
        page = IssuePage.objects.filter(image__startswith=stem + ".").first()
        return (page, "image") if page is not None else (None, None)
    # A file stored before upload names were cleaned may itself be named like a rendition: then its own name.
    for candidate in [original, name] if original else [name]:
        for model, field in (
            (Article, "image"),
            (ArticlePhoto, "image"),
            (IssuePage, "pdf"),
            (IssuePage, "image"),
        ):
            owner = model.objects.filter(**{field: candidate}).first()
            if owner is not None:
                return owner, field
    return None, None


def derived_target(requested: str, original: str, moved: str) -> str:
    """The public name of what was asked for (a rendition or thumbnail follows its original to its new name)."""
    if requested == original:
        return moved
    for old, new in zip(release.derived_names(original), release.derived_names(moved), strict=True):
        if old == requested:
            return new
    return moved


def released_target(requested: str) -> str | None:
    """The public name of the private file `requested` (an original, a rendition or a thumbnail) if its original
    was moved to public storage (`ReleasedFile`) and is still the file of what it belongs to; else None.

    The first request for one of a file's private names after the clock made its article or page public moves
    the file and all of its renditions (and a page's other file): the other names a page rendered just before
    still link to must lead there too, not to a 404."""
    original = renditions.original_of(requested)
    names = Q(private_name__in=[requested, *([original] if original else [])])
    if requested.endswith(THUMBNAIL_SUFFIX):  # a page image's thumbnail: its image is stem.<anything>
        names |= Q(private_name__startswith=requested[: -len(THUMBNAIL_SUFFIX)] + ".")
    for released in ReleasedFile.objects.filter(names):
        if requested != released.private_name and requested not in release.derived_names(
            released.private_name
        ):
            continue
        owner, _field = find_owner(released.public_name)
        if owner is not None and not is_private(released.public_name):
            return derived_target(requested, released.private_name, released.public_name)
    return None


def staff_may_see(user, owner) -> bool:
    """The article's picture: who may see the article in the admin. A printed page shows every article on it,
    other reporters' drafts included: those who edit pages (editors), not those who only look them up."""
    if isinstance(owner, Article):
        return can_view(user, owner)
    if isinstance(owner, ArticlePhoto):
        return can_view(user, owner.article)
    return bool(user.is_active and user.is_staff and user.has_perm("articles.change_issuepage"))


def may_see_editor_images(user) -> bool:
    """Images uploaded from the body editor: every member of the newsroom who writes or edits articles (their
    names are random, and only articles' bodies name them)."""
    return is_staff_member(user) and (is_reporter(user) or is_editor(user))


@require_safe
def private_media(request, name: str):
    full = PRIVATE_PREFIX + name
    if posixpath.normpath(name) != name or name.startswith("/"):
        raise Http404
    if full.startswith(body_images.EDITOR_FOLDER):
        if (
            may_see_editor_images(request.user)
            or _signature_valid(full, request.GET.get("s", ""))
            or body_images.shown_publicly(full)
        ):
            return _send(full)
        raise Http404
    owner, field = find_owner(full)
    if owner is None:
        moved = released_target(full)
        if moved is None:
            raise Http404
        return HttpResponseRedirect(default_storage.url(moved))
    if staff_may_see(request.user, owner) or _signature_valid(full, request.GET.get("s", "")):
        return _send(full)
    if release.should_be_public(owner):
        original = getattr(owner, field).name
        if isinstance(owner, ArticlePhoto):
            release.place_article(owner.article_id)
        else:
            release.place(type(owner), owner.pk)
        owner.refresh_from_db(fields=[field])
        moved = getattr(owner, field).name
        if moved and not is_private(moved):
            return HttpResponseRedirect(default_storage.url(derived_target(full, original, moved)))
    raise Http404


def _send(name: str):
    inner = name[len(PRIVATE_PREFIX) :]
    content_type = mimetypes.guess_type(inner)[0] or "application/octet-stream"
    backend = storages["private"]
    if settings.PRIVATE_MEDIA_ACCEL_PREFIX:
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = settings.PRIVATE_MEDIA_ACCEL_PREFIX.rstrip("/") + "/" + quote(inner)
    elif isinstance(backend, FileSystemStorage):
        if not backend.exists(inner):
            raise Http404
        response = FileResponse(backend.open(inner, "rb"), content_type=content_type)
    else:  # object storage: a signed URL that expires soon
        response = HttpResponseRedirect(backend.url(inner))
    disposition = "inline" if content_type in INLINE_TYPES else "attachment"
    response["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{quote(posixpath.basename(inner))}"
    response["Cache-Control"] = "private, no-store, max-age=0"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
