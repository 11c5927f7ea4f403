"""The article page, shared by the public view and the editors' preview (`render_article`)."""

from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import Prefetch, Q, prefetch_related_objects
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from taggit.models import TaggedItem

from people.models import Organization

from ..models import Article, ArticleEvent, ArticleOrganization, Byline, Event

RELATED_COUNT = 5
# Related articles are chosen among the newest articles of each shared tag, organization and event.
RELATED_PER_LINK = 50
# What a link to another article shows: its title and date (and its id for the URL).
LINK_FIELDS = ("id", "title", "published_at")

# What the article page shows beyond the article row. Prefetches are skipped for whatever the caller already
# loaded, so a preview view may pass an article fetched any way it likes.
ARTICLE_PREFETCHES = (
    Prefetch("bylines", queryset=Byline.objects.select_related("author").order_by("order", "id")),
    "tags",
    Prefetch("organizations", queryset=Organization.objects.order_by("name")),
    Prefetch("events", queryset=Event.objects.order_by("start_date", "name")),
)


def article_queryset():
    """Published articles with everything the article page shows, in a fixed number of queries."""
    return (
        Article.objects.published()
        .select_related("issue", "page", "section")
        .prefetch_related(*ARTICLE_PREFETCHES)
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
    """Published articles sharing tags, organizations or events with `article`, most shared first.

    Two queries, bounded whatever the archive's size. The first (SQL written out here, so that no ORM
    compilation is paid on every article page) takes as candidates the newest RELATED_PER_LINK articles of
    each shared tag, organization and event (a UNION of index range scans; see migration 0003_bench_indexes)
    and scores each by how many of the article's links it has (a correlated count by index per candidate).
    The second keeps the candidates that `published()` lets the public see. Scoring every article that
    shares a popular tag costs seconds at 100,000 articles.
    """
    tag_ids = [tag.pk for tag in article.tags.all()]
    organization_ids = [organization.pk for organization in article.organizations.all()]
    event_ids = [event.pk for event in article.events.all()]
    if not (tag_ids or organization_ids or event_ids):
        return []
    article_type = ContentType.objects.get_for_model(Article).pk
    links = (  # (table, the article column, the entity column, extra condition, its params, entity ids)
        (TaggedItem._meta.db_table, "object_id", "tag_id", "content_type_id = %s", [article_type], tag_ids),
        (ArticleOrganization._meta.db_table, "article_id", "organization_id", "", [], organization_ids),
        (ArticleEvent._meta.db_table, "article_id", "event_id", "", [], event_ids),
    )
    candidates, candidate_params, scores, score_params = [], [], [], []
    for table, column, link_column, extra, extra_params, ids in links:
        if not ids:
            continue
        condition = f"{extra} AND " if extra else ""
        for pk in ids:
            candidates.append(
                f"SELECT id FROM (SELECT {column} AS id FROM {table} WHERE {condition}{link_column} = %s"
                f" ORDER BY {column} DESC LIMIT %s) AS link{len(candidates)}"
            )
            candidate_params += [*extra_params, pk, RELATED_PER_LINK]
        placeholders = ", ".join(["%s"] * len(ids))
        scores.append(
            f"(SELECT COUNT(*) FROM {table} WHERE {condition}{column} = candidate.id"
            f" AND {link_column} IN ({placeholders}))"
        )
        score_params += [*extra_params, *ids]
    sql = (
        f"SELECT candidate.id, {' + '.join(scores)} FROM ({' UNION '.join(candidates)}) AS candidate"
        " WHERE candidate.id <> %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*score_params, *candidate_params, article.pk])
        shared = dict(cursor.fetchall())
    rows = Article.objects.published().filter(pk__in=list(shared)).values_list(*LINK_FIELDS)
    best = sorted(rows, key=lambda row: (shared[row[0]], row[2], row[0]), reverse=True)[:limit]
    related = []
    for pk, title, published_at in best:  # what a link shows, without loading whole rows
        item = Article(id=pk, title=title, published_at=published_at)
        item.shared = shared[pk]
        related.append(item)
    return related


def neighbours(article):
    """The published articles before and after `article` where a reader meets them.

    On the same printed page (版) by position; for an issue article not placed on a page, among the issue's
    other unplaced articles; for web-only news, among web-only news by publication time.
    """
    public = Article.objects.published().only(*LINK_FIELDS, "position")
    if article.page_id or article.issue_id:
        # A page (or an issue's unplaced articles) holds a handful: one query for all of them, in reading order.
        if article.page_id:
            same = public.filter(page_id=article.page_id)
        else:
            same = public.filter(issue_id=article.issue_id, page__isnull=True)
        order = [a for a in same.order_by("position", "id") if a.pk != article.pk]
        key = (article.position, article.pk)
        before = [a for a in order if (a.position, a.pk) < key]
        after = [a for a in order if (a.position, a.pk) > key]
        return (before[-1] if before else None), (after[0] if after else None)
    published_at = article.published_at or timezone.now()
    web_only = public.exclude(pk=article.pk).filter(issue__isnull=True)
    return _by_key(web_only, "published_at", published_at, article.pk)


def _by_key(queryset, key: str, value, pk):
    """The rows just before and just after (value, pk) in (key, id) order."""
    before = Q(**{f"{key}__lt": value}) | Q(**{key: value, "pk__lt": pk})
    after = Q(**{f"{key}__gt": value}) | Q(**{key: value, "pk__gt": pk})
    previous = queryset.filter(before).order_by(f"-{key}", "-id").first()
    following = queryset.filter(after).order_by(key, "id").first()
    return previous, following


def render_article(request, article, *, preview=False, extra_context=None):
    """Render `article` in the public article design.

    The public view passes a published article; the editors' preview passes any article with preview=True, which
    adds the preview banner and keeps search engines away. Related articles and previous/next only ever list
    published articles, whatever `article` is.
    """
    prefetch_related_objects([article], *ARTICLE_PREFETCHES)
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
