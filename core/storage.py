"""Public and private media: one storage that keeps each file where it may be read.

`MEDIA_ROOT` (or the public bucket) is served as-is at `MEDIA_URL`, by nginx or S3, with no check at all: it
must hold only files anybody may read now. Everything else lives in private storage (`PRIVATE_MEDIA_ROOT`, or a
private bucket or prefix), which nothing serves directly.

`MediaStorage` (the default storage) routes each file by its name: a name that starts with `private/` is in
the private storage (without that prefix), every other name in the public one. The name stored in a file
field therefore says where its file is, and `.url` answers accordingly: the public URL, or the URL of the view
that checks who is asking (files/views.py). New uploads of articles and pages are private
(`PrivateUpload`); files app's `files/release.py` moves them when their article or page becomes public, and back when
it stops being public.

A public file gets a name with a random folder in it (`pages/2026/12/k3x…/issue-1203-page-3-1600x2263.jpg`):
names of printed pages follow a pattern, and a file that was public once is never public again under the same
name. Files derived from a file (a page image's thumbnail, a picture's renditions) sit beside it and move with it.
"""

from __future__ import annotations

import os
import posixpath
import re
import secrets

from django.conf import settings
from django.core.files.base import File
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.core.signals import setting_changed
from django.urls import reverse
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.functional import cached_property

from core import renditions

PRIVATE_PREFIX = "private/"
# The random folder of a public name: 16 lower-case hex digits (64 bits), never a year or month.
TOKEN_RE = re.compile(r"^[0-9a-f]{16}$")
# Files derived from a file, stored beside it under its name with this ending (edition/images.py writes them).
THUMBNAIL_SUFFIX = ".thumb.jpg"


def is_private(name: str) -> bool:
    return bool(name) and name.startswith(PRIVATE_PREFIX)


def thumbnail_name(name: str) -> str:
    """The thumbnail stored beside an image (the page images' small copies)."""
    return os.path.splitext(name)[0] + THUMBNAIL_SUFFIX


def derived_names(name: str) -> list[str]:
    """The files that may be stored beside `name` and belong to it: a page image's thumbnail, the renditions
    of a picture (core/renditions.py)."""
    return [thumbnail_name(name), *renditions.rendition_names(name)]


def _plain_name(name: str) -> tuple[str, str]:
    """(folder, file name) of `name` without the private prefix and without a public name's random folder."""
    if is_private(name):
        name = name[len(PRIVATE_PREFIX) :]
    folder, base = posixpath.split(name)
    parent, last = posixpath.split(folder)
    if TOKEN_RE.match(last):
        folder = parent
    return folder, base


def public_name(name: str) -> str:
    """A fresh public name for the file now at `name`: its folder, a new random folder, its file name."""
    folder, base = _plain_name(name)
    return posixpath.join(folder, secrets.token_hex(8), base)


def private_name(name: str) -> str:
    folder, base = _plain_name(name)
    return PRIVATE_PREFIX + posixpath.join(folder, base)


@deconstructible(path="core.storage.PublicUpload")
class PublicUpload:
    """`upload_to` for pictures that are public from the start (authors' photos): `PublicUpload("authors/%Y/")`.
    The name is cleaned as `PrivateUpload` cleans it, so no original is named like a rendition."""

    def __init__(self, folder: str):
        self.folder = folder

    def __call__(self, instance, filename: str) -> str:
        return posixpath.join(
            timezone.localdate().strftime(self.folder), renditions.clean_upload_name(filename)
        )

    def __eq__(self, other):
        return isinstance(other, PublicUpload) and other.folder == self.folder


@deconstructible(path="core.storage.PrivateUpload")
class PrivateUpload:
    """`upload_to` for files that start private: `PrivateUpload("articles/%Y/%m/")`."""

    def __init__(self, folder: str):
        self.folder = folder

    def __call__(self, instance, filename: str) -> str:
        folder = timezone.localdate().strftime(self.folder)
        return PRIVATE_PREFIX + posixpath.join(folder, renditions.clean_upload_name(filename))

    def __eq__(self, other):
        return isinstance(other, PrivateUpload) and other.folder == self.folder


class PrivateFileSystemStorage(FileSystemStorage):
    """Files on disk under PRIVATE_MEDIA_ROOT (followed when the setting changes, as MEDIA_ROOT is); no URL."""

    def __init__(self, **kwargs):
        kwargs.pop("location", None)
        kwargs.pop("base_url", None)
        super().__init__(**kwargs)
        setting_changed.connect(self._private_root_changed)

    def _private_root_changed(self, *, setting, **kwargs):
        if setting == "PRIVATE_MEDIA_ROOT":
            self.__dict__.pop("base_location", None)
            self.__dict__.pop("location", None)

    @cached_property
    def base_location(self):
        return settings.PRIVATE_MEDIA_ROOT

    def url(self, name):  # pragma: no cover - MediaStorage never asks
        raise ValueError("Private files have no public URL; use MediaStorage.url.")


class MediaStorage(Storage):
    """The default storage: routes `private/…` names to storages["private"], all others to storages["public"]."""

    @property
    def public(self) -> Storage:
        return storages["public"]

    @property
    def private(self) -> Storage:
        return storages["private"]

    def _route(self, name: str) -> tuple[Storage, str]:
        if is_private(name):
            return self.private, name[len(PRIVATE_PREFIX) :]
        return self.public, name

    def _outer(self, backend: Storage, name: str) -> str:
        return PRIVATE_PREFIX + name if backend is self.private else name

    # Storage's public API, delegated whole (each backend picks free names and saves in its own way).
    def save(self, name, content, max_length=None):
        if name is None:
            name = content.name
        if not hasattr(content, "chunks"):
            content = File(content, name)
        backend, inner = self._route(name)
        if max_length is not None and backend is self.private:
            max_length -= len(PRIVATE_PREFIX)
        return self._outer(backend, backend.save(inner, content, max_length=max_length))

    def open(self, name, mode="rb"):
        backend, inner = self._route(name)
        return backend.open(inner, mode)

    def delete(self, name):
        backend, inner = self._route(name)
        backend.delete(inner)

    def exists(self, name):
        backend, inner = self._route(name)
        return backend.exists(inner)

    def size(self, name):
        backend, inner = self._route(name)
        return backend.size(inner)

    def path(self, name):
        backend, inner = self._route(name)
        return backend.path(inner)

    def listdir(self, path):
        backend, inner = self._route(path if path.endswith("/") else path + "/")
        return backend.listdir(inner.rstrip("/"))

    def get_modified_time(self, name):
        backend, inner = self._route(name)
        return backend.get_modified_time(inner)

    def get_created_time(self, name):
        backend, inner = self._route(name)
        return backend.get_created_time(inner)

    def get_accessed_time(self, name):
        backend, inner = self._route(name)
        return backend.get_accessed_time(inner)

    def url(self, name):
        """Public files: their public URL. Private files: the view that checks who asks (files/views.py)."""
        if is_private(name):
            return reverse("private_media", args=[name[len(PRIVATE_PREFIX) :]])
        return self.public.url(name)
