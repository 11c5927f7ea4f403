"""RSS feeds: the latest articles, and the latest of one section, tag or author. Built on published().

Absolute links come from the request (the Sites framework is not installed). A feed of a section, tag or author
with nothing public is a 404, as its page is.

Django's syndication framework writes the channel; each item comes already written, as a shared fragment
(`feed_items`): the <item> element exactly as the framework's RSS writer writes it, kept per article and site
address, so a feed request asks for 30 ids and joins 30 strings. Writing the items tag by tag was half of a
feed request's time with the fragments warm (docs/performance.md).
"""

import io
from collections import defaultdict
from typing import NamedTuple

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.contrib.sites.shortcuts import get_current_site
from django.contrib.syndication.views import Feed, add_domain
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Rss201rev2Feed
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _
from django.utils.xmlutils import SimplerXMLGenerator
from taggit.models import Tag, TaggedItem

from articles.models import Article, Byline, Listing, Section, listing
from articles.richtext import article_text, excerpt
from core.fragments import object_fragments, shared_fragment
from people.models import Author

FEED_LENGTH = 30
FEED_LANGUAGE = "zh-cn"  # RSS wants an RFC 1766 tag; Django's LANGUAGE_CODE is zh-hans


def feed_articles():
    """Published articles, newest first."""
    return Article.objects.published().order_by("-published_at", "-id")


class FeedArticle(NamedTuple):
    """What an item shows: the article (with its section), its authors' names in printed order, its tags'."""

    article: Article
    authors: list[str]
    tags: list[str]


def load_feed_articles(ids) -> dict[int, FeedArticle]:
    """The public articles among `ids` with their authors and tags, in three queries (prefetch_related built a
    queryset per article and relation: most of a feed's time with the fragments off)."""
    articles = Article.objects.published().select_related("section").defer("search_text").in_bulk(ids)
    authors, tags = defaultdict(list), defaultdict(list)
    bylines = Byline.objects.filter(article_id__in=articles).order_by("order", "id")
    for article_id, name in bylines.values_list("article_id", "author__name"):
        authors[article_id].append(name)
    tagged = TaggedItem.objects.filter(
        content_type=ContentType.objects.get_for_model(Article), object_id__in=articles
    ).order_by("tag_id")
    for article_id, name in tagged.values_list("object_id", "tag__name"):
        tags[article_id].append(name)
    return {pk: FeedArticle(article, authors[pk], tags[pk]) for pk, article in articles.items()}


class WrittenItemsFeed(Rss201rev2Feed):
    """RSS 2.0 whose items are written already (`feed_items`: {"xml", "pubdate", "updateddate"} each), sent to
    the response in one write: the XML writer writes every tag and text on its own (a thousand writes to the
    response for 30 items)."""

    def write_items(self, handler):
        for item in self.items:
            handler.ignorableWhitespace(item["xml"])  # the SAX writer's way to write text as it is

    def write(self, outfile, encoding):
        buffer = io.StringIO()
        super().write(buffer, encoding)
        outfile.write(buffer.getvalue())


class LatestArticlesFeed(Feed):
    feed_type = WrittenItemsFeed
    language = FEED_LANGUAGE

    def title(self, obj=None):
        return settings.NEWSPAPER_NAME

    def link(self, obj=None):
        return reverse("articles:home")

    def description(self, obj=None):
        return _("The latest articles of %(paper)s") % {"paper": settings.NEWSPAPER_NAME}

    def feed_url(self, obj=None):
        return reverse("feed")

    def latest_ids(self, obj) -> list[int]:
        """The feed's newest FEED_LENGTH public articles' ids."""
        return list(feed_articles().values_list("pk", flat=True)[:FEED_LENGTH])

    def items(self, obj=None):
        return []  # the framework writes the channel only; get_feed adds the items, written

    # Having these, Feed.__call__ sends Last-Modified: the newest date of the items get_feed added.
    def item_pubdate(self, item):
        return item["pubdate"]

    def item_updateddate(self, item):
        return item["updateddate"]

    def article_ids(self, obj) -> list[int]:
        """The ids of the feed's articles, newest first: one light query, kept as a shared fragment per feed (as
        fresh as the page: every public change and scheduled publication ends it)."""
        name = f"feed-ids|{type(self).__name__}|{obj.pk if obj is not None else ''}"
        return shared_fragment(name, lambda: self.latest_ids(obj))

    def get_feed(self, obj, request):
        feed = super().get_feed(obj, request)
        feed.items = feed_items(self.article_ids(obj), get_current_site(request).domain, request.is_secure())
        return feed


def feed_entry(loaded: FeedArticle, domain: str, secure: bool) -> dict:
    """An article's item, the same in every feed that lists it: its <item> element, written as the framework's
    RSS writer writes it (Feed.get_feed and Rss201rev2Feed), and its dates (for the channel's lastBuildDate and
    the response's Last-Modified)."""
    article = loaded.article
    link = add_domain(domain, article.get_absolute_url(), secure)
    writer = WrittenItemsFeed(title="", link="", description="")
    writer.add_item(
        title=article.title,
        link=link,
        # Feed readers render <description> as HTML, and the feed generator only escapes it for XML: escape the
        # plain text once more here, so that text like "<img onerror=…>" in a summary stays text in the reader.
        description=escape(article.summary or excerpt(article_text(article), 200)),
        unique_id=link,
        enclosures=[],
        pubdate=timezone.localtime(article.published_at),  # dated in the paper's time zone (+0800)
        updateddate=timezone.localtime(article.updated_at),
        author_name="、".join(loaded.authors) or None,
        categories=([article.section.name] if article.section_id else []) + loaded.tags,
    )
    (item,) = writer.items
    buffer = io.StringIO()
    handler = SimplerXMLGenerator(buffer, "utf-8", short_empty_elements=True)
    handler.startElement("item", writer.item_attributes(item))
    writer.add_item_elements(handler, item)
    handler.endElement("item")
    return {"xml": buffer.getvalue(), "pubdate": item["pubdate"], "updateddate": item["updateddate"]}


def feed_items(ids: list[int], domain: str, secure: bool) -> list[dict]:
    """The written items of the public articles `ids`, in that order, each a shared fragment (core/fragments.py)
    per site address (the links are absolute): only those not kept are loaded (with their bodies, for an
    excerpt) and written."""
    site = f"{'https' if secure else 'http'}://{domain}"
    names = {f"feed-item|{pk}|{site}": pk for pk in ids}
    found = object_fragments(
        names, load_feed_articles, lambda _name, loaded: feed_entry(loaded, domain, secure)
    )
    return [found[name] for name in names if found[name]]


class _ObjectFeed(LatestArticlesFeed):
    """A feed of one object's public articles, read from the listing index (articles/models/listing.py) as its
    page is: a range of the index, where filtering published articles by the object walked the archive newest
    first; 404 when it has none."""

    model = None
    kinds: tuple = ()  # the object's kinds in the listing index

    def latest_ids(self, obj) -> list[int]:
        rows = (
            listing.visible_in(self.kinds, obj.pk)
            .order_by("-published_at", "-article_id")
            .values_list("article_id", flat=True)
        )
        # An author has a row per role an article names them in (at most one per kind): enough rows for
        # FEED_LENGTH articles, each once.
        return list(dict.fromkeys(rows[: FEED_LENGTH * len(self.kinds)]))[:FEED_LENGTH]

    def get_object(self, request, slug):
        obj = get_object_or_404(self.model, slug=slug)
        if not self.article_ids(obj):
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

    kinds = (Listing.Kind.SECTION,)


class TagFeed(_ObjectFeed):
    model = Tag

    def link(self, obj=None):
        return reverse("articles:tag", args=[obj.slug])

    def feed_url(self, obj=None):
        return reverse("tag_feed", args=[obj.slug])

    kinds = (Listing.Kind.TAG,)


class AuthorFeed(_ObjectFeed):
    model = Author

    def feed_url(self, obj=None):
        return reverse("author_feed", args=[obj.slug])

    kinds = tuple(listing.ROLE_KINDS.values())
