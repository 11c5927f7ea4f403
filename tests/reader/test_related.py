"""Related articles (article page) stay bounded at any archive size: candidates are the newest published
articles of each shared tag, organization and event, scored by how many of those lists they are in. Each link's
list and each chosen article's title are shared fragments: one query for all the lists missing and one for the
titles, none while they hold, and exactly as fresh as cached pages (a withdrawal, an edit, a scheduled
publication)."""

import datetime
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles import workflow
from articles.models import ArticleOrganization
from reader.loading import load_article
from reader.views import article as article_views
from reader.views.article import related_articles
from tests.factories import ArticleFactory, OrganizationFactory, editor

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache")]


def published(title, hours_ago, tags=(), organizations=()):
    item = ArticleFactory(
        title=title, published=True, published_at=timezone.now() - datetime.timedelta(hours=hours_ago)
    )
    item.tags.add(*tags)
    for organization in organizations:
        ArticleOrganization.objects.create(article=item, organization=organization)
    return item


def test_most_shared_first_then_newest():
    association = OrganizationFactory(name="青岚省科学技术协会")
    article = published("量子通信干线贯通", 1, ["量子科技", "科普"], [association])
    both = published("量子科普进校园", 30, ["量子科技", "科普"])
    all_three = published("省科协量子科普周", 40, ["量子科技", "科普"], [association])
    one_new = published("科普大篷车下乡", 2, ["科普"])
    one_old = published("量子计算机研制进展", 50, ["量子科技"])
    published("无关的新闻", 3, ["茶产业"])
    draft = ArticleFactory(title="未发表的量子科普稿")
    draft.tags.add("量子科技", "科普")
    assert related_articles(article) == [all_three, both, one_new, one_old]


def test_one_query_and_candidates_bounded_by_link(monkeypatch):
    """Newest by publication (the listing index): an article published long ago is no candidate any more."""
    monkeypatch.setattr(article_views, "RELATED_PER_LINK", 3)
    published("新能源汽车十年回顾", 500, ["新能源汽车"])
    newest = [published(f"新能源汽车动态第{n}期", 10 + n, ["新能源汽车"]) for n in range(2)]
    article = load_article(published("青岚省新能源汽车产量创新高", 1, ["新能源汽车"]).pk)
    article_views.load_links(article)
    with CaptureQueriesContext(connection) as queries:
        related = related_articles(article)
    # The lists of all the article's links in one query, when they expire (the next scheduled article), and
    # the chosen articles' titles; then all are kept.
    assert len(queries) == 3, [q["sql"] for q in queries]
    assert related == newest
    assert [item.shared for item in related] == [1, 1]
    with CaptureQueriesContext(connection) as queries:
        assert related_articles(article) == newest
    assert len(queries) == 0


def test_the_lists_are_the_newest_the_public_may_see(monkeypatch):
    """Each link's list is its newest RELATED_PER_LINK published articles: a draft and an article scheduled for
    later take no place in it (with them the list of two would hold only the article itself)."""
    monkeypatch.setattr(article_views, "RELATED_PER_LINK", 2)
    shown = published("氢能重卡示范线开通", 20, ["氢能"])
    ArticleFactory(title="氢能草稿", published_at=timezone.now()).tags.add("氢能")
    later = ArticleFactory(
        title="氢能周刊预告", status="published", published_at=timezone.now() + datetime.timedelta(hours=3)
    )
    later.tags.add("氢能")
    article = published("青岚省氢能产业规划发布", 1, ["氢能"])
    assert related_articles(article) == [shown]


@pytest.fixture
def fragments(settings):
    settings.FRAGMENT_CACHE = True


def test_never_stale(fragments):
    article = published("量子通信干线贯通", 1, ["量子科技"])
    older = published("量子计算机研制进展", 30, ["量子科技"])
    assert related_articles(article) == [older]
    newer = published("量子传感新突破", 2, ["量子科技"])
    assert related_articles(article) == [newer, older]  # a new article shows at once
    workflow.withdraw(newer, editor(), "事实有误，撤回待核")
    assert related_articles(article) == [older]  # so does a withdrawal
    older.title = "量子计算机研制取得新进展"
    older.save()
    assert [item.title for item in related_articles(article)] == ["量子计算机研制取得新进展"]  # and an edit


def test_a_scheduled_article_joins_the_lists_on_time(fragments):
    article = published("量子通信干线贯通", 1, ["量子科技"])
    older = published("量子计算机研制进展", 30, ["量子科技"])
    start = timezone.now()
    goes_public = start + datetime.timedelta(minutes=5)
    scheduled = ArticleFactory(title="量子科技周刊发布", status="published", published_at=goes_public)
    scheduled.tags.add("量子科技")
    article_views.load_links(article)
    with mock.patch("django.utils.timezone.now", return_value=start) as now:
        assert related_articles(article) == [older]
        now.return_value = goes_public - datetime.timedelta(seconds=1)
        with CaptureQueriesContext(connection) as queries:
            assert related_articles(article) == [older]
        assert len(queries) == 0, [q["sql"] for q in queries]  # still the kept lists
        now.return_value = goes_public + datetime.timedelta(seconds=1)
        assert related_articles(article) == [scheduled, older]


def test_a_draft_s_preview_follows_its_own_links(fragments):
    """An editor's preview of a draft: its tags change without any public content changing, and the kept
    lists are each link's, so the preview shows the new tag's articles at once."""
    quantum = published("量子计算机研制进展", 30, ["量子科技"])
    hydrogen = published("氢能重卡示范线开通", 20, ["氢能"])
    draft = ArticleFactory(title="未发表的能源稿")
    draft.tags.add("量子科技")
    assert related_articles(load_links_of(draft)) == [quantum]
    draft.tags.set(["氢能"])
    assert related_articles(load_links_of(draft)) == [hydrogen]


def load_links_of(article):
    """The article as the editors' preview has it: with its links loaded in one query."""
    article.refresh_from_db()
    article_views.load_links(article)
    return article
