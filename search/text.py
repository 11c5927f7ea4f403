"""The search text: what `Article.search_text` holds, and keeping it current.

`Article.search_text` holds three parts separated by " | ": the title (weight A); kicker, subtitle, summary and
byline names (B); body, author note and image caption (D). Each part is a stream of tokens made only of letters
and digits, so "|" never occurs inside a part:

- character bigrams of every CJK run, in order, each run closed by its last character alone
  ("大熊猫保护" → 大熊 熊猫 猫保 保护 护). Any substring of two or more characters is then a phrase of adjacent
  bigrams, and a single character is a prefix of some token, so one- and two-character queries work;
- the jieba words of the text (search mode, so 卫星通信 also yields 卫星 and 通信; two characters or more),
  which count a real word twice and so rank 通信 in 卫星通信 above the accidental 通信 of 交通信号;
- the other words (Latin letters, digits: 5g, crispr), lowercased.

search/signals.py keeps it current on every save; search/engine.py queries it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

import jieba
from django.db import models

from articles.richtext import html_to_text

jieba.setLogLevel(60)

PART_SEPARATOR = " | "

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
            words.extend(word for word in jieba.cut_for_search(run, HMM=True) if len(word) > 1)
        else:
            words.append(match.group("word"))
    return " ".join(ngrams + words)


def build_search_text(
    *,
    title: str = "",
    kicker: str = "",
    subtitle: str = "",
    summary: str = "",
    body: str = "",
    author_note: str = "",
    image_caption: str = "",
    names: Iterable[str] = (),
) -> str:
    """The value of `Article.search_text` for these texts (`body` is HTML)."""
    part_a = segment(title)
    part_b = segment(" \n ".join([kicker, subtitle, summary, *names]))
    part_d = segment(" \n ".join([html_to_text(body), author_note, image_caption]))
    return PART_SEPARATOR.join([part_a, part_b, part_d])


def search_text_for(article, names: Iterable[str]) -> str:
    return build_search_text(
        title=article.title,
        kicker=article.kicker,
        subtitle=article.subtitle,
        summary=article.summary,
        body=article.body,
        author_note=article.author_note,
        image_caption=article.image_caption,
        names=names,
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
    from articles.models import Article, Byline

    ids = list(queryset.order_by().values_list("pk", flat=True).distinct())
    changed = 0
    for start in range(0, len(ids), batch_size):
        batch = (
            Article.objects.filter(pk__in=ids[start : start + batch_size])
            .order_by("pk")
            .prefetch_related(
                models.Prefetch(
                    "bylines", queryset=Byline.objects.select_related("author").order_by("order", "id")
                )
            )
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
