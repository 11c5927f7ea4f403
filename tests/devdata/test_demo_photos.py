"""The demo's pictures (devdata/demo_photos.py, devdata/pictures.py): the 图片新闻 photo story and its photos,
alt text on every picture, renditions made and public, pictures that compress like photographs."""

import io

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from PIL import Image, ImageDraw

from articles.models import Article, ArticlePhoto, Section
from core import renditions
from core.storage import is_private
from devdata.demo_photos import LEADS, PHOTO_STORY, PHOTOS
from devdata.pictures import SCENES, photo


def webp_720(data: bytes) -> int:
    """The size of a picture's 720-wide WebP, encoded as its renditions are (core/renditions.py)."""
    with Image.open(io.BytesIO(data)) as image:
        small = image.convert("RGB").resize((720, round(720 * image.height / image.width)), Image.LANCZOS)
    buffer = io.BytesIO()
    small.save(buffer, "WEBP", quality=78, method=4)
    return len(buffer.getvalue())


def test_pictures_are_repeatable_and_compress_like_photographs():
    assert photo("glacier", 3, (300, 200)) == photo("glacier", 3, (300, 200))
    assert photo("glacier", 3, (300, 200)) != photo("glacier", 4, (300, 200))
    flat = Image.new("RGB", (1080, 720), (90, 140, 200))
    ImageDraw.Draw(flat).ellipse([300, 300, 600, 600], fill=(200, 180, 90))
    buffer = io.BytesIO()
    flat.save(buffer, "JPEG", quality=88)
    assert webp_720(buffer.getvalue()) < 8_000  # flat colour: what would make a picture budget meaningless
    for scene in SCENES:
        data = photo(scene, 1, (1080, 720))
        assert Image.open(io.BytesIO(data)).size == (1080, 720)
        assert webp_720(data) > 12_000, scene


def test_every_demo_picture_has_its_words_and_a_scene():
    specs = [*LEADS.values(), *(p for photos in PHOTOS.values() for p in photos)]
    assert all(spec.scene in SCENES and spec.alt and spec.caption and spec.credit for spec in specs)
    assert all(0 <= value <= 100 for lead in LEADS.values() for value in lead.focal)


@pytest.mark.django_db
def test_the_photo_section_has_a_photo_story_and_pictures_in_its_listing(client):
    call_command("demo_data")
    section = Section.objects.get(name="图片新闻")
    story = Article.objects.published().get(title=PHOTO_STORY, section=section)
    assert (story.image_width, story.image_height) == (4000, 3000)
    assert story.image_alt and story.image_caption and story.image_credit
    assert (story.image_focal_x, story.image_focal_y) == LEADS[PHOTO_STORY].focal
    photos = list(story.photos.all())
    assert len(photos) >= 3
    assert len({p.caption for p in photos}) == len(photos)
    assert all(p.caption and p.credit and p.alt for p in photos)
    sizes = {(p.width, p.height) for p in photos}
    assert len(sizes) >= 2 and any(h > w for w, h in sizes)  # landscape and portrait

    # Every picture of the demo has alt text; the story's are public with all their renditions.
    assert not Article.objects.exclude(image="").filter(image_alt="").exists()
    assert not ArticlePhoto.objects.filter(alt="").exists()
    for name, width in [(story.image.name, story.image_width), *((p.image.name, p.width) for p in photos)]:
        assert not is_private(name)
        assert renditions.missing(default_storage, name, width) == []

    # The story's page shows each photo with its caption and credit; the section's listing shows several pictures.
    page = client.get(story.get_absolute_url()).content.decode()
    for item in photos:
        assert item.caption in page and item.credit in page and item.image.name in page
    listing = client.get(section.get_absolute_url()).content.decode()
    pictured = Article.objects.published().filter(section=section).exclude(image="")
    assert pictured.count() >= 3
    assert all(article.image.name in listing for article in pictured)
