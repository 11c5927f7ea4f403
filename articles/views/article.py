"""The article page, shared by the public view and the editors' preview (`render_article`)."""

from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import Count, OuterRef, Prefetch, Q, Subquery, Value, prefetch_related_objects
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from taggit.models import TaggedItem

from people.models import Organization

from ..models import Article, ArticleEvent, ArticleOrganization, Byline, Event

RELATED_COUNT = 5
# Related articles are chosen among the newest articles of each shared tag, organization and event.
RELATED_PER_LINK = 50

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

    One query, bounded whatever the archive's size: the candidates are the newest RELATED_PER_LINK articles
    of each shared tag, organization and event (a UNION of index range scans; see migration
    0003_bench_indexes), scored by how many links they share. Scoring every article that shares a popular tag
    costs seconds at 100,000 articles.
    """
    tag_ids = [tag.pk for tag in article.tags.all()]
    organization_ids = [organization.pk for organization in article.organizations.all()]
    event_ids = [event.pk for event in article.events.all()]
    article_type = ContentType.objects.get_for_model(Article)
    links = [(TaggedItem.objects.filter(content_type=article_type, tag_id=pk), "object_id") for pk in tag_ids]
    links += [
        (ArticleOrganization.objects.filter(organization_id=pk), "article_id") for pk in organization_ids
    ]
    links += [(ArticleEvent.objects.filter(event_id=pk), "article_id") for pk in event_ids]
    if not links:
        return []
    newest = [
        link.order_by(f"-{column}").values_list(column, flat=True)[:RELATED_PER_LINK]
        for link, column in links
    ]
    if connection.features.supports_slicing_ordering_in_compound:  # PostgreSQL: one UNION ALL
        candidates = Q(pk__in=newest[0].union(*newest[1:], all=True))
    else:  # SQLite takes no LIMIT inside a UNION: one subquery per link
        candidates = Q()
        for subquery in newest:
            candidates |= Q(pk__in=subquery)
    # A candidate's score: how many of the article's links it shares, counted among the candidate's own links
    # (a correlated count by index per candidate; a join of all link tables multiplies rows, and EXISTS lets
    # PostgreSQL hash every article of a popular tag).
    score = Value(0)
    for model, column, link_column, ids in (
        (TaggedItem, "object_id", "tag_id", tag_ids),
        (ArticleOrganization, "article_id", "organization_id", organization_ids),
        (ArticleEvent, "article_id", "event_id", event_ids),
    ):
        if ids:
            own = model.objects.filter(**{column: OuterRef("pk"), f"{link_column}__in": ids})
            if model is TaggedItem:
                own = own.filter(content_type=article_type)
            counted = own.order_by().values(column).annotate(n=Count("pk")).values("n")
            score = score + Coalesce(Subquery(counted), 0)
    return list(
        Article.objects.published()
        .filter(candidates)
        .exclude(pk=article.pk)
        .select_related("section")
        .annotate(shared=score)
        .order_by("-shared", "-published_at", "-id")[:limit]
    )


def neighbours(article):
    """The published articles before and after `article` where a reader meets them.

    On the same printed page (版) by position; for an issue article not placed on a page, among the issue's
    other unplaced articles; for web-only news, among web-only news by publication time.
    """
    public = Article.objects.published().exclude(pk=article.pk).select_related("page")
    if article.page_id:
        return _by_key(public.filter(page_id=article.page_id), "position", article.position, article.pk)
    if article.issue_id:
        same = public.filter(issue_id=article.issue_id, page__isnull=True)
        return _by_key(same, "position", article.position, article.pk)
    published_at = article.published_at or timezone.now()
    return _by_key(public.filter(issue__isnull=True), "published_at", published_at, article.pk)


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
