"""Search over published articles that works for Chinese text.

Index. `Article.search_text` holds three parts separated by " | ": the title (weight A); kicker, subtitle,
summary and byline names (B); body, author note and image caption (D). Each part is a stream of tokens made
only of letters and digits, so "|" never occurs inside a part:

- character bigrams of every CJK run, in order, each run closed by its last character alone
  ("大熊猫保护" → 大熊 熊猫 猫保 保护 护). Any substring of two or more characters is then a phrase of adjacent
  bigrams, and a single character is a prefix of some token, so one- and two-character queries work;
- the jieba words of the text (search mode, so 卫星通信 also yields 卫星 and 通信; two characters or more),
  which count a real word twice and so rank 通信 in 卫星通信 above the accidental 通信 of 交通信号;
- the other words (Latin letters, digits: 5g, crispr), lowercased.

On PostgreSQL the migration 0002_search_index adds a STORED generated column `search_vector`
(`to_tsvector('simple', part)` weighted A, B, D) with a GIN index. A query becomes an explicit tsquery built
from sanitized tokens only (never to_tsquery on raw input), ranked with ts_rank_cd. Elsewhere (SQLite) a
fallback matches the same tokens with icontains on `search_text`.

Every search starts from `Article.objects.published()`.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from html.parser import HTMLParser

import jieba
from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db import OperationalError, connection, models, transaction
from django.db.models import Case, Exists, F, IntegerField, OuterRef, Q, Value, When
from django.db.models.expressions import RawSQL
from django.utils import timezone

jieba.setLogLevel(60)

PART_SEPARATOR = " | "
MAX_QUERY_CHARS = 100  # longer queries are cut here: no reader types more, and work stays bounded
MAX_TERMS = 8
MAX_RUN_AS_PHRASE = 4  # a CJK run this short is matched as one phrase; longer runs word by word
# What a result shows (templates/search/result.html); any other field is deferred.
RESULT_FIELDS = (
    "title", "kicker", "subtitle", "summary", "body", "published_at",
    "section__name", "section__slug", "issue__number", "page__number",
)  # fmt: skip
PAGE_SIZE = 10  # results a page, each with its snippet (as the search engines readers know show them)
# Settings: SEARCH_TIMEOUT_MS (PostgreSQL cancels a search statement running longer, and the page says the
# search was too broad); SEARCH_MAX_RESULTS and SEARCH_RECENT_DAYS (see result_window).

# Han (with extensions and compatibility ideographs), kana and hangul: scripts written without spaces.
_CJK = (
    "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
    "\U00020000-\U0002ebef\U00030000-\U0003134f"
)
_TOKEN_RE = re.compile(rf"(?P<cjk>[{_CJK}]+)|(?P<word>[^\W_{_CJK}]+)")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SPACE_RE = re.compile(r"\s+")


# --- text ---------------------------------------------------------------------------------------------------


class _TextExtractor(HTMLParser):
    BLOCKS = {
        "p", "br", "hr", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote",
        "pre", "table", "tr", "td", "th", "caption", "figure", "figcaption", "img",
    }  # fmt: skip
    SKIP = {"script", "style", "template"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self._skipping += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in self.SKIP:
            self._skipping = max(0, self._skipping - 1)
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self._skipping:
            self.parts.append(data)


def html_to_text(value: str | None) -> str:
    """The readable text of an HTML fragment: tags dropped, entities decoded, blocks separated by one space."""
    if not value:
        return ""
    parser = _TextExtractor()
    parser.feed(value)
    parser.close()
    return _SPACE_RE.sub(" ", html.unescape("".join(parser.parts))).strip()


def excerpt(text: str, length: int = 120) -> str:
    """The first `length` characters of plain text, cut with an ellipsis."""
    text = _SPACE_RE.sub(" ", text or "").strip()
    return text if len(text) <= length else text[:length].rstrip() + "…"


def article_text(article) -> str:
    """An article's body as plain text."""
    return html_to_text(article.body)


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
    from .models import Byline

    return list(
        Byline.objects.filter(article_id=article_id)
        .order_by("order", "id")
        .values_list("author__name", flat=True)
    )


def refresh_article(article, *, force_write: bool = False) -> bool:
    """Recompute one article's `search_text` and store it with queryset.update() (no save, no signals)."""
    from .models import Article

    text = search_text_for(article, byline_names(article.pk))
    if text == article.search_text and not force_write:
        return False
    Article.objects.filter(pk=article.pk).update(search_text=text)
    article.search_text = text
    return True


def refresh_articles(queryset, batch_size: int = 200) -> int:
    """Recompute `search_text` for many articles in batches; returns how many changed."""
    from .models import Article, Byline

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


# --- queries ------------------------------------------------------------------------------------------------


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
        words = [w for w in jieba.cut(run, HMM=True) if w.strip()]
        long_words = [w for w in words if len(w) > 1]
        # Single characters inside a long run are mostly particles (的, 与, 和); drop them when words remain.
        terms.extend(Term(w, cjk=True) for w in (long_words or words))
    unique = list(dict.fromkeys(terms))[:MAX_TERMS]
    return SearchQuery(raw=raw or "", text=text, terms=unique, phrases=list(dict.fromkeys(phrases))[:2])


def _published():
    from .models import Article

    return Article.objects.published()


EARLIEST, LATEST = date(1900, 1, 1), date(2999, 12, 31)  # beyond these a date is no filter, and no overflow


def _start_of(day: date) -> datetime:
    return timezone.make_aware(
        datetime.combine(min(max(day, EARLIEST), LATEST + timedelta(days=1)), time.min)
    )


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


def search_queryset(
    query: SearchQuery | str | None,
    *,
    section=None,
    author=None,
    date_from=None,
    date_to=None,
    order: str = "relevance",
    phrases: bool = True,
):
    """Published articles matching `query` and the filters, best first (or newest first with order="date").

    An empty query with filters lists the filtered articles newest first; an empty query without filters
    matches nothing. With phrases=False (PostgreSQL), a phrase's words need only all be there, not in order:
    `result_window` narrows to those first, then checks the phrases.
    """
    from .models import Byline

    if not isinstance(query, SearchQuery):
        query = parse_query(query)
    qs = _published()
    if section is not None:
        qs = qs.filter(section=section)
    if author is not None:
        qs = qs.filter(Exists(Byline.objects.filter(article=OuterRef("pk"), author=author)))
    # Dates are the paper's calendar days, as time ranges (index-friendly, unlike a __date lookup).
    if date_from is not None:
        qs = qs.filter(published_at__gte=_start_of(date_from))
    if date_to is not None:
        qs = qs.filter(published_at__lt=_start_of(min(date_to, LATEST) + timedelta(days=1)))
    if not query:
        if query.text or not any(v is not None for v in (section, author, date_from, date_to)):
            return qs.none()
        return qs.order_by("-published_at", "-id")
    if is_postgres():
        return _postgres_search(qs, query, order, phrases)
    return _fallback_search(qs, query, order)


class _VectorSQL(models.Expression):
    """SQL over the article table's `search_vector` column (not a model field: see migration 0002), written
    against whatever alias the table has in the query, so it is right inside a subquery too (where the table is
    U0), as RawSQL naming "articles_article" would not be."""

    def __init__(self, template: str, params: tuple, output_field):
        super().__init__(output_field=output_field)
        self.template, self.params = template, params

    def as_sql(self, compiler, connection):
        alias = compiler.quote_name_unless_alias(compiler.query.get_initial_alias())
        return self.template.format(vector=f"{alias}.search_vector"), self.params

    def __repr__(self):
        return f"{type(self).__name__}({self.template!r}, {self.params!r})"


def _matches(query: SearchQuery, phrases: bool = True):
    return _VectorSQL(
        "{vector} @@ to_tsquery('simple'::regconfig, %s)",
        (query.match_tsquery(phrases),),
        models.BooleanField(),
    )


def _postgres_search(qs, query: SearchQuery, order: str, phrases: bool = True):
    qs = qs.filter(_matches(query, phrases))
    if order == "date":
        return qs.order_by("-published_at", "-id")
    return qs.annotate(search_rank=_rank(query)).order_by("-search_rank", "-published_at", "-id")


def _rank(query: SearchQuery):
    """How well an article matches: on PostgreSQL cover density over what must match, plus a bonus for whole
    phrases and real words, with normalization 1 (divide by 1 + log(length)) so that long articles do not win
    by length alone; elsewhere 1 for a title that holds the first term."""
    if not is_postgres():
        title_hits = [When(title__icontains=t.text, then=Value(1)) for t in query.terms[:1]]
        return Case(*title_hits, default=Value(0), output_field=IntegerField())
    return _VectorSQL(
        "ts_rank_cd({vector}, to_tsquery('simple'::regconfig, %s), 1)"
        " + 0.5 * ts_rank_cd({vector}, to_tsquery('simple'::regconfig, %s), 1)",
        (query.match_tsquery(), query.rank_tsquery()),
        models.FloatField(),
    )


def _fallback_pattern(term: Term) -> str:
    if term.cjk and len(term.text) > 1:
        # Adjacent bigram tokens: an exact phrase in the n-gram stream.
        return " ".join(term.grams)
    return term.text


def _token_q(tokens: str) -> Q:
    """`tokens` as whole tokens of search_text (not inside a longer token)."""
    return (
        Q(search_text__icontains=f" {tokens} ")
        | Q(search_text__istartswith=f"{tokens} ")
        | Q(search_text__iendswith=f" {tokens}")
        | Q(search_text__iexact=tokens)
    )


def _fallback_search(qs, query: SearchQuery, order: str):
    for term in query.terms:
        if term.cjk and len(term.text) == 1:
            qs = qs.filter(search_text__icontains=term.text)
        else:
            qs = qs.filter(_token_q(_fallback_pattern(term)))
    if order == "date":
        return qs.order_by("-published_at", "-id")
    return qs.annotate(search_rank=_rank(query)).order_by(F("search_rank").desc(), "-published_at", "-id")


# --- results ------------------------------------------------------------------------------------------------


@dataclass
class SearchResults:
    query: SearchQuery
    page: Page | None
    count: int = 0
    timed_out: bool = False
    # More articles match than a search lists (`limit`): these are the newest `limit` of them.
    capped: bool = False
    limit: int = 0

    @property
    def articles(self) -> list:
        return list(self.page.object_list) if self.page else []


@contextmanager
def _time_limit():
    """On PostgreSQL, a transaction whose statements may run SEARCH_TIMEOUT_MS each; elsewhere nothing."""
    if not is_postgres():
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            timeout = int(settings.SEARCH_TIMEOUT_MS)
            cursor.execute("SET LOCAL statement_timeout = %s", [timeout])
        yield


def _is_timeout(exc: Exception) -> bool:
    return getattr(exc.__cause__, "pgcode", None) == "57014"  # query_canceled


def result_window(
    query: SearchQuery, *, limit: int, order: str = "relevance", **filters
) -> tuple[list[int], bool]:
    """The ids of the newest `limit` published articles matching `query` and the filters, in display order, and
    whether more match than that.

    Bounded whatever the archive's size: the matches are taken newest first (the status and publication-time
    index walks back from now, or the search index finds a rare term's few matches) and only these are ranked,
    so a word in 90 % of the archive costs what a word in 1 % does. Relevance is ranking within that window; a
    reader reaches older matches by narrowing the dates (the page says so when the window is full).

    The last SEARCH_RECENT_DAYS are searched first: when they hold more than `limit` matches, those are the
    newest of all and the older archive is never read (for words that are everywhere, and for phrases whose
    words are, PostgreSQL then checks a year of candidates instead of fifteen). Otherwise the whole range is
    searched, a second statement.
    """
    qs = search_queryset(query, order="date", **filters)
    if qs.query.is_empty():
        return [], False
    recent_from = timezone.now() - timedelta(days=max(1, settings.SEARCH_RECENT_DAYS))
    date_from, date_to = filters.get("date_from"), filters.get("date_to")
    rows = []
    if (date_from is None or _start_of(date_from) < recent_from) and (
        date_to is None or _start_of(min(date_to, LATEST) + timedelta(days=1)) > recent_from
    ):
        rows = _window_rows(query, limit, order, filters, since=recent_from)
    if len(rows) <= limit:  # the recent days hold too few (or the dates exclude them): the whole range
        rows = _window_rows(query, limit, order, filters)
    capped = len(rows) > limit
    rows = rows[:limit]
    if order == "date" or not query:
        return [pk for pk, *_rest in rows], capped
    # Best first; equal ranks newest first.
    ranked = sorted(rows, key=lambda row: (row[2], row[1], row[0]), reverse=True)
    return [pk for pk, _published_at, _rank_value in ranked], capped


def _window_rows(query: SearchQuery, limit: int, order: str, filters: dict, since=None) -> list[tuple]:
    """(pk, published_at[, rank]) of the newest limit + 1 matching articles (one more than shown: is there
    more?), published `since` if given, newest first; ranked in the same statement, so PostgreSQL ranks only
    the window's rows."""
    window = _published().filter(pk__in=_newest(query, limit + 1, filters, since))
    if order == "date" or not query:
        return list(window.order_by("-published_at", "-id").values_list("pk", "published_at"))
    rows = list(
        window.order_by().annotate(search_rank=_rank(query)).values_list("pk", "published_at", "search_rank")
    )
    rows.sort(key=lambda row: (row[1], row[0]), reverse=True)
    return rows


def _newest(query: SearchQuery, count: int, filters: dict, since=None):
    """The pks of the newest `count` matching articles (published `since` if given), as a subquery.

    A phrase (adjacent bigrams, a <-> b) is where PostgreSQL's GIN index is not exact: it checks each
    candidate against its vector, read from TOAST, before anything else about the row. For a phrase of common
    words that is thousands of vectors across fifteen years (60 ms), of which the dates keep a hundred. So the
    candidates come from the phrases' words alone (all of them, in any order: exact in the index), the status
    and dates are checked on the row, and what is left is checked for the phrases, newest first, until `count`
    have them; the inner query is fenced with OFFSET 0, so the planner cannot merge the two checks back into one.
    """
    phrased = is_postgres() and bool(query) and query.has_phrases
    qs = search_queryset(query, order="date", phrases=not phrased, **filters)
    if since is not None:
        qs = qs.filter(published_at__gte=since)
    if not phrased:
        return qs.values("pk")[:count]
    # Newest first inside the fence too: the outer join then reads candidates in date order and stops at
    # `count` phrases found, instead of checking every candidate and sorting.
    inner, params = qs.values("pk", "published_at").query.sql_with_params()
    sql = (
        f"SELECT c.id FROM ({inner} OFFSET 0) AS c (id, published_at)"
        f" JOIN {connection.ops.quote_name(qs.model._meta.db_table)} a ON a.id = c.id"
        " WHERE a.search_vector @@ to_tsquery('simple'::regconfig, %s)"
        " ORDER BY c.published_at DESC, c.id DESC LIMIT %s"
    )
    return RawSQL(sql, (*params, query.match_tsquery(), count))


def run_search(query, *, page_number=1, page_size: int = PAGE_SIZE, **filters) -> SearchResults:
    """One page of results with section, placement and bylines loaded, in a fixed number of queries.

    At most `SEARCH_MAX_RESULTS` matches are listed (see `result_window`). On PostgreSQL the statements run
    under SEARCH_TIMEOUT_MS: a search that would take longer comes back with `timed_out` set instead of
    holding a worker.
    """
    from .loading import load_bylines

    if not isinstance(query, SearchQuery):
        query = parse_query(query)
    limit = max(1, settings.SEARCH_MAX_RESULTS)
    order = filters.pop("order", "relevance")
    if search_queryset(query, **filters).query.is_empty():
        return SearchResults(query=query, page=None, limit=limit)
    try:
        with _time_limit():
            ids, capped = result_window(query, limit=limit, order=order, **filters)
            page = Paginator(ids, page_size).get_page(page_number)
            shown = (
                _published()
                .filter(pk__in=list(page.object_list))
                .select_related("section", "issue", "page")
                .only(*RESULT_FIELDS)
                .in_bulk()
            )
            load_bylines(shown.values())
    except OperationalError as exc:
        if not _is_timeout(exc):
            raise
        return SearchResults(query=query, page=None, timed_out=True, limit=limit)
    # In the window's order; an article withdrawn between the two statements is simply left out.
    page.object_list = [shown[pk] for pk in page.object_list if pk in shown]
    return SearchResults(query=query, page=page, count=len(ids), capped=capped, limit=limit)
