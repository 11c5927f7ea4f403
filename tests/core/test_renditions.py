"""Renditions (core/renditions.py): the widths of each slot, real files in each format, their bytes on disk, no
metadata but the colour profile, the names, and what `picture()` gives the templates. Every kind of picture a
newsroom uploads (CMYK, 16-bit, transparent, animated): tests/core/test_rendition_inputs.py."""

import io
import random
import struct

import pytest
from django.core.files.storage import InMemoryStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image, ImageChops, ImageDraw, ImageFilter, features

from core import renditions
from core.storage import PrivateUpload, PublicUpload
from tests.security import files as samples

PILLOW_FORMAT = {"avif": "AVIF", "webp": "WEBP", "jpg": "JPEG"}
KB = 1024


# ----- pictures -----


def encoded(image: Image.Image, fmt: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def plain_picture(size, mode="RGB") -> Image.Image:
    """Left half red, right half blue, a soft band across: cheap to encode, and a turn shows where colours went."""
    image = Image.new("RGB", size, (200, 30, 30))
    image.paste((30, 30, 200), (size[0] // 2, 0, size[0], size[1]))
    ImageDraw.Draw(image).rectangle((0, size[1] // 3, size[0], size[1] // 2), fill=(230, 200, 90))
    return image.convert(mode)


def _grain(rng: random.Random, size, amplitude: int) -> Image.Image:
    grey = Image.frombytes("L", size, rng.randbytes(size[0] * size[1]))
    return grey.point(lambda value: 128 + (value - 128) * amplitude // 128)


def photograph(size=(4000, 3000), seed=18) -> Image.Image:
    """Photo-like and the same every run: a sky's gradient, shapes with soft edges, wires, texture at a coarse and
    a middle scale (foliage, fabric) and a sensor's grain. A camera's JPEG of it is 3.7 MB."""
    width, height = size
    rng = random.Random(seed)
    light = Image.linear_gradient("L").resize(size)
    image = Image.merge(
        "RGB",
        [
            light.point(lambda v: 90 + v * 80 // 255),
            light.point(lambda v: 140 + v * 60 // 255),
            light.point(lambda v: 220 - v * 60 // 255),
        ],
    )
    draw = ImageDraw.Draw(image)
    for _ in range(60):
        x, y = rng.randrange(width), rng.randrange(height // 3, height)
        rx, ry = rng.randrange(width // 40, width // 6), rng.randrange(height // 40, height // 6)
        shape = draw.ellipse if rng.random() < 0.5 else draw.rectangle
        shape((x - rx, y - ry, x + rx, y + ry), fill=tuple(rng.randrange(20, 230) for _ in range(3)))
    for _ in range(80):
        ends = [(rng.randrange(width), rng.randrange(height)) for _ in range(2)]
        draw.line(ends, fill=tuple(rng.randrange(256) for _ in range(3)), width=rng.randrange(2, 9))
    image = image.filter(ImageFilter.GaussianBlur(2))
    for scale, amplitude in ((64, 42), (8, 24), (1, 10)):
        grain = _grain(rng, (width // scale + 1, height // scale + 1), amplitude)
        grain = grain.resize(size, Image.Resampling.BICUBIC)
        image = ImageChops.add(image, Image.merge("RGB", [grain] * 3), offset=-128)
    return image


def _segment(marker: int, payload: bytes) -> bytes:
    return bytes([0xFF, marker]) + struct.pack(">H", len(payload) + 2) + payload


IPTC_CAPTION = b"\x1c\x02\x78" + struct.pack(">H", 12) + b"IPTC-PAYLOAD"
PHOTOSHOP = b"Photoshop 3.0\x008BIM\x04\x04\x00\x00" + struct.pack(">I", len(IPTC_CAPTION)) + IPTC_CAPTION
CAMERA = {ExifTags.Base.Make: "CAMERA-MAKER", ExifTags.Base.Model: "CAMERA-MODEL-R5"}


def camera_jpeg(size=(1200, 800), orientation=6) -> bytes:
    """A camera's JPEG: EXIF (GPS position, make and model, the orientation), XMP, IPTC (APP13), an ICC profile."""
    exif = samples.exif_with_gps(orientation)
    for tag, value in CAMERA.items():
        exif[tag] = value
    data = encoded(
        plain_picture(size), "JPEG", quality=90, exif=exif, xmp=samples.XMP, icc_profile=samples.icc_profile()
    )
    return data[:2] + _segment(0xED, PHOTOSHOP) + data[2:]


# What no rendition may carry: the GPS payload, the camera, XMP, IPTC, EXIF in any container.
LEAKS = (
    b"GPS-PAYLOAD",
    b"CAMERA-MAKER",
    b"CAMERA-MODEL",
    b"XMP-PAYLOAD",
    b"xmpmeta",
    b"IPTC-PAYLOAD",
    b"Photoshop 3.0",
    b"8BIM",
    b"Exif",
)


def stored(storage, name: str) -> bytes:
    with storage.open(name, "rb") as file:
        return file.read()


def opened(storage, name: str) -> Image.Image:
    image = Image.open(io.BytesIO(stored(storage, name)))
    image.load()
    return image


def built(data: bytes, name="articles/2026/12/0123456789abcdef/picture.jpg"):
    storage = InMemoryStorage()
    return storage, name, renditions.build(storage, name, data)


def close(pixel, expected, tolerance=14) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, expected, strict=False))


# ----- widths -----


@pytest.mark.parametrize(
    ("width", "expected"),
    [
        (4000, [(360, 360), (720, 720), (1080, 1080), (1600, 1600)]),
        (1600, [(360, 360), (720, 720), (1080, 1080), (1600, 1600)]),
        (1601, [(360, 360), (720, 720), (1080, 1080), (1600, 1600)]),
        (1200, [(360, 360), (720, 720), (1080, 1080), (1600, 1200)]),
        (800, [(360, 360), (720, 720), (1080, 800)]),
        (720, [(360, 360), (720, 720)]),
        (360, [(360, 360)]),
        (200, [(360, 200)]),
        (1, [(360, 1)]),
    ],
)
def test_each_slot_holds_its_width_and_none_is_wider_than_the_original(width, expected):
    assert renditions.slots(width) == expected


@pytest.mark.parametrize("width", [4000, 1600, 800, 360, 200])
def test_the_set_made_for_an_original_of_each_width(width):
    height = width * 3 // 4
    storage, name, written = built(encoded(plain_picture((width, height)), "JPEG", quality=90))
    expected = {
        renditions.rendition_name(name, slot, extension): (
            real,
            renditions.scaled_height(width, height, real),
        )
        for slot, real in renditions.slots(width)
        for extension in PILLOW_FORMAT
    }
    assert set(written) == {*expected, renditions.og_name(name)}
    for each, size in expected.items():
        assert opened(storage, each).size == size
        assert size[0] <= width
    og = opened(storage, renditions.og_name(name))
    assert og.size == (min(1200, width), renditions.scaled_height(width, height, min(1200, width)))


def test_a_portrait_picture_is_sized_by_its_width():
    storage, name, _written = built(encoded(plain_picture((3000, 4000)), "JPEG", quality=90))
    sizes = [
        opened(storage, renditions.rendition_name(name, slot, "webp")).size for slot in renditions.WIDTHS
    ]
    assert sizes == [(360, 480), (720, 960), (1080, 1440), (1600, 2133)]
    assert opened(storage, renditions.og_name(name)).size == (1200, 1600)


def test_a_very_tall_picture_gets_narrower_renditions_no_taller_than_any_format_takes():
    """A long infographic (长图): at 360 wide it would be 18000 pixels tall, past WebP's 16383."""
    storage, name, written = built(encoded(plain_picture((400, 20000)), "PNG"))
    assert renditions.slots(400, 20000) == [(360, 327)]
    for each in written:
        image = opened(storage, each)
        assert image.height <= renditions.MAX_SIDE and image.width == 327
    found = renditions.picture(name, 400, 20000)
    assert found.srcset.endswith(" 327w") and (found.og_width, found.og_height) == (327, 16350)


def test_a_very_small_and_a_very_wide_picture():
    storage, name, written = built(encoded(plain_picture((10, 5)), "PNG"))
    assert len(written) == len(renditions.formats()) + 1
    assert {opened(storage, each).size for each in written} == {(10, 5)}
    storage, name, written = built(encoded(plain_picture((8000, 100)), "PNG"))
    assert opened(storage, renditions.rendition_name(name, 1600, "webp")).size == (1600, 20)
    assert opened(storage, renditions.rendition_name(name, 360, "jpg")).size == (360, 4)


# ----- formats -----


@pytest.mark.skipif(not features.check("avif"), reason="this Pillow does not write AVIF")
def test_avif_comes_first_then_webp_then_the_jpeg_fallback():
    assert [encoding[0] for encoding in renditions.formats()] == ["avif", "webp", "jpg"]


def test_every_rendition_is_a_real_file_of_its_format():
    storage, name, written = built(encoded(plain_picture((1200, 900)), "PNG"))
    extensions = [each.rsplit(".", 1)[1] for each in written]
    assert extensions.count("webp") == extensions.count("avif" if features.check("avif") else "webp")
    for each in written:
        image = opened(storage, each)
        assert image.format == PILLOW_FORMAT[each.rsplit(".", 1)[1]]
        assert image.mode in ("RGB", "RGBA")
    assert opened(storage, renditions.og_name(name)).format == "JPEG"


# ----- bytes on disk -----


@pytest.fixture(scope="module")
def photo_set():
    """A 4000 × 3000 camera JPEG of `photograph()` and its renditions, made once for the module."""
    original = encoded(photograph(), "JPEG", quality=92)
    storage = InMemoryStorage()
    name = "articles/2026/12/0123456789abcdef/photo.jpg"
    renditions.build(storage, name, original)
    return original, storage, name


# The most each slot may weigh, in KB, for the photograph (measured: AVIF 16/62/112/175, WebP 25/91/148/235,
# JPEG 28/107/204/356, Open Graph 238).
SLOT_LIMITS_KB = {
    "avif": {360: 30, 720: 90, 1080: 150, 1600: 230},
    "webp": {360: 35, 720: 110, 1080: 180, 1600: 250},
    "jpg": {360: 40, 720: 130, 1080: 240, 1600: 400},
}


def test_the_test_photograph_is_as_hard_to_compress_as_a_camera_photo(photo_set):
    original, _storage, _name = photo_set
    assert len(original) > 3_000_000


@pytest.mark.parametrize("extension", PILLOW_FORMAT)
def test_a_photographs_renditions_are_small(photo_set, extension):
    if extension == "avif" and not features.check("avif"):
        pytest.skip("this Pillow does not write AVIF")
    _original, storage, name = photo_set
    sizes = {
        slot: storage.size(renditions.rendition_name(name, slot, extension)) for slot in renditions.WIDTHS
    }
    assert sizes == {
        slot: size for slot, size in sizes.items() if size <= SLOT_LIMITS_KB[extension][slot] * KB
    }
    assert sizes[360] < 40 * KB  # a phone's first screen
    assert storage.size(renditions.og_name(name)) < 300 * KB


def test_each_modern_format_is_smaller_than_the_jpeg_fallback(photo_set):
    _original, storage, name = photo_set
    for slot in renditions.WIDTHS:
        fallback = storage.size(renditions.rendition_name(name, slot, "jpg"))
        for extension, *_rest in renditions.formats()[:-1]:
            assert storage.size(renditions.rendition_name(name, slot, extension)) < fallback


# ----- metadata -----


def assert_clean_and_upright(storage, names):
    for each in names:
        data = stored(storage, each)
        assert [leak for leak in LEAKS if leak in data] == [], each
        image = opened(storage, each)
        assert not image.getexif() and not {"exif", "xmp", "photoshop", "XML:com.adobe.xmp"} & set(image.info)
        assert image.info.get("icc_profile") == samples.icc_profile(), each
        # Orientation 6: the picture's left (red) half is its top once turned; portrait now.
        assert image.height > image.width, each
        rgb = image.convert("RGB")
        assert close(rgb.getpixel((rgb.width // 5, 2)), (200, 30, 30)), each
        assert close(rgb.getpixel((rgb.width // 5, rgb.height - 3)), (30, 30, 200)), each


def test_renditions_of_a_camera_jpeg_carry_no_metadata_are_upright_and_keep_the_colour_profile():
    data = camera_jpeg()
    assert all(leak in data for leak in (b"GPS-PAYLOAD", b"CAMERA-MAKER", b"XMP-PAYLOAD", b"IPTC-PAYLOAD"))
    storage, name, written = built(data)
    assert renditions.slots(800) == [(360, 360), (720, 720), (1080, 800)]  # 1200 × 800 turned: 800 wide
    assert opened(storage, renditions.rendition_name(name, 1080, "jpg")).size == (800, 1200)
    assert_clean_and_upright(storage, written)


def test_a_large_turned_jpeg_is_decoded_small_and_still_sized_from_its_upright_original():
    storage, name, _written = built(camera_jpeg(size=(4000, 3000)))
    assert opened(storage, renditions.rendition_name(name, 1600, "webp")).size == (1600, 2133)
    assert opened(storage, renditions.rendition_name(name, 360, "jpg")).size == (360, 480)


@pytest.mark.django_db
def test_a_picture_stored_through_its_field_gets_clean_renditions_beside_it():
    from django.core.files.storage import default_storage

    from tests.factories import ArticleFactory

    article = ArticleFactory(image=SimpleUploadedFile("田间.jpg", camera_jpeg()))
    assert (article.image_width, article.image_height) == (800, 1200)
    names = [each for each in renditions.rendition_names(article.image.name) if default_storage.exists(each)]
    assert len(names) == 3 * len(renditions.formats()) + 1
    assert_clean_and_upright(default_storage, names)


def test_building_again_replaces_the_set_and_removes_slots_the_picture_no_longer_has():
    storage, name, _written = built(encoded(plain_picture((2000, 1000)), "PNG"))
    assert storage.exists(renditions.rendition_name(name, 1600, "jpg"))
    written = renditions.build(storage, name, encoded(plain_picture((500, 250)), "PNG"))
    assert not storage.exists(renditions.rendition_name(name, 1080, "jpg"))
    assert not storage.exists(renditions.rendition_name(name, 1600, "webp"))
    assert opened(storage, renditions.rendition_name(name, 720, "jpg")).size == (500, 250)
    assert (
        renditions.missing(storage, name, 500, 250) == []
        and len(written) == 2 * len(renditions.formats()) + 1
    )


def test_missing_lists_what_a_picture_should_have_and_storage_lacks():
    storage, name, written = built(encoded(plain_picture((900, 600)), "PNG"))
    assert renditions.missing(storage, name, 900, 600) == []
    gone = renditions.rendition_name(name, 720, "webp")
    storage.delete(gone)
    assert renditions.missing(storage, name, 900, 600) == [gone]
    assert renditions.missing(storage, "nothing/here.jpg", 200, 100) == [
        *(renditions.rendition_name("nothing/here.jpg", 360, e[0]) for e in renditions.formats()),
        renditions.og_name("nothing/here.jpg"),
    ]


def test_measure_reads_the_upright_size_from_the_header():
    assert renditions.measure(io.BytesIO(camera_jpeg(size=(1200, 800)))) == (800, 1200)
    assert renditions.measure(io.BytesIO(encoded(plain_picture((30, 20)), "PNG"))) == (30, 20)


# ----- names -----


def test_every_rendition_name_leads_back_to_its_original_and_no_other_name_does():
    name = "articles/2026/12/0123456789abcdef/雪豹.jpg"
    names = renditions.rendition_names(name)
    assert len(names) == len(renditions.WIDTHS) * len(renditions.ALL_EXTENSIONS) + 1
    assert {renditions.original_of(each) for each in names} == {name}
    for other in (
        name,
        "a/b.thumb.jpg",
        "a/b.jpg.w361.webp",
        "a/b.jpg.w360.png",
        "a/b.og.png",
        "a/w360.webp",
    ):
        assert renditions.original_of(other) is None


@pytest.mark.parametrize(
    ("upload", "cleaned"),
    [
        ("雪豹.jpg", "雪豹.jpg"),
        ("PHOTO.JPG", "PHOTO.jpg"),
        ("a.b.c.png", "a-b-c.png"),
        ("photo.jpg.w360.webp", "photo-jpg-w360.webp"),
        ("photo.jpg.og.jpg", "photo-jpg-og.jpg"),
        ("page.thumb.jpg", "page-thumb.jpg"),
        (".jpg", "image.jpg"),
        ("folder/x.y.gif", "x-y.gif"),
    ],
)
def test_an_upload_named_like_a_rendition_is_renamed_so_it_never_is_one(upload, cleaned):
    assert renditions.clean_upload_name(upload) == cleaned
    assert renditions.original_of(cleaned) is None
    assert PrivateUpload("articles/%Y/")(None, upload).endswith("/" + cleaned)
    assert PublicUpload("authors/%Y/")(None, upload).endswith("/" + cleaned)


@pytest.mark.django_db
def test_an_upload_named_like_a_rendition_never_replaces_that_rendition():
    from django.core.files.storage import default_storage

    from tests.factories import AuthorFactory

    first = AuthorFactory(photo=SimpleUploadedFile("photo.jpg", encoded(plain_picture((400, 300)), "JPEG")))
    target = renditions.rendition_name(first.photo.name, 360, "webp")
    before = stored(default_storage, target)
    impostor = encoded(Image.new("RGB", (400, 300), (0, 200, 0)), "WEBP")
    second = AuthorFactory(photo=SimpleUploadedFile("photo.jpg.w360.webp", impostor))
    assert second.photo.name != target and renditions.original_of(second.photo.name) is None
    assert stored(default_storage, target) == before


# ----- what the templates get -----


PUBLIC = "articles/2026/12/0123456789abcdef/雪豹.jpg"


def test_picture_gives_one_source_per_modern_format_a_jpeg_fallback_and_the_open_graph_rendition(settings):
    found = renditions.picture(PUBLIC, 4000, 3000)
    base = settings.MEDIA_URL + "articles/2026/12/0123456789abcdef/%E9%9B%AA%E8%B1%B9.jpg"
    modern = [(mime, extension) for extension, mime, *_rest in renditions.formats()[:-1]]
    assert [(source.mime, source.srcset) for source in found.sources] == [
        (mime, ", ".join(f"{base}.w{w}.{extension} {w}w" for w in (360, 720, 1080, 1600)))
        for mime, extension in modern
    ]
    assert found.srcset == ", ".join(f"{base}.w{w}.jpg {w}w" for w in (360, 720, 1080, 1600))
    assert found.src == f"{base}.w1080.jpg"
    assert (found.width, found.height) == (4000, 3000)
    assert (found.og_url, found.og_width, found.og_height) == (f"{base}.og.jpg", 1200, 900)


def test_picture_of_a_small_picture_names_its_real_widths(settings):
    found = renditions.picture("a/small.png", 200, 150)
    url = f"{settings.MEDIA_URL}a/small.png.w360.jpg"
    assert found.srcset == f"{url} 200w" and found.src == url
    assert [source.srcset.rsplit(" ", 1)[1] for source in found.sources] == ["200w"] * len(found.sources)
    assert (found.og_width, found.og_height) == (200, 150)
    middle = renditions.picture("a/mid.png", 800, 600)
    assert middle.srcset.endswith(f"{settings.MEDIA_URL}a/mid.png.w1080.jpg 800w")
    assert middle.src.endswith("a/mid.png.w1080.jpg")


def test_picture_of_a_private_picture_goes_through_the_view_or_the_url_given():
    found = renditions.picture("private/articles/2026/12/p.jpg", 1600, 900)
    assert found.src == "/private-media/articles/2026/12/p.jpg.w1080.jpg"
    urls = [entry.split(" ")[0] for entry in [found.srcset, *(s.srcset for s in found.sources)]]
    assert urls and all(url.startswith("/private-media/articles/2026/12/p.jpg.w") for url in urls)
    assert found.og_url == "/private-media/articles/2026/12/p.jpg.og.jpg"
    signed = renditions.picture("private/a/p.jpg", 1600, 900, url=lambda name: f"/signed/{name}?s=1")
    assert signed.src == "/signed/private/a/p.jpg.w1080.jpg?s=1"
    assert signed.og_url == "/signed/private/a/p.jpg.og.jpg?s=1"


def test_picture_is_none_without_a_name_or_a_size():
    assert renditions.picture("", 100, 100) is None
    assert renditions.picture("a/b.jpg", None, 100) is None
    assert renditions.picture("a/b.jpg", 100, 0) is None


@pytest.mark.django_db
def test_picture_makes_no_query_and_no_storage_call(django_assert_num_queries, monkeypatch):
    from django.core.files.storage import default_storage

    def refuse(*args, **kwargs):
        raise AssertionError("picture() called the storage")

    for method in ("open", "exists", "size", "listdir", "save"):
        monkeypatch.setattr(default_storage, method, refuse)
    with django_assert_num_queries(0):
        assert renditions.picture(PUBLIC, 4000, 3000) is not None
        assert renditions.picture("private/" + PUBLIC, 4000, 3000) is not None


@pytest.mark.django_db
def test_healthz_names_the_formats_renditions_are_written_in(client):
    storage = client.get("/healthz").json()["checks"]["storage"]
    assert storage["renditions"] == [encoding[0] for encoding in renditions.formats()]
    assert storage["renditions"][-2:] == ["webp", "jpg"]
