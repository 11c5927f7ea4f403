"""What the API's articles show, loaded with prepared statements (core/prepared.py) where the ORM's query
compilation and prefetching were most of a request's time (docs/performance.md):

- the detail in two statements (three with photos) instead of six queries, as the article page loads it
  (reader/loading.py): `load_article` applies the visibility rule (`published_sql`), `load_links` brings the
  bylines, tags, organizations and events and, in the same round trip, what the API shows beyond the page: an
  organization's short name, an event's place and end date, and the order the tags were linked in;
- the items of a list (those the shared fragments do not keep) in three: the articles (`load_published`, as
  search results load them), their bylines (`load_bylines`) and their tags. taggit's prefetch built a queryset
  per article to install its results in (1 ms each, 20 a page)."""

from datetime import date

from django.contrib.contenttypes.models import ContentType
from django.db.models import prefetch_related_objects
from taggit.models import Tag, TaggedItem

from articles.models import Article, ArticleEvent, ArticleOrganization, Event
from core.prepared import fetch
from people.models import Organization
from reader.loading import (
    all_fields,
    load_article,
    load_bylines,
    load_links,
    load_published,
    loaded,
    prefetched,
)

# The caller's own rows of the links statement (reader/loading.py `LinkRow`: kind, id, role, number, day,
# sort_name, author_id, name, slug); kinds 5 and up are the caller's.
ORGANIZATION_DETAILS, EVENT_DETAILS, TAG_ORDER = 5, 6, 7
_DETAILS_SQL = f"""
SELECT {ORGANIZATION_DETAILS}, o.id, o.short_name, 0, CAST(NULL AS DATE), '', NULL, '', ''
  FROM {Organization._meta.db_table} o JOIN {ArticleOrganization._meta.db_table} l ON l.organization_id = o.id
 WHERE l.article_id = %s
UNION ALL
SELECT {EVENT_DETAILS}, e.id, e.place, 0, e.end_date, '', NULL, '', ''
  FROM {Event._meta.db_table} e JOIN {ArticleEvent._meta.db_table} l ON l.event_id = e.id
 WHERE l.article_id = %s
UNION ALL
SELECT {TAG_ORDER}, i.tag_id, '', i.id, NULL, '', NULL, '', ''
  FROM {TaggedItem._meta.db_table} i WHERE i.content_type_id = %s AND i.object_id = %s
"""
_TAGS_SQL = f"""
SELECT i.object_id, t.id, t.name, t.slug
  FROM {Tag._meta.db_table} t JOIN {TaggedItem._meta.db_table} i ON i.tag_id = t.id
 WHERE i.content_type_id = %s AND i.object_id IN ({{ids}}) ORDER BY i.object_id, i.id
"""


def load_detail(pk: int):
    """The published article `pk` with everything ArticleDetailSerializer shows loaded, or None when there is
    no such article or the public may not see it."""
    article = load_article(pk)
    if article is None:
        return None
    article_type = ContentType.objects.get_for_model(Article).pk
    details = load_links(article, also=(_DETAILS_SQL, [pk, pk, article_type, pk]))
    loaded_links = article._prefetched_objects_cache
    organizations = {o.pk: o for o in loaded_links["organizations"]}
    events = {e.pk: e for e in loaded_links["events"]}
    given = {}  # each tag's place in the order it was linked to the article (a list item's order)
    for row in details:
        if row.kind == ORGANIZATION_DETAILS:
            organizations[row.id].short_name = row.role
        elif row.kind == EVENT_DETAILS:
            events[row.id].place = row.role
            events[row.id].end_date = _date(row.day)
        elif row.kind == TAG_ORDER:
            given[row.id] = len(given)
    loaded_links["tags"]._result_cache.sort(key=lambda tag: given[tag.pk])
    # Events as Event.Meta orders them: newest first, then by name. The statement gives them oldest first, then
    # by name (the database's collation); a stable sort by date, newest first, keeps the names' order.
    loaded_links["events"]._result_cache.sort(key=lambda event: event.start_date, reverse=True)
    # Photos in ArticlePhoto.Meta's order; load_article installed them already when there are none (most).
    if "photos" not in loaded_links:
        prefetch_related_objects([article], "photos")
    return article


# A list item's article: every column but the long texts, with its issue, page and section whole (as
# select_related("issue", "page", "section").defer("body", "search_text") loads them).
ITEM_FIELDS = all_fields(Article, ("body", "search_text"))
ITEM_RELATIONS = tuple(
    (name, alias, all_fields(Article._meta.get_field(name).related_model))
    for name, alias in (("issue", "i"), ("page", "p"), ("section", "s"))
)


def load_items(pks) -> dict:
    """{pk: article} of the published articles among `pks`, with everything ArticleListSerializer shows."""
    articles = load_published(pks, ITEM_FIELDS, ITEM_RELATIONS)
    if articles:
        load_bylines(articles.values())
        _load_tags(articles)
    return articles


def _load_tags(articles: dict) -> None:
    """The tags of `articles` ({pk: article}) in one statement, each article's in the order they were linked
    (taggit's rows; its prefetch gave them in no stated order), installed as prefetched `tags`."""
    found = {pk: [] for pk in articles}
    article_type = ContentType.objects.get_for_model(Article).pk
    sql = _TAGS_SQL.format(ids=", ".join(["%s"] * len(found)))
    for article_id, pk, name, slug in fetch(sql, [article_type, *found]):
        found[article_id].append(loaded(Tag, id=pk, name=name, slug=slug))
    for pk, article in articles.items():
        prefetched(article, "tags", Tag, found[pk])


def _date(value):
    """A DATE column as SQLite returns it (text) or PostgreSQL (a date)."""
    return date.fromisoformat(value) if isinstance(value, str) else value
