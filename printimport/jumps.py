"""The jump lines of an article that goes on on another page (转版), and how alike two of its titles are.

A part that goes on elsewhere ends with a jump-out line, right after its last sentence or on its own line:
`(下转第2版)`, `（转2版）`, `（下转A2版）`.  The part that goes on opens with the title again (whole or shortened)
and a jump-in line: `(上接第1版)`, `（接1版）`, `（紧接第一版）`.  Either width of brackets, a page letter prefix
(A2: the paper's A section; the page is still page 2 of the issue), 第 or not, the page in digits or in Chinese
numerals (一 … 九十九).  Standard library only: printimport/parser.py reads the lines with these, and
printimport/issuejoin.py matches the parts with `resemblance`.
"""

from __future__ import annotations

import re

_NUMERALS = "一二三四五六七八九"
_PAGE = rf"第?\s*[A-Za-z]?\s*(?P<page>\d{{1,3}}|[{_NUMERALS}十]{{1,3}})\s*版"
JUMP_OUT_RE = re.compile(rf"[(（]\s*(?:下转|转至|转)\s*{_PAGE}\s*[)）]$")
JUMP_IN_RE = re.compile(rf"[(（]\s*(?:上接|紧接|接)\s*{_PAGE}\s*[)）]$")


def page_number(text: str) -> int | None:
    """The page a jump line names: digits, or Chinese numerals up to 九十九 (一, 十, 十二, 二十, 二十三)."""
    if text.isdigit():
        return int(text)
    tens, ten, units = text.rpartition("十")
    if not ten:
        tens, units = "", text
    digits = [_NUMERALS.find(d) + 1 for d in (tens, units) if d]
    if len(tens) > 1 or len(units) > 1 or 0 in digits:
        return None
    value = (_NUMERALS.index(tens) + 1 if tens else 1) * 10 if ten else 0
    return value + (_NUMERALS.index(units) + 1 if units else 0) or None


def jump_out(text: str) -> tuple[str, int] | None:
    """(the text before it, the page) when `text` ends with a jump-out line; else None."""
    match = JUMP_OUT_RE.search(text)
    page = page_number(match["page"]) if match else None
    return (text[: match.start()].rstrip(), page) if page else None


def jump_in(text: str) -> tuple[str, int] | None:
    """(the text before it, the page) when `text` ends with a jump-in line (a title may stand before it)."""
    match = JUMP_IN_RE.search(text)
    page = page_number(match["page"]) if match else None
    return (text[: match.start()].rstrip(), page) if page else None


def _common_subsequence(a: str, b: str) -> int:
    """The length of the longest common subsequence of a and b (titles: under a hundred characters each)."""
    previous = [0] * (len(b) + 1)
    for char in a:
        current = [0]
        for j, other in enumerate(b):
            current.append(previous[j] + 1 if char == other else max(previous[j + 1], current[j]))
        previous = current
    return previous[-1]


_IGNORED = re.compile(r"[\s“”‘’\"'《》〈〉「」『』·、，,：:；;！!？?—\-]+")


def resemblance(start: str, continued: str) -> int:
    """How surely `continued` is the title of the part of `start` that goes on: 3 the same title, 2 one begins
    the other (a shortened title), 1 most (three quarters) of its characters stand in `start` in order (a title
    cut down in the middle), 0 not alike.  Quotes, spaces and punctuation do not count."""
    a, b = _IGNORED.sub("", start), _IGNORED.sub("", continued)
    if not a or not b:
        return 0
    if a == b:
        return 3
    if a.startswith(b) or b.startswith(a):
        return 2
    return 1 if len(b) >= 2 and _common_subsequence(b, a) * 4 >= len(b) * 3 else 0
