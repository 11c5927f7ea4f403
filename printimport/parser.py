"""Read a print page exported as plain text into draft articles.

The layout software exports each page as plain text: section headers with their pinyin, titles (a subtitle
may share the title's line), opinion authors under the title, body paragraphs cut wherever a column ended, and
a closing byline or author note.  This module only reads text: no Django, standard library
only.  `parse_page` returns the articles in page order or raises `PrintPageError` naming the line to fix.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from .jumps import jump_in, jump_out

ROLE_REPORTER = "reporter"
ROLE_CORRESPONDENT = "correspondent"
ROLE_PHOTOGRAPHER = "photographer"
ROLE_AUTHOR = "author"
ROLE_EDITOR = "editor"

# Headlines on these pages rarely pass 30 characters; 40 leaves room for long official names yet stays far
# below a body paragraph (60-200 characters).  Short column fragments never meet this test: a block that does
# not end a sentence is joined to the next block before anything else is considered.
TITLE_MAX = 40
# A subtitle is a clause rather than a headline, so it may run longer.
SUBTITLE_MAX = 60
# A block right above a 本报讯 paragraph can only be a title: allow a longer one there.
LONG_TITLE_MAX = 80

BUILTIN_SECTIONS = frozenset((
    "要闻", "综合", "图片新闻", "观点", "评论", "科普", "时评", "视点", "人物", "专题", "科技前沿", "地方动态", "新闻",
    "简讯", "聚焦", "关注", "深度", "调查", "访谈", "科教", "学会动态", "科协动态", "高校动态", "企业动态", "基层动态",
    "乡村振兴", "科普园地", "科学生活", "副刊", "理论", "一周要闻",
))  # fmt: skip

ENDERS = "。！？!?…⋯"
CLOSERS = "”’」』）)》〉】\"'"
CLAUSE_PUNCT = "，,：:；;"
# A title never ends with these: they leave the sentence open.
OPEN_ENDINGS = "、，,：:；;“‘「『（(《〈【—-"
# A block opening with these can only continue the block above.
CONTINUATION_STARTS = "，,。、；;：:！？!?…”’」』）)》〉%"
DATELINE = "本报讯"
SUBTITLE_DASHES = ("——", "--")

HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# 2-4 Han characters, or a transliterated name in parts joined by a middle dot (阿依古丽·买买提).
NAME_RE = re.compile(f"[{HAN}]{{2,4}}|[{HAN}]{{1,8}}(?:[·・•‧][{HAN}]{{1,8}}){{1,3}}")
# Short notes that look like names but are not: (资料图) (据新华社) (完) (试行) (记者手记) ...
NOT_NAME_PARTS = (
    "本报", "据", "新华", "综合", "资料", "提供", "来源", "摘自", "转载", "完", "待续", "手记", "试行", "草案",
    "暂行", "修订", "节选", "摘编", "下转", "上接", "版", "编者", "图片", "供图", "报道", "导读", "摘要", "简称",
)  # fmt: skip
PREFIX_ROLES = {
    "本报记者": ROLE_REPORTER, "记者": ROLE_REPORTER, "特约记者": ROLE_REPORTER, "本报特约记者": ROLE_REPORTER,
    "实习记者": ROLE_REPORTER, "见习记者": ROLE_REPORTER, "实习生": ROLE_REPORTER,
    "通讯员": ROLE_CORRESPONDENT, "本报通讯员": ROLE_CORRESPONDENT, "特约通讯员": ROLE_CORRESPONDENT,
    "编辑": ROLE_EDITOR, "责任编辑": ROLE_EDITOR, "本版编辑": ROLE_EDITOR, "美术编辑": ROLE_EDITOR,
    "作者": ROLE_AUTHOR,
}  # fmt: skip
# These follow the names they apply to: (周远帆 摄), (邱某某 刘某某 摄影报道).
SUFFIX_ROLES = {"摄": ROLE_PHOTOGRAPHER, "摄影": ROLE_PHOTOGRAPHER, "摄影报道": ROLE_PHOTOGRAPHER}
EDITOR_WORDS = tuple(w for w, r in PREFIX_ROLES.items() if r == ROLE_EDITOR)
# Role words glued to names (本报记者林知远, 周远帆摄); a lone 摄 only at the end, as it is also a name character.
ROLE_SPLIT_RE = re.compile(
    "(" + "|".join(sorted([*PREFIX_ROLES, "摄影报道", "摄影"], key=len, reverse=True)) + "|摄$)"
)
BYLINE_SEPARATORS_RE = re.compile(r"[\s、，,：:]+")
NOTE_RE = re.compile(r"作者.{0,40}?[系为是]")
PINYIN_RE = re.compile(r"[A-Z]+(?:[ \u3000]+[A-Z]+)*")
SHORT_SECTION_RE = re.compile(f"[{HAN}A-Za-z·]{{2,8}}")
EDGE_SPACE_RE = re.compile(r"^[\s\u200b\ufeff]+|[\s\u200b\ufeff]+$")
SPACE_RE = re.compile(r"\s+")
# Bylines and author notes are short: bracket matching looks this far only, so odd input stays linear.
BRACKET_REACH = 300


class PrintPageError(ValueError):
    """A page that cannot be read sensibly; `line` (1-based, or None) says where, `message` says why."""

    def __init__(self, line: int | None, message: str) -> None:
        self.line = line
        self.message = message
        super().__init__(f"第{line}行：{message}" if line else message)


@dataclass
class ParsedByline:
    """One person credited on an article, with a ROLE_* value; a photographer's `photo_word` is the role word
    printed with the name (摄, 摄影 or 摄影报道), which the picture credit repeats (printimport/service.py)."""

    name: str
    role: str
    photo_word: str = field(default="", compare=False)


@dataclass
class ParsedArticle:
    """One article as printed; `line` is the 1-based line of its title in the page.  A part of an article that
    jumps pages (转版, printimport/jumps.py) names the page it goes on on (`jumps_to`) or comes from
    (`continues_from`); its jump lines are not in its text."""

    title: str
    subtitle: str = ""
    section: str = ""
    dateline: str = ""
    paragraphs: list[str] = field(default_factory=list)
    bylines: list[ParsedByline] = field(default_factory=list)
    author_note: str = ""
    line: int = 0
    jumps_to: int | None = None
    continues_from: int | None = None

    def body_html(self) -> str:
        """One escaped <p> per paragraph."""
        return "\n".join(f"<p>{html.escape(p)}</p>" for p in self.paragraphs)


def decode_page(data: bytes) -> str:
    """Decode an uploaded page: UTF-8 with or without BOM; anything else is refused with the line it breaks on."""
    if isinstance(data, str):
        raise PrintPageError(None, "需要上传文件的原始字节，而不是已解码的文本")
    try:
        raw = bytes(data)
    except (TypeError, ValueError):
        raise PrintPageError(None, "上传的内容不是文件数据") from None
    binary = "文件里有控制字符，像是二进制文件（如 Word、PDF 或图片），请从排版软件导出为 UTF-8 纯文本"
    if b"\x00" in raw:
        raise PrintPageError(raw[: raw.index(b"\x00")].count(b"\n") + 1, binary)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise PrintPageError(
            line, "文件不是 UTF-8 编码（可能是 GBK 等编码），请另存为 UTF-8 再导入"
        ) from None
    control = re.search(r"[\x01-\x08\x0e-\x1f\x7f]", text)
    if control:
        raise PrintPageError(text.count("\n", 0, control.start()) + 1, binary)
    return text


def parse_page(text: str, sections: Iterable[str] = ()) -> list[ParsedArticle]:
    """Parse one page into its articles, in page order.

    `sections` adds known section names to BUILTIN_SECTIONS.  Raises PrintPageError (and nothing else) when
    the page cannot be read sensibly.
    """
    if not isinstance(text, str):
        raise PrintPageError(None, "版面内容必须是文本")
    extra = [sections] if isinstance(sections, str) else sections
    known = set(BUILTIN_SECTIONS) | {SPACE_RE.sub("", str(s)) for s in extra} - {""}
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    blocks = [(n, s) for n, s in ((n, EDGE_SPACE_RE.sub("", raw)) for n, raw in enumerate(lines, 1)) if s]
    if not blocks:
        raise PrintPageError(None, "版面是空的，没有可导入的内容")
    return _PageReader(blocks, known).read()


def _short(text: str, limit: int = 20) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def _is_name(text: str) -> bool:
    return bool(NAME_RE.fullmatch(text)) and not any(part in text for part in NOT_NAME_PARTS)


def _names(text: str) -> list[str] | None:
    """The names of an author block: one to four personal names separated by spaces."""
    names = SPACE_RE.split(text)
    if len(names) <= 4 and all(_is_name(n) and n not in PREFIX_ROLES and n != DATELINE for n in names):
        return names
    return None


def _is_pinyin(text: str) -> bool:
    return bool(PINYIN_RE.fullmatch(text)) and sum(c.isalpha() for c in text) >= 4


def _group_start(text: str) -> int | None:
    """Index of the bracket opening the parenthesised group `text` ends with, if it ends with one."""
    if not text or text[-1] not in ")）":
        return None
    depth = 0
    for i in range(len(text) - 1, max(len(text) - BRACKET_REACH, 0) - 1, -1):
        if text[i] in ")）":
            depth += 1
        elif text[i] in "(（":
            depth -= 1
            if depth == 0:
                return i
    return None


def _group_end(text: str) -> int | None:
    """Index of the bracket closing the group `text` starts with."""
    depth = 0
    for i, char in enumerate(text[:BRACKET_REACH]):
        if char in "(（":
            depth += 1
        elif char in ")）":
            depth -= 1
            if depth == 0:
                return i
    return None


def _ends_sentence(text: str, note_after: bool = True) -> bool:
    """Whether a block ends a sentence (。！？!?… maybe with closing quotes), so the next block does not continue
    it.  With `note_after`, a bracketed note after the last sentence (`……。（完）`, `……。(资料图)`) still ends it."""
    core = text.rstrip(CLOSERS)
    if core and core[-1] in ENDERS:
        return True
    start = _group_start(text) if note_after else None
    return start is not None and _ends_sentence(text[:start].rstrip(), note_after=False)


def _parse_byline(content: str) -> list[ParsedByline] | None:
    """Bylines from the inside of a byline bracket, or None when it holds anything but role words and names."""
    if not content or len(content) > 80:
        return None
    entries: list[list[str | None]] = []  # [name, role, photo word]
    role: str | None = None
    word: str | None = None
    since: list[int] = []  # names since the last role word: a following 摄 applies to them
    for token in BYLINE_SEPARATORS_RE.split(content):
        if not token:
            continue
        pieces = [p for p in ROLE_SPLIT_RE.split(token) if p]
        if not all(p in PREFIX_ROLES or p in SUFFIX_ROLES or _is_name(p) for p in pieces):
            if not _is_name(token):
                return None
            pieces = [token]
        for piece in pieces:
            if piece in SUFFIX_ROLES and since:
                for index in since:
                    entries[index][1:] = [SUFFIX_ROLES[piece], piece]
                role, since = None, []
            elif piece in SUFFIX_ROLES or piece in PREFIX_ROLES:
                role, since = PREFIX_ROLES.get(piece, ROLE_PHOTOGRAPHER), []
                word = piece if piece in SUFFIX_ROLES else None  # (摄影 周远帆): the word before the names
            else:
                since.append(len(entries))
                entries.append([piece, role, word if role == ROLE_PHOTOGRAPHER else None])
    return [ParsedByline(str(name), role or ROLE_AUTHOR, word or "") for name, role, word in entries] or None


def _closing(text: str) -> tuple[str, list[ParsedByline], str] | None:
    """Split the byline or author note that ends a paragraph: (rest, bylines, author note), else None.

    It must stand alone or follow the last sentence, which keeps `(州)` or `(以下简称…)` inside a sentence.
    """
    start = _group_start(text)
    if start is None:
        return None
    rest, content = text[:start].rstrip(), text[start + 1 : -1].strip()
    if rest and not _ends_sentence(rest, note_after=False):
        return None
    bylines = _parse_byline(content)
    if bylines:
        return rest, bylines, ""
    return (rest, [], content) if NOTE_RE.match(content) else None


def _dateline(paragraph: str) -> tuple[str, list[ParsedByline]] | None:
    """For a paragraph opening with 本报讯: the text after it, and the bylines of a bracket right after it
    (本报讯（记者 某某）) which goes too.  None for any other paragraph."""
    if not paragraph.startswith(DATELINE):
        return None
    rest = paragraph[len(DATELINE) :].lstrip(" \t\u3000：:")
    end = _group_end(rest) if rest.startswith(("(", "（")) else None
    bylines = _parse_byline(rest[1:end].strip()) if end else None
    return (rest[end + 1 :].lstrip(), bylines) if end and bylines else (rest, [])


def _is_closing_block(text: str | None) -> bool:
    closing = _closing(text) if text else None
    return closing is not None and not closing[0]


def _split_title(text: str) -> tuple[str, str] | None:
    """(title, subtitle) when a space surely separates them: the part after it opens with —— or has clause
    punctuation of its own, and both parts are substantial.  `春耕时节 无人机“飞”进田间` stays whole."""
    for space in SPACE_RE.finditer(text):
        left, right = text[: space.start()], text[space.end() :]
        if left[-1] in CLAUSE_PUNCT + "、":
            continue  # a space after a comma is spacing inside a clause
        if right.startswith(SUBTITLE_DASHES) and len(left) >= 2:
            return left, right
        if len(left) >= 6 and len(right) >= 6 and any(c in right for c in CLAUSE_PUNCT):
            return left, right
    return None


@dataclass
class _Draft:
    title: str
    line: int
    subtitle: str = ""
    section: str = ""
    authors: list[ParsedByline] = field(default_factory=list)
    bylines: list[ParsedByline] = field(default_factory=list)
    note: str = ""
    paragraphs: list[str] = field(default_factory=list)
    open: bool = False  # the last paragraph ends mid-sentence and continues in the next block
    jumps_to: int | None = None
    continues_from: int | None = None


class _PageReader:
    """Walks the blocks once; the state is the article being read and the section waiting for the next one."""

    def __init__(self, blocks: list[tuple[int, str]], known: set[str]) -> None:
        self.blocks = blocks
        self.known = known
        self.articles: list[ParsedArticle] = []
        self.draft: _Draft | None = None
        self.section: tuple[str, int] = ("", 0)
        self.last: ParsedArticle | None = None  # just closed: a byline right after it is still its own

    def read(self) -> list[ParsedArticle]:
        i = 0
        while i < len(self.blocks):
            i = self.step(i)
        if self.draft:
            self.close()
        if self.section[0]:
            raise PrintPageError(self.section[1], f"栏目“{self.section[0]}”之后没有文章")
        if not self.articles:
            raise PrintPageError(None, "版面上没有找到任何文章")
        return self.articles

    def step(self, i: int) -> int:
        """Read block i and return the index of the next block to read."""
        line, text = self.blocks[i]
        nxt = self.blocks[i + 1][1] if i + 1 < len(self.blocks) else None
        draft = self.draft
        closing = _closing(text)
        if closing and not closing[0]:
            self.attach(line, text, closing[1], closing[2])
            return i + 1
        if text.startswith(EDITOR_WORDS) and (bylines := _parse_byline(text)):
            if draft or self.last:  # an unbracketed editor line; one above the first title is page furniture
                self.attach(line, text, bylines, "")
            return i + 1
        if (found := jump_in(text)) and not found[0]:
            if draft is None or draft.paragraphs or draft.continues_from:
                raise PrintPageError(line, f"接版行“{text}”应紧跟在续文的标题下面")
            draft.continues_from = found[1]
            return i + 1
        pinyin_next = nxt is not None and _is_pinyin(nxt)
        name = SPACE_RE.sub("", text) if len(text) <= 16 else ""
        is_known = name in self.known
        # A known name wins even after an unfinished paragraph: no column fragment is just a section name.
        if is_known or pinyin_next and SHORT_SECTION_RE.fullmatch(name):
            if draft:
                self.close()
            self.section, self.last = (name, line), None
            return i + 2 if pinyin_next else i + 1
        if _is_pinyin(text) and nxt is not None and SPACE_RE.sub("", nxt) in self.known:
            return i + 1  # pinyin printed above its section name
        if draft is None:
            self.open_draft(line, text, nxt)
        elif draft.open:
            if text.startswith(DATELINE):
                raise PrintPageError(line, "以“本报讯”开头的段落前缺少标题（上一段没有结束）")
            draft.paragraphs[-1] += text
            self.after_paragraph()
        elif not draft.paragraphs:
            self.under_title(draft, line, text, nxt)
        elif self.starts_next_article(draft, text, nxt):
            self.close()
            self.open_draft(line, text, nxt)
        else:
            if text.startswith(DATELINE):
                raise PrintPageError(line, "以“本报讯”开头的段落前缺少标题")
            draft.paragraphs.append(text)
            self.after_paragraph()
        return i + 1

    def title_like(self, text: str, nxt: str | None, strict: bool) -> bool:
        """Whether a block can be a title.  `strict` after a complete paragraph, where it could also be the
        first column fragment of the next paragraph; elsewhere a title is all that may come."""
        if text.startswith((DATELINE, "(", "（", *SUBTITLE_DASHES)) or "。" in text:
            return False
        if strict and (
            _ends_sentence(text) or text[-1] in OPEN_ENDINGS or (nxt and nxt[0] in CONTINUATION_STARTS)
        ):
            return False
        limit = LONG_TITLE_MAX if nxt and nxt.startswith(DATELINE) else TITLE_MAX
        if len(text) <= limit:
            return True
        split = _split_title(text) if len(text) <= limit + SUBTITLE_MAX + 1 else None
        return split is not None and len(split[0]) <= limit and len(split[1]) <= SUBTITLE_MAX

    def starts_next_article(self, draft: _Draft, text: str, nxt: str | None) -> bool:
        """Whether a block after a complete paragraph is the title of the next article, the one above having
        ended without a byline.  A column break near the end of a column leaves a short first fragment of the
        next paragraph that looks just like a title, so the weak signal (short, sentence left open) only counts
        where no byline is due and the block reads like a headline (no comma: headlines separate with spaces)."""
        # A title needs a body: a short block above a byline, a section or the page end is a paragraph.
        if nxt is None or _is_closing_block(nxt) or SPACE_RE.sub("", nxt) in self.known:
            return False
        if not self.title_like(text, nxt, strict=True):
            return False
        if nxt.startswith((DATELINE, *SUBTITLE_DASHES)) or _names(nxt):
            return True  # what follows can only open an article
        dateline = _dateline(draft.paragraphs[0])
        if draft.authors or (dateline and not dateline[1]):
            return False  # an opinion piece awaits its author note, staff news its byline
        return len(text) >= 5 and (_split_title(text) is not None or not any(c in text for c in "，,"))

    def open_draft(self, line: int, text: str, nxt: str | None) -> None:
        if text.startswith(SUBTITLE_DASHES):
            raise PrintPageError(line, f"副标题“{_short(text)}”前面没有标题")
        if not self.title_like(text, nxt, strict=False):
            where = "上一篇文章已经结束" if self.articles else "版面应以标题或栏目名开头"
            raise PrintPageError(line, f"这段正文前面缺少标题（{where}）：“{_short(text)}”")
        title, continues_from = jump_in(text) or (text, None)  # 标题（上接第1版） on one line
        title, subtitle = _split_title(title) or (title, "")
        self.draft = _Draft(title, line, subtitle, section=self.section[0], continues_from=continues_from)
        self.section, self.last = ("", 0), None

    def under_title(self, draft: _Draft, line: int, text: str, nxt: str | None) -> None:
        """A block between the title and the body: subtitle, opinion authors, or the first paragraph."""
        if text.startswith(SUBTITLE_DASHES):
            draft.subtitle = f"{draft.subtitle} {text}".strip()
        elif not draft.authors and (names := _names(text)):
            draft.authors = [ParsedByline(n, ROLE_AUTHOR) for n in names]
        elif (
            not (draft.subtitle or draft.authors)
            and nxt
            and (nxt.startswith(DATELINE) or _names(nxt))
            and (len(text) <= SUBTITLE_MAX and not text.startswith(DATELINE) and "。" not in text)
        ):
            draft.subtitle = text  # a second headline line, with the body or the authors right below it
        else:
            draft.paragraphs.append(text)
            self.after_paragraph()

    def after_paragraph(self) -> None:
        """The last paragraph just grew: close the article on a byline or author note, or note a break."""
        draft = self.draft
        assert draft is not None
        closing = _closing(draft.paragraphs[-1])
        if jumped := jump_out(draft.paragraphs[-1]):  # the part ends here and goes on on another page
            draft.paragraphs[-1:] = [jumped[0]] if jumped[0] else []
            draft.jumps_to = jumped[1]
            self.close()
        elif closing:
            rest, bylines, note = closing
            draft.paragraphs[-1:] = [rest] if rest else []
            draft.bylines += bylines
            draft.note = note
            self.close()
        else:
            draft.open = not _ends_sentence(draft.paragraphs[-1])

    def attach(self, line: int, text: str, bylines: list[ParsedByline], note: str) -> None:
        """A byline or author note on its own line belongs to the article above it."""
        if self.draft is not None:
            if not self.draft.paragraphs:
                raise PrintPageError(self.draft.line, f"标题“{_short(self.draft.title)}”下面没有正文")
            self.draft.bylines += bylines
            self.draft.note = note or self.draft.note
            self.close()
        elif self.last is not None:
            self.last.bylines += bylines
            self.last.author_note = self.last.author_note or note
        else:
            raise PrintPageError(line, f"署名或作者简介“{_short(text)}”前面没有可归属的文章")

    def close(self) -> None:
        draft, self.draft = self.draft, None
        assert draft is not None
        found = _dateline(draft.paragraphs[0]) if draft.paragraphs else None
        rest, dateline_bylines = found or ("", [])
        if found:
            draft.paragraphs[0:1] = [rest] if rest else []
        if not draft.paragraphs:
            raise PrintPageError(draft.line, f"标题“{_short(draft.title)}”下面没有正文")
        bylines = draft.authors + dateline_bylines + draft.bylines  # in printed order
        dateline = DATELINE if found else ""
        self.last = ParsedArticle(
            title=draft.title,
            subtitle=draft.subtitle,
            section=draft.section,
            dateline=dateline,
            paragraphs=draft.paragraphs,
            bylines=bylines,
            author_note=draft.note,
            line=draft.line,
            jumps_to=draft.jumps_to,
            continues_from=draft.continues_from,
        )
        self.articles.append(self.last)
