"""Files for the upload tests, made in code: real images and PDFs, and the hostile ones an attacker would try."""

from __future__ import annotations

import io
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


def handmade_pdf(catalog_extra: bytes = b"", extra_objects: tuple[bytes, ...] = ()) -> bytes:
    """A one-page PDF written object by object, with a correct cross-reference table.

    Objects 1-3 are the catalog, the page tree and the page; `extra_objects` become objects 4, 5, …
    """
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R " + catalog_extra + b" >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
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
