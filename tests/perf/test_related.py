"""Related articles (article page) stay one bounded query at any archive size: candidates are the newest
articles of each shared tag, organization and event, scored by how many of those lists they are in."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import ArticleOrganization
from articles.views import article as article_views
from articles.views.article import related_articles
from tests.factories import ArticleFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


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
    """Newest by creation (link ids grow with time): an article written long ago is no candidate any more."""
    monkeypatch.setattr(article_views, "RELATED_PER_LINK", 3)
    published("新能源汽车十年回顾", 500, ["新能源汽车"])
    newest = [published(f"新能源汽车动态第{n}期", 10 + n, ["新能源汽车"]) for n in range(2)]
    article = article_views.article_queryset().get(
        pk=published("青岚省新能源汽车产量创新高", 1, ["新能源汽车"]).pk
    )
    article_views.load_links(article)
    with CaptureQueriesContext(connection) as queries:
        related = related_articles(article)
    assert len(queries) == 1
    assert related == newest
