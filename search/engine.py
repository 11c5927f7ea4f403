"""Search over published articles that works for Chinese text.

Index: `Article.search_text` (search/text.py), character bigrams and jieba words in three weighted parts.
On PostgreSQL the migration 0002_search_index adds a STORED generated column `search_vector`
(`to_tsvector('simple', part)` weighted A, B, D) with a GIN index. A query becomes an explicit tsquery built
from sanitized tokens only (never to_tsquery on raw input), ranked with ts_rank_cd. Elsewhere (SQLite) a
fallback matches the same tokens with icontains on `search_text`.

Every search starts from `Article.objects.published()`.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cached_property, partial

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db import OperationalError, connection, models, transaction
from django.db.models import Case, Exists, F, IntegerField, OuterRef, Q, Value, When
from django.db.models.expressions import RawSQL
from django.utils import timezone

from core.compiled import CompiledQuery
from core.fragments import shared_fragment

from .query import SearchQuery, Term, parse_query

# What a result shows (search/templates/search/result.html) of its article, and of its section, issue and page
# (`RESULT_RELATIONS`); any other field is deferred.
RESULT_FIELDS = (
    "id", "title", "kicker", "subtitle", "summary", "body", "published_at", "section_id", "issue_id", "page_id",
)  # fmt: skip
RESULT_RELATIONS = (
    ("section", "s", ("id", "name", "slug")),
    ("issue", "i", ("id", "number")),
    ("page", "p", ("id", "number")),
)
PAGE_SIZE = 10  # results a page, each with its snippet (as the search engines readers know show them)
# Settings: SEARCH_TIMEOUT_MS (PostgreSQL cancels a search statement running longer, and the page says the
# search was too broad); SEARCH_MAX_RESULTS and SEARCH_RECENT_DAYS (see result_window).


def _published(now=None):
    from articles.models import Article

    return Article.objects.published(now)


EARLIEST, LATEST = date(1900, 1, 1), date(2999, 12, 31)  # beyond these a date is no filter, and no overflow


def _start_of(day: date) -> datetime:
    return timezone.make_aware(
        datetime.combine(min(max(day, EARLIEST), LATEST + timedelta(days=1)), time.min)
    )


def _end_of(day: date) -> datetime:
    return _start_of(min(day, LATEST) + timedelta(days=1))


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
    if not isinstance(query, SearchQuery):
        query = parse_query(query)
    # Dates are the paper's calendar days, as time ranges (index-friendly, unlike a __date lookup).
    qs = _filtered(
        _published(),
        section=section,
        author=author,
        start=None if date_from is None else _start_of(date_from),
        end=None if date_to is None else _end_of(date_to),
    )
    if matches_nothing(query, section=section, author=author, date_from=date_from, date_to=date_to):
        return qs.none()
    if not query:
        return qs.order_by("-published_at", "-id")
    if is_postgres():
        return _postgres_search(qs, query, order, phrases)
    return _fallback_search(qs, query, order)


def _filtered(qs, *, section=None, author=None, start=None, end=None):
    """`qs` narrowed to a section, an author (each an instance or an id) and publication in [start, end)."""
    from articles.models import Byline

    if section is not None:
        qs = qs.filter(section=section)
    if author is not None:
        qs = qs.filter(Exists(Byline.objects.filter(article=OuterRef("pk"), author=author)))
    if start is not None:
        qs = qs.filter(published_at__gte=start)
    if end is not None:
        qs = qs.filter(published_at__lt=end)
    return qs


def matches_nothing(query: SearchQuery, *, section=None, author=None, date_from=None, date_to=None) -> bool:
    """Whether `search_queryset` is empty without asking: a query with no searchable words (only punctuation,
    say), or neither words nor filters."""
    if query:
        return False
    return bool(query.text) or all(value is None for value in (section, author, date_from, date_to))


class _VectorSQL(models.Expression):
    """SQL over the article table's `search_vector` column (not a model field: see migration 0002), written
    against whatever alias the table has in the query, so it is right inside a subquery too (where the table is
    U0), as RawSQL naming "articles_article" would not be."""

    def __init__(self, template: str, params: tuple, output_field):
        super().__init__(output_field=output_field)
        self.template, self.params = template, params

    def as_sql(self, compiler, connection):
        alias = compiler.quote_name_unless_alias(compiler.query.get_initial_alias())
        return self.template.format(vector=f"{alias}.search_vector", table=alias), self.params

    def __repr__(self):
        return f"{type(self).__name__}({self.template!r}, {self.params!r})"


def _matches(query: SearchQuery, phrases: bool = True):
    return _matching(query.match_tsquery(phrases))


def _matching(tsquery: str):
    return _VectorSQL("{vector} @@ to_tsquery('simple'::regconfig, %s)", (tsquery,), models.BooleanField())


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
    return _ranking(query.match_tsquery(), query.rank_tsquery())


def _ranking(exact: str, rank: str):
    """`_rank` on PostgreSQL, from the query's tsquery texts: `exact` (match_tsquery), `rank` (rank_tsquery)."""
    return _VectorSQL(
        "ts_rank_cd({vector}, to_tsquery('simple'::regconfig, %s), 1)"
        " + 0.5 * ts_rank_cd({vector}, to_tsquery('simple'::regconfig, %s), 1)",
        (exact, rank),
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
    def ids(self) -> list[int]:
        """The page's article ids, in order (they may include one withdrawn since the window was found)."""
        return list(self.page.object_list) if self.page else []

    @cached_property
    def articles(self) -> list:
        """The page's articles, loaded (`load_results`): one withdrawn since is left out."""
        shown = load_results(self.ids)
        return [shown[pk] for pk in self.ids if pk in shown]


def load_results(ids) -> dict:
    """{id: article} of the published articles among `ids`, with what a result shows: section, placement and
    bylines (two prepared statements, reader/loading.py: the ORM's compilation of the same query cost more
    than running it; docs/performance.md)."""
    from reader.loading import load_bylines, load_published

    shown = load_published(ids, RESULT_FIELDS, RESULT_RELATIONS)
    load_bylines(shown.values())
    return shown


@contextmanager
def _time_limit():
    """On PostgreSQL, a transaction whose statements may run SEARCH_TIMEOUT_MS each, with SEARCH_WORK_MEM for
    their bitmaps; elsewhere nothing.

    The memory: a common word's matches in a year of a daily paper (6,000 of 50,000 articles at a million) do
    not fit the default 4 MB bitmap, which then goes lossy and rechecks every row of its pages against the
    query, reading each one's search vector from TOAST: 160 ms instead of 46 (docs/performance.md)."""
    if not is_postgres():
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            timeout = int(settings.SEARCH_TIMEOUT_MS)
            # One round trip; set_config(…, true) is SET LOCAL with a parameter.
            cursor.execute(
                "SELECT set_config('statement_timeout', %s, true), set_config('work_mem', %s, true)",
                [str(timeout), settings.SEARCH_WORK_MEM],
            )
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

    The last SEARCH_RECENT_DAYS of the range are searched first: when they hold more than `limit` matches,
    those are the newest of all and the older archive is never read (for words that are everywhere, and for
    phrases whose words are, a year of candidates instead of twenty). Otherwise the whole range is searched, a
    second statement, knowing that the terms are rare in that year: PostgreSQL is then made to take their
    matches from the search index (`rare`), where its own guess for a word it keeps no statistics on (one in
    200 articles) had it walk the whole archive by date looking for a hundred matches that were not there.
    """
    if matches_nothing(query, **filters):
        return [], False
    date_from, date_to = filters.get("date_from"), filters.get("date_to")
    end = timezone.now()
    if date_to is not None:
        end = min(end, _start_of(min(date_to, LATEST) + timedelta(days=1)))
    recent_from = end - timedelta(days=max(1, settings.SEARCH_RECENT_DAYS))
    rows, probed = [], date_from is None or _start_of(date_from) < recent_from
    if probed:
        rows = _window_rows(query, limit, order, filters, since=recent_from)
    if len(rows) <= limit:  # the range's last days hold too few, or they are the whole range
        rows = _window_rows(query, limit, order, filters, rare=probed)
    capped = len(rows) > limit
    rows = rows[:limit]
    if order == "date" or not query:
        return [pk for pk, *_rest in rows], capped
    # Best first; equal ranks newest first.
    ranked = sorted(rows, key=lambda row: (row[2], row[1], row[0]), reverse=True)
    return [pk for pk, _published_at, _rank_value in ranked], capped


def _window_rows(
    query: SearchQuery, limit: int, order: str, filters: dict, since=None, rare: bool = False
) -> list[tuple]:
    """(pk, published_at[, rank]) of the newest limit + 1 matching articles (one more than shown: is there
    more?), published `since` if given, newest first; ranked in the same statement, so PostgreSQL ranks only
    the window's rows. On PostgreSQL the statement is `_window`, compiled once per shape (`_compiled_window`)."""
    ranked = order != "date" and bool(query)
    if is_postgres():
        rows = _compiled_window(query, limit + 1, ranked, filters, since, rare)
    else:
        qs = search_queryset(query, order="date", **filters)
        if since is not None:
            qs = qs.filter(published_at__gte=since)
        window = _published().filter(pk__in=qs.values("pk")[: limit + 1])
        rows = list(_window_values(window, _rank(query) if ranked else None))
    if ranked:
        rows.sort(key=lambda row: (row[1], row[0]), reverse=True)
    return rows


def _window_values(window, rank=None):
    """(pk, published_at) of `window`, newest first; with `rank` (an expression), (pk, published_at, rank)."""
    if rank is None:
        return window.order_by("-published_at", "-id").values_list("pk", "published_at")
    return window.order_by().annotate(search_rank=rank).values_list("pk", "published_at", "search_rank")


# The window's statement is compiled once per shape (which terms, filters and fence it has: the arguments it
# takes), core/compiled.py: building and compiling it was more than a tenth of a search's time with the
# fragment cache off (docs/performance.md). Not prepared: PostgreSQL plans each search for its own terms.
_WINDOWS: dict[tuple, CompiledQuery] = {}
_WINDOW_ARGUMENTS = {
    "now": datetime,
    "earliest": datetime,
    "section": int,
    "author": int,
    "end": datetime,
    "candidates": str,
    "exact": str,
    "rank": str,
}


def _compiled_window(query: SearchQuery, count: int, ranked: bool, filters: dict, since, rare: bool):
    """`_window`'s rows for this search, from its statement compiled once per shape."""
    date_from, date_to = filters.get("date_from"), filters.get("date_to")
    section, author = filters.get("section"), filters.get("author")
    # The lower bound once, in the form the search index holds (twice, PostgreSQL would count it twice and
    # expect a twentieth of the matches: it then took 15,638 of a common word's rows by the index where reading
    # a few hundred newest first was the way).
    earliest = max([d for d in (since, date_from and _start_of(date_from)) if d is not None], default=None)
    phrased = bool(query) and query.has_phrases
    arguments = {
        "now": timezone.now(),
        "earliest": None if earliest is None else earliest.astimezone(UTC).replace(tzinfo=None),
        "section": None if section is None else section.pk,
        "author": None if author is None else author.pk,
        "end": None if date_to is None else _end_of(date_to),
        "candidates": query.match_tsquery(phrases=not phrased) if query else None,
        "exact": query.match_tsquery() if query and (phrased or ranked) else None,
        "rank": query.rank_tsquery() if ranked else None,
    }
    arguments = {name: value for name, value in arguments.items() if value is not None}
    fenced = phrased or (rare and bool(query))
    shape = (count, ranked, phrased, fenced, tuple(sorted(arguments)))
    compiled = _WINDOWS.get(shape)
    if compiled is None:
        build = partial(_window, count=count, ranked=ranked, phrased=phrased, fenced=fenced)
        types = {name: _WINDOW_ARGUMENTS[name] for name in arguments}
        compiled = _WINDOWS[shape] = CompiledQuery(build, prepared=False, **types)
    return compiled.run(**arguments)


def _window(
    *,
    count: int,
    ranked: bool,
    phrased: bool,
    fenced: bool,
    now: datetime,
    earliest: datetime | None = None,
    section: int | None = None,
    author: int | None = None,
    end: datetime | None = None,
    candidates: str | None = None,
    exact: str | None = None,
    rank: str | None = None,
):
    """The window on PostgreSQL (`_window_rows`), from the search's values as the SQL takes them: `earliest` in
    UTC without a zone (`_indexed_since`), the section's and author's ids, the end of the date range, the
    tsquery texts (`candidates` the terms with the phrases' words in any order, `exact` the match_tsquery,
    `rank` the rank_tsquery).

    A phrase (adjacent bigrams, a <-> b) is where PostgreSQL's GIN index is not exact: it checks each
    candidate against its vector, read from TOAST, before anything else about the row. For a phrase of common
    words that is thousands of vectors across twenty years, of which the dates keep a hundred. So the
    candidates come from the phrases' words alone (all of them, in any order: exact in the index), the status
    and dates are checked on the row, and what is left is checked for the phrases, newest first, until `count`
    have them; the inner query is fenced with OFFSET 0, so the planner cannot merge the two checks back into one.
    The fence also serves terms known to be rare: with no LIMIT inside it, all their matches come from the
    search index, never from walking the archive by date.
    """
    qs = _filtered(_published(now), section=section, author=author, end=end)
    if candidates is not None:
        qs = qs.filter(_matching(candidates))
    qs = qs.order_by("-published_at", "-id")
    if earliest is not None:
        qs = qs.filter(_indexed_since(earliest))
    if not fenced:
        newest = qs.values("pk")[:count]
    else:
        # Newest first inside the fence too: the outer query then reads candidates in date order and stops at
        # `count` phrases found, instead of checking every candidate and sorting. Each candidate brings its
        # vector (a pointer until it is read), so the phrases are checked on the candidates and never looked up
        # in the index: PostgreSQL misjudges a phrase of bigrams as matching one row, and would take all of its
        # matches.
        vector = _VectorSQL("{vector}", (), models.TextField())
        inner, params = (
            qs.annotate(vector=vector).values("pk", "published_at", "vector").query.sql_with_params()
        )
        phrases = " WHERE c.vector @@ to_tsquery('simple'::regconfig, %s)" if phrased else ""
        sql = (
            f"SELECT c.id FROM ({inner} OFFSET 0) AS c (id, published_at, vector){phrases}"
            " ORDER BY c.published_at DESC, c.id DESC LIMIT %s"
        )
        newest = RawSQL(sql, (*params, *([exact] if phrased else []), count))
    return _window_values(_published(now).filter(pk__in=newest), _ranking(exact, rank) if ranked else None)


def _indexed_since(utc: datetime):
    """`published_at >= utc` (a time in UTC, without a zone) as the search index holds the time (articles
    migration 0010), so that one scan of that index keeps only a date range's matches. Only the lower bound: the
    index holds every publication time, and an upper bound such as the visibility rule's `<= now` would read
    nearly all of them (400 ms at a million articles; it is checked on the rows instead)."""
    return _VectorSQL("({table}.\"published_at\" AT TIME ZONE 'UTC') >= %s", (utc,), models.BooleanField())


def _kept_window(query: SearchQuery, limit: int, order: str, filters: dict) -> tuple[list[int], bool]:
    """`result_window` under the time limit, kept as a shared fragment: a search asked again before the next
    public change (the page cache's generation) costs one cache read instead of its statements. A search
    that ran out of time raises and is not kept."""
    parts = [query.text, order, str(limit)]
    parts += [f"{name}={getattr(value, 'pk', value)}" for name, value in sorted(filters.items())]

    def compute():
        with _time_limit():
            return result_window(query, limit=limit, order=order, **filters)

    return shared_fragment("search-window:" + "\x1f".join(parts), compute)


def run_search(query, *, page_number=1, page_size: int = PAGE_SIZE, **filters) -> SearchResults:
    """One page of results: its ids (`ids`), and its articles with section, placement and bylines loaded when
    `articles` is first read, in a fixed number of queries.

    At most `SEARCH_MAX_RESULTS` matches are listed (see `result_window`). On PostgreSQL the statements run
    under SEARCH_TIMEOUT_MS: a search that would take longer comes back with `timed_out` set instead of
    holding a worker.
    """
    if not isinstance(query, SearchQuery):
        query = parse_query(query)
    limit = max(1, settings.SEARCH_MAX_RESULTS)
    order = filters.pop("order", "relevance")
    if matches_nothing(query, **filters):
        return SearchResults(query=query, page=None, limit=limit)
    try:
        ids, capped = _kept_window(query, limit, order, filters)
    except OperationalError as exc:
        if not _is_timeout(exc):
            raise
        return SearchResults(query=query, page=None, timed_out=True, limit=limit)
    page = Paginator(ids, page_size).get_page(page_number)
    return SearchResults(query=query, page=page, count=len(ids), capped=capped, limit=limit)
