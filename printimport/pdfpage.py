"""Read a print page's PDF: its text with positions, its rules and pictures, then its articles and their areas.

Every paper has its pages as PDFs, with the text still in them.  This module reads one page with PDFium
(pypdfium2's text page: each character, its box and font size; the page objects: drawn rules and pictures),
groups the characters into lines (cut at gutters: wide gaps, rules, or narrow gaps the lines around share),
measures the body type and sets the page furniture aside (masthead, running head, footer).
printimport/pdflayout.py then finds the blocks, the reading order and the articles, and writes the page in
the plain-text print-page format, so `parse_page` (printimport/parser.py) reads a PDF exactly as it reads a
text export, plus one area per article for the digital edition.

Nothing here is tuned to one paper: sizes and distances are measured in the page's own type (the height of
its characters), never in points.
"""

from __future__ import annotations

import bisect
import ctypes
import re
import statistics
import unicodedata
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.uploads import PDFIUM_LOCK
from printimport.parser import PrintPageError

# Characters further apart than this (in ems of their own size) on one baseline are never on one line; a gap
# between GUTTER_MIN and this is a gutter if the lines around it (within NEIGHBOURHOOD ems) have one there
# too.  Gutters are about an em, a space a quarter to a whole one (a full-width space in a headline).
JOIN_GAP = 1.5
GUTTER_MIN = 0.4
NEIGHBOURHOOD = 5.0
# Type this much larger than the page's most common size is a headline's.
LARGE_TYPE = 1.2
# Two characters are on one baseline when their centres are this close (in ems).
SAME_BASELINE = 0.3
# Sizes within this ratio are the same size (PDFs store sizes as floats; one style may round differently).
SAME_SIZE = 0.08
# A gap this much wider than the line's usual gap between characters (in ems) is a printed space.
SPACE_GAP = 0.15
ASCII_WORD = re.compile(r"[A-Za-z0-9]")
# A rule is a drawn path this thin (in body ems) and at least this long.
RULE_THICKNESS = 0.45
RULE_LENGTH = 2.0
# The running head and masthead stand above a long rule (this share of the text's width) within this top
# part of the page; a footer below one within the bottom part.
HEAD_PART = 0.15
FOOT_PART = 0.1
LONG_RULE = 0.7
# With no rule under it: the masthead is set this much larger than any headline under it, and the running
# head's lines say a date, a weekday, a page, an editor or a publisher.
MASTHEAD = 1.5
FURNITURE_RE = re.compile(
    r"星期[一二三四五六日天]|第\s*[0-9一二三四五六七八九十]+\s*[版期]|编辑|\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日"
    r"|主管|主办|刊号|邮发代号|CN\s*\d"
)


@dataclass
class FoundArea:
    """Where one article (or one jump part) stands on the page, for the digital edition's areas."""

    line: int  # 1-based line in PdfPage.text where this article's (or jump part's) title stands
    title: str
    x: float
    y: float
    width: float
    height: float  # fractions of the page, origin top-left, within 0..1


@dataclass
class PdfPage:
    """A page PDF read as the plain-text print-page format, with the articles' areas in the order of the text."""

    text: str
    areas: list[FoundArea]
    warnings: list[str] = field(default_factory=list)


@dataclass
class Box:
    """A rectangle in PDF points, origin top-left (y grows down the page)."""

    left: float
    top: float
    right: float
    bottom: float

    @property
    def width(self) -> float:
        return self.right - self.left

    @property
    def height(self) -> float:
        return self.bottom - self.top

    def union(self, other: Box) -> Box:
        a, b = self, other
        return Box(min(a.left, b.left), min(a.top, b.top), max(a.right, b.right), max(a.bottom, b.bottom))

    def overlap_x(self, other: Box) -> float:
        return max(0.0, min(self.right, other.right) - max(self.left, other.left))

    def overlap_y(self, other: Box) -> float:
        return max(0.0, min(self.bottom, other.bottom) - max(self.top, other.top))


@dataclass
class Glyph:
    """One printed character: its box (the font's full advance and height, so gaps mean what they look like)
    and its style as PDFium reports it."""

    char: str
    box: Box
    size: float
    weight: int

    @property
    def em(self) -> float:
        return max(self.box.height, 0.1)


@dataclass
class Line:
    """Characters of one style on one baseline, run together without a gutter between them."""

    glyphs: list[Glyph]
    text: str
    box: Box
    em: float
    size: float
    weight: int


@dataclass
class Measure:
    """The page's body type: its em and the distance from one line to the next."""

    em: float
    pitch: float


@dataclass
class Shapes:
    """What else is drawn: thin path objects (candidate rules) and pictures, as boxes."""

    paths: list[Box] = field(default_factory=list)
    pictures: list[Box] = field(default_factory=list)


@dataclass
class _Flip:
    """From PDF user space (origin bottom-left) to the page's own: origin at the crop box's top-left."""

    left: float
    top: float

    def __call__(self, left: float, bottom: float, right: float, top: float) -> Box:
        return Box(left - self.left, self.top - top, right - self.left, self.top - bottom)


def read_page_pdf(data: bytes) -> PdfPage:
    """Read one page's PDF into the print-page text and the areas of its articles.

    Raises PrintPageError (line None) for a file that is not a PDF, is encrypted, has several pages or no text.
    """
    from printimport.pdflayout import compose  # the second half of the work; it imports this module's types

    glyphs, shapes, width, height = _read(data)
    lines = build_lines(glyphs, shapes.paths)
    if not lines:
        raise PrintPageError(None, _no_text())
    return compose(lines, shapes, width, height)


def _no_text() -> str:
    return _(
        "This PDF has no text layer (it looks like a scanned page). Export the page from the layout software "
        "as a PDF with text, or import the page's text file."
    )


def _read(data: bytes) -> tuple[list[Glyph], Shapes, float, float]:
    """The page's characters and shapes, with PDFium under its lock (PDFium is not thread-safe)."""
    import pypdfium2 as pdfium

    # A PDF's header may follow a little junk, but must come within its first kilobyte.
    if not isinstance(data, bytes | bytearray | memoryview) or b"%PDF-" not in bytes(data[:1024]):
        raise PrintPageError(None, _("This file is not a PDF. Upload the page's PDF or its text file."))
    with PDFIUM_LOCK:
        try:
            document = pdfium.PdfDocument(bytes(data))
        except pdfium.PdfiumError as exc:
            if getattr(exc, "err_code", None) == pdfium.raw.FPDF_ERR_PASSWORD:
                message = _("This PDF is encrypted (it needs a password). Export the page again without one.")
            else:
                message = _("This PDF is damaged and cannot be read. Export the page again.")
            raise PrintPageError(None, message) from None
        try:
            if len(document) != 1:
                count = len(document)
                message = ngettext(
                    "This PDF has %(count)d page; upload one PDF per printed page.",
                    "This PDF has %(count)d pages; upload one PDF per printed page.",
                    count,
                )
                raise PrintPageError(None, message % {"count": count})
            page = document[0]
            try:
                # Positions are in the PDF's user space; the page as shown (and as its image is rendered) is
                # the crop box, which need not start at (0, 0).
                crop_left, crop_bottom, crop_right, crop_top = page.get_cropbox()
                width, height = crop_right - crop_left, crop_top - crop_bottom
                flip = _Flip(crop_left, crop_top)
                glyphs = _glyphs(page, flip)
                shapes = _shapes(page, flip)
            finally:
                page.close()
        except pdfium.PdfiumError:
            raise PrintPageError(
                None, _("This PDF is damaged and cannot be read. Export the page again.")
            ) from None
        finally:
            document.close()
    if not glyphs:
        raise PrintPageError(None, _no_text())
    return glyphs, shapes, width, height


def _glyphs(page, flip: _Flip) -> list[Glyph]:
    import pypdfium2.raw as raw

    textpage = page.get_textpage()
    try:
        records = []
        x, y = ctypes.c_double(), ctypes.c_double()
        for index in range(textpage.count_chars()):
            if raw.FPDFText_IsGenerated(textpage.raw, index):
                continue  # spaces and line ends PDFium guesses: we decide those from the positions
            code = raw.FPDFText_GetUnicode(textpage.raw, index)
            char = chr(code) if 0 < code < 0x110000 else ""
            if not char or char.isspace() or char in "\ufffe\ufeff\u200b":
                continue
            tight = textpage.get_charbox(index)
            loose = textpage.get_charbox(index, loose=True)
            if records and records[-1][1] == tight:
                records[-1][0] += char  # one glyph for several characters (a ligature, “——” drawn as one)
                continue
            raw.FPDFText_GetCharOrigin(textpage.raw, index, ctypes.byref(x), ctypes.byref(y))
            size = raw.FPDFText_GetFontSize(textpage.raw, index)
            weight = raw.FPDFText_GetFontWeight(textpage.raw, index)
            records.append([char, tight, loose, (x.value, y.value), size, weight])
        return _boxed(records, flip)
    finally:
        textpage.close()


def _boxed(records: list[list], flip: _Flip) -> list[Glyph]:
    """Each character's box as its font draws it: the full advance and the font's ascent and descent.

    PDFium's loose box is that, except for glyphs whose font lacks the metrics (it then repeats the ink box):
    those get the box of their neighbours' shape, from their origin on the baseline and their font size."""
    good = [r for r in records if r[1] != r[2] and r[2][3] > r[2][1] and r[4] > 0]
    per_size = statistics.median((r[2][3] - r[2][1]) / r[4] for r in good) if good else 1.0
    ascent = statistics.median((r[2][3] - r[3][1]) / (r[2][3] - r[2][1]) for r in good) if good else 0.88
    glyphs = []
    for char, tight, loose, (ox, oy), size, weight in records:
        left, bottom, right, top = loose
        if tight == loose or top <= bottom:
            em = size * per_size if size > 0 else max(tight[3] - tight[1], 1.0)
            wide = unicodedata.east_asian_width(char[0]) in "WF"
            left, right = ox, max(ox + em, tight[2]) if wide else max(tight[2], ox + (tight[2] - tight[0]))
            top, bottom = oy + ascent * em, oy - (1 - ascent) * em
        if right <= left or top <= bottom:
            continue
        glyphs.append(Glyph(char, flip(left, bottom, right, top), size, weight))
    return glyphs


def _shapes(page, flip: _Flip) -> Shapes:
    import pypdfium2.raw as raw

    shapes = Shapes()
    for obj in page.get_objects(filter=(raw.FPDF_PAGEOBJ_PATH, raw.FPDF_PAGEOBJ_IMAGE)):
        left, bottom, right, top = obj.get_bounds()
        box = flip(left, bottom, right, top)
        (shapes.pictures if obj.type == raw.FPDF_PAGEOBJ_IMAGE else shapes.paths).append(box)
    return shapes


def same_size(a: float, b: float) -> bool:
    return abs(a - b) <= SAME_SIZE * max(a, b, 0.01)


def build_lines(glyphs: list[Glyph], paths: list[Box] = ()) -> list[Line]:
    """Group characters into lines by geometry alone (PDFs store text in paint order, not reading order):
    bands of characters on one baseline, cut wherever the size changes, a gutter opens or a rule stands."""
    upright = [box for box in paths if box.height > 4 * box.width]
    runs: list[list[Glyph]] = []
    band: list[Glyph] = []
    centre = 0.0
    for glyph in sorted(glyphs, key=_middle):
        if band and abs(_middle(glyph) - centre) > SAME_BASELINE * glyph.em:
            runs += _split_band(band, upright)
            band = []
        band.append(glyph)
        centre = statistics.fmean(_middle(g) for g in band[-8:])
    if band:
        runs += _split_band(band, upright)
    return [_line(run) for run in _split_at_gutters(runs)]


def _middle(glyph: Glyph) -> float:
    return (glyph.box.top + glyph.box.bottom) / 2


def _split_band(band: list[Glyph], upright: list[Box]) -> list[list[Glyph]]:
    """The runs of one baseline band: by size first (a section name and its pinyin may share a baseline),
    then left to right, cut at wide gaps and rules."""
    runs: list[list[Glyph]] = []
    for glyph in sorted(band, key=lambda g: g.box.left):
        for run in reversed(runs):
            last = run[-1]
            gap = glyph.box.left - last.box.right
            # Overlap is allowed: a closing quote and the full stop after it share one em (“……”。).
            near = -0.75 * glyph.em <= gap <= JOIN_GAP * glyph.em
            alike = same_size(last.size, glyph.size) or same_size(last.em, glyph.em)
            if near and alike and not any(_rule_across(r, last, glyph) for r in upright):
                run.append(glyph)
                break
        else:
            runs.append([glyph])
    return runs


def _split_at_gutters(runs: list[list[Glyph]]) -> list[list[Glyph]]:
    """Cut runs at narrow gutters.  A gap of a space or two is a gutter only where the lines of that size
    just above and below are open at the same place too: a space after 本报讯 is alone.  Headlines have no
    such neighbours and may hold a full-width space, so a gap in one is a gutter only where the body text
    right under it is open there: two headlines side by side, each over its own columns."""
    runs.sort(key=lambda run: _middle(run[0]))
    middles = [_middle(run[0]) for run in runs]
    ems = [statistics.median(g.em for g in run) for run in runs]
    body = statistics.median(g.em for run in runs for g in run)
    result = []
    for run, middle, em in zip(runs, middles, ems, strict=True):
        if em > LARGE_TYPE * body:  # a headline: look at the body type under it
            low = bisect.bisect_left(middles, middle)
            reach = middle + 2.5 * em + NEIGHBOURHOOD * body  # past a second line of the headline
            high = bisect.bisect_right(middles, reach)
            em = body
        else:
            low = bisect.bisect_left(middles, middle - NEIGHBOURHOOD * em)
            high = bisect.bisect_right(middles, middle + NEIGHBOURHOOD * em)
        near = [
            r for r, e in zip(runs[low:high], ems[low:high], strict=True) if r is not run and same_size(e, em)
        ]
        start = 0
        for index in range(1, len(run)):
            left, right = run[index - 1].box.right, run[index].box.left
            if right - left >= GUTTER_MIN * em and _open_around(near, (left + right) / 2, em):
                result.append(run[start:index])
                start = index
        result.append(run[start:])
    return result


def _open_around(near: list[list[Glyph]], x: float, em: float) -> bool:
    """Whether the lines around are open at x: text ending just left of it and starting just right of it in
    at least two lines each (three lines in all when none runs across), and at most one line running across
    (another article's, above or below)."""
    left = right = across = 0
    for run in near:
        before = [g for g in run if g.box.right <= x + 0.05 * em]
        after = [g for g in run if g.box.left >= x - 0.05 * em]
        if len(before) + len(after) < len(run) or (
            before and after and after[0].box.left - before[-1].box.right < GUTTER_MIN * em
        ):
            across += 1  # a character stands on x, or the line runs on over it
            continue
        left += bool(before) and before[-1].box.right >= x - 3 * em
        right += bool(after) and after[0].box.left <= x + 3 * em
    if across == 0:  # a short article: a line or two around may do
        return min(left, right) >= 1 and left + right >= 3
    return left >= 2 and right >= 2 and across <= 1 and across < min(left, right) - 1


def _rule_across(rule: Box, before: Glyph, after: Glyph) -> bool:
    """Whether a thin upright rule stands between two characters of one baseline (a column rule)."""
    middle = (after.box.top + after.box.bottom) / 2
    return (
        rule.width <= 0.5 * after.em
        and before.box.right - 0.1 * after.em
        <= (rule.left + rule.right) / 2
        <= after.box.left + 0.1 * after.em
        and rule.top <= middle <= rule.bottom
    )


def _line(run: list[Glyph]) -> Line:
    em = statistics.median(g.em for g in run)
    gaps = [b.box.left - a.box.right for a, b in zip(run, run[1:], strict=False)]
    usual = statistics.median(gaps) if gaps else 0.0
    text = run[0].char
    for gap, glyph in zip(gaps, run[1:], strict=True):
        if gap > usual + SPACE_GAP * em:
            text += " "
        text += glyph.char
    box = run[0].box
    for glyph in run[1:]:
        box = box.union(glyph.box)
    return Line(run, text, box, em, statistics.median(g.size for g in run), max(g.weight for g in run))


def join_lines(texts: list[str]) -> str:
    """Lines of one paragraph or title as one string: Chinese runs on without spaces, a word in Latin letters
    broken at a line end gets its space back."""
    result = ""
    for text in texts:
        if result and ASCII_WORD.match(text[0]) and ASCII_WORD.match(result[-1]) and text[0].isalpha():
            result += " "
        result += text
    return result


def measure_page(lines: list[Line]) -> Measure:
    """The body type: the size most characters are set in, and its line spacing (the usual distance to the
    next line of that size in the same column).  Sizes are measured (the height of the characters' boxes),
    not read from the font: many PDFs set all text at size 1 and scale it."""
    groups: list[list[Line]] = []
    for line in sorted(lines, key=lambda x: x.em):
        if groups and same_size(groups[-1][0].em, line.em):
            groups[-1].append(line)
        else:
            groups.append([line])
    body = max(groups, key=lambda group: sum(len(line.glyphs) for line in group))
    em = statistics.median(line.em for line in body)
    body.sort(key=lambda x: x.box.top)
    steps = []
    for index, line in enumerate(body):
        for other in body[index + 1 :]:
            if other.box.top > line.box.top + 0.5 * em and other.box.overlap_x(line.box) > 0:
                steps.append(other.box.top - line.box.top)
                break
    pitch = statistics.median(steps) if steps else 1.5 * em
    return Measure(em=em, pitch=max(pitch, em))


def same_type(a: Line, b: Line) -> bool:
    """Set in the same size: measured alike, and alike as the PDF states it."""
    return same_size(a.em, b.em) and same_size(a.size, b.size)


def is_rule(box: Box, measure: Measure) -> bool:
    thin, long = sorted((box.width, box.height))
    return thin <= RULE_THICKNESS * measure.em and long >= RULE_LENGTH * measure.em


def horizontal(rule: Box) -> bool:
    return rule.width >= rule.height


def without_furniture(
    lines: list[Line], pictures: list[Box], rules: list[Box], height: float, measure: Measure
) -> tuple[list[Line], list[Box]]:
    """Drop the page furniture: what stands above the first long rule near the top of the page (masthead or
    running head) and below the last one near its bottom (footer).  With no such rule, the masthead (type
    half again larger than any headline below it) and, above the first headline, the running head's small
    lines (a date, 星期, 第N版, the desk editor, the publisher)."""
    left, right = min(x.box.left for x in lines), max(x.box.right for x in lines)
    long = [r for r in rules if horizontal(r) and r.width >= LONG_RULE * (right - left)]
    top = [
        r.top for r in long if r.bottom <= HEAD_PART * height and any(x.box.bottom <= r.top for x in lines)
    ]
    bottom = [r.bottom for r in long if r.top >= (1 - FOOT_PART) * height]
    upper, lower = min(top, default=-1.0), max(bottom, default=height + 1.0)
    keep = lambda box: box.top >= upper and box.bottom <= lower  # noqa: E731
    lines, pictures = [x for x in lines if keep(x.box)], [p for p in pictures if keep(p)]
    if top:
        return lines, pictures
    head = [x for x in lines if x.box.bottom <= HEAD_PART * height]
    below = max((x.em for x in lines if x.box.bottom > HEAD_PART * height), default=0.0)
    masthead = [x for x in head if below and x.em >= MASTHEAD * below]
    headline = min((x.box.top for x in lines if x.em >= 1.5 * measure.em and x not in masthead), default=0.0)
    small = [x for x in head if x.box.bottom <= headline and x.em <= 1.05 * measure.em]
    drop = {id(x) for x in masthead + [x for x in small if FURNITURE_RE.search(x.text)]}
    return [x for x in lines if id(x) not in drop], pictures
