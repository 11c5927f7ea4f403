"""Loading what public pages show with hand-written SQL instead of the ORM's prefetching, on the hottest
paths (the article page, search results): one statement each, no ORM compilation per request.

The objects made here are model instances with only the columns read loaded and every other field deferred,
so a template that starts showing more gets the right value (one more query), never a default. They are
installed as prefetched results, so `article.bylines.all()` and the like cost nothing afterwards. Nothing here
decides visibility: these are the links of articles already allowed on screen.
"""

from datetime import date

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from taggit.models import Tag, TaggedItem

from people.models import Author, Organization

from .models import Article, ArticleEvent, ArticleOrganization, Byline, Event

# What the article page shows beyond the article row, loaded by `load_links` in one query; then
# `article.bylines.all()`, `.tags.all()`, `.organizations.all()` and `.events.all()` cost nothing. A caller that
# prefetched all four already (in any way) is not asked again.
LINK_NAMES = ("bylines", "tags", "organizations", "events")


_LINKS_SQL = """
SELECT 1 AS kind, b.id, b.role, b."order" AS number, CAST(NULL AS DATE) AS day, '' AS sort_name,
       a.id AS author_id, a.name, a.slug
  FROM {byline} b JOIN {author} a ON a.id = b.author_id WHERE b.article_id = %s
UNION ALL
SELECT 2, t.id, '', 0, NULL, '', NULL, t.name, t.slug
  FROM {tag} t JOIN {tagged} i ON i.tag_id = t.id WHERE i.content_type_id = %s AND i.object_id = %s
UNION ALL
SELECT 3, o.id, '', 0, NULL, o.name, NULL, o.name, o.slug
  FROM {organization} o JOIN {article_organization} l ON l.organization_id = o.id WHERE l.article_id = %s
UNION ALL
SELECT 4, e.id, '', 0, e.start_date, e.name, NULL, e.name, e.slug
  FROM {event} e JOIN {article_event} l ON l.event_id = e.id WHERE l.article_id = %s
ORDER BY 1, 4, 5, 6, 2
"""


def _links_sql() -> str:
    return _LINKS_SQL.format(
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
    return model.from_db(connection.alias, list(values), list(values.values()))


def _byline(pk, article_id, role, order, author_id, name, slug):
    byline = loaded(Byline, id=pk, article_id=article_id, author_id=author_id, role=role, order=order)
    byline.author = loaded(Author, id=author_id, name=name, slug=slug)
    return byline


def _prefetched(article, name: str, model, objects: list) -> None:
    """Install `objects` as what `article.<name>.all()` returns, as prefetch_related would."""
    if not hasattr(article, "_prefetched_objects_cache"):
        article._prefetched_objects_cache = {}
    queryset = model._base_manager.all()
    queryset._result_cache = objects
    queryset._prefetch_done = True
    article._prefetched_objects_cache[name] = queryset


def load_links(article) -> None:
    """Bylines with their authors, tags, organizations and events of `article` in one query, in the order the
    page shows them (bylines by position, organizations by name, events by date then name), installed as
    prefetched. Nothing here decides visibility: these are the links of an article already allowed on screen."""
    if all(name in getattr(article, "_prefetched_objects_cache", {}) for name in LINK_NAMES):
        return
    article_type = ContentType.objects.get_for_model(Article).pk
    with connection.cursor() as cursor:
        cursor.execute(_links_sql(), [article.pk, article_type, article.pk, article.pk, article.pk])
        rows = cursor.fetchall()
    found = {1: [], 2: [], 3: [], 4: []}
    for kind, pk, role, number, day, _sort_name, author_id, name, slug in rows:
        if kind == 1:
            found[1].append(_byline(pk, article.pk, role, number, author_id, name, slug))
        elif kind == 2:
            found[2].append(loaded(Tag, id=pk, name=name, slug=slug))
        elif kind == 3:
            found[3].append(loaded(Organization, id=pk, name=name, slug=slug))
        else:
            found[4].append(loaded(Event, id=pk, name=name, slug=slug, start_date=_date(day)))
    for (name, model), objects in zip(
        [("bylines", Byline), ("tags", Tag), ("organizations", Organization), ("events", Event)],
        found.values(),
        strict=True,
    ):
        _prefetched(article, name, model, objects)


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
    with connection.cursor() as cursor:
        cursor.execute(sql, list(found))
        rows = cursor.fetchall()
    for row in rows:
        found[row[1]].append(_byline(*row))
    for article in articles:
        _prefetched(article, "bylines", Byline, found[article.pk])
