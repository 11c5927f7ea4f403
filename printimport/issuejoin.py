"""The articles of a whole issue: each page's articles, with the parts of an article that jumps pages (转版) joined.

printimport/parser.py reads each page on its own and marks a part that goes on on another page (`jumps_to`) or
comes from one (`continues_from`).  `join_issue` puts the parts together:

- A continuation on page p that names page q is matched to a part on page q that names page p, by title: the
  same, one beginning the other, or most of its characters in the start's title in order
  (printimport/jumps.py `resemblance`); titles not alike at all are never joined, even where the pages agree.
  Several parts that could match: the most alike wins, and a tie is a warning.  No part whose pages agree: a
  start on an earlier page whose title is the same or begins it, with a warning that the pages do not agree.
- The article is its parts in order: title, subtitle, section, dateline and position from the part where it
  starts; the paragraphs of all, a paragraph cut by the jump (the first part's last one does not end a
  sentence) glued to the next part's first with nothing between, as a column break; the bylines of every
  part in printed order (the end part's, in practice) and the author note of the last part that has one.
- A part whose other half is not there is imported on its own, without its jump line, and a warning says so:
  never merged by guess, never lost.

Standard library only, like the parser: the issue's import (printimport/issueplan.py) decides the rest.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from .jumps import resemblance
from .parser import ParsedArticle, _ends_sentence, _short


@dataclass
class PagePart:
    """One article, or one part of a jumping article, as printed on a page of the issue."""

    page: int
    filename: str
    parsed: ParsedArticle
    following: PagePart | None = None  # the part it goes on in
    preceding: PagePart | None = None  # the part it continues


@dataclass
class JoinedArticle:
    """One article of the issue: `parsed` is the whole of it, `parts` where each part of it stands (in order)."""

    parsed: ParsedArticle
    parts: list[PagePart] = field(default_factory=list)

    @property
    def page(self) -> int:
        return self.parts[0].page


def join_issue(
    pages: list[tuple[int, str, list[ParsedArticle]]],
) -> tuple[list[JoinedArticle], list[str]]:
    """The issue's articles from its pages ((page number, file name, articles) each, in page order), in reading
    order (by the page each starts on), and the warnings about jumps that could not be joined or surely."""
    parts = [PagePart(number, filename, item) for number, filename, items in pages for item in items]
    numbers = {number for number, _filename, _items in pages}
    warnings: list[str] = []
    for part in parts:
        if part.parsed.continues_from is not None:
            _link(part, parts, warnings)
    for part in parts:
        if part.parsed.jumps_to is not None and part.following is None:
            where = (
                "" if part.parsed.jumps_to in numbers else f"，这次导入的版面里没有第{part.parsed.jumps_to}版"
            )
            warnings.append(
                f"{part.filename}：第{part.page}版《{_short(part.parsed.title)}》注明转第{part.parsed.jumps_to}版，"
                f"但没有找到它的续文{where}；这一部分单独导入。"
            )
        if part.parsed.continues_from is not None and part.preceding is None:
            warnings.append(
                f"{part.filename}：第{part.page}版《{_short(part.parsed.title)}》注明接第{part.parsed.continues_from}版，"
                f"但没有找到转出它的部分；这一部分单独导入。"
            )
    joined = []
    for part in parts:
        if part.preceding is None:
            chain = [part]
            while chain[-1].following is not None:
                chain.append(chain[-1].following)
            joined.append(JoinedArticle(merge([p.parsed for p in chain]), chain))
    return joined, warnings


def _link(part: PagePart, parts: list[PagePart], warnings: list[str]) -> None:
    """Find the part that `part` (a continuation) continues and link the two, warning when unsure."""
    item = part.parsed
    free = [p for p in parts if p.page < part.page and p.parsed.jumps_to is not None and p.following is None]
    agreeing = [p for p in free if p.page == item.continues_from and p.parsed.jumps_to == part.page]
    scored = sorted(
        ((resemblance(p.parsed.title, item.title), -i, p) for i, p in enumerate(agreeing)),
        key=lambda row: row[:2],
        reverse=True,
    )
    here = f"{part.filename}：第{part.page}版《{_short(item.title)}》"
    if scored and scored[0][0] > 0:
        best = scored[0][2]
        if len(scored) > 1 and scored[0][0] == scored[1][0]:
            warnings.append(
                f"{here}可能接第{best.page}版的{len(scored)}篇文章中的任何一篇，按版面顺序接在"
                f"《{_short(best.parsed.title)}》之后，请核对。"
            )
    elif scored:
        other = scored[0][2]
        warnings.append(
            f"{here}与转到第{part.page}版的《{_short(other.parsed.title)}》标题对不上，没有合并，请核对。"
        )
        return
    else:
        alike = [p for p in free if resemblance(p.parsed.title, item.title) >= 2]
        if not alike:
            return
        best = alike[0]
        warnings.append(
            f"{here}注明接第{item.continues_from}版，与第{best.page}版《{_short(best.parsed.title)}》"
            f"注明的转第{best.parsed.jumps_to}版对不上；按标题接在它之后，请核对。"
        )
    best.following, part.preceding = part, best


def merge(items: list[ParsedArticle]) -> ParsedArticle:
    """The parts of one article as one (the module docstring says what comes from which part)."""
    first, last = items[0], items[-1]
    paragraphs = list(first.paragraphs)
    bylines = list(first.bylines)
    note = first.author_note
    for item in items[1:]:
        more = list(item.paragraphs)
        if paragraphs and more and not _ends_sentence(paragraphs[-1]):
            paragraphs[-1] += more.pop(0)  # a paragraph cut by the jump, as by a column break
        paragraphs += more
        bylines += item.bylines
        note = item.author_note or note
    return replace(
        first,
        paragraphs=paragraphs,
        bylines=bylines,
        author_note=note,
        jumps_to=last.jumps_to,
        continues_from=first.continues_from,
    )
