"""The statements of the detail and of the list's items (api/loading.py) give what the ORM's querysets gave,
field for field and in the same order (the tags: in the order they were linked, where the ORM gave no order),
for articles with everything an article can carry; and nothing for an article the public may not see."""

import datetime

import pytest
from django.db.models import Prefetch
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from api.loading import load_detail, load_items
from api.serializers import ArticleDetailSerializer, ArticleListSerializer
from api.views import listed_articles
from articles.models import Article, ArticleEvent, ArticleOrganization, ArticlePhoto, Byline
from tests.factories import (
    UNPUBLISHED,
    AuthorFactory,
    EventFactory,
    IssueFactory,
    IssuePageFactory,
    OrganizationFactory,
    SectionFactory,
    article_in_state,
    image_file,
)


def orm_detail(pk):
    """What the detail loaded before api/loading.py: published(), select_related and prefetches."""
    photos = Prefetch("photos", queryset=ArticlePhoto.objects.order_by("order", "id"))
    return (
        Article.objects.published()
        .with_bylines()
        .prefetch_related("tags", photos, "organizations", "events")
        .defer("search_text")
        .filter(pk=pk)
        .first()
    )


def detail(article) -> dict:
    request = Request(APIRequestFactory().get("/api/v1/articles/"))
    return ArticleDetailSerializer(article, context={"request": request}).data


def carrying_everything(state="published", placed=True, suffix=""):
    issue = IssueFactory() if placed else None
    article = article_in_state(
        state,
        issue=issue,
        page=IssuePageFactory(issue=issue) if placed else None,
        section=SectionFactory() if placed else None,
        tags=["量子科技", "芯片", "科普"],
        image=image_file(),
        image_alt="干线机房",
    )
    for order, role in enumerate([Byline.Role.EDITOR, Byline.Role.REPORTER, Byline.Role.PHOTOGRAPHER]):
        Byline.objects.create(article=article, author=AuthorFactory(), role=role, order=2 - order)
    for name, short in [("青岚省科学技术协会", "省科协"), ("云川市气象局", ""), ("青岚大学", "青大")]:
        ArticleOrganization.objects.create(
            article=article, organization=OrganizationFactory(name=name + suffix, short_name=short)
        )
    day = datetime.date(2026, 3, 10)
    events = [
        EventFactory(name="乙论坛" + suffix, start_date=day, end_date=None, place=""),
        EventFactory(name="甲论坛" + suffix, start_date=day, end_date=day, place="云川市会展中心"),
        EventFactory(name="科普周" + suffix, start_date=day + datetime.timedelta(days=3)),
    ]
    for event in events:
        ArticleEvent.objects.create(article=article, event=event)
    for order in (3, 1, 2):
        ArticlePhoto.objects.create(article=article, image=image_file(), alt=f"图{order}", order=order)
    return article


@pytest.mark.parametrize("placed", [True, False])
def test_loaded_as_the_orm_loads_it(db, placed):
    article = carrying_everything(placed=placed)
    loaded, expected = detail(load_detail(article.pk)), detail(orm_detail(article.pk))
    # The ORM gave the tags in no stated order (taggit's prefetch: SELECT DISTINCT); the statements give them in
    # the order they were linked (taggit's rows).
    assert sorted(loaded.pop("tags"), key=str) == sorted(expected.pop("tags"), key=str)
    assert loaded == expected
    assert [p["order"] for p in loaded["photos"]] == [1, 2, 3]


def test_tags_in_the_order_linked_in_the_detail_and_the_list(api):
    article = carrying_everything()
    article.tags.clear()
    given = ["芯片", "量子科技", "人工智能", "科普"]
    for name in given:
        article.tags.add(name)
    assert [t["name"] for t in api.get(f"/api/v1/articles/{article.pk}/").json()["tags"]] == given
    assert [t["name"] for t in api.get("/api/v1/articles/").json()["results"][0]["tags"]] == given


def test_events_newest_first_then_by_name(db):
    article = carrying_everything()
    assert [e["name"] for e in detail(load_detail(article.pk))["events"]] == ["科普周", "乙论坛", "甲论坛"]


@pytest.mark.parametrize("state", UNPUBLISHED)
def test_nothing_for_an_article_the_public_may_not_see(db, state):
    hidden = carrying_everything(state)
    shown = carrying_everything(suffix="（二）")
    assert load_detail(hidden.pk) is None and load_detail(2**63) is None
    assert list(load_items([hidden.pk, shown.pk])) == [shown.pk]


def test_items_loaded_as_the_orm_loads_them(db):
    articles = [carrying_everything(placed=placed, suffix=str(placed)) for placed in (True, False)]
    pks = [a.pk for a in articles]
    request = Request(APIRequestFactory().get("/api/v1/articles/"))
    expected = listed_articles().in_bulk(pks)
    for pk, article in load_items(pks).items():
        loaded, orm = (
            ArticleListSerializer(a, context={"request": request}).data for a in (article, expected[pk])
        )
        assert sorted(loaded.pop("tags"), key=str) == sorted(orm.pop("tags"), key=str)
        assert loaded == orm
