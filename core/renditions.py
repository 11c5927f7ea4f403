"""Renditions: every stored picture in the sizes and formats a browser asks for, made once, stored beside it.

An original `articles/2026/12/k3x…/probe.jpg` gets, in the same folder:

- `probe.jpg.w360.avif`, `probe.jpg.w360.webp`, `probe.jpg.w360.jpg`, and the same at 720, 1080 and 1600: one
  per *slot* of `WIDTHS`. A slot holds the picture at the slot's width, or at the original's width when that is
  smaller (the first slot at least as wide as the original is the last one made: nothing is ever enlarged). A
  picture taller than MAX_SIDE at that width (a long infographic) is made narrower instead (`widest`);
- `probe.jpg.og.jpg`, at most `OG_WIDTH` wide, for Open Graph and JSON-LD (social sites want a JPEG).

AVIF only where this Pillow writes it (`formats()`). The names follow from the original's name alone, so the
templates build `srcset` with no storage call (`picture()`), and core/storage.py's `derived_names` lists them:
they move between public and private storage with their original (files/release.py) and are deleted with it.
An original's name never has a dot in its stem (`clean_upload_name`), so no original is ever named like a
rendition. Renditions are made from the cleaned original when it is stored (core/filecleaning.py) and by
`manage.py build_renditions`; they carry no metadata (no EXIF, XMP or IPTC: no GPS position, no camera), the
pixels turned upright and the ICC colour profile kept (a CMYK or greyscale profile is applied instead: the
renditions are RGB). An animation's renditions show its first frame; a transparent picture's JPEGs are laid on
white. The encoders' settings make a 4000×3000 photograph's 1600 slot about 175 KB in AVIF and 235 KB in WebP,
its 360 slot 15 KB and 25 KB; the whole set takes about 2.7 CPU seconds (4.3 for a portrait 3000×4000), AVIF
most of it (tests/core/test_renditions.py holds the sizes to account).
"""

from __future__ import annotations

import io
import mimetypes
import posixpath
import re
from dataclasses import dataclass
from functools import cache

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageCms, ImageOps, JpegImagePlugin, features

from core.uploads import OPENED_IMAGE_FORMATS, reading_image

WIDTHS = (360, 720, 1080, 1600)
ORIENTATION = 0x0112  # the EXIF tag
OG_WIDTH = 1200
MAX_SIDE = 16383  # the tallest a rendition is (WebP's limit); a taller picture's renditions are narrower
# (extension, MIME type, Pillow format, encoder options); the order of <source> elements: best first. The
# qualities look alike (their PSNR within a quarter of a dB on a photograph at 1600 wide); AVIF's speed 6 keeps a
# photograph's whole set within a few seconds (speed 8 halves AVIF's time for 10 % more bytes).
_ENCODINGS = (
    ("avif", "image/avif", "AVIF", {"quality": 55, "speed": 6}),
    ("webp", "image/webp", "WEBP", {"quality": 75, "method": 4}),
    ("jpg", "image/jpeg", "JPEG", {"quality": 80, "optimize": True, "progressive": True}),
)
mimetypes.add_type("image/avif", ".avif")  # not in every system's table; the private-file view reads it
ALL_EXTENSIONS = tuple(encoding[0] for encoding in _ENCODINGS)
FALLBACK = "jpg"
# A rendition's ending: .w<slot>.<extension> or .og.jpg.
_SLOTS, _EXTENSIONS = "|".join(map(str, WIDTHS)), "|".join(ALL_EXTENSIONS)
RENDITION_RE = re.compile(rf"\.(?:w(?:{_SLOTS})\.(?:{_EXTENSIONS})|og\.jpg)$")


@cache
def formats() -> tuple[tuple[str, str, str, dict], ...]:
    """The encodings this installation writes: AVIF where Pillow has it, WebP, and the JPEG fallback."""
    return tuple(e for e in _ENCODINGS if e[2] == "JPEG" or features.check(e[2].lower()))


def rendition_name(name: str, slot: int | str, extension: str) -> str:
    return f"{name}.w{slot}.{extension}"


def og_name(name: str) -> str:
    return f"{name}.og.jpg"


def rendition_names(name: str) -> list[str]:
    """Every rendition `name` may have (whether it was made or not)."""
    return [rendition_name(name, s, e) for s in WIDTHS for e in ALL_EXTENSIONS] + [og_name(name)]


def original_of(name: str) -> str | None:
    """The original a rendition's name belongs to; None for a name that is not a rendition's."""
    match = RENDITION_RE.search(name)
    return name[: match.start()] if match else None


def widest(width: int, height: int | None = None) -> int:
    """The widest a rendition of a `width`×`height` picture may be: its width, or narrower where its height
    would pass MAX_SIDE (a very tall picture: WebP stops at 16383 pixels)."""
    if not height or height <= MAX_SIDE:
        return width
    return max(1, min(width, MAX_SIDE * width // height))


def slots(width: int, height: int | None = None) -> list[tuple[int, int]]:
    """(slot, real width) of the renditions of a picture `width`×`height` pixels, narrowest first."""
    limit = widest(width, height)
    result = []
    for slot in WIDTHS:
        result.append((slot, min(slot, limit)))
        if slot >= limit:
            break
    return result


def scaled_height(width: int, height: int, new_width: int) -> int:
    return max(1, round(height * new_width / width))


def og_size(width: int, height: int) -> tuple[int, int]:
    """The Open Graph rendition's width and height: OG_WIDTH wide at most, never wider than the picture."""
    og_width = min(OG_WIDTH, widest(width, height))
    return og_width, scaled_height(width, height, og_width)


def clean_upload_name(filename: str) -> str:
    """A file name whose stem has no dot (`a.b.jpg` → `a-b.jpg`): originals are never named like renditions."""
    base = posixpath.basename(filename)
    stem, dot, extension = base.rpartition(".")
    if not dot:
        return base.replace(".", "-")
    return f"{stem.replace('.', '-') or 'image'}.{extension.lower()}"


# ----- making them -----


@cache
def _srgb() -> ImageCms.ImageCmsProfile:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


def _in_rgb_colours(image: Image.Image, icc: bytes | None) -> tuple[Image.Image, bytes | None]:
    """(the picture, the ICC profile its renditions keep). An RGB profile stays with RGB pixels. A CMYK or
    greyscale profile cannot describe the RGB renditions: it is applied (the pixels become sRGB, which needs no
    profile); one that cannot be read, or does not fit the pixels, is left out (browsers then assume sRGB)."""
    if not icc:
        return image, None
    try:
        profile = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        space = profile.profile.xcolor_space.strip()
    except (OSError, ImageCms.PyCMSError):
        return image, None
    if space == "RGB" and image.mode in ("RGB", "RGBA", "P", "PA"):
        return image, icc
    if (image.mode, space) in (("CMYK", "CMYK"), ("L", "GRAY")):
        try:
            return ImageCms.profileToProfile(image, profile, _srgb(), outputMode="RGB"), None
        except (OSError, ImageCms.PyCMSError):
            pass
    return image, None


def _pixels(image: Image.Image) -> Image.Image:
    """The first frame (a picture just opened is at it), turned as its EXIF says, in RGB (RGBA where some pixel
    is not opaque), holding no metadata but the ICC profile it keeps."""
    icc = image.info.get("icc_profile") or None
    upright = ImageOps.exif_transpose(image)
    if upright.mode.startswith("I"):  # a 16-bit greyscale PNG: scaled to 8 bits (a plain conversion clips)
        upright = upright.convert("I").point(lambda value: value / 256).convert("L")
    upright, icc = _in_rgb_colours(upright, icc)
    has_alpha = upright.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in upright.info
    upright = upright.convert("RGBA" if has_alpha else "RGB")
    if has_alpha and upright.getchannel("A").getextrema()[0] == 255:  # an alpha channel with nothing clear
        upright = upright.convert("RGB")
    upright.info = {"icc_profile": icc} if icc else {}
    return upright


def _decode(data: bytes) -> tuple[Image.Image, int, int]:
    """The picture in `data` ready to scale (`_pixels`), and its upright width and height. A JPEG is decoded
    at a fraction of its size (a half, a quarter …) where that still covers its widest rendition."""
    with reading_image(), Image.open(io.BytesIO(data), formats=OPENED_IMAGE_FORMATS) as opened:
        width, height = opened.size
        # A JPEG's EXIF comes before its pixels (a camera's MPO file is a JPEG too): known before decoding.
        jpeg = isinstance(opened, JpegImagePlugin.JpegImageFile)
        turned = jpeg and opened.getexif().get(ORIENTATION, 1) in (5, 6, 7, 8)
        largest = slots(*((height, width) if turned else (width, height)))[-1][1]
        opened.draft("RGB", (1, largest) if turned else (largest, 1))
        decoded = opened.size
        image = _pixels(opened)
    if image.size != decoded:  # turned upright: the original's width and height swap too
        width, height = height, width
    return image, width, height


def _encode(image: Image.Image, pillow_format: str, options: dict) -> bytes:
    if pillow_format == "JPEG" and image.mode == "RGBA":  # JPEG has no transparency: lay it on white
        background = Image.new("RGB", image.size, "white")
        background.paste(image, mask=image.getchannel("A"))
        background.info = image.info
        image = background
    buffer = io.BytesIO()
    icc = image.info.get("icc_profile")
    image.save(buffer, pillow_format, **options, **({"icc_profile": icc} if icc else {}))
    return buffer.getvalue()


def _resized(image: Image.Image, width: int, height: int) -> Image.Image:
    if (width, height) == image.size:
        return image
    # reducing_gap: a large reduction first averages whole blocks of pixels, then resamples (fast, same look).
    resized = image.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)
    resized.info = image.info
    return resized


def _write(storage, name: str, data: bytes) -> None:
    """Store `data` at exactly `name`, replacing what was there."""
    if storage.exists(name):
        storage.delete(name)
    saved = storage.save(name, ContentFile(data))
    if saved != name:  # pragma: no cover - only a concurrent writer of the same rendition could cause this
        storage.delete(saved)


def build(storage, name: str, data: bytes | None = None) -> list[str]:
    """Make and store every rendition of the picture stored at `name` (its bytes in `data`, or read from
    `storage`); returns the names written. Renditions of slots the picture no longer has are deleted."""
    if data is None:
        with storage.open(name, "rb") as file:
            data = file.read()
    image, width, height = _decode(data)
    written = []
    for slot, slot_width in slots(width, height):
        resized = _resized(image, slot_width, scaled_height(width, height, slot_width))
        for extension, _mime, pillow_format, options in formats():
            target = rendition_name(name, slot, extension)
            _write(storage, target, _encode(resized, pillow_format, options))
            written.append(target)
    _write(
        storage, og_name(name), _encode(_resized(image, *og_size(width, height)), "JPEG", _ENCODINGS[-1][3])
    )
    written.append(og_name(name))
    made = set(written)
    for stale in rendition_names(name):
        if stale not in made and storage.exists(stale):
            storage.delete(stale)
    return written


def missing(storage, name: str, width: int, height: int | None = None) -> list[str]:
    """The renditions a picture `width`×`height` should have and storage does not hold."""
    wanted = [rendition_name(name, slot, e[0]) for slot, _w in slots(width, height) for e in formats()]
    return [each for each in [*wanted, og_name(name)] if not storage.exists(each)]


# ----- using them -----


@dataclass(frozen=True)
class Source:
    mime: str
    srcset: str


@dataclass(frozen=True)
class Picture:
    """What a template needs for <picture>: one <source> per format, the fallback <img>'s src and srcset, the
    original's width and height (the box the browser reserves), and the Open Graph rendition."""

    sources: tuple[Source, ...]
    src: str
    srcset: str
    width: int
    height: int
    og_url: str
    og_width: int
    og_height: int


def picture(name: str, width: int | None, height: int | None, url=None) -> Picture | None:
    """URLs of the renditions of the picture at `name`, `width`×`height` pixels; no storage call is made (a
    private picture's URLs go through the view that checks who asks, core/storage.py). `url` makes a URL of a
    stored name (the default storage's `url`; a share-link preview passes files.views.signed_url)."""
    if not name or not width or not height:
        return None
    url = url or default_storage.url
    pairs = slots(width, height)
    sources = []
    by_extension = {}
    for extension, mime, _format, _options in formats():
        srcset = ", ".join(f"{url(rendition_name(name, s, extension))} {w}w" for s, w in pairs)
        by_extension[extension] = srcset
        if extension != FALLBACK:
            sources.append(Source(mime, srcset))
    middle = pairs[min(len(pairs) - 1, 2)][0]  # the 1080 slot, or the largest there is
    og_width, og_height = og_size(width, height)
    return Picture(
        sources=tuple(sources),
        src=url(rendition_name(name, middle, FALLBACK)),
        srcset=by_extension[FALLBACK],
        width=width,
        height=height,
        og_url=url(og_name(name)),
        og_width=og_width,
        og_height=og_height,
    )


def measure(file) -> tuple[int, int]:
    """The width and height of the picture in the open `file` as it is shown (turned as its EXIF says); only
    its header is read."""
    with Image.open(file, formats=OPENED_IMAGE_FORMATS) as image:
        turned = image.getexif().get(ORIENTATION, 1) in (5, 6, 7, 8)
        return (image.height, image.width) if turned else image.size


def fill_dimensions(model, field: str, width_field: str, height_field: str) -> int:
    """Store the width and height of every stored picture of `model` that has none (data migrations and
    `build_renditions`: a row without them would have its file opened at every load). Returns how many."""
    done = 0
    rows = model.objects.exclude(**{field: ""}).filter(**{f"{width_field}__isnull": True})
    for pk, name in rows.values_list("pk", field).iterator(chunk_size=500):
        try:
            with default_storage.open(name, "rb") as file:
                width, height = measure(file)
        except (OSError, ValueError, Image.DecompressionBombError):
            continue  # a missing or broken file: nothing to measure, `build_renditions` reports it
        model.objects.filter(pk=pk).update(**{width_field: width, height_field: height})
        done += 1
    return done
