"""The article page, shared by the public view and the editors' preview (`render_article`)."""

from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from taggit.models import TaggedItem

from ..loading import load_links
from ..models import Article, ArticleEvent, ArticleOrganization, Byline
from ..querysets import published_sql, sql_datetime

RELATED_COUNT = 5
# Related articles are chosen among the newest articles of each shared tag, organization and event.
RELATED_PER_LINK = 50


def article_queryset():
    """Published articles with the placement and section the article page shows (one query)."""
    return (
        Article.objects.published()
        .select_related("issue", "page", "section")
        .defer("search_text")  # the index's text: kilobytes per row that the page never shows
    )


def article_detail(request, pk):
    article = get_object_or_404(article_queryset(), pk=pk)
    return render_article(request, article)


@dataclass
class BylineGroup:
    """Consecutive bylines sharing a role, printed as one credit: 本报记者 林知远 王启航."""

    role: str
    label: str
    authors: list = field(default_factory=list)


def byline_groups(bylines) -> list[BylineGroup]:
    groups: list[BylineGroup] = []
    for byline in bylines:
        if not groups or groups[-1].role != byline.role:
            groups.append(BylineGroup(byline.role, byline.get_role_display()))
        groups[-1].authors.append(byline.author)
    return groups


def related_articles(article, limit: int = RELATED_COUNT) -> list:
    """Published articles sharing tags, organizations or events with `article`, most shared first, then newest.

    One query, bounded whatever the archive's size, written out here (no ORM compilation on every article
    page; visibility is `published_sql`, the same rule as `published()`). The candidates are the newest
    RELATED_PER_LINK articles of each of the article's tags, organizations and events (a UNION ALL of index
    range scans; see migration 0003_bench_indexes); a candidate's score is the number of those lists it is
    in, the links it shares among recent articles. Scoring every article that shares a popular tag costs
    seconds at 100,000 articles.
    """
    tag_ids = [tag.pk for tag in article.tags.all()]
    organization_ids = [organization.pk for organization in article.organizations.all()]
    event_ids = [event.pk for event in article.events.all()]
    if not (tag_ids or organization_ids or event_ids):
        return []
    article_type = ContentType.objects.get_for_model(Article).pk
    lists, params = [], []
    for table, column, link_column, extra, extra_params, ids in (
        (
            TaggedItem._meta.db_table,
            "object_id",
            "tag_id",
            "content_type_id = %s AND ",
            [article_type],
            tag_ids,
        ),
        (ArticleOrganization._meta.db_table, "article_id", "organization_id", "", [], organization_ids),
        (ArticleEvent._meta.db_table, "article_id", "event_id", "", [], event_ids),
    ):
        for pk in ids:
            lists.append(
                f"SELECT id FROM (SELECT {column} AS id FROM {table} WHERE {extra}{link_column} = %s"
                f" ORDER BY {column} DESC LIMIT %s) AS list{len(lists)}"
            )
            params += [*extra_params, pk, RELATED_PER_LINK]
    visible, visible_params = published_sql("a")
    sql = (
        f"SELECT a.id, a.title, a.published_at, candidate.shared FROM ("
        f"SELECT id, COUNT(*) AS shared FROM ({' UNION ALL '.join(lists)}) AS listed"
        f" WHERE id <> %s GROUP BY id) AS candidate JOIN {Article._meta.db_table} a ON a.id = candidate.id"
        f" WHERE {visible} ORDER BY candidate.shared DESC, a.published_at DESC, a.id DESC LIMIT %s"
    )
    # raw(): the columns come back converted as the ORM converts them (SQLite keeps times as text); the
    # instances have the other fields deferred, and `shared` as an attribute.
    return list(Article.objects.raw(sql, [*params, article.pk, *visible_params, limit]))


def neighbours(article):
    """The published articles before and after `article` where a reader meets them, in one query.

    On the same printed page (版) by position; for an issue article not placed on a page, among the issue's
    other unplaced articles; for web-only news, among web-only news by publication time.
    """
    visible, params = published_sql("a")
    table = Article._meta.db_table
    columns = "a.id, a.title, a.published_at, a.position"
    if article.page_id or article.issue_id:
        # A page (or an issue's unplaced articles) holds a handful: all of them, in reading order.
        if article.page_id:
            place, value = "a.page_id = %s", article.page_id
        else:
            place, value = "a.issue_id = %s AND a.page_id IS NULL", article.issue_id
        sql = f"SELECT {columns} FROM {table} a WHERE {visible} AND {place} ORDER BY a.position, a.id"
        order = [a for a in Article.objects.raw(sql, [*params, value]) if a.pk != article.pk]
        key = (article.position, article.pk)
        before = [a for a in order if (a.position, a.pk) < key]
        after = [a for a in order if (a.position, a.pk) > key]
        return (before[-1] if before else None), (after[0] if after else None)
    at = sql_datetime(article.published_at or timezone.now())
    web_only = f"SELECT {columns} FROM {table} a WHERE {visible} AND a.issue_id IS NULL AND a.id <> %s AND "
    sql = (
        f"SELECT * FROM ({web_only}(a.published_at < %s OR (a.published_at = %s AND a.id < %s))"
        " ORDER BY a.published_at DESC, a.id DESC LIMIT 1) AS previous UNION ALL "
        f"SELECT * FROM ({web_only}(a.published_at > %s OR (a.published_at = %s AND a.id > %s))"
        " ORDER BY a.published_at, a.id LIMIT 1) AS following"
    )
    side = [*params, article.pk]
    rows = list(Article.objects.raw(sql, [*side, at, at, article.pk, *side, at, at, article.pk]))
    key = (article.published_at or timezone.now(), article.pk)
    previous = next((a for a in rows if (a.published_at, a.pk) < key), None)
    following = next((a for a in rows if (a.published_at, a.pk) > key), None)
    return previous, following


def render_article(request, article, *, preview=False, extra_context=None):
    """Render `article` in the public article design.

    The public view passes a published article; the editors' preview passes any article with preview=True, which
    adds the preview banner and keeps search engines away. Related articles and previous/next only ever list
    published articles, whatever `article` is.
    """
    load_links(article)
    bylines = list(article.bylines.all())
    previous, following = neighbours(article)
    context = {
        "article": article,
        "preview": preview,
        "credits": byline_groups(b for b in bylines if b.role != Byline.Role.EDITOR),
        "desk_editors": [b.author for b in bylines if b.role == Byline.Role.EDITOR],
        "tags": sorted((tag for tag in article.tags.all() if tag.slug), key=lambda tag: tag.name),
        "organizations": list(article.organizations.all()),
        "events": list(article.events.all()),
        "related": related_articles(article),
        "previous_article": previous,
        "next_article": following,
    }
    if extra_context:
        context.update(extra_context)
    return render(request, "articles/article_detail.html", context)
