"""Uploaded files are rewritten before they are stored, so that what we serve holds only what we meant to publish.

- **PDFs** (`rewrite_pdf`) go through qpdf (pikepdf), which parses every object, decodes names as the PDF
  specification says (`/Java#53cript` is `/JavaScript`), resolves compressed object streams and reads the latest
  revision of an incrementally updated file. Everything that acts or carries another file is removed: the
  opening action, additional actions (/AA) anywhere, the JavaScript and embedded-file name trees, every action
  (JavaScript, Launch, URI, SubmitForm, ImportData, GoToR, GoToE, Sound, Movie, RichMedia …; a link keeps an
  internal destination only), embedded and associated files, forms (AcroForm, XFA, widgets) and annotations
  that are not markup or links. A fresh file is written: earlier revisions, unreferenced objects and anything
  after the end of the file are gone.
- **Images** (`strip_image`) are decoded and encoded again by Pillow in their own format: the EXIF orientation
  is applied to the pixels and the ICC colour profile kept; EXIF (GPS included), XMP, IPTC/Photoshop, comments,
  text chunks and anything hidden between or after the image data are not written. Animations keep their
  frames, durations and looping; transparency is kept.

The model fields `CleanedFileField` (PDFs) and `CleanedImageField` do this on every save of a model, whichever
code saves it; a stored picture's renditions (core/renditions.py) are made from the cleaned bytes as it is
stored. Validation (core/uploads.py) comes first and refuses what cannot be rewritten, so a rewrite that fails
at save time means the file was saved without validation: it raises the same ValidationError, and nothing is
stored.
"""

from __future__ import annotations

import contextlib
import io

import pikepdf
from django.core.files.base import ContentFile
from django.db import models
from django.db.models.fields.files import FieldFile, ImageFieldFile
from PIL import Image, ImageOps, ImageSequence, JpegImagePlugin
from PIL.PngImagePlugin import Blend, Disposal

from core import renditions
from core.uploads import (
    OPENED_IMAGE_FORMATS,
    PDF_READ_ERRORS,
    check_image,
    open_pdf,
    pdf_objects,
    reading_image,
    unreadable_pdf,
)

# ----- PDFs -----

# The document catalog's entries a printed page needs; the rest (OpenAction, AA, AcroForm, Names other than
# Dests, URI, Collection, AF, Threads, PieceInfo, Perms, NeedsRendering …) is removed.
PDF_CATALOG_KEPT = frozenset(
    {
        "/Type",
        "/Version",
        "/Extensions",
        "/Pages",
        "/PageLabels",
        "/Names",
        "/Dests",
        "/ViewerPreferences",
        "/PageLayout",
        "/PageMode",
        "/Outlines",
        "/Metadata",
        "/StructTreeRoot",
        "/MarkInfo",
        "/Lang",
        "/OutputIntents",
        "/OCProperties",
    }
)
# Annotations that only draw (markup) or link; widgets, file attachments, sound, movie, screen, 3D, rich media
# and any unknown kind are removed.
PDF_ANNOTATIONS_KEPT = frozenset(
    {
        "/Link",
        "/Text",
        "/FreeText",
        "/Line",
        "/Square",
        "/Circle",
        "/Polygon",
        "/PolyLine",
        "/Highlight",
        "/Underline",
        "/Squiggly",
        "/StrikeOut",
        "/Caret",
        "/Stamp",
        "/Ink",
        "/Popup",
    }
)
# Keys removed from every dictionary of the document: actions run on events, associated and embedded files,
# forms, scripts.
PDF_KEYS_REMOVED = frozenset(
    {"/AA", "/OpenAction", "/AcroForm", "/XFA", "/AF", "/EF", "/EmbeddedFiles", "/JavaScript", "/PA"}
)
# The values of /S that make a dictionary an action (PDF 2.0, 12.6.4, and Adobe's RichMediaExecute).
PDF_ACTION_TYPES = frozenset(
    {
        "/GoTo",
        "/GoToR",
        "/GoToE",
        "/GoToDp",
        "/Launch",
        "/Thread",
        "/URI",
        "/Sound",
        "/Movie",
        "/Hide",
        "/Named",
        "/SubmitForm",
        "/ResetForm",
        "/ImportData",
        "/JavaScript",
        "/SetOCGState",
        "/Rendition",
        "/Trans",
        "/GoTo3DView",
        "/RichMediaExecute",
    }
)


def _is_action(obj) -> bool:
    if not isinstance(obj, pikepdf.Dictionary):
        return False
    kind = obj.get("/Type")
    return kind == pikepdf.Name.Action or (kind is None and str(obj.get("/S", "")) in PDF_ACTION_TYPES)


def _internal_destination(action):
    """The destination of a GoTo action (a place in this document), or None for any other action."""
    if _is_action(action) and action.get("/S") == pikepdf.Name.GoTo:
        return action.get("/D")
    return None


def _empty(obj, keep: set[str] = frozenset()) -> None:
    for key in set(obj.keys()) - keep:
        del obj[key]


def _clean_dictionary(obj) -> None:
    """Remove from one dictionary (or stream dictionary) whatever acts or carries a file."""
    for key in PDF_KEYS_REMOVED & set(obj.keys()):
        del obj[key]
    # Annotations and outline entries lose their action; a GoTo becomes the plain destination it points to.
    action = obj.get("/A")
    if action is not None and ("/Subtype" in obj or "/Title" in obj or _is_action(action)):
        destination = _internal_destination(action)
        if destination is not None and "/Dest" not in obj:
            obj.Dest = destination
        del obj["/A"]
    if _is_action(obj):  # an action reached some other way is emptied (a GoTo keeps its place, not its /Next)
        _empty(obj, keep={"/Type", "/S", "/D"} if obj.get("/S") == pikepdf.Name.GoTo else set())
    elif "/Rect" in obj and "/Subtype" in obj and not _kept_annotation(obj):
        _empty(obj)  # an annotation taken off its page but still reached (from the structure tree, say)
    if isinstance(obj, pikepdf.Stream) and obj.get("/Type") == pikepdf.Name.EmbeddedFile:
        obj.write(b"")


def _kept_annotation(annotation) -> bool:
    if not isinstance(annotation, pikepdf.Dictionary) or "/FT" in annotation:  # "/FT": a form field's widget
        return False
    if str(annotation.get("/Subtype", "")) not in PDF_ANNOTATIONS_KEPT:
        return False
    if annotation.get("/Subtype") == pikepdf.Name.Link:  # a link must still lead somewhere in the document
        return "/Dest" in annotation or _internal_destination(annotation.get("/A")) is not None
    return True


def _clean_structure(pdf: pikepdf.Pdf) -> None:
    """The catalog keeps what a page needs, the name dictionary only its destinations, pages their drawings."""
    root = pdf.Root
    for key in set(root.keys()) - PDF_CATALOG_KEPT:
        del root[key]
    names = root.get("/Names")
    if isinstance(names, pikepdf.Dictionary):
        for key in set(names.keys()) - {"/Dests"}:
            del names[key]
    for page in pdf.pages:
        annotations = page.obj.get("/Annots")
        if annotations is None:
            continue
        kept = (
            [a for a in annotations if _kept_annotation(a)] if isinstance(annotations, pikepdf.Array) else []
        )
        if kept:
            page.obj.Annots = pikepdf.Array(kept)
        else:
            del page.obj["/Annots"]


def rewrite_pdf(data: bytes) -> bytes:
    """The PDF in `data` written afresh by qpdf without actions, scripts, embedded files or forms.

    Pages, their content, fonts, images, markup annotations, links to places in the document, the outline and
    metadata are kept. The output is one revision, unencrypted, with objects in compressed object streams.
    Raises ValidationError (`bad_pdf`, `empty_pdf`) for a PDF that qpdf cannot read or that has no pages.
    """
    with open_pdf(data) as pdf:
        try:
            _clean_structure(pdf)
            for obj in pdf_objects(pdf):
                if not isinstance(obj, pikepdf.Array):
                    _clean_dictionary(obj)
            buffer = io.BytesIO()
            pdf.save(
                buffer,
                linearize=False,
                object_stream_mode=pikepdf.ObjectStreamMode.generate,
                # Stream data is copied as it is: never inflated, so a compressed bomb costs nothing here.
                stream_decode_level=pikepdf.StreamDecodeLevel.none,
                encryption=False,
                deterministic_id=True,
            )
        except PDF_READ_ERRORS as exc:
            raise unreadable_pdf() from exc
    return buffer.getvalue()


# ----- images -----

# Frame information Pillow's encoders read from a frame, which a stripped frame keeps: nothing else of `info`
# (where Pillow keeps EXIF, XMP, comments and text chunks, and writes them back) reaches the encoder.
FRAME_INFO_KEPT = ("transparency",)
JPEG_QUALITY = 90  # when the original's quantization tables cannot be read
WEBP_QUALITY = 90


def _webp_is_lossless(data: bytes) -> bool:
    """Whether a WebP file's first image is stored losslessly (a VP8L chunk), by walking its RIFF chunks."""
    position = 12
    while position + 8 <= len(data):
        kind = data[position : position + 4]
        size = int.from_bytes(data[position + 4 : position + 8], "little")
        if kind in (b"VP8L", b"VP8 "):
            return kind == b"VP8L"
        # An animation frame: its 16-byte header, then its own chunks.
        position += 8 + 16 if kind == b"ANMF" else 8 + size + (size & 1)
    return False


def _encoder_options(image: Image.Image, data: bytes) -> dict:
    """How to write the image again in its format: its quality, colour profile and animation, no metadata."""
    info = image.info
    options: dict = {}
    if info.get("icc_profile") and image.format != "GIF":
        options["icc_profile"] = info["icc_profile"]
    if image.format in ("JPEG", "MPO"):
        # The original's own quantization tables and subsampling: its quality, with the least loss on re-encoding.
        qtables = getattr(image, "quantization", None)
        options.update({"qtables": qtables} if qtables else {"quality": JPEG_QUALITY})
        if (subsampling := JpegImagePlugin.get_sampling(image)) != -1:
            options["subsampling"] = subsampling
        options.update(optimize=True, progressive=bool(info.get("progressive") or info.get("progression")))
    elif image.format == "WEBP":
        options.update({"lossless": True} if _webp_is_lossless(data) else {"quality": WEBP_QUALITY})
    if image.format in ("JPEG", "PNG") and "dpi" in info:
        options["dpi"] = info["dpi"]
    if getattr(image, "n_frames", 1) > 1 and image.format != "MPO":
        options.update(_animation_options(image))
    return options


def _animation_options(image: Image.Image) -> dict:
    """Looping, frame durations and how frames are laid over each other (Pillow hands out whole frames)."""
    options: dict = {"save_all": True}
    if "loop" in image.info:
        options["loop"] = image.info["loop"]
    if image.format == "WEBP" and "background" in image.info:
        options["background"] = image.info["background"]
    if image.format == "PNG":
        options.update(disposal=Disposal.OP_NONE, blend=Blend.OP_SOURCE)
    return options


def _stripped_frame(frame: Image.Image) -> Image.Image:
    """A copy of one frame, turned upright, holding pixels and transparency only."""
    upright = ImageOps.exif_transpose(frame)  # always a new image
    upright.info = {key: frame.info[key] for key in FRAME_INFO_KEPT if key in frame.info}
    return upright


def _gif_disposal(frames: list[Image.Image]) -> int:
    # Whole frames with transparent parts must each clear the last (2); opaque ones are simply drawn over it (1).
    transparent = any(f.mode in ("RGBA", "LA", "PA") or "transparency" in f.info for f in frames)
    return 2 if transparent else 1


def strip_image(data: bytes) -> bytes:
    """The JPEG, PNG, GIF or WebP image in `data` encoded again in its format without any metadata.

    Kept: the pixels (turned as the EXIF orientation says), the ICC profile, transparency, the frames of an
    animation with their durations and looping, and a JPEG's quantization tables and chroma subsampling.
    Raises ValidationError (the refusals of core/uploads.py) for a file that is not such an image.
    """
    with reading_image(), Image.open(io.BytesIO(data), formats=OPENED_IMAGE_FORMATS) as image:
        image_format = check_image(image)
        camera_mpo = (
            image_format == "MPO"
        )  # a camera's JPEG with a second picture (a depth map…): the first only
        image_format = "JPEG" if camera_mpo else image_format
        options = _encoder_options(image, data)
        frames, durations = [], []
        for frame in [image] if camera_mpo else ImageSequence.Iterator(image):
            frames.append(_stripped_frame(frame))
            durations.append(frame.info.get("duration", 0))
        if len(frames) > 1:
            options.update(append_images=frames[1:], duration=durations)
            if image_format == "GIF":
                options["disposal"] = _gif_disposal(frames)
        buffer = io.BytesIO()
        frames[0].save(buffer, image_format, **options)
    return buffer.getvalue()


# ----- model fields -----


class _CleanedContent(ContentFile):
    """Content already rewritten: saving it does not rewrite it again (pre_save, then FieldFile.save)."""


def _read(content) -> bytes:
    with contextlib.suppress(AttributeError, OSError, ValueError):
        content.seek(0)
    return content.read()


class _CleaningFieldFile:
    """Saving a file through the field (`instance.image.save(name, content)`) stores the rewritten content."""

    def save(self, name, content, save=True):
        if not isinstance(content, _CleanedContent):
            content = _CleanedContent(self.field.clean_content(_read(content)), name=name)
        super().save(name, content, save)

    save.alters_data = True


class CleanedFieldFile(_CleaningFieldFile, FieldFile):
    pass


class CleanedImageFieldFile(_CleaningFieldFile, ImageFieldFile):
    """A stored picture gets its renditions beside it at once (core/renditions.py), made from the cleaned bytes."""

    def save(self, name, content, save=True):
        if not isinstance(content, _CleanedContent):
            content = _CleanedContent(self.field.clean_content(_read(content)), name=name)
        super().save(name, content, save=False)
        renditions.build(self.storage, self.name, _read(content))  # before the row is saved: it may move them
        if save:
            self.instance.save()

    save.alters_data = True


class _CleaningField:
    """Before the model's row is written, a new upload's content is replaced by its rewritten bytes."""

    def clean_content(self, data: bytes) -> bytes:
        raise NotImplementedError

    def pre_save(self, model_instance, add):
        file = getattr(model_instance, self.attname)
        if file and not file._committed and not isinstance(file.file, _CleanedContent):
            file.file = _CleanedContent(self.clean_content(_read(file.file)), name=file.name)
            # An image's size changes when it is turned upright: forget the one measured on the upload, and
            # measure the cleaned picture (its width and height fields are saved after this field).
            file.__dict__.pop("_dimensions_cache", None)
            if getattr(self, "width_field", None):
                self.update_dimension_fields(model_instance, force=True)
        return super().pre_save(model_instance, add)


class CleanedFileField(_CleaningField, models.FileField):
    """A FileField for PDFs: what is stored is `rewrite_pdf` of what was uploaded (name kept)."""

    attr_class = CleanedFieldFile

    def clean_content(self, data: bytes) -> bytes:
        return rewrite_pdf(data)


class CleanedImageField(_CleaningField, models.ImageField):
    """An ImageField whose stored file is `strip_image` of what was uploaded (name kept)."""

    attr_class = CleanedImageFieldFile

    def clean_content(self, data: bytes) -> bytes:
        return strip_image(data)

    def update_dimension_fields(self, instance, force=False, *args, **kwargs):
        """Django measures a picture when a row is loaded without its width and height; a stored picture is
        never opened for that (a missing file would break every page listing its row, and each load would read
        storage): its size is measured when it is stored, and by `manage.py build_renditions`."""
        file = instance.__dict__.get(self.attname)
        if not force and (not file or getattr(file, "_committed", isinstance(file, str))):
            return
        super().update_dimension_fields(instance, force, *args, **kwargs)
