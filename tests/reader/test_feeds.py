"""RSS feeds: latest, per section, per tag, per author; only published articles, with their authors."""

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from taggit.models import Tag

from articles import workflow
from articles.models import Article, Byline
from articles.querysets import bylines_prefetch
from articles.richtext import article_text, excerpt
from reader.feeds import LatestArticlesFeed
from tests.factories import (
    STATES,
    UNPUBLISHED,
    AuthorFactory,
    PublishedArticleFactory,
    SectionFactory,
    article_in_state,
    editor,
)

pytestmark = pytest.mark.django_db

DC = "{http://purl.org/dc/elements/1.1/}"


def items(response) -> list[ET.Element]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    return ET.fromstring(response.content).findall("./channel/item")


def item_titles(response) -> list[str]:
    return [item.findtext("title") for item in items(response)]


@pytest.fixture
def world():
    section = SectionFactory(name="要闻")
    author = AuthorFactory(name="林知远")
    articles = {
        state: article_in_state(
            state,
            title=f"量子通信城域网开通（{state}）",
            section=section,
            tags=["量子科技"],
            authors=[author],
        )
        for state in STATES
    }
    return {"section": section, "author": author, "articles": articles}


def feed_urls(world) -> list[str]:
    tag = Tag.objects.get(name="量子科技")
    return [
        reverse("feed"),
        reverse("section_feed", args=[world["section"].slug]),
        reverse("tag_feed", args=[tag.slug]),
        reverse("author_feed", args=[world["author"].slug]),
    ]


def test_every_feed_lists_only_published_articles(client, world):
    for url in feed_urls(world):
        response = client.get(url)
        assert item_titles(response) == ["量子通信城域网开通（published）"], url
        content = response.content.decode()
        for state in UNPUBLISHED:
            assert f"（{state}）" not in content, (url, state)
            assert world["articles"][state].get_absolute_url() not in content, (url, state)


def test_an_item_carries_authors_link_date_and_categories(client, world):
    article = world["articles"]["published"]
    Byline.objects.create(
        article=article, author=AuthorFactory(name="苏晴"), role=Byline.Role.CORRESPONDENT, order=1
    )
    (item,) = items(client.get(reverse("feed")))
    assert item.findtext(f"{DC}creator") == "林知远、苏晴"
    assert item.findtext("link") == f"http://testserver{article.get_absolute_url()}"
    assert item.findtext("description") == article.summary
    assert {c.text for c in item.findall("category")} == {"要闻", "量子科技"}
    published = timezone.localtime(article.published_at)
    assert item.findtext("pubDate").endswith("+0800")
    assert published.strftime("%d %b %Y %H:%M:%S") in item.findtext("pubDate")


def test_channel_is_the_paper_in_chinese(client, world):
    channel = ET.fromstring(client.get(reverse("feed")).content).find("channel")
    assert channel.findtext("title") == settings.NEWSPAPER_NAME
    assert channel.findtext("language") == "zh-cn"
    assert channel.findtext("link") == "http://testserver/"


def test_without_a_summary_the_description_is_an_escaped_excerpt(client):
    PublishedArticleFactory(
        summary="",
        body="<p>本报讯 卧龙保护区&lt;script&gt;新添两只<strong>大熊猫</strong>幼崽。</p>"
        + "<p>饲养员轮班看护。</p>" * 40,
    )
    (item,) = items(client.get(reverse("feed")))
    description = item.findtext("description")
    # The description is HTML (feed readers render it): the text is escaped for HTML, then again for XML.
    assert description.startswith("本报讯 卧龙保护区&lt;script&gt;新添两只大熊猫幼崽。 饲养员")
    assert "<strong>" not in description and "<p>" not in description and "<script" not in description
    assert description.endswith("…") and len(description) <= 220
    assert b"&amp;lt;script&amp;gt;" in client.get(reverse("feed")).content


def test_feeds_are_newest_first_and_bounded(client):
    now = timezone.now()
    for n in range(35):
        PublishedArticleFactory(title=f"科普快讯{n}", published_at=now - datetime.timedelta(hours=n + 1))
    titles = item_titles(client.get(reverse("feed")))
    assert titles == [f"科普快讯{n}" for n in range(30)]


def test_an_authors_feed_lists_each_article_once_whatever_its_roles(client):
    """The author's feed reads a row per role from the listing index: an article naming the author twice (text
    and pictures) is one item, and the feed still holds the newest 30 articles."""
    author = AuthorFactory(name="周远帆")
    now = timezone.now()
    for n in range(35):
        PublishedArticleFactory(
            title=f"图文报道{n}",
            published_at=now - datetime.timedelta(hours=n + 1),
            authors=[(author, Byline.Role.REPORTER), (author, Byline.Role.PHOTOGRAPHER)],
        )
    article_in_state("scheduled", title="尚未发布", authors=[author])
    titles = item_titles(client.get(reverse("author_feed", args=[author.slug])))
    assert titles == [f"图文报道{n}" for n in range(30)]


def test_a_feed_with_nothing_public_is_a_404(client):
    section = SectionFactory(name="观点")
    author = AuthorFactory(name="赵一鸣")
    article_in_state("draft", section=section, authors=[author], tags=["草稿标签"])
    assert client.get(reverse("section_feed", args=[section.slug])).status_code == 404
    assert client.get(reverse("author_feed", args=[author.slug])).status_code == 404
    assert client.get(reverse("tag_feed", args=["草稿标签"])).status_code == 404
    assert client.get(reverse("section_feed", args=["no-such-section"])).status_code == 404


def test_feed_queries_do_not_grow_with_items(client, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    section = SectionFactory(name="综合")
    authors = [AuthorFactory() for _ in range(3)]
    PublishedArticleFactory(section=section, authors=authors, tags=["科普"])
    url = reverse("section_feed", args=[section.slug])
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(20):
        PublishedArticleFactory(section=section, authors=authors, tags=["科普", f"专题{n}"])
    with django_assert_max_num_queries(len(few)):
        assert len(items(client.get(url))) == 21


class ReferenceFeed(Feed):
    """The latest feed as Django's syndication framework writes it item by item: what the written items of
    reader/feeds.py must equal, byte for byte."""

    language = "zh-cn"
    title = settings.NEWSPAPER_NAME

    def description(self):
        return LatestArticlesFeed().description()

    def link(self):
        return reverse("articles:home")

    def feed_url(self):
        return reverse("feed")

    def items(self):
        return (
            Article.objects.published()
            .select_related("section")
            .prefetch_related(bylines_prefetch(), "tags")
            .order_by("-published_at", "-id")[:30]
        )

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return escape(item.summary or excerpt(article_text(item), 200))

    def item_pubdate(self, item):
        return timezone.localtime(item.published_at)

    def item_updateddate(self, item):
        return timezone.localtime(item.updated_at)

    def item_author_name(self, item):
        return "、".join(byline.author.name for byline in item.bylines.all()) or None

    def item_categories(self, item):
        tags = sorted(item.tags.all(), key=lambda tag: tag.pk)  # in an order of their own (taggit has none)
        return ([item.section.name] if item.section_id else []) + [tag.name for tag in tags]


@pytest.mark.parametrize("fragments", [True, False])
def test_the_written_items_are_what_the_framework_writes(client, rf, settings, world, fragments):
    settings.FRAGMENT_CACHE = fragments
    Byline.objects.create(
        article=world["articles"]["published"],
        author=AuthorFactory(name="苏晴"),
        role=Byline.Role.CORRESPONDENT,
    )
    PublishedArticleFactory(summary="", body="<p>正文&lt;b&gt;摘要</p>", tags=["新材料", "人工智能"])
    PublishedArticleFactory(section=None, tags=[])
    expected = ReferenceFeed()(rf.get(reverse("feed")))
    for _ in range(2):  # building the items, then as kept
        response = client.get(reverse("feed"))
        assert response.content == expected.content
        assert response["Last-Modified"] == expected["Last-Modified"]


def test_a_kept_feed_costs_no_query_and_an_object_feed_one(
    client, settings, world, django_assert_num_queries
):
    settings.FRAGMENT_CACHE = True
    urls = feed_urls(world)
    for url in urls:
        client.get(url)
    with django_assert_num_queries(0):
        assert item_titles(client.get(urls[0])) == ["量子通信城域网开通（published）"]
    for url in urls[1:]:
        with django_assert_num_queries(1):  # the section, tag or author itself
            assert item_titles(client.get(url)) == ["量子通信城域网开通（published）"]


def test_without_fragments_a_feed_costs_four_queries_whatever_its_items(
    client, settings, django_assert_num_queries
):
    settings.FRAGMENT_CACHE = False
    for n in range(12):
        PublishedArticleFactory(authors=[AuthorFactory(), AuthorFactory()], tags=["科普", f"专题{n}"])
    # The ids, the articles with their sections, their authors, their tags.
    with django_assert_num_queries(4):
        assert len(items(client.get(reverse("feed")))) == 12


def test_each_site_address_gets_its_own_links(client, settings):
    settings.FRAGMENT_CACHE = True
    settings.ALLOWED_HOSTS = ["testserver", "news.example"]
    article = PublishedArticleFactory()
    path = article.get_absolute_url()
    (plain,) = items(client.get(reverse("feed")))
    (secure,) = items(client.get(reverse("feed"), secure=True, HTTP_HOST="news.example"))
    assert plain.findtext("link") == plain.findtext("guid") == f"http://testserver{path}"
    assert secure.findtext("link") == secure.findtext("guid") == f"https://news.example{path}"


def test_a_withdrawn_article_leaves_the_kept_feeds_at_once(client, settings, world):
    settings.FRAGMENT_CACHE = True
    article = world["articles"]["published"]
    for url in feed_urls(world):
        assert item_titles(client.get(url)) == [article.title]
    workflow.withdraw(article, editor("desk"), "核实后发现数据有误，撤下待改。")
    assert item_titles(client.get(reverse("feed"))) == []
    for url in feed_urls(world)[1:]:
        assert client.get(url).status_code == 404
