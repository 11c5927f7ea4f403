"""Upload checks: files are judged by decoding their content, never by their name."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

# Raster formats a newspaper page or photo comes in. No SVG (it can carry script), no HTML.
ALLOWED_IMAGE_FORMATS = {"JPEG", "PNG", "GIF", "WEBP"}
MAX_IMAGE_PIXELS = 60_000_000


def _check_size(upload, limit: int):
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise ValidationError(
            _("The file is too large (%(size)s); the limit is %(limit)s.")
            % {"size": filesizeformat(size), "limit": filesizeformat(limit)},
            code="too_large",
        )


def _rewind(upload):
    try:
        upload.seek(0)
    except (AttributeError, OSError, ValueError):
        pass


def validate_image_upload(upload):
    """Accept only a JPEG, PNG, GIF or WebP image that decodes completely."""
    if upload is None or not getattr(upload, "name", None):
        return
    if getattr(upload, "_committed", False):
        return  # a file already in storage, not a new upload
    _check_size(upload, settings.MAX_IMAGE_UPLOAD_BYTES)
    try:
        _rewind(upload)
        with Image.open(upload) as image:
            image_format = image.format
            if image.width * image.height > MAX_IMAGE_PIXELS:
                raise ValidationError(_("The image is too large in pixels."), code="too_many_pixels")
            image.verify()
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise ValidationError(
            _("This file is not an image we can read. Upload a JPEG, PNG, GIF or WebP image."),
            code="not_image",
        ) from exc
    finally:
        _rewind(upload)
    if image_format not in ALLOWED_IMAGE_FORMATS:
        raise ValidationError(
            _("Images must be JPEG, PNG, GIF or WebP, not %(format)s.") % {"format": image_format},
            code="bad_image_format",
        )


def validate_pdf_upload(upload):
    """Accept only a file whose content is a PDF document that a PDF library can open."""
    if upload is None or not getattr(upload, "name", None):
        return
    if getattr(upload, "_committed", False):
        return
    _check_size(upload, settings.MAX_PDF_UPLOAD_BYTES)
    _rewind(upload)
    head = upload.read(1024)
    _rewind(upload)
    if b"%PDF-" not in head:
        raise ValidationError(_("This file is not a PDF document."), code="not_pdf")
    import pypdfium2 as pdfium

    try:
        data = upload.read()
        document = pdfium.PdfDocument(data)
        pages = len(document)
        document.close()
    except pdfium.PdfiumError as exc:
        raise ValidationError(
            _("This PDF is damaged or encrypted and cannot be read."), code="bad_pdf"
        ) from exc
    finally:
        _rewind(upload)
    if pages < 1:
        raise ValidationError(_("This PDF has no pages."), code="empty_pdf")
