"""Loading what public pages show with hand-written SQL instead of the ORM, on the hottest paths (the article
page, search results): one statement each, prepared once per connection on PostgreSQL (core/prepared.py),
no ORM compilation per request.

The objects made here are model instances with only the columns read loaded and every other field deferred,
so a template that starts showing more gets the right value (one more query), never a default. They are
installed as prefetched results, so `article.bylines.all()` and the like cost nothing afterwards. Nothing here
decides visibility: these are the links of articles already allowed on screen.
"""

import functools
from datetime import date
from enum import IntEnum
from typing import NamedTuple

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from taggit.models import Tag, TaggedItem

from articles.models import (
    Article,
    ArticleEvent,
    ArticleOrganization,
    ArticlePhoto,
    Byline,
    Event,
    Issue,
)
from articles.querysets import published_sql
from core.prepared import fetch
from people.models import Author, Organization

# The article page reads every column of the article but the search index's text (kilobytes a row), and its
# issue, page and section (select_related).
ARTICLE_DEFERRED = ("search_text",)
ARTICLE_RELATIONS = (("issue", "i"), ("page", "p"), ("section", "s"))


class LinkKind(IntEnum):
    """What a row of the links statement is; the rows come ordered by kind."""

    BYLINE = 1
    TAG = 2
    ORGANIZATION = 3
    EVENT = 4
    # Kinds 5 and up are the caller's own rows (`also`): the article page's previous and next articles.
    BEFORE = 5
    AFTER = 6


# What the article page shows beyond the article row, loaded by `load_links` in one query: each kind of link,
# the relation it is installed as and its model. Then `article.bylines.all()`, `.tags.all()`,
# `.organizations.all()` and `.events.all()` cost nothing. A caller that prefetched all four already (in any
# way) is not asked again.
LINK_RELATIONS = {
    LinkKind.BYLINE: ("bylines", Byline),
    LinkKind.TAG: ("tags", Tag),
    LinkKind.ORGANIZATION: ("organizations", Organization),
    LinkKind.EVENT: ("events", Event),
}
LINK_NAMES = tuple(name for name, _model in LINK_RELATIONS.values())


class LinkRow(NamedTuple):
    """A row of the links statement, its columns in order."""

    kind: int
    id: int
    role: str
    number: int  # a byline's position, a neighbour's position on the page
    day: date | str | None  # an event's start (text on SQLite)
    sort_name: str
    author_id: int | None
    name: str  # a neighbour's title
    slug: str


_LINKS_SQL = """
SELECT {byline_kind} AS kind, b.id, b.role, b."order" AS number, CAST(NULL AS DATE) AS day, '' AS sort_name,
       a.id AS author_id, a.name, a.slug
  FROM {byline} b JOIN {author} a ON a.id = b.author_id WHERE b.article_id = %s
UNION ALL
SELECT {tag_kind}, t.id, '', 0, NULL, '', NULL, t.name, t.slug
  FROM {tag} t JOIN {tagged} i ON i.tag_id = t.id WHERE i.content_type_id = %s AND i.object_id = %s
UNION ALL
SELECT {organization_kind}, o.id, '', 0, NULL, o.name, NULL, o.name, o.slug
  FROM {organization} o JOIN {article_organization} l ON l.organization_id = o.id WHERE l.article_id = %s
UNION ALL
SELECT {event_kind}, e.id, '', 0, e.start_date, e.name, NULL, e.name, e.slug
  FROM {event} e JOIN {article_event} l ON l.event_id = e.id WHERE l.article_id = %s
{also}
ORDER BY 1, 4, 5, 6, 2
"""


@functools.lru_cache(maxsize=16)
def _links_sql(also: str = "") -> str:
    return _LINKS_SQL.format(
        also=f"UNION ALL {also}" if also else "",
        byline_kind=int(LinkKind.BYLINE),
        tag_kind=int(LinkKind.TAG),
        organization_kind=int(LinkKind.ORGANIZATION),
        event_kind=int(LinkKind.EVENT),
        byline=Byline._meta.db_table,
        author=Author._meta.db_table,
        tag=Tag._meta.db_table,
        tagged=TaggedItem._meta.db_table,
        organization=Organization._meta.db_table,
        article_organization=ArticleOrganization._meta.db_table,
        event=Event._meta.db_table,
        article_event=ArticleEvent._meta.db_table,
    )


def loaded(model, **values):
    """An instance of `model` with these fields loaded; any other field is deferred (loaded if ever read), so a
    template that starts showing more gets the right value, never a default."""
    return from_row(model, tuple(values), tuple(values.values()))


@functools.lru_cache(maxsize=64)
def _model_order(model, attnames: tuple) -> tuple | None:
    """Where each of the model's fields among `attnames` is, in the model's field order (Model.from_db takes
    the values of a partial row in that order); None when `attnames` are in that order already."""
    order = tuple(attnames.index(f.attname) for f in model._meta.concrete_fields if f.attname in attnames)
    if len(order) != len(attnames):
        raise ValueError(f"{attnames} must name fields of {model.__name__}, each once")
    return None if order == tuple(range(len(attnames))) else order


def from_row(model, attnames: tuple, values):
    """An instance of `model` with the fields `attnames` (in any order) set to `values`; the others deferred."""
    order = _model_order(model, attnames)
    if order is not None:
        attnames = tuple(attnames[i] for i in order)
        values = [values[i] for i in order]
    return model.from_db(connection.alias, attnames, values)


@functools.lru_cache(maxsize=32)
def _converters(vendor: str, columns: tuple) -> dict:
    """What the ORM would do to each column of a row of `columns` ((model, attname, alias) each) as it comes
    from this database (SQLite returns times as text, for one): the compiler's own converters."""
    del vendor  # part of the cache key: the converters are the database's
    expressions = [model._meta.get_field(attname).get_col(alias) for model, attname, alias in columns]
    return Article.objects.none().query.get_compiler(connection.alias).get_converters(expressions)


def converted(columns: tuple, rows: list) -> list:
    """`rows` with each value converted as the ORM converts a value of that column."""
    converters = _converters(connection.vendor, columns)
    if not converters:
        return rows
    compiler = Article.objects.none().query.get_compiler(connection.alias)
    return [tuple(row) for row in compiler.apply_converters(rows, converters)]


def select_statement(model, fields: tuple, relations: tuple, where: str, extra: str = ""):
    """SELECT of `model`'s `fields` (attnames; its table is `m`), each of `relations` ((foreign key, alias,
    attnames)) LEFT JOINed as select_related joins it, then `extra` (an SQL expression, or nothing), WHERE
    `where`. Returns the SQL, its columns (model, attname, alias) for `converted`, and the parts of a row
    ((relation or "", model, attnames), in order) for `instances_from_rows`."""
    quote = connection.ops.quote_name
    columns = [(model, name, "m") for name in fields]
    select = [f"m.{quote(model._meta.get_field(name).column)}" for name in fields]
    joins, parts = [], [("", model, fields)]
    for name, alias, attnames in relations:
        relation = model._meta.get_field(name)
        related = relation.related_model
        columns += [(related, attname, alias) for attname in attnames]
        select += [f"{alias}.{quote(related._meta.get_field(attname).column)}" for attname in attnames]
        joins.append(
            f"LEFT JOIN {quote(related._meta.db_table)} {alias}"
            f" ON {alias}.{quote(related._meta.pk.column)} = m.{quote(relation.column)}"
        )
        parts.append((name, related, attnames))
    if extra:
        select.append(extra)
    sql = f"SELECT {', '.join(select)} FROM {quote(model._meta.db_table)} m {' '.join(joins)} WHERE {where}"
    return sql, tuple(columns), tuple(parts)


@functools.lru_cache(maxsize=32)
def articles_statement(vendor: str, fields: tuple, relations: tuple, count: int, extra: str = ""):
    """`select_statement` of the published articles among `count` ids: its parameters are the ids, then the
    visibility rule's (`published_sql`)."""
    del vendor  # part of the cache key: published_sql is the database's
    visible, _params = published_sql("m")
    ids = "= %s" if count == 1 else f"IN ({', '.join(['%s'] * count)})"
    return select_statement(Article, fields, relations, f"m.id {ids} AND {visible}", extra)


def instances_from_rows(rows: list, columns: tuple, parts: tuple) -> list:
    """Instances of `select_statement`'s rows, each relation cached as select_related caches it; a row's
    columns after the parts' (its `extra`) are left on the instance as `_extra` (a tuple)."""
    model = parts[0][1]
    instances = []
    for row in converted(columns, rows):
        start = 0
        instance = None
        for name, part_model, attnames in parts:
            values = row[start : start + len(attnames)]
            start += len(attnames)
            if instance is None:
                instance = from_row(part_model, attnames, values)
                continue
            field = model._meta.get_field(name)
            related = (
                None if getattr(instance, field.attname) is None else from_row(part_model, attnames, values)
            )
            field.set_cached_value(instance, related)
        instance._extra = row[start:]
        instances.append(instance)
    return instances


def all_fields(model, deferred=()) -> tuple:
    """The attnames of `model`'s columns, but `deferred`."""
    return tuple(f.attname for f in model._meta.concrete_fields if f.attname not in deferred)


@functools.lru_cache(maxsize=4)
def _article_statement(vendor: str) -> tuple[str, tuple, tuple]:
    """The article page's article query: every column but ARTICLE_DEFERRED, with its issue, page and section
    whole. The row's last column tells whether the article has photos (组图): most have none, and then they
    need no query."""
    quote = connection.ops.quote_name
    photos = ArticlePhoto._meta
    has_photos = (
        f"EXISTS (SELECT 1 FROM {quote(photos.db_table)} ph"
        f" WHERE ph.{quote(photos.get_field('article').column)} = m.{quote(Article._meta.pk.column)})"
    )
    relations = tuple(
        (name, alias, all_fields(Article._meta.get_field(name).related_model))
        for name, alias in ARTICLE_RELATIONS
    )
    return articles_statement(vendor, all_fields(Article, ARTICLE_DEFERRED), relations, 1, extra=has_photos)


def _pk_in_range(pk) -> bool:
    """Whether the database could hold an article numbered `pk` (it refuses a number out of range, as the
    ORM knows)."""
    low, high = connection.ops.integer_field_range(Article._meta.pk.get_internal_type())
    return low <= pk <= high


def load_article(pk: int):
    """The published article `pk` with its issue, page and section (as select_related would load them), in one
    prepared statement; None if there is no such article or the public may not see it. An article without
    photos has them installed as prefetched (none): `article.photos.all()` costs no query then."""
    if not _pk_in_range(pk):
        return None
    sql, columns, parts = _article_statement(connection.vendor)
    _visible, params = published_sql("m")
    rows = fetch(sql, [pk, *params])
    if not rows:
        return None
    article = instances_from_rows(rows, columns, parts)[0]
    if not article._extra[0]:  # no photos (SQLite says 0, PostgreSQL false)
        prefetched(article, "photos", ArticlePhoto, [])
    return article


def load_published(ids, fields: tuple, relations: tuple) -> dict:
    """{id: article} of the published articles among `ids` (a page of search results), with `fields` and
    `relations` as `articles_statement` takes them, in one prepared statement."""
    ids = sorted({pk for pk in ids if _pk_in_range(pk)})
    if not ids:
        return {}
    sql, columns, parts = articles_statement(connection.vendor, fields, relations, len(ids))
    _visible, params = published_sql("m")
    return {
        article.pk: article for article in instances_from_rows(fetch(sql, [*ids, *params]), columns, parts)
    }


def _byline(pk, article_id, role, order, author_id, name, slug):
    byline = loaded(Byline, id=pk, article_id=article_id, author_id=author_id, role=role, order=order)
    byline.author = loaded(Author, id=author_id, name=name, slug=slug)
    return byline


def prefetched(article, name: str, model, objects: list) -> None:
    """Install `objects` as what `article.<name>.all()` returns, as prefetch_related would."""
    if not hasattr(article, "_prefetched_objects_cache"):
        article._prefetched_objects_cache = {}
    queryset = model._base_manager.all()
    queryset._result_cache = objects
    queryset._prefetch_done = True
    article._prefetched_objects_cache[name] = queryset


def linked(article, name: str):
    """What `article.<name>.all()` gives (bylines, tags, organizations, events, photos), read straight from
    the prefetched results where they are installed: the article page reads each of them three or four times
    (the page, its related articles, its structured data), and every `article.tags` builds the relation's
    manager anew (docs/performance.md). Without prefetched results, the manager's query."""
    found = getattr(article, "_prefetched_objects_cache", {}).get(name)
    return found if found is not None else getattr(article, name).all()


def load_links(article, also: tuple[str, list] | None = None) -> list[LinkRow]:
    """Bylines with their authors, tags, organizations and events of `article` in one query, in the order the
    page shows them (bylines by position, organizations by name, events by date then name), installed as
    prefetched. Nothing here decides visibility: these are the links of an article already allowed on screen.

    `also`, a statement and its parameters, adds rows of the caller's own to the same round trip (the article
    page's previous and next articles): rows of this statement's columns (`LinkRow`) with a kind of
    `LinkKind.BEFORE` or more, returned as they come, ordered by kind, number and then id.
    """
    if all(name in getattr(article, "_prefetched_objects_cache", {}) for name in LINK_NAMES):
        if not also:
            return []
        return [
            LinkRow._make(row)
            for row in fetch(f"SELECT * FROM ({also[0]}) AS rows ORDER BY 1, 4, 2", also[1])
        ]
    article_type = ContentType.objects.get_for_model(Article).pk
    also_sql, also_params = also or ("", [])
    params = [article.pk, article_type, article.pk, article.pk, article.pk, *also_params]
    found = {kind: [] for kind in LINK_RELATIONS}
    extra = []
    for row in map(LinkRow._make, fetch(_links_sql(also_sql), params)):
        if row.kind in found:
            found[row.kind].append(_linked(row, article.pk))
        else:
            extra.append(row)
    for kind, (name, model) in LINK_RELATIONS.items():
        prefetched(article, name, model, found[kind])
    return extra


def _linked(row: LinkRow, article_id):
    """The object a row of the links statement stands for, with the fields the page reads loaded."""
    if row.kind == LinkKind.BYLINE:
        return _byline(row.id, article_id, row.role, row.number, row.author_id, row.name, row.slug)
    model = LINK_RELATIONS[row.kind][1]
    more = {"start_date": _date(row.day)} if row.kind == LinkKind.EVENT else {}
    return loaded(model, id=row.id, name=row.name, slug=row.slug, **more)


def _date(value):
    """A DATE column as SQLite returns it (text) or PostgreSQL (a date)."""
    return date.fromisoformat(value) if isinstance(value, str) else value


_BYLINES_SQL = """
SELECT b.id, b.article_id, b.role, b."order", a.id, a.name, a.slug
  FROM {byline} b JOIN {author} a ON a.id = b.author_id
 WHERE b.article_id IN ({ids}) ORDER BY b.article_id, b."order", b.id
"""


def load_bylines(articles) -> None:
    """The bylines, with their authors, of many articles (a page of search results) in one query, ordered as
    the articles' bylines are (by position), installed as prefetched `bylines`."""
    articles = [a for a in articles if "bylines" not in getattr(a, "_prefetched_objects_cache", {})]
    if not articles:
        return
    found = {a.pk: [] for a in articles}
    sql = _BYLINES_SQL.format(
        byline=Byline._meta.db_table, author=Author._meta.db_table, ids=", ".join(["%s"] * len(found))
    )
    for row in fetch(sql, list(found)):
        found[row[1]].append(_byline(*row))
    for article in articles:
        prefetched(article, "bylines", Byline, found[article.pk])


# --- issues -----------------------------------------------------------------------------------------------

_ISSUE_COLUMNS = tuple((Issue, f.attname, "i") for f in Issue._meta.concrete_fields)


def public_issue_sql(alias: str) -> str:
    """`IssueQuerySet.with_public_articles` as SQL on the issue table as `alias` names it: it has an article the
    public may see. Its parameters are `published_sql`'s."""
    quote = connection.ops.quote_name
    visible, _params = published_sql("a")
    return (
        f"EXISTS (SELECT 1 FROM {quote(Article._meta.db_table)} a"
        f" WHERE a.{quote(Article._meta.get_field('issue').column)} = {alias}.id AND {visible})"
    )


@functools.lru_cache(maxsize=4)
def _adjacent_issues_sql(vendor: str) -> str:
    """The statement of `adjacent_public_issues`: the issue before (side 0) and after (side 1)."""
    del vendor  # part of the cache key: published_sql is the database's
    quote = connection.ops.quote_name
    columns = ", ".join(f"i.{quote(f.column)}" for f in Issue._meta.concrete_fields)
    public = public_issue_sql("i")
    date = quote("date")
    return " UNION ALL ".join(
        f"SELECT * FROM (SELECT {columns}, {side} AS side FROM {quote(Issue._meta.db_table)} i"
        f" WHERE i.{date} {compare} %s AND {public} ORDER BY i.{date} {direction} LIMIT 1) AS side{side}"
        for side, compare, direction in ((0, "<", "DESC"), (1, ">", "ASC"))
    )


def adjacent_public_issues(issue, now=None) -> tuple:
    """The public issues just before and after `issue` by date (either may be None): issues with an article
    the public may see (`IssueQuerySet.with_public_articles`), in one prepared statement (core/prepared.py).
    As a queryset they cost more to compile than to run (4.8 ms, on every front and issue page rendered
    without fragments; docs/performance.md). tests/reader/test_todays_paper.py holds them equal to the ORM's."""
    _visible, visible_params = published_sql("a", now)
    day = connection.ops.adapt_datefield_value(issue.date)
    params = [day, *visible_params, day, *visible_params]
    rows = converted(_ISSUE_COLUMNS, fetch(_adjacent_issues_sql(connection.vendor), params))
    attnames = tuple(attname for _model, attname, _alias in _ISSUE_COLUMNS)
    found = {row[-1]: Issue.from_db(connection.alias, attnames, row[:-1]) for row in rows}
    return found.get(0), found.get(1)
