"""Page images from PDFs (edition/images.py): rendering, storing through the storage API, names and thumbnails."""

import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image

from edition.images import (
    RENDER_WIDTH,
    THUMBNAIL_WIDTH,
    PageRenderError,
    page_image,
    render_page_image,
    render_pdf,
    thumbnail_name,
)
from tests.factories import IssueFactory, IssuePageFactory

from .helpers import BLUE, GREEN, close_to, pdf_bytes, pixel, png_bytes


def decoded(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image.convert("RGB")


def test_the_first_page_is_rendered_to_a_wide_jpeg_with_a_thumbnail():
    rendered = render_pdf(pdf_bytes(block=BLUE))
    image = decoded(rendered.data)
    assert (rendered.width, rendered.height) == image.size == (RENDER_WIDTH, 2262)  # 800 × 1131 scaled by 2
    assert Image.open(io.BytesIO(rendered.data)).format == "JPEG"
    assert close_to(image.getpixel((200, 200)), BLUE)  # the block in the top-left quarter
    assert close_to(image.getpixel((1500, 300)), (255, 255, 255))
    thumbnail = decoded(rendered.thumbnail)
    assert thumbnail.size == (THUMBNAIL_WIDTH, 339)
    assert close_to(thumbnail.getpixel((30, 30)), BLUE)


@pytest.mark.parametrize(
    "data",
    [
        png_bytes(),
        b"<!doctype html><html><body>not a page</body></html>",
        b"",
        pdf_bytes()[:4000],
        b"%PDF-1.4\n%%EOF\n",
    ],
    ids=["png", "html", "empty", "truncated", "header-only"],
)
def test_what_is_not_a_readable_pdf_is_refused(data):
    with pytest.raises(PageRenderError):
        render_pdf(data)


def test_a_page_of_absurd_proportions_is_refused_before_it_is_drawn():
    with pytest.raises(PageRenderError):
        render_pdf(pdf_bytes(size=(40, 1131)))


@pytest.mark.django_db
def test_rendering_reads_and_writes_through_the_storage_only(settings, monkeypatch):
    """In-memory storage, and a file's local `path` forbidden: the code must use the storage API."""
    from django.core.files.storage import InMemoryStorage
    from django.db.models.fields.files import FieldFile

    memory = {"BACKEND": "django.core.files.storage.InMemoryStorage"}
    settings.STORAGES = {**settings.STORAGES, "default": memory}
    monkeypatch.setattr(FieldFile, "path", property(lambda self: pytest.fail(f"local path of {self.name}")))
    assert default_storage.__class__ is InMemoryStorage
    page = IssuePageFactory(issue=IssueFactory(number=1401), number=3, name="科普")
    page.pdf.save("第3版.pdf", ContentFile(pdf_bytes(block=GREEN)), save=True)

    render_page_image(page)

    page.refresh_from_db()
    assert page.image.name.startswith("private/pages/")  # an unreleased page: private storage
    assert page.image.name.endswith("issue-1401-page-3-1600x2262.jpg")
    assert default_storage.exists(page.image.name)
    assert default_storage.exists(thumbnail_name(page.image.name))
    assert close_to(pixel(page.image, (100, 100)), GREEN)
    assert not (settings.MEDIA_ROOT / "pages").exists()  # nothing written to the local media folder


@pytest.mark.django_db
def test_rendering_again_makes_a_new_file_and_keeps_the_name_pattern():
    page = IssuePageFactory(issue=IssueFactory(number=1402), number=1)
    page.pdf.save("第1版.pdf", ContentFile(pdf_bytes(block=BLUE)), save=True)
    render_page_image(page)
    first = page.image.name
    page.pdf.save("第1版.pdf", ContentFile(pdf_bytes(block=GREEN)), save=True)
    render_page_image(page)
    page.refresh_from_db()
    assert page.image.name != first  # a new URL: no browser or CDN keeps showing the old page
    assert close_to(pixel(page.image, (100, 100)), GREEN)
    info = page_image(page)
    assert info.url == page.image.url and (info.width, info.height) == (1600, 2262)
    assert info.thumbnail_url == default_storage.url(thumbnail_name(page.image.name))
    assert default_storage.exists(thumbnail_name(page.image.name))


@pytest.mark.django_db
def test_a_page_without_a_pdf_cannot_be_rendered():
    page = IssuePageFactory(issue=IssueFactory(number=1403), number=1)
    with pytest.raises(PageRenderError):
        render_page_image(page)


@pytest.mark.django_db
def test_page_image_falls_back_to_the_image_itself_for_other_names():
    page = IssuePageFactory(issue=IssueFactory(number=1404), number=2)
    assert page_image(page) is None
    page.image.save("扫描件.png", ContentFile(png_bytes()), save=True)
    info = page_image(page)
    assert info.url == page.image.url == info.thumbnail_url  # no thumbnail beside it: the image itself
    assert info.width is None and info.height is None
