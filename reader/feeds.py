"""RSS feeds: the latest articles, and the latest of one section, tag or author. Built on published().

Absolute links come from the request (the Sites framework is not installed). A feed of a section, tag or author
with nothing public is a 404, as its page is.
"""

from types import SimpleNamespace

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _
from taggit.models import Tag

from articles.models import Article, Byline, Section
from articles.querysets import bylines_prefetch
from articles.richtext import article_text, excerpt
from core.fragments import object_fragments
from people.models import Author

FEED_LENGTH = 30
FEED_LANGUAGE = "zh-cn"  # RSS wants an RFC 1766 tag; Django's LANGUAGE_CODE is zh-hans


def feed_articles():
    """Published articles with what an item shows (bylines, section, tags), newest first."""
    return (
        Article.objects.published()
        .select_related("section")
        .prefetch_related(bylines_prefetch(), "tags")
        .defer("search_text")
        .order_by("-published_at", "-id")
    )


class LatestArticlesFeed(Feed):
    language = FEED_LANGUAGE

    def title(self, obj=None):
        return settings.NEWSPAPER_NAME

    def link(self, obj=None):
        return reverse("articles:home")

    def description(self, obj=None):
        return _("The latest articles of %(paper)s") % {"paper": settings.NEWSPAPER_NAME}

    def feed_url(self, obj=None):
        return reverse("feed")

    def articles(self, obj):
        return feed_articles()

    def items(self, obj=None):
        # The ids alone, newest first (one light query); each item's fields are a shared fragment.
        ids = list(self.articles(obj).values_list("pk", flat=True)[:FEED_LENGTH])
        return feed_entries(ids)

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.description

    def item_link(self, item):
        return item.link

    def item_pubdate(self, item):
        return timezone.localtime(item.published_at)  # dated in the paper's time zone (+0800)

    def item_updateddate(self, item):
        return timezone.localtime(item.updated_at)

    def item_author_name(self, item):
        return item.author_name

    def item_categories(self, item):
        return item.categories


def feed_entry(article) -> dict:
    """What a feed says of an article (the same in every feed that lists it)."""
    return {
        "title": article.title,
        # Feed readers render <description> as HTML, and the feed generator only escapes it for XML: escape the
        # plain text once more here, so that text like "<img onerror=…>" in a summary stays text in the reader.
        "description": escape(article.summary or excerpt(article_text(article), 200)),
        "link": article.get_absolute_url(),
        "published_at": article.published_at,
        "updated_at": article.updated_at,
        "author_name": "、".join(byline.author.name for byline in article.bylines.all()) or None,
        "categories": ([article.section.name] if article.section_id else [])
        + [tag.name for tag in article.tags.all()],
    }


def feed_entries(ids: list[int]) -> list[SimpleNamespace]:
    """The feed items of the public articles `ids`, in that order, each a shared fragment (core/fragments.py):
    only those not kept are loaded (with their bodies, for an excerpt) and built."""
    names = {f"feed-item|{pk}": pk for pk in ids}
    found = object_fragments(names, lambda pks: feed_articles().in_bulk(pks), lambda _name, a: feed_entry(a))
    return [SimpleNamespace(**found[name]) for name in names if found[name]]


class _ObjectFeed(LatestArticlesFeed):
    """A feed of one object's public articles; 404 when it has none."""

    model = None

    def get_object(self, request, slug):
        obj = get_object_or_404(self.model, slug=slug)
        if not self.articles(obj).exists():
            raise Http404("nothing public")
        return obj

    def title(self, obj=None):
        return f"{obj.name} - {settings.NEWSPAPER_NAME}"

    def link(self, obj=None):
        return obj.get_absolute_url()

    def description(self, obj=None):
        return _("The latest articles of %(name)s in %(paper)s") % {
            "name": obj.name,
            "paper": settings.NEWSPAPER_NAME,
        }


class SectionFeed(_ObjectFeed):
    model = Section

    def feed_url(self, obj=None):
        return reverse("section_feed", args=[obj.slug])

    def articles(self, obj):
        return feed_articles().filter(section=obj)


class TagFeed(_ObjectFeed):
    model = Tag

    def link(self, obj=None):
        return reverse("articles:tag", args=[obj.slug])

    def feed_url(self, obj=None):
        return reverse("tag_feed", args=[obj.slug])

    def articles(self, obj):
        return feed_articles().filter(tags=obj)


class AuthorFeed(_ObjectFeed):
    model = Author

    def feed_url(self, obj=None):
        return reverse("author_feed", args=[obj.slug])

    def articles(self, obj):
        return feed_articles().filter(Exists(Byline.objects.filter(article=OuterRef("pk"), author=obj)))
