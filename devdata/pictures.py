"""Photo-like pictures drawn with Pillow for the demo (no stock photos in the repository), seeded and repeatable.

A flat-colour drawing compresses to almost nothing, which would make every picture budget meaningless
(docs/performance.md). These pictures have detail at every scale, as photographs do: noise at four scales
(`texture`) shades skies, hills, fields and walls; stars, arcs, lattices and strokes of grass give edges; a fine grain and a slight
blur finish them, so they compress about as camera pictures do: a 4000×3000 one is 1.7 MB as a JPEG, its
720-wide renditions 27 KB in AVIF, 35 KB in WebP and 53 KB in JPEG (a busy real photograph of that width, 41, 70
and 87 KB; a flat-colour drawing of gradient and discs, 4, 5 and 12 KB).

`photo(scene, seed, size)` returns the JPEG bytes of one of `SCENES`; the same arguments give the same bytes on
one machine. Only the random module and Pillow are used: no numpy.
"""

from __future__ import annotations

import io
import math
import random

from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageOps

Size = tuple[int, int]
Colour = tuple[int, int, int]


# ----- building blocks -----


def noise(rng: random.Random, size: Size, scale: int) -> Image.Image:
    """Grey noise with features about `scale` pixels across: random pixels at 1/scale, enlarged smoothly."""
    width, height = max(2, size[0] // scale), max(2, size[1] // scale)
    small = Image.frombytes("L", (width, height), rng.randbytes(width * height))
    return small.resize(size, Image.Resampling.BICUBIC) if scale > 1 else small


def texture(rng: random.Random, size: Size, scales=(96, 32, 12, 4)) -> Image.Image:
    """Noise at several scales added up, the coarse ones strongest, stretched to the full grey range."""
    result, total = None, 0.0
    for index, scale in enumerate(scales):
        weight = 1 / (1 + index * 0.15)
        layer = noise(rng, size, scale)
        total += weight
        result = layer if result is None else Image.blend(result, layer, weight / total)
    return ImageOps.autocontrast(result, cutoff=1)


def gradient(size: Size, top: Colour, bottom: Colour, middle: Colour | None = None) -> Image.Image:
    """A vertical gradient from `top` to `bottom` (through `middle` halfway when given)."""
    ramp = Image.linear_gradient("L").resize(size, Image.Resampling.BILINEAR)
    if middle:
        return ImageOps.colorize(ramp, top, bottom, middle)
    return ImageOps.colorize(ramp, top, bottom)


def shaded(
    rng: random.Random, size: Size, dark: Colour, light: Colour, scales=(96, 32, 12, 4)
) -> Image.Image:
    """A surface coloured from `dark` to `light` by a texture: rock, grass, cloud, frost."""
    return ImageOps.colorize(texture(rng, size, scales), dark, light)


def ridge(rng: random.Random, width: int, base: float, rough: float, points: int = 257) -> list[float]:
    """A skyline's heights (pixels from the top), by midpoint displacement: `points` values across `width`."""
    heights = [base + rng.uniform(-rough, rough), base + rng.uniform(-rough, rough)]
    spread = rough
    while len(heights) < points:
        spread *= 0.55
        refined = []
        for left, right in zip(heights, heights[1:], strict=False):
            refined += [left, (left + right) / 2 + rng.uniform(-spread, spread)]
        heights = refined + [heights[-1]]
    return heights[:points]


def lay(base: Image.Image, surface: Image.Image, draw_mask) -> Image.Image:
    """`surface` laid over `base` where `draw_mask(ImageDraw)` paints the mask white, edges softened."""
    mask = Image.new("L", base.size, 0)
    draw_mask(ImageDraw.Draw(mask))
    return Image.composite(surface, base, mask.filter(ImageFilter.GaussianBlur(1.5)))


def hills(
    rng, image: Image.Image, base: float, rough: float, dark: Colour, light: Colour, blades: int = 0
) -> Image.Image:
    """A range of hills whose skyline sits about `base` (a fraction of the height) from the top; `blades` strokes
    of grass, scrub or scree on them, larger nearer the foot (the edges a camera sees in a slope)."""
    width, height = image.size
    heights = ridge(rng, width, base * height, rough * height)
    step = width / (len(heights) - 1)
    outline = [(i * step, h) for i, h in enumerate(heights)] + [(width, height), (0, height)]
    surface = shaded(rng, image.size, dark, light)
    draw = ImageDraw.Draw(surface)
    for _ in range(blades):
        x, y = rng.uniform(0, width), rng.uniform(base * height, height)
        near = (y - base * height) / (height * (1 - base) or 1)
        length = height * (0.004 + 0.02 * near) * rng.uniform(0.5, 1.5)
        tone = rng.uniform(0.0, 1.0)
        colour = tuple(int(low + (high - low) * tone) for low, high in zip(dark, light, strict=True))
        draw.line([(x, y), (x + rng.uniform(-0.4, 0.4) * length, y - length)], fill=colour,
                  width=max(1, int(width / 1500 * (1 + 2 * near))))  # fmt: skip
    return lay(image, surface, lambda d: d.polygon(outline, fill=255))


def clouds(rng, image: Image.Image, colour: Colour, amount: int = 120, above: float = 0.7) -> Image.Image:
    """Thin clouds over the sky's upper `above` part: where a coarse texture passes `amount`, `colour` shows."""
    width, height = image.size
    cover = texture(rng, image.size, (240, 80, 24)).point(
        lambda v: max(0, v - amount) * 255 // (255 - amount) // 2
    )
    fade = Image.linear_gradient("L").resize(image.size).point(lambda v: 255 if v < above * 255 else 0)
    cover = ImageChops.multiply(cover, fade.filter(ImageFilter.GaussianBlur(height / 20)))
    return Image.composite(Image.new("RGB", image.size, colour), image, cover)


def stars(rng, image: Image.Image, count: int, below: float) -> None:
    """Points of light in the sky above `below` (a fraction of the height), a few bright ones larger."""
    draw = ImageDraw.Draw(image)
    width, height = image.size
    unit = max(1, width // 1500)
    for _ in range(count):
        x, y = rng.uniform(0, width), rng.uniform(0, height * below) ** 1.15 / (height * below) ** 0.15
        glow = rng.randint(150, 255)
        radius = unit * (2.2 if rng.random() < 0.04 else rng.uniform(0.4, 1.1))
        draw.ellipse([x - radius, y - radius, x + radius, y + radius], fill=(glow, glow, min(255, glow + 20)))


def dish(image: Image.Image, centre: tuple[float, float], radius: float, colour: Colour, rim: Colour) -> None:
    """A radio telescope's dish seen from the side: its tilted bowl, feed legs, cabin and pedestal."""
    draw = ImageDraw.Draw(image)
    x, y = centre
    line = max(2, int(radius / 40))
    draw.polygon([(x - radius * 0.12, y + radius * 0.3), (x + radius * 0.12, y + radius * 0.3),
                  (x + radius * 0.35, y + radius * 1.6), (x - radius * 0.35, y + radius * 1.6)], fill=colour)  # fmt: skip
    draw.ellipse(
        [x - radius, y - radius * 0.45, x + radius, y + radius * 0.45], fill=colour, outline=rim, width=line
    )
    feed = (x - radius * 0.55, y - radius * 0.95)
    for leg in (-0.8, -0.1, 0.6):
        draw.line([(x + radius * leg, y - radius * 0.1 * leg), feed], fill=rim, width=line)
    draw.rectangle([feed[0] - radius * 0.06, feed[1] - radius * 0.06, feed[0] + radius * 0.06, feed[1] + radius * 0.05],
                   fill=colour, outline=rim, width=line)  # fmt: skip


def finish(image: Image.Image, rng: random.Random, grain: float = 0.06, blur: float = 0.9) -> bytes:
    """A lens's softness and a sensor's grain, then a camera's JPEG."""
    image = image.filter(ImageFilter.GaussianBlur(blur))
    grey = noise(rng, image.size, 1).filter(ImageFilter.GaussianBlur(0.6))
    image = Image.blend(image, Image.merge("RGB", (grey, grey, grey)), grain)
    image = ImageChops.add(image, Image.new("RGB", image.size, (7, 7, 7)))  # the blend's grey, given back
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=88)
    return buffer.getvalue()


# ----- scenes -----


def telescope_dusk(rng, size: Size) -> Image.Image:
    """A dish on a ridge at dusk under the first stars; hills behind, a grassy slope in front."""
    width, height = size
    image = gradient(size, (14, 24, 58), (236, 146, 84), (60, 74, 128))
    stars(rng, image, width // 4, 0.45)
    image = clouds(rng, image, (150, 110, 120), 140)
    image = hills(rng, image, 0.62, 0.08, (24, 26, 44), (66, 62, 86), blades=width)
    dish(image, (width * 0.34, height * 0.42), width * 0.16, (20, 22, 32), (96, 92, 110))
    return hills(rng, image, 0.8, 0.05, (20, 30, 18), (110, 120, 70), blades=width * 2)


def star_trails(rng, size: Size) -> Image.Image:
    """A long exposure: the stars' arcs around the pole above a dark ridge and a dish."""
    width, height = size
    image = gradient(size, (4, 8, 26), (34, 44, 82))
    draw = ImageDraw.Draw(image)
    pole = (width * 0.58, height * 0.18)
    reach = math.hypot(width, height)
    unit = max(1, width // 1200)
    for _ in range(width // 6):
        radius = rng.uniform(8, reach)
        start = rng.uniform(0, 360)
        glow = rng.randint(90, 240)
        tint = (glow, glow, min(255, glow + rng.randint(0, 40)))
        box = [pole[0] - radius, pole[1] - radius, pole[0] + radius, pole[1] + radius]
        draw.arc(box, start, start + 38, fill=tint, width=unit * rng.choice((1, 1, 2, 3)))
    image = hills(rng, image, 0.7, 0.06, (8, 10, 16), (44, 46, 60), blades=width)
    dish(image, (width * 0.7, height * 0.6), width * 0.11, (6, 8, 12), (60, 60, 74))
    return image


def truss(rng, size: Size) -> Image.Image:
    """Looking up at the back of a dish at night: its steel lattice lit by a work lamp."""
    width, height = size
    image = gradient(size, (10, 18, 46), (30, 46, 90))
    stars(rng, image, width // 6, 1.0)
    lamp = Image.new("L", size, 0)
    ImageDraw.Draw(lamp).ellipse([-width * 0.2, height * 0.55, width * 0.9, height * 1.3], fill=255)
    lamp = lamp.filter(ImageFilter.GaussianBlur(width / 6))
    image = Image.composite(gradient(size, (120, 96, 60), (250, 200, 130)), image, lamp)
    draw = ImageDraw.Draw(image)
    line = max(3, width // 300)
    for index in range(14):
        spoke = index / 13
        draw.line([(width * 0.5, height * 1.05), (width * (spoke * 1.6 - 0.3), -height * 0.05)],
                  fill=(40, 38, 44), width=line * 2)  # fmt: skip
    for ring in range(1, 9):
        radius = height * ring / 7.5
        box = [width * 0.5 - radius, height * 1.05 - radius, width * 0.5 + radius, height * 1.05 + radius]
        draw.arc(box, 180, 360, fill=(52, 48, 54), width=line)
        for _ in range(6):
            start = rng.uniform(190, 330)
            draw.arc(box, start, start + 4, fill=(230, 220, 200), width=line // 2 + 1)  # glints
    return image


def valley_dawn(rng, size: Size) -> Image.Image:
    """Dawn over a valley: layers of hills fading into mist, a small dish on the nearest ridge."""
    width, height = size
    image = gradient(size, (120, 150, 190), (250, 214, 170), (210, 196, 196))
    for depth, base in enumerate((0.45, 0.55, 0.66)):
        fade = 1 - depth * 0.3
        dark = tuple(int(c * fade + 200 * (1 - fade)) for c in (58, 72, 96))
        image = hills(rng, image, base, 0.07, dark, tuple(min(255, c + 40) for c in dark))
    mist = texture(rng, size, (240, 80, 24)).point(lambda v: max(0, v - 110) * 2)
    low = (
        Image.linear_gradient("L").resize(size).point(lambda v: min(255, max(0, v - 90) * 3))
    )  # in the valley
    mist = ImageChops.multiply(mist, low)
    image = Image.composite(Image.new("RGB", size, (236, 232, 228)), image, mist)
    image = hills(rng, image, 0.8, 0.04, (26, 40, 26), (96, 112, 70), blades=width * 2)
    dish(image, (width * 0.22, height * 0.72), width * 0.06, (28, 30, 34), (150, 150, 150))
    return image


def seed_vault(rng, size: Size) -> Image.Image:
    """A cold store: rows of shelves of seed boxes running away under cool light."""
    width, height = size
    image = shaded(rng, size, (70, 96, 116), (150, 180, 196), (128, 32, 8, 2))
    draw = ImageDraw.Draw(image)
    vanish = (width * 0.5, height * 0.45)
    for side in (-1, 1):
        for row in range(12):
            near = 1 - row / 13
            x = vanish[0] + side * width * 0.5 * near
            top, bottom = vanish[1] - height * 0.45 * near, vanish[1] + height * 0.5 * near
            step = (bottom - top) / 6
            for shelf in range(6):
                box_top = top + shelf * step
                shade = rng.randint(150, 230)
                colour = (shade, shade - rng.randint(0, 60), rng.randint(40, 120))
                inner = x - side * width * 0.04 * near
                draw.rectangle([min(x, inner), box_top + step * 0.15, max(x, inner), box_top + step * 0.9],
                               fill=colour, outline=(40, 48, 56), width=max(1, int(4 * near)))  # fmt: skip
    draw.rectangle([0, height * 0.95, width, height], fill=(60, 70, 80))
    return image


def glacier(rng, size: Size) -> Image.Image:
    """A glacier under a clear sky: snowfields, blue ice, a weather mast and a hut on the moraine."""
    width, height = size
    image = clouds(rng, gradient(size, (40, 96, 176), (196, 222, 240)), (246, 248, 252), 150, 0.4)
    image = hills(rng, image, 0.35, 0.12, (150, 164, 188), (250, 252, 255))
    image = hills(rng, image, 0.6, 0.05, (96, 150, 196), (220, 236, 250))
    image = hills(rng, image, 0.78, 0.04, (64, 56, 50), (160, 150, 138), blades=width * 2)
    draw = ImageDraw.Draw(image)
    x, y = width * 0.66, height * 0.8
    draw.line([(x, y), (x, y - height * 0.22)], fill=(60, 60, 64), width=max(3, width // 400))
    for arm in range(3):
        top = y - height * (0.21 - arm * 0.05)
        draw.line(
            [(x - width * 0.03, top), (x + width * 0.03, top)], fill=(60, 60, 64), width=max(2, width // 600)
        )
    draw.rectangle(
        [x + width * 0.04, y - height * 0.06, x + width * 0.12, y + height * 0.01], fill=(176, 40, 36)
    )
    return image


def ginkgo(rng, size: Size) -> Image.Image:
    """A street of ginkgo trees turned yellow, leaves on the pavement."""
    width, height = size
    image = gradient(size, (150, 190, 226), (236, 236, 228))
    crown = Image.new("L", size, 0)
    draw = ImageDraw.Draw(crown)
    for tree in range(5):
        cx, cy = width * (0.08 + tree * 0.22), height * rng.uniform(0.3, 0.4)
        for _ in range(40):
            r = width * rng.uniform(0.02, 0.07)
            x, y = cx + rng.gauss(0, width * 0.06), cy + rng.gauss(0, height * 0.1)
            draw.ellipse([x - r, y - r, x + r, y + r], fill=255)
    trunks = ImageDraw.Draw(image)
    for tree in range(5):
        x = width * (0.08 + tree * 0.22)
        trunks.rectangle([x - width * 0.01, height * 0.4, x + width * 0.01, height * 0.8], fill=(70, 56, 44))
    leaves = shaded(rng, size, (170, 120, 10), (255, 226, 90), (64, 16, 4, 1))
    image = Image.composite(leaves, image, crown.filter(ImageFilter.GaussianBlur(3)))
    ground = shaded(rng, size, (160, 130, 60), (250, 214, 100), (48, 12, 3, 1))
    return lay(image, ground, lambda d: d.rectangle([0, height * 0.78, width, height], fill=255))


def science_hall(rng, size: Size) -> Image.Image:
    """A science centre's hall: a lit wall, a floor, a robot arm at a table and visitors around it."""
    width, height = size
    image = shaded(rng, size, (170, 150, 130), (236, 224, 206), (128, 32, 8, 2))
    image = lay(image, shaded(rng, size, (96, 84, 76), (150, 136, 120)),
                lambda d: d.rectangle([0, height * 0.7, width, height], fill=255))  # fmt: skip
    draw = ImageDraw.Draw(image)
    table = (width * 0.5, height * 0.62)
    draw.rectangle([table[0] - width * 0.16, table[1], table[0] + width * 0.16, table[1] + height * 0.05],
                   fill=(230, 230, 234))  # fmt: skip
    arm = max(6, width // 90)
    elbow, hand = (
        (table[0] - width * 0.05, table[1] - height * 0.25),
        (table[0] + width * 0.06, table[1] - height * 0.3),
    )
    draw.line([table, elbow, hand], fill=(236, 120, 36), width=arm, joint="curve")
    for _ in range(7):
        x = rng.uniform(0.08, 0.92) * width
        scale = rng.uniform(0.7, 1.0)
        coat = (rng.randint(30, 200), rng.randint(30, 160), rng.randint(60, 200))
        draw.rounded_rectangle([x - width * 0.035 * scale, height * (1 - 0.32 * scale), x + width * 0.035 * scale,
                                height], radius=width * 0.02, fill=coat)  # fmt: skip
        head = width * 0.022 * scale
        top = height * (1 - 0.32 * scale) - head * 1.1
        draw.ellipse([x - head, top - head, x + head, top + head], fill=(44, 34, 30))
    return image


SCENES = {
    "telescope_dusk": telescope_dusk,
    "star_trails": star_trails,
    "truss": truss,
    "valley_dawn": valley_dawn,
    "seed_vault": seed_vault,
    "glacier": glacier,
    "ginkgo": ginkgo,
    "science_hall": science_hall,
}


def photo(scene: str, seed: int, size: Size) -> bytes:
    """The JPEG of `scene` drawn at `size` from `seed`: the same arguments, the same bytes."""
    rng = random.Random(f"{scene}-{seed}-{size[0]}x{size[1]}")
    return finish(SCENES[scene](rng, size), rng)
