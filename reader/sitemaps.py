"""Sitemaps: articles, issues and entity pages, each only with what is public, and a Google News sitemap.

Entity pages (authors, organizations, events, tags, sections) are listed only when a published article stands
on them, with the last change of their published articles as lastmod: a fixed number of queries per sitemap
whatever the number of entries (the count, the page, and every entity's lastmod in one grouped query, not
a correlated subquery per entry). One whose slug no URL can carry (empty, or with a slash), whatever the
database holds, is left out rather than failing the whole sitemap.
The views of django.contrib.sitemaps build absolute URLs from the request (RequestSite: the Sites framework is
not installed).
"""

from datetime import timedelta

from django.contrib.sitemaps import Sitemap
from django.db.models import Exists, Max, OuterRef
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag

from articles.models import Article, Event, Issue, Section
from core.fragments import shared_fragment
from people.models import Author, Organization

from .views.common import SharedCountPaginator

NEWS_WINDOW = timedelta(days=2)
NEWS_LIMIT = 1000  # Google News reads at most 1,000 URLs per news sitemap


def _has_public_article(relation: str) -> Exists:
    """Whether a published article is related to the outer row, e.g. relation="bylines__author"."""
    return Exists(Article.objects.published().filter(**{relation: OuterRef("pk")}))


class SharedSitemap(Sitemap):
    """A sitemap whose count (for its pages) and latest change are shared fragments (core/fragments.py):
    the index asks every sitemap for both, and at a million articles each is a scan of the archive. Counted
    once per change of public content, as the pages' own counts are."""

    @property
    def paginator(self):
        return SharedCountPaginator(self._items(), self.limit, f"sitemap|{type(self).__name__}")

    def get_latest_lastmod(self):
        return shared_fragment(f"sitemap-lastmod|{type(self).__name__}", self.latest_change)

    def latest_change(self):
        raise NotImplementedError


class ArticleSitemap(SharedSitemap):
    limit = 5000

    def items(self):
        return (
            Article.objects.published()
            .only("id", "updated_at", "published_at")
            .order_by("-published_at", "-id")
        )

    def lastmod(self, item):
        return item.updated_at

    def latest_change(self):
        # Walks the (status, updated_at) index backwards to the first public row: no scan of the archive.
        latest = Article.objects.published().order_by("-updated_at").values_list("updated_at", flat=True)
        return latest.first()


class _EntitySitemap(SharedSitemap):
    """Objects with at least one public article; lastmod is the last change of their public articles."""

    model = None
    relation = ""  # the path from Article to the model, e.g. "bylines__author"
    fields = ("id", "slug")

    def items(self):
        rows = self.model.objects.filter(_has_public_article(self.relation))
        if "slug" in self.fields:
            # A slug a URL cannot carry (empty, or with a slash: <str:slug>) has no page to list; never a 500.
            rows = rows.exclude(slug="").exclude(slug__contains="/")
        return rows.only(*self.fields).order_by("pk")

    def public_lastmods(self) -> dict:
        """{pk: the last change of its published articles} for every object of the model, in one query
        (kept on the instance: the sitemap views make one per request)."""
        if not hasattr(self, "_public_lastmods"):
            rows = (
                Article.objects.published()
                .filter(**{f"{self.relation}__isnull": False})
                .values_list(self.relation)
                .annotate(latest=Max("updated_at"))
                .order_by()
            )
            self._public_lastmods = dict(rows)
        return self._public_lastmods

    def lastmod(self, item):
        return self.public_lastmods().get(item.pk)

    def latest_change(self):
        return (
            Article.objects.published()
            .filter(**{f"{self.relation}__isnull": False})
            .aggregate(latest=Max("updated_at"))["latest"]
        )


class IssueSitemap(_EntitySitemap):
    model = Issue
    relation = "issue"
    fields = ("id", "number")


class AuthorSitemap(_EntitySitemap):
    model = Author
    relation = "bylines__author"


class OrganizationSitemap(_EntitySitemap):
    model = Organization
    relation = "organizations"


class EventSitemap(_EntitySitemap):
    model = Event
    relation = "events"


class SectionSitemap(_EntitySitemap):
    model = Section
    relation = "section"


class TagSitemap(_EntitySitemap):
    model = Tag
    relation = "tags"

    def location(self, item):
        return reverse("articles:tag", args=[item.slug])


class NewsSitemap(SharedSitemap):
    """Articles published in the last two days, for Google News (reader/templates/feeds/news_sitemap.xml)."""

    limit = NEWS_LIMIT

    def items(self):
        now = timezone.now()
        return (
            Article.objects.published(now)
            .filter(published_at__gte=now - NEWS_WINDOW)
            .only("id", "title", "published_at", "updated_at")
            .order_by("-published_at", "-id")[:NEWS_LIMIT]
        )

    def lastmod(self, item):
        return item.updated_at

    def latest_change(self):
        now = timezone.now()
        return (
            Article.objects.published(now)
            .filter(published_at__gte=now - NEWS_WINDOW)
            .aggregate(latest=Max("updated_at"))["latest"]
        )


SITEMAPS = {
    "articles": ArticleSitemap,
    "issues": IssueSitemap,
    "sections": SectionSitemap,
    "authors": AuthorSitemap,
    "organizations": OrganizationSitemap,
    "events": EventSitemap,
    "tags": TagSitemap,
    "news": NewsSitemap,
}
