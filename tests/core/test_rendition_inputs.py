"""Renditions (core/renditions.py) of every kind of picture a newsroom uploads: CMYK and greyscale JPEGs with
their colour profiles, 16-bit PNGs, palettes, transparency, animations. Each becomes RGB (RGBA where some of it
is clear) in the colours it was meant to show."""

import io
import struct

import pytest
from PIL import Image, ImageSequence

from tests.core.test_renditions import built, close, encoded, opened, plain_picture


def gray_icc(gamma: float) -> bytes:
    """A greyscale ICC profile (v2: white point and one tone curve). With gamma 1.0 its grey 128 is sRGB 188."""

    def s15(value):
        return struct.pack(">i", round(value * 65536))

    d50 = s15(0.9642) + s15(1.0) + s15(0.8249)
    tags = [
        (b"desc", b"desc" + bytes(4) + struct.pack(">I", 5) + b"Grey\0" + bytes(8 + 2 + 1 + 67)),
        (b"wtpt", b"XYZ " + bytes(4) + d50),
        (b"kTRC", b"curv" + bytes(4) + struct.pack(">IH", 1, round(gamma * 256)) + bytes(2)),
    ]
    offset = 128 + 4 + 12 * len(tags)
    table = body = b""
    for signature, data in tags:
        table += signature + struct.pack(">II", offset + len(body), len(data))
        body += data + bytes(-len(data) % 4)
    header = struct.pack(">I", offset + len(body)) + bytes(4) + bytes([2, 0x10, 0, 0]) + b"mntrGRAYXYZ "
    header += bytes(12) + b"acsp" + bytes(28) + d50 + bytes(48)
    return header + struct.pack(">I", len(tags)) + table + body


def test_a_cmyk_jpeg_keeps_its_colours_in_rgb():
    storage, name, written = built(encoded(plain_picture((500, 300)).convert("CMYK"), "JPEG", quality=95))
    for each in written:
        image = opened(storage, each).convert("RGB")
        assert close(image.getpixel((5, 5)), (200, 30, 30)) and close(
            image.getpixel((image.width - 5, 5)), (30, 30, 200)
        )


def test_a_greyscale_profile_is_applied_not_carried_onto_rgb_pixels():
    """Grey 128 in a linear greyscale profile is sRGB 188: applied, then no profile is needed."""
    grey = Image.new("L", (400, 300), 128)
    storage, _name, written = built(encoded(grey, "JPEG", quality=95, icc_profile=gray_icc(1.0)))
    for each in written:
        image = opened(storage, each)
        assert "icc_profile" not in image.info or not image.info["icc_profile"]
        assert close(image.convert("RGB").getpixel((200, 150)), (188, 188, 188), tolerance=5), each
    storage, _name, written = built(encoded(grey, "JPEG", quality=95))  # no profile: as it is
    assert close(
        opened(storage, written[0]).convert("RGB").getpixel((200, 150)), (128, 128, 128), tolerance=4
    )


def test_a_16_bit_png_is_scaled_to_8_bits_not_clipped_to_white():
    deep = Image.new("I;16", (400, 300))
    deep.paste(0x8080, (0, 0, 400, 300))
    storage, _name, written = built(encoded(deep, "PNG"))
    for each in written:
        assert close(
            opened(storage, each).convert("RGB").getpixel((200, 150)), (128, 128, 128), tolerance=4
        ), each


def test_transparency_is_kept_where_the_format_has_it_and_laid_on_white_in_jpegs():
    picture = plain_picture((400, 300), "RGBA")
    picture.paste((0, 0, 0, 0), (0, 0, 100, 100))  # a clear corner
    palette = plain_picture((400, 300), "P")
    palette.paste(255, (0, 0, 100, 100))  # a colour of the palette the picture does not use, made clear
    for data in (encoded(picture, "PNG"), encoded(palette, "GIF", transparency=255)):
        storage, _name, written = built(data)
        for each in written:
            image = opened(storage, each)
            if each.endswith(".jpg"):
                assert close(image.getpixel((20, 20)), (255, 255, 255), tolerance=3), each
            else:
                assert image.mode == "RGBA" and image.getpixel((20, 20))[3] == 0, each
                assert image.getpixel((300, 250))[3] == 255, each


def test_a_palette_picture_and_an_opaque_alpha_channel_become_plain_rgb():
    palette = plain_picture((400, 300)).convert("P", palette=Image.Palette.ADAPTIVE, colors=8)
    for picture in (palette, plain_picture((400, 300), "RGBA")):
        storage, _name, written = built(encoded(picture, "PNG"))
        for each in written:
            image = opened(storage, each)
            assert image.mode == "RGB", each
            assert close(image.getpixel((10, 10)), (200, 30, 30)), each


@pytest.mark.parametrize("fmt", ["GIF", "WEBP"])
def test_an_animation_is_shown_by_its_first_frame(fmt):
    frames = [
        Image.new("RGB", (400, 300), colour) for colour in ((200, 30, 30), (30, 160, 30), (30, 30, 200))
    ]
    data = encoded(frames[0], fmt, save_all=True, append_images=frames[1:], duration=100, loop=0)
    assert len(list(ImageSequence.Iterator(Image.open(io.BytesIO(data))))) == 3
    storage, _name, written = built(data)
    for each in written:
        image = opened(storage, each)
        assert getattr(image, "n_frames", 1) == 1 and close(
            image.convert("RGB").getpixel((200, 150)), (200, 30, 30)
        )
