"""Sitemaps: articles, issues and entity pages, each only with what is public, and a Google News sitemap.

Entity pages (authors, organizations, events, tags, sections) are listed only when a published article stands
on them, with that article's last change as lastmod: one query per sitemap whatever the number of entries.
The views of django.contrib.sitemaps build absolute URLs from the request (RequestSite: the Sites framework is
not installed).
"""

from datetime import timedelta

from django.contrib.sitemaps import Sitemap
from django.db.models import Max, OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag

from people.models import Author, Organization

from .models import Article, Event, Issue, Section

NEWS_WINDOW = timedelta(days=2)
NEWS_LIMIT = 1000  # Google News reads at most 1,000 URLs per news sitemap


def _latest_public_change(**relation):
    """The last change of a published article related to the outer row, e.g. bylines__author=OuterRef("pk")."""
    return Subquery(
        Article.objects.published().filter(**relation).order_by("-updated_at").values("updated_at")[:1]
    )


class ArticleSitemap(Sitemap):
    limit = 5000

    def items(self):
        return (
            Article.objects.published()
            .only("id", "updated_at", "published_at")
            .order_by("-published_at", "-id")
        )

    def lastmod(self, item):
        return item.updated_at

    def get_latest_lastmod(self):
        return Article.objects.published().aggregate(latest=Max("updated_at"))["latest"]


class _EntitySitemap(Sitemap):
    """Objects with at least one public article; lastmod is that article's last change."""

    model = None
    relation = ""  # the path from Article to the model, e.g. "bylines__author"
    fields = ("id", "slug")

    def items(self):
        return (
            self.model.objects.annotate(
                public_lastmod=_latest_public_change(**{self.relation: OuterRef("pk")})
            )
            .filter(public_lastmod__isnull=False)
            .only(*self.fields)
            .order_by("pk")
        )

    def lastmod(self, item):
        return item.public_lastmod

    def get_latest_lastmod(self):
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


class NewsSitemap(Sitemap):
    """Articles published in the last two days, for Google News (templates/feeds/news_sitemap.xml)."""

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

    def get_latest_lastmod(self):
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
