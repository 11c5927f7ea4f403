"""Upload checks: files are judged by decoding their content, never by their name alone.

Images (article photos, printed-page images, editor uploads) must be JPEG, PNG, GIF or WebP files that Pillow
decodes completely, within MAX_IMAGE_UPLOAD_BYTES and MAX_IMAGE_PIXELS, named with an extension that matches
what they are. Printed-page PDFs must be PDF documents that PDFium opens, within MAX_PDF_UPLOAD_BYTES, with
no JavaScript. Both refuse files that carry HTML or script (polyglots: a GIF that is also an HTML page or a
script), because such a file becomes a page on our domain the day anything serves it with the wrong type.

Every refusal is a ValidationError with a message that says what was wrong and what to upload instead.
"""

import contextlib
import os
import re
import threading
import warnings

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

# PDFium (pypdfium2) is not thread-safe: every use in this process takes this lock (edition/images.py too).
PDFIUM_LOCK = threading.Lock()

# Raster formats a newspaper page or photo comes in. No SVG (it can carry script), no HTML.
ALLOWED_IMAGE_FORMATS = {"JPEG", "PNG", "GIF", "WEBP"}
IMAGE_EXTENSIONS = {
    "JPEG": {".jpg", ".jpeg", ".jpe"},
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
# PDF names of actions and content that run code. Searched outside stream data only: "/JS" is short enough to
# occur by chance in compressed streams.
PDF_ACTIVE_NAMES = re.compile(rb"/(?:JavaScript|JS|Launch|RichMedia|XFA)(?![A-Za-z0-9_])")
PDF_STREAM = re.compile(rb"stream\r?\n.*?endstream", re.DOTALL)


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


def validate_image_upload(upload):
    """Accept only a JPEG, PNG, GIF or WebP image that decodes completely and carries nothing else."""
    if not _is_new_upload(upload):
        return
    _check_size(upload, settings.MAX_IMAGE_UPLOAD_BYTES)
    data = _read_all(upload)
    not_image = ValidationError(
        _("This file is not an image we can read. Upload a JPEG, PNG, GIF or WebP image."),
        code="not_image",
    )
    if not data:
        raise not_image
    try:
        with warnings.catch_warnings():
            # Pillow warns (and raises only at twice its own limit) about decompression bombs: refuse at the warning.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            _rewind(upload)
            with Image.open(upload) as image:
                image_format = image.format
                width, height = image.size
                if image_format not in ALLOWED_IMAGE_FORMATS:
                    raise ValidationError(
                        _("Images must be JPEG, PNG, GIF or WebP, not %(format)s.")
                        % {"format": image_format},
                        code="bad_image_format",
                    )
                if width * height > MAX_IMAGE_PIXELS:
                    raise ValidationError(
                        _(
                            "The image is too large in pixels (%(width)s × %(height)s); "
                            "the limit is %(limit)s megapixels."
                        )
                        % {"width": width, "height": height, "limit": MAX_IMAGE_PIXELS // 1_000_000},
                        code="too_many_pixels",
                    )
                if getattr(image, "n_frames", 1) > MAX_IMAGE_FRAMES:
                    raise ValidationError(
                        _("The animation has too many frames (the limit is %(limit)s).")
                        % {"limit": MAX_IMAGE_FRAMES},
                        code="too_many_frames",
                    )
                image.verify()  # structure and checksums
            _rewind(upload)
            with Image.open(upload) as image:
                image.load()  # the pixels themselves: a truncated or corrupt file fails here
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ValidationError(
            _("The image is too large in pixels; the limit is %(limit)s megapixels.")
            % {"limit": MAX_IMAGE_PIXELS // 1_000_000},
            code="too_many_pixels",
        ) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
        raise not_image from exc
    finally:
        _rewind(upload)

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
    _refuse_active_content(data)


def validate_pdf_upload(upload):
    """Accept only a PDF document (by its content) that PDFium opens, with pages and without JavaScript."""
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
    if PDF_ACTIVE_NAMES.search(PDF_STREAM.sub(b"", data)):
        raise ValidationError(
            _("This PDF contains scripts, embedded programs or forms; export the page again as a plain PDF."),
            code="pdf_active_content",
        )
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_raw

    with PDFIUM_LOCK:  # PDFium is not thread-safe
        try:
            document = pdfium.PdfDocument(data)
        except pdfium.PdfiumError as exc:
            raise ValidationError(
                _("This PDF is damaged or encrypted and cannot be read."), code="bad_pdf"
            ) from exc
        try:
            pages = len(document)
            # Scripts in compressed object streams escape the byte scan above; PDFium finds document-level ones.
            scripts = pdfium_raw.FPDFDoc_GetJavaScriptActionCount(document.raw)
        finally:
            document.close()
    if pages < 1:
        raise ValidationError(_("This PDF has no pages."), code="empty_pdf")
    if scripts > 0:
        raise ValidationError(
            _("This PDF contains scripts, embedded programs or forms; export the page again as a plain PDF."),
            code="pdf_active_content",
        )
