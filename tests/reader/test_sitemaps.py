"""Sitemaps: the index, articles, issues, entity pages and Google News; only what is public."""

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from reader import sitemaps
from tests.factories import (
    STATES,
    UNPUBLISHED,
    AuthorFactory,
    EventFactory,
    IssueFactory,
    IssuePageFactory,
    OrganizationFactory,
    PublishedArticleFactory,
    SectionFactory,
    article_in_state,
)

pytestmark = pytest.mark.django_db

SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"
BASE = "http://testserver"
ENTITY_SECTIONS = ["issues", "sections", "authors", "organizations", "events", "tags"]


def locations(response) -> list[str]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    return [loc.text for loc in ET.fromstring(response.content).iter(f"{SM}loc")]


def section_url(section: str) -> str:
    return reverse("sitemap_section", kwargs={"section": section})


def entities(tag: str, state: str, day: int) -> dict:
    """A full set of entities whose only article is in `state`."""
    issue = IssueFactory(number=700 + day, date=datetime.date(2026, 1, 1) + datetime.timedelta(days=day))
    page = IssuePageFactory(issue=issue, number=1)
    found = {
        "issues": issue,
        "sections": SectionFactory(name=f"栏目{tag}"),
        "authors": AuthorFactory(name=f"作者{tag}"),
        "organizations": OrganizationFactory(name=f"机构{tag}"),
        "events": EventFactory(name=f"活动{tag}"),
    }
    article = article_in_state(
        state,
        title=f"稿件{tag}",
        issue=issue,
        page=page,
        section=found["sections"],
        authors=[found["authors"]],
        organizations=[found["organizations"]],
        events=[found["events"]],
        tags=[f"标签{tag}"],
    )
    found["article"] = article
    return found


@pytest.fixture
def world():
    return {state: entities(state, state, day) for day, state in enumerate(STATES)}


def test_the_index_lists_every_section_with_absolute_urls(client, world):
    found = locations(client.get(reverse("sitemap")))
    expected = {f"{BASE}{section_url(name)}" for name in sitemaps.SITEMAPS}
    assert set(found) == expected
    assert f"{BASE}/sitemap-news.xml" in found


def test_articles_sitemap_has_only_published_articles_with_lastmod(client, world):
    response = client.get(section_url("articles"))
    assert locations(response) == [BASE + world["published"]["article"].get_absolute_url()]
    (lastmod,) = [el.text for el in ET.fromstring(response.content).iter(f"{SM}lastmod")]
    assert lastmod.startswith(str(timezone.now().year))


@pytest.mark.parametrize("name", ENTITY_SECTIONS)
def test_entity_sitemaps_list_only_what_has_a_public_article(client, world, name):
    found = locations(client.get(section_url(name)))
    published = world["published"]
    if name == "tags":
        expected = [BASE + reverse("articles:tag", args=[published["article"].tags.get().slug])]
    else:
        expected = [BASE + published[name].get_absolute_url()]
    assert found == expected
    for state in UNPUBLISHED:
        hidden = world[state]
        url = (
            reverse("articles:tag", args=[hidden["article"].tags.get().slug])
            if name == "tags"
            else hidden[name].get_absolute_url()
        )
        assert BASE + url not in found, (name, state)


def test_news_sitemap_has_the_last_two_days_only(client):
    now = timezone.now()
    fresh = PublishedArticleFactory(
        title="地震预警信息首次推送 <快讯> & 更多", published_at=now - datetime.timedelta(hours=30)
    )
    PublishedArticleFactory(title="三天前的稿件", published_at=now - datetime.timedelta(days=3))
    for state in UNPUBLISHED:
        article_in_state(state, title=f"近期稿件（{state}）")
    response = client.get(reverse("sitemap_news"))
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    urls = root.findall(f"{SM}url")
    assert [u.findtext(f"{SM}loc") for u in urls] == [BASE + fresh.get_absolute_url()]
    news = urls[0].find(f"{NEWS}news")
    assert news.findtext(f"{NEWS}publication/{NEWS}name") == settings.NEWSPAPER_NAME
    assert news.findtext(f"{NEWS}publication/{NEWS}language") == "zh-cn"
    assert news.findtext(f"{NEWS}title") == "地震预警信息首次推送 <快讯> & 更多"
    published = news.findtext(f"{NEWS}publication_date")
    assert published.endswith("+08:00")
    assert datetime.datetime.fromisoformat(published) == fresh.published_at.replace(microsecond=0)


def test_an_empty_news_sitemap_is_still_valid(client):
    PublishedArticleFactory(published_at=timezone.now() - datetime.timedelta(days=10))
    root = ET.fromstring(client.get(reverse("sitemap_news")).content)
    assert root.findall(f"{SM}url") == []


def test_large_sitemaps_are_paged_in_the_index(client, monkeypatch):
    monkeypatch.setattr(sitemaps.ArticleSitemap, "limit", 2)
    for n in range(5):
        PublishedArticleFactory(title=f"稿件{n}")
    found = locations(client.get(reverse("sitemap")))
    articles_url = BASE + section_url("articles")
    assert [u for u in found if u.startswith(articles_url)] == [
        articles_url,
        f"{articles_url}?p=2",
        f"{articles_url}?p=3",
    ]
    assert len(locations(client.get(section_url("articles"), {"p": 3}))) == 1


@pytest.mark.parametrize("name", ["articles", *ENTITY_SECTIONS])
def test_sitemap_queries_do_not_grow_with_entries(client, name):
    entities("甲", "published", 1)
    with CaptureQueriesContext(connection) as few:
        client.get(section_url(name))
    for n in range(2, 12):
        entities(f"乙{n}", "published", n)
    with CaptureQueriesContext(connection) as many:
        assert len(locations(client.get(section_url(name)))) == 11
    # The count for pagination (a shared fragment, and the next scheduled publication it expires at), then the
    # page; for entities, every entity's lastmod in one grouped query.
    assert len(many) == len(few) <= (3 if name == "articles" else 4)
    with CaptureQueriesContext(connection) as again:
        client.get(section_url(name))
    assert len(again) == len(many) - 2  # the count kept


@pytest.mark.parametrize("name", ENTITY_SECTIONS)
def test_entity_lastmod_is_the_last_change_of_its_public_articles(client, name):
    """Not a draft's or a withdrawn article's later change: crawlers would be told of a change they cannot see."""
    found = entities("丁", "published", 1)
    links = {
        "issue": found["issues"],
        "section": found["sections"],
        "authors": [found["authors"]],
        "organizations": [found["organizations"]],
        "events": [found["events"]],
        "tags": ["标签丁"],
    }
    now = timezone.now().replace(microsecond=0)
    changed = {
        found["article"]: now - datetime.timedelta(days=3),
        article_in_state("published", title="发表后修订的稿件", **links): now - datetime.timedelta(days=1),
        article_in_state("draft", title="后来改过的草稿", **links): now,
        article_in_state("withdrawn", title="撤回后改过的稿件", **links): now,
    }
    for article, when in changed.items():
        Article.objects.filter(pk=article.pk).update(updated_at=when)
    (lastmod,) = [el.text for el in ET.fromstring(client.get(section_url(name)).content).iter(f"{SM}lastmod")]
    assert (
        lastmod == timezone.localdate(now - datetime.timedelta(days=1)).isoformat()
    )  # the day, as sitemaps give it


def test_the_index_costs_a_fixed_number_of_queries(client, world):
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("sitemap"))
    for n in range(10, 20):
        entities(f"丙{n}", "published", n)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("sitemap"))
    # Each sitemap's count and latest change, and when they expire (the next scheduled publication)...
    assert len(many) == len(few) <= 2 * len(sitemaps.SITEMAPS) + 1
    with CaptureQueriesContext(connection) as again:
        client.get(reverse("sitemap"))
    assert len(again) == 0  # ...kept as shared fragments until public content changes
