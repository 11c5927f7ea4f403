"""`Article.search_text` for the benchmark archive, built as search/text.py builds it, at benchmark speed.

Generated bodies repeat sentences from a pool (devdata/benchtext.py), so each sentence is segmented once and
the results joined; the first articles are also built the slow way and compared, so a change to the search
text's rules can never give the archive a search text the site would not have written.
"""

from __future__ import annotations

from search import text as search_text

from .benchtext import ArticleText


class SearchTextBuilder:
    """`Article.search_text` for generated articles, token for token what `build_search_text` would write.

    `build_search_text` segments three parts (title; kicker, subtitle, summary and byline names; body and notes)
    with `segment`, which treats text between punctuation independently, so segmenting a part's sentences one
    by one and joining the results indexes the same tokens and matches the same queries (`segment` says so).
    The first `verify` articles are also built the slow way and compared token for token, part by part: on any
    difference (search/text.py changed) the builder uses `build_search_text` for everything from then on.
    """

    def __init__(self, verify: int = 50):
        self.to_verify = verify
        self.mismatch = False
        self.separator = search_text.PART_SEPARATOR
        self._pieces: dict[str, str] = {}

    def _piece(self, text: str) -> str:
        found = self._pieces.get(text)
        if found is None:
            found = self._pieces[text] = search_text.segment(text)
        return found

    def _segment(self, pieces) -> str:
        return " ".join(segmented for piece in pieces if piece and (segmented := self._piece(piece)))

    def build(self, text: ArticleText, names: list[str]) -> str:
        fields = {
            "title": text.title,
            "kicker": text.kicker,
            "subtitle": text.subtitle,
            "summary": text.summary,
            "body": text.body,
            "author_note": text.author_note,
            "names": names,
        }
        if self.mismatch:
            return search_text.build_search_text(**fields)
        fast = self.separator.join(
            [
                self._segment([text.title]),
                self._segment([text.kicker, text.subtitle, text.summary, *names]),
                self._segment([*text.sentences, text.author_note]),
            ]
        )
        if self.to_verify > 0:
            self.to_verify -= 1
            exact = search_text.build_search_text(**fields)
            if not same_tokens(fast, exact, self.separator):
                self.mismatch = True
                return exact
        return fast


def same_tokens(one: str, other: str, separator: str) -> bool:
    """True when two search texts hold the same tokens, as many times, in each part."""
    parts_one, parts_other = one.split(separator), other.split(separator)
    return len(parts_one) == len(parts_other) and all(
        sorted(a.split()) == sorted(b.split()) for a, b in zip(parts_one, parts_other, strict=True)
    )
