"""core/filecleaning.py: uploaded PDFs are rewritten without anything that acts, images without metadata.

Every hostile PDF of tests/security/files.HOSTILE_PDFS is checked twice after the rewrite: parsed (no action,
script, embedded file, form or unwanted annotation in any object, reachable or not) and as bytes, the output
fully expanded by qpdf (object streams unpacked, every stream decoded) and searched for the names and payloads.
Each check is first shown to find something in the file before the rewrite, so it cannot pass by looking at
nothing. Images are decoded again: same format, same pixels (turned upright), no metadata block left.
"""

from __future__ import annotations

import inspect
import io
import re

import pikepdf
import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.test.utils import isolate_apps
from PIL import Image, ImageSequence, JpegImagePlugin

from core import filecleaning, renditions, uploads
from core.filecleaning import CleanedFileField, CleanedImageField, rewrite_pdf, strip_image
from tests.security import files


def render(data: bytes, scale: float = 0.25) -> list[Image.Image]:
    """Every page drawn by PDFium, as the digital edition draws them."""
    import pypdfium2 as pdfium

    with uploads.PDFIUM_LOCK:
        document = pdfium.PdfDocument(data)
        try:
            return [document[i].render(scale=scale).to_pil().convert("RGB") for i in range(len(document))]
        finally:
            document.close()


def _refusal(function, data) -> str | None:
    try:
        function(data)
    except ValidationError as exc:
        return exc.code
    return None


# ----- PDFs -----


@pytest.mark.parametrize("make", files.HOSTILE_PDFS.values(), ids=files.HOSTILE_PDFS.keys())
def test_every_hostile_pdf_holds_something_the_checks_find(make):
    assert files.pdf_leftovers(make())


@pytest.mark.parametrize("make", files.HOSTILE_PDFS.values(), ids=files.HOSTILE_PDFS.keys())
def test_rewritten_pdf_has_no_action_script_embedded_file_or_form(make):
    data = make()
    rewritten = rewrite_pdf(data)
    assert rewritten.startswith(b"%PDF-")
    assert files.pdf_leftovers(rewritten) == set()
    with pikepdf.open(io.BytesIO(rewritten)) as pdf:
        assert len(pdf.pages) == 1 and "/AcroForm" not in pdf.Root and "/OpenAction" not in pdf.Root
        assert not pdf.attachments and not pdf.is_encrypted
    assert len(render(rewritten)) == 1


def test_the_issues_example_loses_its_opening_script():
    data = files.pdf_with_issue_open_action()
    assert b"/Java#53cript" in data  # what a byte scan reads, and misses
    with pikepdf.open(io.BytesIO(rewrite_pdf(data))) as pdf:
        assert "/OpenAction" not in pdf.Root


def test_a_link_to_a_place_in_the_document_is_kept_without_its_chained_script():
    with pikepdf.open(io.BytesIO(rewrite_pdf(files.pdf_with_links()))) as pdf:
        page = pdf.pages[0].obj
        (link,) = page.Annots  # the web and launch links are gone, the internal one stays
        assert link.Subtype == pikepdf.Name.Link and "/A" not in link
        assert link.Dest[0].objgen == page.objgen and link.Dest[1] == pikepdf.Name.XYZ


def test_earlier_revisions_and_trailing_bytes_are_not_kept():
    data = files.pdf_with_update_removing_script() + b"<html><script>alert(1)</script></html>"
    assert data.count(b"%%EOF") == 2 and b"OLD-REVISION" in data
    rewritten = rewrite_pdf(data)
    assert rewritten.count(b"%%EOF") == 1 and b"/Prev" not in rewritten
    assert b"OLD-REVISION" not in files.expanded_pdf(rewritten) and b"<html" not in rewritten


def test_the_update_that_adds_an_opening_script_is_the_revision_read():
    data = files.pdf_with_update_adding_open_action()
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert "/OpenAction" in pdf.Root  # qpdf reads the latest revision, as a viewer does
    with pikepdf.open(io.BytesIO(rewrite_pdf(data))) as pdf:
        assert "/OpenAction" not in pdf.Root


def test_a_clean_pdf_keeps_its_pages_and_looks_the_same():
    data = files.printed_page_pdf()
    rewritten = rewrite_pdf(data)
    with pikepdf.open(io.BytesIO(data)) as before, pikepdf.open(io.BytesIO(rewritten)) as after:
        assert [list(p.mediabox) for p in after.pages] == [list(p.mediabox) for p in before.pages]
        assert [list(p.mediabox) for p in after.pages] == [[0, 0, 595, 842], [0, 0, 842, 1191]]
    pages_before, pages_after = render(data), render(rewritten)
    assert len(pages_after) == 2
    for page_before, page_after in zip(pages_before, pages_after, strict=True):
        assert page_after.size == page_before.size
        assert page_after.tobytes() == page_before.tobytes()
    assert pages_after[0].getpixel((60, 60)) != pages_after[0].getpixel((5, 5))  # the drawing is there


def test_a_pdf_locked_with_a_password_is_refused():
    assert _refusal(rewrite_pdf, files.pdf_locked_with_password()) == "bad_pdf"


def test_a_pdf_encrypted_without_a_password_is_stored_unencrypted():
    with pikepdf.open(io.BytesIO(files.printed_page_pdf())) as pdf:
        buffer = io.BytesIO()
        pdf.save(buffer, encryption=pikepdf.Encryption(owner="owner", user=""))
    with pikepdf.open(io.BytesIO(rewrite_pdf(buffer.getvalue()))) as pdf:
        assert not pdf.is_encrypted and len(pdf.pages) == 2


@pytest.mark.parametrize(
    "data",
    [b"%PDF-1.7\n% nothing else here\n", files.truncated(files.pdf_bytes(), 0.5), files.HTML_PAGE, b""],
    ids=["damaged", "truncated", "html", "empty"],
)
def test_an_unreadable_pdf_is_refused(data):
    assert _refusal(rewrite_pdf, data) == "bad_pdf"


# ----- images -----


@pytest.mark.parametrize("case", files.IMAGES_WITH_METADATA.values(), ids=files.IMAGES_WITH_METADATA.keys())
def test_stripped_image_keeps_its_format_and_loses_its_metadata(case):
    image_format, make = case
    data = make()
    assert files.metadata_left(data, image_format)  # there is something to strip
    stripped = strip_image(data)
    assert files.metadata_left(stripped, image_format) == []


def test_jpeg_is_turned_upright_and_keeps_its_colour_profile_and_quality():
    data = files.jpeg_with_metadata(orientation=6)
    stripped = strip_image(data)
    with Image.open(io.BytesIO(data)) as original, Image.open(io.BytesIO(stripped)) as image:
        assert original.size == (64, 48) and image.size == (48, 64)
        assert image.info["icc_profile"] == files.icc_profile()
        assert JpegImagePlugin.get_sampling(image) == JpegImagePlugin.get_sampling(original) != -1
        assert image.quantization == original.quantization
        rgb = image.convert("RGB")
        # Orientation 6: the picture is turned a quarter clockwise, so the red left half is now on top.
        assert _close(rgb.getpixel((24, 8)), (200, 30, 30)) and _close(rgb.getpixel((24, 56)), (30, 30, 200))


def _close(pixel, expected, tolerance=12) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, expected, strict=False))


def _frames(data: bytes) -> tuple[list[bytes], list[int], object]:
    with Image.open(io.BytesIO(data)) as image:
        pixels, durations = [], []
        for frame in ImageSequence.Iterator(image):
            frame.load()
            pixels.append(frame.convert("RGBA").tobytes())
            durations.append(frame.info.get("duration"))
        return pixels, durations, image.info.get("loop")


@pytest.mark.parametrize(
    "make",
    [
        files.animated_gif_with_comment,
        lambda: files.animated_gif_with_comment(transparent=True),
        files.animated_webp_with_metadata,
    ],
    ids=["gif", "transparent-gif", "webp"],
)
def test_animations_keep_every_frame_their_durations_and_looping(make):
    data = make()
    pixels, durations, loop = _frames(data)
    stripped_pixels, stripped_durations, stripped_loop = _frames(strip_image(data))
    assert len(stripped_pixels) == 3 and stripped_pixels == pixels
    assert stripped_durations == durations == files.ANIMATION_DURATIONS
    assert stripped_loop == loop is not None


@pytest.mark.parametrize(
    ("image_format", "mode", "options"),
    [
        ("PNG", "RGBA", {}),
        ("PNG", "LA", {}),
        ("PNG", "P", {"transparency": 0}),
        ("PNG", "I;16", {}),
        ("PNG", "L", {}),
        ("GIF", "P", {"transparency": 0}),
        ("WEBP", "RGBA", {"lossless": True}),
        ("JPEG", "L", {}),
        ("JPEG", "CMYK", {}),
    ],
)
def test_modes_and_transparency_are_kept(image_format, mode, options):
    image = files.two_colour_picture(mode="RGBA").convert(mode)
    buffer = io.BytesIO()
    image.save(buffer, image_format, **options)
    data = buffer.getvalue()
    with Image.open(io.BytesIO(data)) as before, Image.open(io.BytesIO(strip_image(data))) as after:
        assert (after.format, after.mode, after.size) == (before.format, before.mode, before.size)
        assert after.info.get("transparency") == before.info.get("transparency")
        if image_format != "JPEG":
            assert after.convert("RGBA").tobytes() == before.convert("RGBA").tobytes()


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (files.SVG, "not_image"),
        (files.HTML_PAGE, "not_image"),
        (b"", "not_image"),
        (files.truncated(files.image_bytes("PNG", size=(640, 480))), "not_image"),
        (files.image_bytes("TIFF"), "not_image"),
        (files.png_claiming(100_000, 100_000), "too_many_pixels"),
        (files.png_claiming(8000, 8000), "too_many_pixels"),
    ],
    ids=["svg", "html", "empty", "truncated", "tiff", "bomb", "over-our-limit"],
)
def test_what_is_not_an_image_we_take_is_refused(data, code):
    assert _refusal(strip_image, data) == code


def test_an_animation_too_large_to_hold_is_refused(monkeypatch):
    data = files.animated_gif_with_comment()
    monkeypatch.setattr(uploads, "MAX_ANIMATION_PIXELS", 40 * 30 * 3 - 1)
    assert _refusal(strip_image, data) == "animation_too_large"


# ----- the model fields -----


@pytest.fixture
def clipping_model():
    """A model of our own with both fields, registered only for the test (no table: nothing is written)."""
    with isolate_apps("core"):

        class Clipping(models.Model):
            photo = CleanedImageField(
                upload_to="clips/", blank=True, width_field="photo_width", height_field="photo_height"
            )
            photo_width = models.PositiveIntegerField(null=True)
            photo_height = models.PositiveIntegerField(null=True)
            pdf = CleanedFileField(upload_to="clips/", blank=True)

            class Meta:
                app_label = "core"

            def __str__(self):
                return self.photo.name

        yield Clipping


def _stored(field_file) -> bytes:
    with field_file.storage.open(field_file.name, "rb") as stored:
        return stored.read()


def test_image_field_stores_the_stripped_image_under_its_name(clipping_model):
    clipping = clipping_model(photo=SimpleUploadedFile("现场.jpg", files.jpeg_with_metadata(orientation=6)))
    field = clipping._meta.get_field("photo")
    field.pre_save(clipping, add=True)
    assert clipping.photo._committed and re.fullmatch(r"clips/现场(_\w+)?\.jpg", clipping.photo.name)
    assert files.metadata_left(_stored(clipping.photo), "JPEG") == []
    assert (clipping.photo_width, clipping.photo_height) == (48, 64)  # the size of the upright image
    assert (clipping.photo.width, clipping.photo.height) == (48, 64)


def test_pdf_field_stores_the_rewritten_pdf_under_its_name(clipping_model):
    clipping = clipping_model(pdf=SimpleUploadedFile("第1版.pdf", files.pdf_with_embedded_file()))
    clipping._meta.get_field("pdf").pre_save(clipping, add=True)
    assert re.fullmatch(r"clips/第1版(_\w+)?\.pdf", clipping.pdf.name)
    assert files.pdf_leftovers(_stored(clipping.pdf)) == set()


def test_saving_through_the_field_file_stores_the_cleaned_file_too(clipping_model):
    clipping = clipping_model()
    clipping.photo.save("photo.png", ContentFile(files.png_with_metadata()), save=False)
    clipping.pdf.save("page.pdf", ContentFile(files.pdf_with_links()), save=False)
    assert files.metadata_left(_stored(clipping.photo), "PNG") == []
    assert files.pdf_leftovers(_stored(clipping.pdf)) == set()


def test_the_file_is_cleaned_once(clipping_model, monkeypatch):
    calls = []
    monkeypatch.setattr(filecleaning, "strip_image", lambda data: calls.append(1) or data)
    clipping = clipping_model(photo=SimpleUploadedFile("photo.png", files.image_bytes("PNG")))
    clipping._meta.get_field("photo").pre_save(clipping, add=True)
    assert calls == [1]


def test_files_already_stored_are_left_alone(clipping_model):
    clipping = clipping_model(photo="clips/old.jpg", photo_width=48, photo_height=64, pdf="clips/old.pdf")
    for name, stored in (("photo", "clips/old.jpg"), ("pdf", "clips/old.pdf")):
        # Nothing is read: the files do not even exist.
        assert clipping._meta.get_field(name).pre_save(clipping, add=False).name == stored


def test_a_file_that_cannot_be_cleaned_is_not_stored(clipping_model, settings):
    clipping = clipping_model(
        photo=SimpleUploadedFile("logo.png", files.SVG), pdf=SimpleUploadedFile("p.pdf", b"x")
    )
    for name, code in (("photo", "not_image"), ("pdf", "bad_pdf")):
        with pytest.raises(ValidationError) as refused:
            clipping._meta.get_field(name).pre_save(clipping, add=True)
        assert refused.value.code == code
    assert not (settings.MEDIA_ROOT / "clips").exists()


@pytest.mark.parametrize(
    ("cleaned", "parent", "kwargs"),
    [
        (CleanedImageField, models.ImageField, {"upload_to": "articles/%Y/%m/", "blank": True}),
        (CleanedFileField, models.FileField, {"upload_to": "pages/%Y/%m/", "blank": True, "max_length": 200}),
    ],
)
def test_fields_deconstruct_and_build_like_their_parents(cleaned, parent, kwargs):
    validators = [uploads.validate_image_upload]
    name, path, args, cleaned_kwargs = cleaned("image", validators=validators, **kwargs).deconstruct()
    _, parent_path, parent_args, parent_kwargs = parent(
        "image", validators=validators, **kwargs
    ).deconstruct()
    assert path == f"core.filecleaning.{cleaned.__name__}" and parent_path.startswith("django.db.models")
    assert (args, cleaned_kwargs) == (parent_args, parent_kwargs)
    assert inspect.signature(cleaned.__init__) == inspect.signature(parent.__init__)
    assert cleaned().get_internal_type() == parent().get_internal_type()
    rebuilt = cleaned(*args, **cleaned_kwargs)
    assert isinstance(rebuilt, cleaned) and rebuilt.upload_to == kwargs["upload_to"]


def test_a_stored_picture_gets_its_renditions_made_once_from_the_cleaned_bytes(clipping_model, monkeypatch):
    made = []
    build = renditions.build
    monkeypatch.setattr(
        renditions, "build", lambda storage, name, data: made.append(data) or build(storage, name, data)
    )
    clipping = clipping_model(photo=SimpleUploadedFile("现场.jpg", files.jpeg_with_metadata(orientation=6)))
    clipping._meta.get_field("photo").pre_save(clipping, add=True)
    assert made == [_stored(clipping.photo)]  # once, from what was stored (no metadata, upright)
    names = [renditions.rendition_name(clipping.photo.name, 360, e[0]) for e in renditions.formats()]
    for name in [*names, renditions.og_name(clipping.photo.name)]:
        with clipping.photo.storage.open(name, "rb") as stored, Image.open(stored) as image:
            assert image.size == (48, 64)
    clipping.photo.save("photo.png", ContentFile(files.png_with_metadata()), save=False)
    assert len(made) == 2 and made[1] == _stored(clipping.photo)


def test_a_cameras_mpo_jpeg_is_taken_and_stored_as_a_plain_jpeg_of_its_first_picture():
    """Phones write JPEGs with a second picture (MPO: a depth map, a preview); Pillow calls them MPO. They are
    accepted as the JPEGs they are, and stored as one plain JPEG without EXIF."""
    first, second = Image.new("RGB", (64, 48), (200, 30, 30)), Image.new("RGB", (64, 48), (30, 30, 200))
    exif = Image.Exif()
    exif[0x010F] = "CameraMaker"
    buffer = io.BytesIO()
    first.save(buffer, "MPO", save_all=True, append_images=[second], exif=exif)
    with Image.open(io.BytesIO(buffer.getvalue())) as opened:
        assert opened.format == "MPO" and opened.n_frames == 2

    uploads.validate_image_upload(SimpleUploadedFile("camera.jpg", buffer.getvalue(), "image/jpeg"))
    stripped = strip_image(buffer.getvalue())

    with Image.open(io.BytesIO(stripped)) as image:
        assert image.format == "JPEG" and getattr(image, "n_frames", 1) == 1
        assert not image.getexif()
        red, green, blue = image.convert("RGB").getpixel((10, 10))
        assert red > 150 and blue < 80  # the first picture, not the second
    assert b"CameraMaker" not in stripped
