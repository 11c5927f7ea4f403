"""A reader's query, cleaned and cut into what every result must contain (`parse_query`): CJK runs as phrases of
character bigrams (long runs cut into words by rjieba), Latin words and numbers whole; never raises, whatever
is typed. search/engine.py turns it into SQL.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import rjieba

from .text import _CONTROL_RE, _SPACE_RE, _TOKEN_RE, normalize

MAX_QUERY_CHARS = 100  # longer queries are cut here: no reader types more, and work stays bounded
MAX_TERMS = 8
MAX_RUN_AS_PHRASE = 4  # a CJK run this short is matched as one phrase; longer runs word by word


@dataclass(frozen=True)
class Term:
    """One thing a result must contain: a CJK phrase (matched as adjacent bigrams) or a word."""

    text: str
    cjk: bool

    @property
    def grams(self) -> list[str]:
        if not self.cjk or len(self.text) == 1:
            return [self.text]
        return [self.text[i : i + 2] for i in range(len(self.text) - 1)]

    def tsquery(self, phrase: bool = True) -> str:
        """The term as tsquery text: its bigrams as a phrase (a <-> b), or with phrase=False only all of them
        (a & b), which the GIN index answers exactly, without reading each candidate's vector."""
        # Tokens hold letters and digits only (see _TOKEN_RE), so quoting them needs no escaping.
        if self.cjk and len(self.text) == 1:
            return f"'{self.text}':*"
        return "(" + (" <-> " if phrase else " & ").join(f"'{gram}'" for gram in self.grams) + ")"

    @property
    def is_phrase(self) -> bool:
        return self.cjk and len(self.grams) > 1


@dataclass
class SearchQuery:
    """A reader's query, cleaned: what it was, the terms every result must contain, the words that rank."""

    raw: str
    text: str
    terms: list[Term] = field(default_factory=list)
    phrases: list[Term] = field(default_factory=list)

    def __bool__(self):
        return bool(self.terms)

    @property
    def highlight_words(self) -> list[str]:
        words = {t.text for t in [*self.phrases, *self.terms]}
        return sorted(words, key=len, reverse=True)

    def match_tsquery(self, phrases: bool = True) -> str:
        return " & ".join(term.tsquery(phrases) for term in self.terms)

    @property
    def has_phrases(self) -> bool:
        return any(term.is_phrase for term in self.terms)

    def rank_tsquery(self) -> str:
        """Whole runs as phrases, plus the jieba words as single lexemes: ranks exact and word matches higher."""
        parts = [t.tsquery() for t in self.phrases]
        parts += [f"'{t.text}'" for t in self.terms if len(t.text) > 1]
        return " | ".join(dict.fromkeys(parts)) or self.match_tsquery()


def clean_query(raw: str | None) -> str:
    text = _CONTROL_RE.sub(" ", (raw or "")[: MAX_QUERY_CHARS * 4])
    return _SPACE_RE.sub(" ", text).strip()[:MAX_QUERY_CHARS]


def parse_query(raw: str | None) -> SearchQuery:
    """Turn anything a reader types into terms made of letters and digits only; never raises."""
    text = clean_query(raw)
    terms: list[Term] = []
    phrases: list[Term] = []
    for match in _TOKEN_RE.finditer(normalize(text)):
        if match.group("word"):
            terms.append(Term(match.group("word"), cjk=False))
            continue
        run = match.group("cjk")
        if len(run) <= MAX_RUN_AS_PHRASE:
            terms.append(Term(run, cjk=True))
            continue
        phrases.append(Term(run, cjk=True))
        words = [w for w in rjieba.cut(run, hmm=True) if w.strip()]
        long_words = [w for w in words if len(w) > 1]
        # Single characters inside a long run are mostly particles (的, 与, 和); drop them when words remain.
        terms.extend(Term(w, cjk=True) for w in (long_words or words))
    unique = list(dict.fromkeys(terms))[:MAX_TERMS]
    return SearchQuery(raw=raw or "", text=text, terms=unique, phrases=list(dict.fromkeys(phrases))[:2])
