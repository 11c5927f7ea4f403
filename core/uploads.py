"""Upload checks: files are judged by decoding their content, never by their name alone.

Images (article photos, printed-page images, editor uploads) must be JPEG, PNG, GIF or WebP files that Pillow
decodes completely, every frame of an animation included, within MAX_IMAGE_UPLOAD_BYTES, MAX_IMAGE_PIXELS and
MAX_ANIMATION_PIXELS, named with an extension that matches what they are. Printed-page PDFs must be PDF
documents that qpdf (pikepdf) parses, within MAX_PDF_UPLOAD_BYTES, with pages and without JavaScript, launch
actions, rich media or XFA forms; the names are read as the PDF specification decodes them (`/Java#53cript` is
`/JavaScript`), in every object, compressed object streams included. Both refuse files that carry HTML or script
(polyglots: a GIF that is also an HTML page or a script), because such a file becomes a page on our domain the
day anything serves it with the wrong type.

What passes is not stored as uploaded: core/filecleaning.py rewrites it first (metadata, actions, attachments
and forms removed). The checks here are what make that rewrite succeed: a file refused here is never a failure
at save time.

Every refusal is a ValidationError with a message that says what was wrong and what to upload instead.
"""

import contextlib
import io
import os
import re
import threading
import warnings
from collections.abc import Iterator

import pikepdf
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageSequence, UnidentifiedImageError

# PDFium (pypdfium2) is not thread-safe: every use in this process takes this lock. Uploads no longer need PDFium
# (qpdf reads them); edition/images.py renders printed pages with it and takes the lock from here.
PDFIUM_LOCK = threading.Lock()

# Raster formats a newspaper page or photo comes in. No SVG (it can carry script), no HTML.
ALLOWED_IMAGE_FORMATS = {"JPEG", "MPO", "PNG", "GIF", "WEBP"}  # MPO: a camera's JPEG (stored as plain JPEG)
# The Pillow plugins that open them (`Image.open(…, formats=…)`): JPEG's opens MPO files too.
OPENED_IMAGE_FORMATS = ("JPEG", "PNG", "GIF", "WEBP")
IMAGE_EXTENSIONS = {
    "JPEG": {".jpg", ".jpeg", ".jpe"},
    "MPO": {".jpg", ".jpeg", ".jpe"},
    "PNG": {".png"},
    "GIF": {".gif"},
    "WEBP": {".webp"},
}
# 60 megapixels: a full-frame camera's largest photo, or a broadsheet page scanned at 600 dpi. Checked from the
# header before anything is decoded, so a small file that claims a huge picture (a decompression bomb) costs
# nothing.
MAX_IMAGE_PIXELS = 60_000_000
# An animated GIF or WebP is decoded frame by frame; a news image has no reason to hold more.
MAX_IMAGE_FRAMES = 200
# Rewriting an animation (core/filecleaning.py) holds all its frames in memory at once: 50 megapixels across all
# frames is about 200 MB, and still 100 frames of 720 × 540.
MAX_ANIMATION_PIXELS = 50_000_000

# Markup or script inside a file. Each marker is long or specific enough that the compressed pixel data of a
# real photo practically never contains it by chance (well under once in 10^5 ten-megabyte photos). "<svg" alone
# is too short for that; an SVG payload needs a script or an event handler, which are caught.
ACTIVE_CONTENT = re.compile(
    rb"<(?:script|iframe|object|embed|html|body|meta|form|base|link|style|math|template)[\s/>]"
    rb"|<!doctype|<!\[cdata\[|<\?php|javascript:|vbscript:"
    rb"|\bon(?:error|load|click|mouse\w{2,5}|focus|blur|begin|end|toggle|animationstart)\s*=",
    re.IGNORECASE,
)
# A GIF whose screen width bytes read "/*" starts a JavaScript comment: the classic GIF/JS polyglot.
GIF_SCRIPT_OPENING = re.compile(rb"^GIF8[79]a/\*")
# PDF names of actions and content that run code, as qpdf decodes them: a PDF holding any of them, as a key or
# a value anywhere, is refused rather than silently changed (core/filecleaning.py removes the rest).
PDF_ACTIVE_NAMES = frozenset({"/JavaScript", "/JS", "/Launch", "/RichMedia", "/XFA"})
# What qpdf and pikepdf raise on a file they cannot read (PasswordError: encrypted with a password we lack).
PDF_READ_ERRORS = (pikepdf.PdfError, pikepdf.PasswordError, RuntimeError, ValueError, OSError)


def _check_size(upload, limit: int):
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise ValidationError(
            _("The file is too large (%(size)s); the limit is %(limit)s.")
            % {"size": filesizeformat(size), "limit": filesizeformat(limit)},
            code="too_large",
        )


def _rewind(upload):
    with contextlib.suppress(AttributeError, OSError, ValueError):
        upload.seek(0)


def _read_all(upload) -> bytes:
    _rewind(upload)
    try:
        return upload.read()
    finally:
        _rewind(upload)


def _is_new_upload(upload) -> bool:
    if upload is None or not getattr(upload, "name", None):
        return False
    # A FieldFile already in storage is a file accepted earlier, not a new upload.
    return not getattr(upload, "_committed", False)


def _extension(upload) -> str:
    return os.path.splitext(os.path.basename(upload.name or ""))[1].lower()


def _refuse_active_content(data: bytes):
    if ACTIVE_CONTENT.search(data):
        raise ValidationError(
            _("This file contains web-page code (HTML or script) and cannot be accepted."),
            code="active_content",
        )


# ----- images -----


def _not_image() -> ValidationError:
    return ValidationError(
        _("This file is not an image we can read. Upload a JPEG, PNG, GIF or WebP image."),
        code="not_image",
    )


@contextlib.contextmanager
def reading_image():
    """Decode images inside this block: Pillow's failures come out as our refusals.

    A decompression bomb (Pillow warns, and raises only at twice its own limit: refused at the warning) is
    `too_many_pixels`; a file Pillow cannot decode is `not_image`.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            yield
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ValidationError(
            _("The image is too large in pixels; the limit is %(limit)s megapixels.")
            % {"limit": MAX_IMAGE_PIXELS // 1_000_000},
            code="too_many_pixels",
        ) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
        raise _not_image() from exc


def check_image(image: Image.Image) -> str:
    """Refuse an opened (not yet decoded) image of a format or size we do not take; return its format."""
    width, height = image.size
    if image.format not in ALLOWED_IMAGE_FORMATS:
        raise ValidationError(
            _("Images must be JPEG, PNG, GIF or WebP, not %(format)s.") % {"format": image.format},
            code="bad_image_format",
        )
    if width * height > MAX_IMAGE_PIXELS:
        raise ValidationError(
            _("The image is too large in pixels (%(width)s × %(height)s); the limit is %(limit)s megapixels.")
            % {"width": width, "height": height, "limit": MAX_IMAGE_PIXELS // 1_000_000},
            code="too_many_pixels",
        )
    frames = getattr(image, "n_frames", 1)
    if frames > MAX_IMAGE_FRAMES:
        raise ValidationError(
            _("The animation has too many frames (the limit is %(limit)s).") % {"limit": MAX_IMAGE_FRAMES},
            code="too_many_frames",
        )
    if frames > 1 and width * height * frames > MAX_ANIMATION_PIXELS:
        raise ValidationError(
            _(
                "The animation is too large: %(frames)s frames of %(width)s × %(height)s pixels. "
                "Make it smaller or shorter (the limit is %(limit)s megapixels for all frames together)."
            )
            % {
                "frames": frames,
                "width": width,
                "height": height,
                "limit": MAX_ANIMATION_PIXELS // 1_000_000,
            },
            code="animation_too_large",
        )
    return image.format


def validate_image_upload(upload):
    """Accept only a JPEG, PNG, GIF or WebP image that decodes completely and carries nothing else."""
    if not _is_new_upload(upload):
        return
    _check_size(upload, settings.MAX_IMAGE_UPLOAD_BYTES)
    data = _read_all(upload)
    if not data:
        raise _not_image()
    with reading_image():
        with Image.open(io.BytesIO(data)) as image:
            image_format = check_image(image)
            image.verify()  # structure and checksums
        with Image.open(io.BytesIO(data)) as image:
            # The pixels themselves, every frame: a truncated or corrupt file fails here, not when it is rewritten.
            for frame in ImageSequence.Iterator(image):
                frame.load()

    extension = _extension(upload)
    if extension not in IMAGE_EXTENSIONS[image_format]:
        raise ValidationError(
            _(
                "The file name ends in “%(extension)s” but the file is a %(format)s image. "
                "Rename it to end in %(expected)s."
            )
            % {
                "extension": extension or _("(no extension)"),
                "format": image_format,
                "expected": sorted(IMAGE_EXTENSIONS[image_format])[0],
            },
            code="extension_mismatch",
        )
    if GIF_SCRIPT_OPENING.match(data):
        raise ValidationError(
            _("This file contains web-page code (HTML or script) and cannot be accepted."),
            code="active_content",
        )
    # Markup anywhere in what was sent is refused, metadata included, although metadata is not stored: such a
    # file is an attack or a mistake, and the uploader should hear of it.
    _refuse_active_content(data)


# ----- PDFs -----


def unreadable_pdf() -> ValidationError:
    """The refusal of a PDF that cannot be read (damaged, or encrypted with a password)."""
    return ValidationError(_("This PDF is damaged or encrypted and cannot be read."), code="bad_pdf")


def open_pdf(data: bytes) -> pikepdf.Pdf:
    """The PDF document in `data`, parsed by qpdf; close it after use (it is a context manager).

    qpdf reads the latest revision of an incrementally updated file and resolves compressed object streams.
    Refused: what it cannot parse, a file encrypted with a password (`bad_pdf`), a document without pages.
    """
    try:
        pdf = pikepdf.open(io.BytesIO(data))
    except PDF_READ_ERRORS as exc:
        raise unreadable_pdf() from exc
    try:
        pages = len(pdf.pages)
    except PDF_READ_ERRORS as exc:
        pdf.close()
        raise unreadable_pdf() from exc
    if pages < 1:
        pdf.close()
        raise ValidationError(_("This PDF has no pages."), code="empty_pdf")
    return pdf


def pdf_objects(pdf: pikepdf.Pdf) -> Iterator[pikepdf.Object]:
    """Every dictionary, stream and array of the document: each numbered object, and those written inside them.

    Objects no longer referenced are included, and objects qpdf cannot parse raise PDF_READ_ERRORS.
    """
    pending = [pdf.trailer, *pdf.objects]
    while pending:
        obj = pending.pop()
        if isinstance(obj, pikepdf.Array):
            children = list(obj)
        elif isinstance(obj, pikepdf.Dictionary | pikepdf.Stream):
            children = [value for _key, value in obj.items()]
        else:
            continue
        yield obj
        # Numbered (indirect) objects are in pdf.objects already; only those written in place are added here.
        pending.extend(
            child
            for child in children
            if isinstance(child, pikepdf.Dictionary | pikepdf.Array) and not child.is_indirect
        )


def _has_active_names(pdf: pikepdf.Pdf) -> bool:
    for obj in pdf_objects(pdf):
        if isinstance(obj, pikepdf.Array):
            names = {str(item) for item in obj if isinstance(item, pikepdf.Name)}
        else:
            names = set(obj.keys())
            names.update(str(value) for _key, value in obj.items() if isinstance(value, pikepdf.Name))
        if names & PDF_ACTIVE_NAMES:
            return True
    return False


def validate_pdf_upload(upload):
    """Accept only a PDF document (by its content) that qpdf parses, with pages and without JavaScript."""
    if not _is_new_upload(upload):
        return
    _check_size(upload, settings.MAX_PDF_UPLOAD_BYTES)
    if _extension(upload) != ".pdf":
        raise ValidationError(
            _("The file name must end in .pdf (it is “%(name)s”).") % {"name": os.path.basename(upload.name)},
            code="extension_mismatch",
        )
    data = _read_all(upload)
    if not data.startswith(b"%PDF-"):
        raise ValidationError(_("This file is not a PDF document."), code="not_pdf")
    # The first kilobyte is where a browser would look for a page; markup there makes an HTML/PDF polyglot.
    _refuse_active_content(data[:1024])
    with open_pdf(data) as pdf:
        try:
            active = _has_active_names(pdf)
        except PDF_READ_ERRORS as exc:
            raise unreadable_pdf() from exc
    if active:
        raise ValidationError(
            _("This PDF contains scripts, embedded programs or forms; export the page again as a plain PDF."),
            code="pdf_active_content",
        )
