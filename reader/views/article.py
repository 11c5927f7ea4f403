"""The article page, shared by the public view and the editors' preview (`render_article`)."""

import functools
import heapq
from collections import Counter

from django.db import connection
from django.db.models import prefetch_related_objects
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from articles.models import Article, Byline, Listing
from articles.names import byline_groups
from articles.querysets import published_sql, sql_datetime
from core.fragments import object_fragments, shared_fragments
from core.prepared import fetch
from reader.loading import (
    LinkKind,
    LinkRow,
    converted,
    from_row,
    linked,
    load_article,
    load_links,
    load_published,
)

RELATED_COUNT = 5
# Related articles are chosen among the newest articles of each shared tag, organization and event.
RELATED_PER_LINK = 50
# What a list of related articles shows of each.
LISTED = ("id", "title", "published_at")


def article_detail(request, pk):
    article = load_article(pk)
    if article is None:
        raise Http404("No published article with this number.")
    return render_article(request, article)


def related_articles(article, limit: int = RELATED_COUNT) -> list:
    """Published articles sharing tags, organizations or events with `article`, most shared first, then newest.

    The candidates are the newest RELATED_PER_LINK published articles of each of the article's tags,
    organizations and events; a candidate's score is the number of those lists it is in, the links it shares
    among recent articles (scoring every article that shares a popular tag costs seconds at 100,000 articles).

    Each link's list, ids and publication times, is what every article page with that link repeats: a shared
    fragment (core/fragments.py), as fresh as whole pages, the lists a page is missing read in one query from
    the listing index alone (index-only range scans). So is each chosen article's title, the missing ones read
    in one query with the visibility rule applied again. Reading the titles of every candidate with the lists
    cost PostgreSQL a row of the articles table for each of 250 candidates, on every page without its lists
    kept (docs/performance.md).
    """
    links = [("tag", tag.pk) for tag in linked(article, "tags")]
    links += [("organization", organization.pk) for organization in linked(article, "organizations")]
    links += [("event", event.pk) for event in linked(article, "events")]
    if not links:
        return []
    names = {f"related|{kind}|{pk}": (kind, pk) for kind, pk in links}
    lists = shared_fragments(
        list(names), lambda missing: _link_lists({name: names[name] for name in missing})
    )
    shared, published = Counter(), {}  # {pk: the number of lists it is in}, {pk: published_at}
    for name in names:
        for pk, published_at in lists[name]:
            shared[pk] += 1
            published[pk] = published_at
    shared.pop(article.pk, None)
    chosen = heapq.nlargest(limit, [(n, published[pk], pk) for pk, n in shared.items()])
    titles = object_fragments(
        {f"related-title|{pk}": pk for _n, _at, pk in chosen},
        lambda ids: load_published(ids, ("id", "title"), ()),  # the visibility rule applied again
        lambda _name, article: article.title,
    )
    related = []
    for count, published_at, pk in chosen:
        title = titles[f"related-title|{pk}"]
        if title is None:  # no longer public
            continue
        item = from_row(Article, LISTED, (pk, title, published_at))
        item.shared = count
        related.append(item)
    return related


# Each kind of link: its kind in the listing index (articles/models/listing.py).
_LINK_KINDS = {
    "tag": Listing.Kind.TAG,
    "organization": Listing.Kind.ORGANIZATION,
    "event": Listing.Kind.EVENT,
}
# A list's columns, for `converted` (SQLite returns times as text).
_LIST_COLUMNS = ((Listing, "article_id", "l"), (Listing, "published_at", "l"))


def _link_lists(links: dict) -> dict:
    """{name: [(pk, published_at) …]} for links {name: (kind, pk)}: the newest RELATED_PER_LINK published
    articles of each, in one query, a UNION ALL of index-only ranges of the listing index, newest first (its
    rows are the published articles only, `published_at <= now` the rest of the visibility rule)."""
    now = sql_datetime(timezone.now())
    params = []
    for kind, pk in links.values():
        params += [int(_LINK_KINDS[kind]), pk, now, RELATED_PER_LINK]
    found = {name: [] for name in links}
    names = list(links)
    for pk, published_at, number in converted(_LIST_COLUMNS, fetch(_link_lists_sql(len(links)), params)):
        found[names[number]].append((pk, published_at))
    return found


@functools.lru_cache(maxsize=32)
def _link_lists_sql(count: int) -> str:
    listing = connection.ops.quote_name(Listing._meta.db_table)
    return " UNION ALL ".join(
        f"SELECT article_id, published_at, {number} AS list FROM (SELECT l.article_id, l.published_at"
        f" FROM {listing} l WHERE l.kind = %s AND l.target_id = %s AND l.published_at <= %s"
        f" ORDER BY l.published_at DESC, l.article_id DESC LIMIT %s) AS list{number}"
        for number in range(count)
    )


def neighbour_rows(article) -> tuple[str, list]:
    """The statement of the published articles around `article` where a reader meets them, as rows of the links
    statement (loading.load_links, `LinkRow`): kind, id, '', position (number), NULL, '', NULL, title (name), ''.

    On the same printed page (版) by position (all of the page's handful, as `LinkKind.BEFORE`: `neighbours`
    picks); for an issue article not placed on a page, among the issue's other unplaced articles; for web-only
    news, among web-only news by publication time (the one before as BEFORE, the one after as AFTER).
    """
    visible, params = published_sql("a")
    table = Article._meta.db_table
    columns = "a.id, '', a.position, CAST(NULL AS DATE), '', CAST(NULL AS BIGINT), a.title, ''"
    if article.page_id or article.issue_id:
        if article.page_id:
            place, value = "a.page_id = %s", article.page_id
        else:
            place, value = "a.issue_id = %s AND a.page_id IS NULL", article.issue_id
        sql = f"SELECT {LinkKind.BEFORE:d}, {columns} FROM {table} a WHERE {visible} AND {place}"
        return sql, [*params, value]
    at = sql_datetime(article.published_at or timezone.now())
    # Row values, (published_at, id) < (at, pk), rather than `published_at < at OR (published_at = at AND …)`:
    # PostgreSQL seeks the web-only index (published_at DESC, id DESC) straight to them, where the OR made it
    # walk every web-only article newer (or older) than this one (tens of thousands at 1,000,000 articles).
    web_only = f"FROM {table} a WHERE {visible} AND a.issue_id IS NULL AND a.id <> %s AND "
    sql = (
        f"SELECT * FROM (SELECT {LinkKind.BEFORE:d}, {columns} {web_only}(a.published_at, a.id) < (%s, %s)"
        " ORDER BY a.published_at DESC, a.id DESC LIMIT 1) AS previous UNION ALL "
        f"SELECT * FROM (SELECT {LinkKind.AFTER:d}, {columns} {web_only}(a.published_at, a.id) > (%s, %s)"
        " ORDER BY a.published_at, a.id LIMIT 1) AS following"
    )
    side = [*params, article.pk]
    return sql, [*side, at, article.pk, *side, at, article.pk]


def neighbours(article, rows: list[LinkRow]):
    """The previous and next articles (objects with id, title and position) among `neighbour_rows`' rows."""
    if article.page_id or article.issue_id:
        key = (article.position, article.pk)  # the page's articles, in reading order (position, then id)
        before = [row for row in rows if (row.number, row.id) < key]
        after = [row for row in rows if (row.number, row.id) > key]
        before, after = before[-1:], after[:1]
    else:
        before = [row for row in rows if row.kind == LinkKind.BEFORE]
        after = [row for row in rows if row.kind == LinkKind.AFTER]
    previous, following = (
        from_row(Article, ("id", "title", "position"), (row.id, row.name, row.number)) if row else None
        for row in (before[0] if before else None, after[0] if after else None)
    )
    return previous, following


def render_article(request, article, *, preview=False, extra_context=None):
    """Render `article` in the public article design.

    The public view passes a published article; the editors' preview passes any article with preview=True, which
    adds the preview banner and keeps search engines away. The pictures' URLs are the storage's (a private
    picture's go through the private-file view) unless `extra_context` sets `picture_url` (a share-link preview:
    signed links; reader/templatetags/pictures.py). Related articles and previous/next only ever list
    published articles, whatever `article` is.
    """
    previous, following = neighbours(article, load_links(article, also=neighbour_rows(article)))
    # The photos (组图) in order (ArticlePhoto.Meta.ordering), in one query; reader/seo.py reads them too.
    # load_article installed them already when there are none (most articles).
    if "photos" not in getattr(article, "_prefetched_objects_cache", {}):
        prefetch_related_objects([article], "photos")
    bylines = list(linked(article, "bylines"))
    context = {
        "article": article,
        "preview": preview,
        "credits": byline_groups(b for b in bylines if b.role != Byline.Role.EDITOR),
        "desk_editors": [b.author for b in bylines if b.role == Byline.Role.EDITOR],
        "tags": sorted((tag for tag in linked(article, "tags") if tag.slug), key=lambda tag: tag.name),
        "organizations": list(linked(article, "organizations")),
        "events": list(linked(article, "events")),
        "related": related_articles(article),
        "previous_article": previous,
        "next_article": following,
        "photos": [photo for photo in linked(article, "photos") if photo.image],
    }
    if extra_context:
        context.update(extra_context)
    return render(request, "articles/article_detail.html", context)
