"""The article page loads its bylines, tags, organizations and events in one query (load_links): the same
objects, in the same order, as the ORM's prefetches give, and any field it did not load is fetched when read,
never a default."""

import datetime

import pytest

from articles.models import Article, ArticleEvent, ArticleOrganization, Byline
from reader.loading import load_article, load_links
from tests.factories import (
    AuthorFactory,
    EventFactory,
    IssueFactory,
    IssuePageFactory,
    OrganizationFactory,
    PublishedArticleFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def article():
    item = PublishedArticleFactory(title="青岚省科技馆新馆开放")
    roles = [Byline.Role.REPORTER, Byline.Role.REPORTER, Byline.Role.CORRESPONDENT, Byline.Role.EDITOR]
    # Positions out of creation order, and two bylines sharing a position (then by id).
    names = ["王启航", "林知远", "苏晴", "周远帆"]
    for order, name, role in zip([2, 0, 1, 1], names, roles, strict=True):
        Byline.objects.create(article=item, author=AuthorFactory(name=name), role=role, order=order)
    for name in ["青岚大学", "青岚省科学技术协会", "青岚省气象局"]:
        ArticleOrganization.objects.create(article=item, organization=OrganizationFactory(name=name))
    day = datetime.date(2026, 5, 18)
    for name, start in [
        ("科技活动周", day),
        ("科普讲解大赛", day - datetime.timedelta(days=30)),
        ("开放日", day),
    ]:
        event = EventFactory(name=name, start_date=start, end_date=start + datetime.timedelta(days=1))
        ArticleEvent.objects.create(article=item, event=event)
    item.tags.add("科学普及", "场馆建设")
    return item


def test_one_query_the_same_objects_in_the_same_order(article, django_assert_num_queries):
    loaded = load_article(article.pk)
    with django_assert_num_queries(1):
        load_links(loaded)
    with django_assert_num_queries(0):
        bylines = [(b.pk, b.role, b.order, b.author.pk, b.author.name) for b in loaded.bylines.all()]
        tags = {(t.pk, t.name, t.slug) for t in loaded.tags.all()}
        organizations = [(o.pk, o.name) for o in loaded.organizations.all()]
        events = [(e.pk, e.name, e.start_date) for e in loaded.events.all()]

    assert bylines == [
        (b.pk, b.role, b.order, b.author.pk, b.author.name)
        for b in Byline.objects.filter(article=article).select_related("author").order_by("order", "id")
    ]
    assert tags == {(t.pk, t.name, t.slug) for t in article.tags.all()}
    assert organizations == [(o.pk, o.name) for o in article.organizations.order_by("name")]
    assert events == [(e.pk, e.name, e.start_date) for e in article.events.order_by("start_date", "name")]
    assert isinstance(events[0][2], datetime.date)


def test_fields_it_did_not_load_are_read_not_invented(article):
    parent = OrganizationFactory(name="青岚省人民政府")
    organization = article.organizations.get(name="青岚大学")
    organization.parent = parent
    organization.save()
    loaded = load_article(article.pk)
    load_links(loaded)
    shown = next(o for o in loaded.organizations.all() if o.name == "青岚大学")
    assert shown.parent_id == parent.pk  # deferred, then fetched; a default would be None


def test_what_a_caller_prefetched_is_not_loaded_again(article, django_assert_num_queries):
    from django.db.models import prefetch_related_objects

    loaded = load_article(article.pk)
    prefetch_related_objects([loaded], "bylines__author", "tags", "organizations", "events")
    with django_assert_num_queries(0):
        load_links(loaded)


def test_the_pages_previous_and_next_come_in_the_same_round_trip(article, django_assert_num_queries):
    """The article page adds its neighbours to the links statement: one query for both, the rows in order."""
    from reader.views.article import neighbour_rows, neighbours

    issue = IssueFactory(number=77)
    page = IssuePageFactory(issue=issue, number=2)
    around = [
        PublishedArticleFactory(
            issue=issue, page=page, position=n, status="published", published_at=article.created_at
        )
        for n in (1, 3)
    ]
    Article.objects.filter(pk=article.pk).update(issue=issue, page=page, position=2)
    loaded = load_article(article.pk)
    with django_assert_num_queries(1):
        rows = load_links(loaded, also=neighbour_rows(loaded))
        assert [b.author.name for b in loaded.bylines.all()] == ["林知远", "苏晴", "周远帆", "王启航"]
    assert neighbours(loaded, rows) == (around[0], around[1])
    # With the links prefetched already, only the caller's rows are asked for, in the same order.
    with django_assert_num_queries(1):
        assert load_links(loaded, also=neighbour_rows(loaded)) == rows


def test_web_only_neighbours_by_time_then_id(client):
    """Web-only news is read in publication order; articles published at the same moment by id."""
    from django.utils import timezone

    moment = timezone.now().replace(microsecond=0) - datetime.timedelta(hours=2)

    def web(title, at):
        return PublishedArticleFactory(title=title, status="published", published_at=at)

    earlier = web("青岚省发布科普基地名单", moment - datetime.timedelta(minutes=5))
    same_a, same_b, same_c = (web(f"同一时刻发布的快讯{n}", moment) for n in range(3))
    later = web("全省科技周今日开幕", moment + datetime.timedelta(minutes=5))
    expected = {
        earlier: (None, same_a),
        same_a: (earlier, same_b),
        same_b: (same_a, same_c),
        same_c: (same_b, later),
        later: (same_c, None),
    }
    for article, (previous, following) in expected.items():
        context = client.get(article.get_absolute_url()).context
        assert (context["previous_article"], context["next_article"]) == (previous, following), article.title
