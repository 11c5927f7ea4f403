"""From a page's lines to its articles: blocks, reading order, roles, the print-page text and the areas.

printimport/pdfpage.py reads the PDF into lines and measures the body type; every distance here is in the
body's ems or line spacing, so a page set in 8.5 pt reads like one set in 11 pt.  Then, as a reader's eye:

1. **Blocks.** Lines of one size stacked at their spacing, no rule between them: a column of one article's
   text, a title, a caption.
2. **Roles.** Headlines are set large (half again the body or more; a little less when standing alone, not
   under or over another headline); subtitles, authors and kickers between; a short name with capitals
   beside or under it is a section header and its pinyin; smaller type against a picture is its caption.
3. **Reading order.** The page is cut recursively (XY-cut) at its widest gap, a rule along it making it
   wider, never beside a title narrower than its columns, between titles side by side and their bodies, or
   inside one column's text.  Articles separate first, then titles from bodies, then columns.
4. **Articles.** A title opens an article; what is read after it is its own until the next title.  A
   picture belongs to the article whose title or text it touches, unless a rule stands between them.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from printimport.parser import BUILTIN_SECTIONS, SUBTITLE_DASHES
from printimport.pdfpage import (
    Box,
    FoundArea,
    Line,
    Measure,
    PdfPage,
    PrintPageError,
    Shapes,
    horizontal,
    is_rule,
    join_lines,
    measure_page,
    same_size,
    same_type,
    without_furniture,
)

# Type half again the body size or larger is a headline; between the body and that, a subtitle or authors.
TITLE_RATIO = 1.5
DECK_RATIO = 1.05
# Type this much above the body's standing on its own (not under or over a headline) is a small headline.
SMALL_TITLE_RATIO = 1.2
# A drawn rule in a gap makes it this many ems wider when the page is cut, if it runs along this share of
# the part being cut (a section's underline or a rule between two stacked articles is a boundary only
# within its own column, not across the row).
RULE_BONUS = 4.0
RULE_SPAN = 0.7
# A line starting this far (in ems) right of its column's left edge is indented: a new paragraph.
INDENT = 0.5
# Further than this (in ems) it is not a paragraph's indent but a line set right or centred (a byline).
FAR_INDENT = 4.0
# A line ending this far (in ems) short of its column's right edge ends its paragraph.
SHORT = 1.0
# Two stretches of body text in one column this close (in body line spacings) are one column of text.
CONTINUED_GAP = 1.5
# Pictures smaller than this (in body ems) are ornaments, not pictures.
PICTURE_MIN = 2.0
# A picture belongs to an article this close (in body ems), and a caption to a picture.
PICTURE_REACH = 3.0
CAPTION_REACH = 1.5
PINYIN_RE = re.compile(r"[A-Z]+(?: +[A-Z]+)*")
SECTION_RE = re.compile(r"[\u3400-\u9fffA-Za-z·]{2,8}")

TITLE, DECK, BODY, SECTION, PINYIN, CAPTION = "title", "deck", "body", "section", "pinyin", "caption"


@dataclass
class Block:
    """Lines of one size stacked at their usual spacing: a column of text, a title, a caption."""

    lines: list[Line]
    box: Box
    kind: str = BODY

    @property
    def em(self) -> float:
        return statistics.median(line.em for line in self.lines)

    @property
    def text(self) -> str:
        return join_lines([line.text for line in self.lines])


@dataclass
class Picture:
    box: Box
    captions: list[Block] = field(default_factory=list)

    @property
    def whole(self) -> Box:
        box = self.box
        for caption in self.captions:
            box = box.union(caption.box)
        return box


@dataclass
class Article:
    title: list[Block]
    sections: list[Block] = field(default_factory=list)
    kickers: list[Block] = field(default_factory=list)
    decks: list[Block] = field(default_factory=list)
    body: list[Block] = field(default_factory=list)
    pictures: list[Picture] = field(default_factory=list)

    def text_box(self) -> Box:
        box = self.title[0].box
        for block in [*self.title, *self.kickers, *self.decks, *self.body]:
            box = box.union(block.box)
        return box


def compose(lines: list[Line], shapes: Shapes, width: float, height: float) -> PdfPage:
    """The page's text in the print-page format and one area per article, in the order of the text."""
    measure = measure_page(lines)
    rules = [box for box in shapes.paths if is_rule(box, measure)]
    lines, pictures = without_furniture(lines, shapes.pictures, rules, height, measure)
    pictures = [Picture(box) for box in pictures if min(box.width, box.height) >= PICTURE_MIN * measure.em]
    blocks = build_blocks(lines, rules, measure)
    _classify(blocks, pictures, measure)
    order = reading_order([*blocks, *pictures], rules, measure)
    articles, orphans = _articles([item for item in order if isinstance(item, Block)])
    if not articles:
        raise PrintPageError(
            None,
            _("No article title was found on this page (titles are recognised by their larger type)."),
        )
    _place_pictures(pictures, articles, rules, measure)
    warnings = [
        _("Text that belongs to no article was left out: “%(text)s”") % {"text": _short(block.text)}
        for block in orphans
    ]
    warnings += [
        _("The kicker “%(kicker)s” above “%(title)s” is not in the imported text; add it to the article.")
        % {"kicker": _short(kicker.text), "title": _short(article.title[0].text)}
        for article in articles
        for kicker in article.kickers
    ]
    return _write(articles, measure, width, height, warnings)


def _short(text: str, limit: int = 20) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def _rule_between(rules: list[Box], upper: Box, lower: Box) -> bool:
    """Whether a horizontal rule runs between a box and one below it."""
    for rule in rules:
        between = upper.bottom - 1 <= rule.top and rule.bottom <= lower.top + 1
        if horizontal(rule) and between and rule.overlap_x(upper) > 0 and rule.overlap_x(lower) > 0:
            return True
    return False


def build_blocks(lines: list[Line], rules: list[Box], measure: Measure) -> list[Block]:
    """Stack lines into blocks: same size, overlapping the block's width, at most a line space apart (for the
    body type, its own spacing; for other type, where spacing is not known, a fraction of its em)."""
    blocks: list[Block] = []
    body_gap = measure.pitch - measure.em
    for line in sorted(lines, key=lambda x: (x.box.top, x.box.left)):
        best, best_gap = None, None
        for block in blocks if not line.text.startswith(SUBTITLE_DASHES) else ():
            last = block.lines[-1]
            if not same_type(last, line):
                continue
            gap = line.box.top - block.box.bottom
            is_body = same_size(line.em, measure.em)
            reach = max(1.3 * body_gap, 0.6 * line.em) if is_body else 0.8 * line.em
            if not -0.3 * line.em <= gap <= reach:
                continue
            if line.box.overlap_x(block.box) < 0.5 * min(line.box.width, block.box.width):
                continue
            if _rule_between(rules, block.box, line.box):
                continue
            if best_gap is None or gap < best_gap:
                best, best_gap = block, gap
        if best is None:
            blocks.append(Block([line], line.box))
        else:
            best.lines.append(line)
            best.box = best.box.union(line.box)
    return blocks


def _classify(blocks: list[Block], pictures: list[Picture], measure: Measure) -> None:
    """Give every block its role, and every picture its captions."""
    by_top = sorted(blocks, key=lambda b: (b.box.top, b.box.left))
    body_weight = statistics.median(x.weight for b in blocks for x in b.lines if same_size(x.em, measure.em))
    for block in by_top:
        text = block.text.replace(" ", "")
        ratio = block.em / measure.em
        if len(block.lines) == 1 and PINYIN_RE.fullmatch(block.text) and sum(c.isalpha() for c in text) >= 4:
            block.kind = PINYIN
        elif ratio >= TITLE_RATIO:
            block.kind = TITLE
        elif ratio >= DECK_RATIO or block.lines[0].weight >= 600 > body_weight:
            block.kind = DECK
    for block in by_top:
        text = block.text.replace(" ", "")
        if block.kind == PINYIN or len(block.lines) != 1 or not SECTION_RE.fullmatch(text):
            continue
        if text in BUILTIN_SECTIONS or any(
            other.kind == PINYIN and _next_to(block.box, other.box, block.em) for other in blocks
        ):
            block.kind = SECTION
    for picture in pictures:
        for block in blocks:
            if block.kind in (BODY, DECK) and _is_caption(block, picture, measure):
                block.kind = CAPTION
                picture.captions.append(block)
    # Small headlines (briefs, a page set in large body type): type well above the body's that stands on its
    # own, not right under or over a headline as its subtitle, authors or kicker would.
    titles = [block for block in blocks if block.kind == TITLE]
    for block in by_top:
        small = block.kind == DECK and block.em >= SMALL_TITLE_RATIO * measure.em
        if small and not any(_stacked(block, t) or _stacked(t, block) for t in titles):
            block.kind = TITLE


def _next_to(box: Box, other: Box, em: float) -> bool:
    """Beside it on its line, or right under it: where a section header's pinyin stands."""
    beside = box.overlap_y(other) > 0 and -em <= other.left - box.right <= 3 * em
    below = box.overlap_x(other) > 0 and -0.2 * em <= other.top - box.bottom <= em
    return beside or below


def _is_caption(block: Block, picture: Picture, measure: Measure) -> bool:
    """Type other than the body's, right under or over a picture and within its width."""
    if block.em > DECK_RATIO * measure.em or same_size(block.em, measure.em) and block.kind == BODY:
        return False  # captions are set smaller than the body, or in its size but bold
    box, frame = block.box, picture.box
    within = box.left >= frame.left - measure.em and box.right <= frame.right + measure.em
    reach = CAPTION_REACH * block.em
    near = (
        -0.2 * block.em <= box.top - frame.bottom <= reach
        or -0.2 * block.em <= frame.top - box.bottom <= reach
    )
    return within and near


def reading_order(items: list, rules: list[Box], measure: Measure) -> list:
    """XY-cut: split the items at the widest gap across them (a rule in it counts extra), read the parts top to
    bottom or left to right, and cut each again.  Items are Blocks and Pictures (anything with a `box`)."""
    if len(items) <= 1:
        return list(items)
    best = None
    for vertical in (False, True):
        for score, before, after in _gaps(items, vertical, rules, measure):
            if best is None or score > best[0]:
                best = (score, before, after)
    if best is None:
        return sorted(items, key=lambda item: (item.box.top, item.box.left))
    return reading_order(best[1], rules, measure) + reading_order(best[2], rules, measure)


def _gaps(items: list, vertical: bool, rules: list[Box], measure: Measure):
    """Every clear gap across the items, as (score, items before, items after)."""
    start = (lambda b: b.left) if vertical else (lambda b: b.top)
    end = (lambda b: b.right) if vertical else (lambda b: b.bottom)
    ordered = sorted(items, key=lambda item: start(item.box))
    region = ordered[0].box
    for item in ordered[1:]:
        region = region.union(item.box)
    reach = end(ordered[0].box)
    for index in range(1, len(ordered)):
        box = ordered[index].box
        if start(box) > reach and _fair_cut(ordered[:index], ordered[index:], vertical, measure):
            score = (start(box) - reach) / measure.em
            if any(_rule_in_gap(rule, vertical, reach, start(box), region, measure) for rule in rules):
                score += RULE_BONUS
            yield score, ordered[:index], ordered[index:]
        reach = max(reach, end(box))


def _fair_cut(before: list, after: list, vertical: bool, measure: Measure) -> bool:
    """Whether a cut keeps the page's sense.  A title narrower than its article leaves a clear gutter beside
    it, down through the columns: cutting there would read a column before its title.  Two titles side by
    side are not to be cut from their bodies below, or one would read the other's text.  And a gap between
    two stretches of one column of text (a paragraph break, a little space) is inside an article."""
    if vertical:
        tops = [_titles(before), _titles(after)]
        for titled, other in ((tops[0], after), (tops[1], before)):
            if titled and not _titles(other):
                highest = min(item.box.top for item in other)
                if highest >= min(t.box.bottom for t in titled) - measure.em:
                    return False
        return True
    edge = max(item.box.bottom for item in before)
    low = [item for item in before if item.box.bottom >= edge - 2 * measure.em]
    titles = _titles(low)
    beside = [item for item in low if all(item.box.overlap_x(t.box) == 0 for t in titles if t is not item)]
    if titles and (len(titles) > 1 and beside or any(item not in titles for item in beside)):
        return False  # a title right above the cut with something beside it: the cut runs through a row
    reach = CONTINUED_GAP * measure.pitch
    upper = [a for a in before if getattr(a, "kind", "") == BODY and a.box.bottom >= edge - reach]
    lower = [b for b in after if getattr(b, "kind", "") == BODY and b.box.top <= edge + reach]
    return not any(
        _same_column(a.box, b.box, measure) and b.box.top - a.box.bottom <= reach
        for a in upper
        for b in lower
    )


def _same_column(a: Box, b: Box, measure: Measure) -> bool:
    return abs(a.left - b.left) <= INDENT * measure.em and abs(a.right - b.right) <= INDENT * measure.em


def _titles(items: list) -> list:
    return [item for item in items if getattr(item, "kind", "") == TITLE]


def _rule_in_gap(rule: Box, vertical: bool, low: float, high: float, region: Box, measure: Measure) -> bool:
    slack = 0.5 * measure.em
    if vertical:
        return (
            rule.height > rule.width
            and low - slack <= (rule.left + rule.right) / 2 <= high + slack
            and (rule.overlap_y(region) >= RULE_SPAN * region.height)
        )
    return (
        horizontal(rule)
        and low - slack <= (rule.top + rule.bottom) / 2 <= high + slack
        and (rule.overlap_x(region) >= RULE_SPAN * region.width)
    )


def _articles(order: list[Block]) -> tuple[list[Article], list[Block]]:
    """Walk the blocks in reading order: a title opens an article, what follows is its own."""
    articles: list[Article] = []
    orphans: list[Block] = []
    sections: list[Block] = []
    kickers: list[Block] = []
    current: Article | None = None
    order = [block for block in order if block.kind != CAPTION]
    for index, block in enumerate(order):
        following = order[index + 1] if index + 1 < len(order) else None
        if block.kind in (SECTION, PINYIN):
            if block.kind == SECTION or sections:
                sections.append(block)
        elif block.kind == DECK and following and following.kind == TITLE and _stacked(block, following):
            kickers.append(block)  # 引题: smaller type right above a title
        elif (
            block.kind == TITLE
            and current
            and not current.body
            and not current.decks
            and (_stacked(current.title[-1], block))
        ):
            if block.em < current.title[-1].em:  # a smaller headline right under the title: its subtitle
                current.decks.append(block)
            else:  # the title before was a kicker set in headline type
                current.kickers += current.title
                current.title = [block]
        elif block.kind == TITLE:
            current = Article([block], sections=sections, kickers=kickers)
            articles.append(current)
            sections, kickers = [], []
        elif current is None:
            orphans.append(block)
        elif block.kind == DECK and not current.body:
            current.decks.append(block)
        else:
            current.body.append(block)
    complete = [a for a in articles if a.body or a.decks]
    return complete, orphans + [block for a in articles if not (a.body or a.decks) for block in a.title]


def _stacked(upper: Block, lower: Block) -> bool:
    em = min(upper.em, lower.em)
    return upper.box.overlap_x(lower.box) > 0 and -0.2 * em <= lower.box.top - upper.box.bottom <= 1.5 * em


def _place_pictures(
    pictures: list[Picture], articles: list[Article], rules: list[Box], measure: Measure
) -> None:
    """Give each picture to the article it stands with: the nearest whose text it lies within or touches in
    its columns, nothing but whitespace between them; standing right above or under a title counts double."""
    boxes = [article.text_box() for article in articles]
    for picture in pictures:
        whole = picture.whole
        best, best_score = None, None
        for article, box in zip(articles, boxes, strict=True):
            if box.overlap_x(whole) < 0.5 * whole.width:
                continue
            gap = _vertical_gap(whole, box)
            title = article.title[0].box
            if gap > 0:
                upper, lower = (whole, box) if whole.bottom <= box.top else (box, whole)
                if _rule_between(rules, upper, lower):
                    continue
                gap = min(gap, _vertical_gap(whole, title) / 2) if title.overlap_x(whole) > 0 else gap
            if gap <= PICTURE_REACH * measure.em and (best_score is None or gap < best_score):
                best, best_score = article, gap
        if best is not None:
            best.pictures.append(picture)


def _vertical_gap(a: Box, b: Box) -> float:
    return max(0.0, a.top - b.bottom, b.top - a.bottom)


def paragraphs(article: Article, measure: Measure) -> list[str]:
    """The body's paragraphs.  A paragraph starts where a line is indented from its column's left edge, and,
    on a page that does not indent its paragraphs, after a line that ends short of its column's right edge
    (where lines are indented, a short line may just be ragged), or where extra space stands between two
    lines of one column.  A column break inside a paragraph joins up; a block in other type (a subhead)
    stands alone."""
    lines = [(block.kind == BODY, line) for block in article.body for line in block.lines]
    # Where one column's text is cut into blocks, the space between them is a paragraph's (not a column break).
    spaced = {
        id(block.lines[0])
        for above, block in zip(article.body, article.body[1:], strict=False)
        if _same_column(above.box, block.box, measure) and block.box.top > above.box.bottom
    }
    edges = {id(line): _column_edges(line, [x for _, x in lines]) for _, line in lines}
    indents = sum(
        1
        for _, line in lines
        if INDENT * line.em < line.box.left - edges[id(line)][0] <= FAR_INDENT * line.em
        and line.box.right >= edges[id(line)][1] - SHORT * line.em
    )
    result: list[list[str]] = []
    open_paragraph = False
    for in_body, line in lines:
        left, right = edges[id(line)]
        if not (open_paragraph and in_body) or line.box.left > left + INDENT * line.em or id(line) in spaced:
            result.append([])
        result[-1].append(line.text)
        open_paragraph = in_body and (indents > 0 or line.box.right >= right - SHORT * line.em)
    return [join_lines(texts) for texts in result]


def _column_edges(line: Line, lines: list[Line]) -> tuple[float, float]:
    """The left and right edges of the column a line stands in: those of the lines sharing its width."""
    column = [o.box for o in lines if o.box.overlap_x(line.box) >= 0.5 * min(o.box.width, line.box.width)]
    return min(box.left for box in column), max(box.right for box in column)


def _area(article: Article, measure: Measure) -> Box:
    """The union of the article's text and pictures; body text keeps its half line space above and below, as
    the printed column does."""
    leading = max(0.0, (measure.pitch - measure.em) / 2)
    box = article.title[0].box
    for block in [*article.title, *article.kickers, *article.decks]:
        box = box.union(block.box)
    for block in article.body:
        b = block.box
        box = box.union(Box(b.left, b.top - leading, b.right, b.bottom + leading))
    for picture in article.pictures:
        box = box.union(picture.whole)
    return box


def _write(
    articles: list[Article], measure: Measure, width: float, height: float, warnings: list[str]
) -> PdfPage:
    """The print-page text, a blank line between blocks, and the areas in the same order."""
    out: list[str] = []
    areas: list[FoundArea] = []
    for article in articles:
        out += [block.text for block in article.sections]
        title = join_lines([block.text for block in article.title])
        box = _area(article, measure)
        areas.append(
            FoundArea(
                line=2 * len(out) + 1,
                title=title,
                x=_fraction(box.left, width),
                y=_fraction(box.top, height),
                width=_fraction(box.right, width) - _fraction(box.left, width),
                height=_fraction(box.bottom, height) - _fraction(box.top, height),
            )
        )
        out.append(title)
        out += [block.text for block in article.decks]
        out += paragraphs(article, measure)
    return PdfPage(text="\n\n".join(out) + "\n", areas=areas, warnings=warnings)


def _fraction(value: float, whole: float) -> float:
    return min(1.0, max(0.0, value / whole)) if whole > 0 else 0.0
