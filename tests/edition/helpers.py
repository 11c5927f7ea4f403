"""Files and pages for the digital-edition tests: PDFs drawn with Pillow, pages with areas of articles in every state.

Shared by tests/edition and tests/browser/test_edition.py.
"""

import datetime
import io
import os

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw

from articles.models import ArticleStatus, PageArea
from tests.factories import ArticleFactory

PAGE_PIXELS = (800, 1131)  # a page drawn at 96 dpi: 600 × 848 pt
BLUE, GREEN, RED = (30, 70, 160), (40, 140, 60), (190, 30, 30)


def page_picture(size=PAGE_PIXELS, block=BLUE) -> Image.Image:
    """A printed page in outline: a coloured block in its top-left quarter, grey text lines below."""
    image = Image.new("RGB", size, (255, 255, 255))
    draw = ImageDraw.Draw(image)
    width, height = size
    draw.rectangle([0, 0, width // 2, height // 4], fill=block)
    for y in range(height // 3, height - 40, 24):
        draw.line([(40, y), (width - 40, y)], fill=(150, 150, 150), width=6)
    return image


def pdf_bytes(size=PAGE_PIXELS, block=BLUE) -> bytes:
    buffer = io.BytesIO()
    page_picture(size, block).save(buffer, "PDF", resolution=96)
    return buffer.getvalue()


def png_bytes(size=(400, 566), block=RED) -> bytes:
    buffer = io.BytesIO()
    page_picture(size, block).save(buffer, "PNG")
    return buffer.getvalue()


def pdf_upload(name="第1版.pdf", data=None, block=BLUE) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data if data is not None else pdf_bytes(block=block), "application/pdf")


def png_upload(name="第1版.png", data=None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data if data is not None else png_bytes(), "image/png")


def attach_pdf(page, block=BLUE) -> None:
    page.pdf.save("page.pdf", ContentFile(pdf_bytes(block=block)), save=True)


def stored_files(storage=default_storage, top="") -> set[str]:
    """Every file name in the storage (walked through its API)."""
    if not storage.exists(top or "."):
        return set()
    directories, files = storage.listdir(top or ".")
    names = {os.path.join(top, name) for name in files}
    for directory in directories:
        names |= stored_files(storage, os.path.join(top, directory))
    return names


def pixel(image_field, xy):
    with image_field.open("rb") as image_file, Image.open(image_file) as image:
        return image.convert("RGB").getpixel(xy)


def close_to(colour, expected, tolerance=40) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(colour, expected, strict=True))


STATES = {
    # name: what ArticleFactory needs for an article in that state
    "published": {"published": True},
    "draft": {},
    "review": {"status": ArticleStatus.REVIEW},
    "scheduled": {"scheduled": True},
    "withdrawn": {
        "status": ArticleStatus.WITHDRAWN,
        "published_at": timezone.now() - datetime.timedelta(days=1),
    },
}


def article_on(page, title, state="published", position=0, **kwargs):
    """An article placed on `page`, in `state`."""
    return ArticleFactory(
        title=title, issue=page.issue, page=page, position=position, **STATES[state], **kwargs
    )


def area(page, article, x, y, width, height) -> PageArea:
    return PageArea.objects.create(page=page, article=article, x=x, y=y, width=width, height=height)
