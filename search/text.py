"""The search text: what `Article.search_text` holds, and keeping it current.

`Article.search_text` holds three parts separated by " | ", weighted A, B and D. Each searched field of the
article goes to the part its content group declares (articles/models/article.py: the title in A; kicker,
subtitle and summary in B, with the byline names; body, author note and image caption in D). Each part is a
stream of tokens made only of letters and digits, so "|" never occurs inside a part:

- character bigrams of every CJK run, in order, each run closed by its last character alone
  ("大熊猫保护" → 大熊 熊猫 猫保 保护 护). Any substring of two or more characters is then a phrase of adjacent
  bigrams, and a single character is a prefix of some token, so one- and two-character queries work;
- the jieba words of the text (search mode, so 卫星通信 also yields 卫星 and 通信; two characters or more),
  which count a real word twice and so rank 通信 in 卫星通信 above the accidental 通信 of 交通信号. They come
  from rjieba, the binding of jieba-rs (jieba's Rust port: its dictionary and HMM, the same words on the
  paper's texts, about twenty times as fast, half the memory; the one difference found from jieba 0.42 is Han
  outside U+4E00-U+9FD5, which it may group where jieba splits: bench/segmenter_choice.py);
- the other words (Latin letters, digits: 5g, crispr), lowercased.

search/signals.py keeps it current on every save; search/engine.py queries it.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable

import rjieba

from articles.richtext import SanitizedHTMLField, html_to_text

PART_SEPARATOR = " | "
# The parts by weight, in the order the search index reads them (articles/migrations/0002_search_index.py).
PARTS = ("A", "B", "D")
# The byline names join this part, after its fields.
NAMES_PART = "B"

# Han (with extensions and compatibility ideographs), kana and hangul: scripts written without spaces.
_CJK = (
    "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
    "\U00020000-\U0002ebef\U00030000-\U0003134f"
)
_TOKEN_RE = re.compile(rf"(?P<cjk>[{_CJK}]+)|(?P<word>[^\W_{_CJK}]+)")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SPACE_RE = re.compile(r"\s+")


# --- text ---------------------------------------------------------------------------------------------------


def normalize(text: str) -> str:
    """NFKC (full-width letters and digits become ASCII), lowercase, no control characters."""
    return _CONTROL_RE.sub(" ", unicodedata.normalize("NFKC", text or "")).lower()


# --- index --------------------------------------------------------------------------------------------------


def _bigrams(run: str) -> list[str]:
    if len(run) == 1:
        return [run]
    return [run[i : i + 2] for i in range(len(run) - 1)] + [run[-1]]


def segment(text: str) -> str:
    """The search tokens of `text`, space-separated: its n-grams first (their positions must stay adjacent for
    phrase queries), then its words. Text between punctuation is independent, so segmenting pieces and joining
    the results matches the same queries as segmenting the whole."""
    ngrams: list[str] = []
    words: list[str] = []
    for match in _TOKEN_RE.finditer(normalize(text)):
        if match.group("cjk"):
            run = match.group("cjk")
            ngrams.extend(_bigrams(run))
            words.extend(word for word in rjieba.cut_for_search(run, hmm=True) if len(word) > 1)
        else:
            words.append(match.group("word"))
    return " ".join(ngrams + words)


@functools.cache
def _searched() -> tuple[tuple[str, str, bool], ...]:
    """(field, part, holds HTML) of each searched article field, in the order its part joins them."""
    from articles.models import Article, searched_fields

    return tuple(
        (name, part, isinstance(Article._meta.get_field(name), SanitizedHTMLField))
        for name, part in searched_fields().items()
    )


def build_search_text(*, names: Iterable[str] = (), **texts: str) -> str:
    """The value of `Article.search_text` for these texts, passed by field name (HTML fields as HTML), and these
    byline names. A searched field not passed counts as empty."""
    searched = _searched()
    unknown = set(texts) - {name for name, _part, _html in searched}
    if unknown:
        raise TypeError(f"build_search_text() got unexpected keyword arguments: {', '.join(sorted(unknown))}")
    parts = []
    for part in PARTS:
        pieces = [
            html_to_text(texts.get(name, "")) if html else texts.get(name, "")
            for name, field_part, html in searched
            if field_part == part
        ]
        if part == NAMES_PART:
            pieces += names
        parts.append(segment(" \n ".join(pieces)))
    return PART_SEPARATOR.join(parts)


def search_text_for(article, names: Iterable[str]) -> str:
    return build_search_text(
        names=names, **{name: getattr(article, name) for name, _part, _html in _searched()}
    )


def byline_names(article_id) -> list[str]:
    from articles.models import Byline

    return list(
        Byline.objects.filter(article_id=article_id)
        .order_by("order", "id")
        .values_list("author__name", flat=True)
    )


def refresh_article(article, *, force_write: bool = False) -> bool:
    """Recompute one article's `search_text` and store it with queryset.update() (no save, no signals)."""
    from articles.models import Article

    text = search_text_for(article, byline_names(article.pk))
    if text == article.search_text and not force_write:
        return False
    Article.objects.filter(pk=article.pk).update(search_text=text)
    article.search_text = text
    return True


def refresh_articles(queryset, batch_size: int = 200) -> int:
    """Recompute `search_text` for many articles in batches; returns how many changed."""
    from articles.models import Article
    from articles.querysets import bylines_prefetch

    ids = list(queryset.order_by().values_list("pk", flat=True).distinct())
    changed = 0
    for start in range(0, len(ids), batch_size):
        batch = (
            Article.objects.filter(pk__in=ids[start : start + batch_size])
            .order_by("pk")
            .prefetch_related(bylines_prefetch())
        )
        stale = []
        for article in batch:
            text = search_text_for(article, [b.author.name for b in article.bylines.all()])
            if text != article.search_text:
                article.search_text = text
                stale.append(article)
        Article.objects.bulk_update(stale, ["search_text"])
        changed += len(stale)
    return changed
