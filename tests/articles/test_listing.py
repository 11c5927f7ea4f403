"""The listing index (articles/models/listing.py) stays equal to the articles and their links after every kind of write,
and a listing read from it is exactly `Article.objects.published()` filtered the long way."""

import datetime

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from taggit.models import Tag

from articles import workflow
from articles.models import Article, ArticleEvent, ArticleOrganization, Byline, Listing, ListingCount, listing
from tests.articles.test_admin_workflow import change_url, form_data
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    EventFactory,
    OrganizationFactory,
    PublishedArticleFactory,
    SectionFactory,
    article_in_state,
    editor,
    reporter,
)

pytestmark = pytest.mark.django_db

Kind = Listing.Kind


def rows() -> set:
    return set(Listing.objects.values_list("kind", "target_id", "article_id", "published_at"))


def counts() -> set:
    return set(ListingCount.objects.exclude(total=0).values_list("kind", "target_id", "total"))


def assert_index_is_true():
    """The rows and counts kept by the receivers are those a rebuild from scratch writes."""
    kept, kept_counts = rows(), counts()
    listing.rebuild()
    assert kept == rows()
    assert kept_counts == counts()


def long_way(kind, target, now=None):
    """A listing's ids as the ORM finds them from the articles (the rule applied the one way)."""
    field = {
        Kind.SECTION: "section",
        Kind.TAG: "tags",
        Kind.ORGANIZATION: "organizations",
        Kind.EVENT: "events",
    }
    found = Article.objects.published(now).filter(**{field[kind]: target}).latest_first()
    return list(found.values_list("pk", flat=True))


@pytest.fixture
def links():
    return {
        "section": SectionFactory(),
        "tag": Tag.objects.create(name="量子通信"),
        "organization": OrganizationFactory(),
        "event": EventFactory(),
    }


def linked(links, **kwargs):
    return ArticleFactory(
        section=links["section"],
        tags=[links["tag"]],
        organizations=[links["organization"]],
        events=[links["event"]],
        **kwargs,
    )


def test_a_published_article_has_a_row_for_each_link_and_a_draft_none(links):
    draft = linked(links)
    assert not Listing.objects.filter(article_id=draft.pk).exists()
    published = linked(links, status="published", published_at=timezone.now())
    assert set(Listing.objects.filter(article_id=published.pk).values_list("kind", "target_id")) == {
        (Kind.SECTION, links["section"].pk),
        (Kind.TAG, links["tag"].pk),
        (Kind.ORGANIZATION, links["organization"].pk),
        (Kind.EVENT, links["event"].pk),
    }
    assert_index_is_true()


def test_the_workflow_publishes_withdraws_and_reschedules_into_the_index(links):
    article = linked(links, status="review", created_by=reporter())
    desk = editor()
    workflow.approve(article, desk)
    assert Listing.objects.filter(article_id=article.pk).count() == 4
    assert_index_is_true()
    article.refresh_from_db()
    workflow.withdraw(article, desk, "核实中")
    assert not Listing.objects.filter(article_id=article.pk).exists()
    assert_index_is_true()


def test_link_changes_from_either_side_follow(links):
    article = linked(links, status="published", published_at=timezone.now())
    other_tag, other_organization, other_event = (
        Tag.objects.create(name="北斗"),
        OrganizationFactory(),
        EventFactory(),
    )
    article.tags.add(other_tag)
    article.tags.remove(links["tag"])
    other_organization.articles.add(article)  # the reverse side of the many-to-many
    links["organization"].articles.remove(article)
    ArticleEvent.objects.create(article=article, event=other_event)
    ArticleEvent.objects.filter(event=links["event"]).get().delete()
    assert set(Listing.objects.filter(article_id=article.pk).values_list("kind", "target_id")) == {
        (Kind.SECTION, links["section"].pk),
        (Kind.TAG, other_tag.pk),
        (Kind.ORGANIZATION, other_organization.pk),
        (Kind.EVENT, other_event.pk),
    }
    assert_index_is_true()
    article.tags.clear()
    other_organization.articles.clear()
    article.events.clear()
    assert list(Listing.objects.filter(article_id=article.pk).values_list("kind", flat=True)) == [
        Kind.SECTION
    ]
    assert_index_is_true()


def test_section_moves_and_deletions_follow(links):
    article = linked(links, status="published", published_at=timezone.now())
    keep = PublishedArticleFactory(tags=[links["tag"]])
    article.section = SectionFactory()
    article.save()
    assert long_way(Kind.SECTION, links["section"]) == []
    assert_index_is_true()
    links["tag"].delete()
    assert not Listing.objects.filter(kind=Kind.TAG).exists()
    ArticleOrganization.objects.filter(article=article).delete()  # a queryset delete: per-row signals
    article.delete()
    assert not Listing.objects.filter(article_id=article.pk).exists()
    assert not Listing.objects.filter(article_id=keep.pk).exists()  # its one link was the tag
    assert_index_is_true()


def test_an_admin_save_with_inline_links_is_indexed(client, links):
    """The editors' form (tags typed as text, organizations and events chosen) writes the same rows."""
    desk = editor()
    article = PublishedArticleFactory(created_by=desk, section=links["section"])
    client.force_login(desk)
    data = form_data(
        article, tags=[links["tag"].pk], new_tags="航天", organizations=[links["organization"].pk]
    )
    response = client.post(change_url(article), data)
    assert response.status_code == 302, response.content[:2000]
    tags = set(
        Listing.objects.filter(article_id=article.pk, kind=Kind.TAG).values_list("target_id", flat=True)
    )
    assert tags == set(Tag.objects.filter(name__in=["量子通信", "航天"]).values_list("pk", flat=True))
    assert_index_is_true()


@pytest.mark.parametrize("state", ["published", "draft", "review", "scheduled", "withdrawn"])
def test_a_listing_is_exactly_the_visibility_rule(links, state):
    for _ in range(2):
        linked(links, status="published", published_at=timezone.now() - datetime.timedelta(hours=2))
    article_in_state(
        state,
        section=links["section"],
        tags=[links["tag"]],
        organizations=[links["organization"]],
        events=[links["event"]],
    )
    later = timezone.now() + datetime.timedelta(days=2)  # the scheduled one's time has come
    for kind, target in [
        (Kind.SECTION, links["section"]),
        (Kind.TAG, links["tag"]),
        (Kind.ORGANIZATION, links["organization"]),
        (Kind.EVENT, links["event"]),
    ]:
        for now in (None, later):
            assert list(listing.article_ids(kind, target.pk, now)) == long_way(kind, target, now)
    assert len(long_way(Kind.TAG, links["tag"])) == 2 + (state == "published")
    assert len(long_way(Kind.TAG, links["tag"], later)) == 2 + (state in {"published", "scheduled"})


def test_rebuild_command_restores_a_damaged_index(links):
    article = linked(links, status="published", published_at=timezone.now())
    Listing.objects.filter(article_id=article.pk).delete()
    Listing.objects.create(kind=Kind.TAG, target_id=999, article_id=article.pk, published_at=timezone.now())
    call_command("rebuild_listing", verbosity=0)
    link_kinds = {Kind.SECTION, Kind.TAG, Kind.ORGANIZATION, Kind.EVENT}
    assert set(Listing.objects.filter(article_id=article.pk).values_list("kind", flat=True)) == link_kinds


def test_a_save_of_other_fields_leaves_the_rows_alone(links):
    article = linked(links, status="published", published_at=timezone.now())
    article.title = "新标题"
    with CaptureQueriesContext(connection) as captured:
        article.save(update_fields=["title"])
    assert captured.captured_queries
    assert not any("articles_listing" in query["sql"] for query in captured.captured_queries)
    article.section = SectionFactory()
    article.save(update_fields=["section"])
    assert_index_is_true()
    assert Listing.objects.get(article_id=article.pk, kind=Kind.SECTION).target_id == article.section_id


def test_an_unpublished_save_only_deletes(links):
    article = linked(links, status="published", published_at=timezone.now())
    article.status = "withdrawn"
    with CaptureQueriesContext(connection) as captured:
        article.save(update_fields=["status"])
    listing_queries = [q["sql"] for q in captured.captured_queries if "articles_listing" in q["sql"]]
    # The rows it had (for the counts), deleted, and taken from the counts: nothing inserted, nothing re-read.
    assert [q.split()[0] for q in listing_queries] == ["SELECT", "DELETE", "INSERT"]
    assert "articles_listingcount" in listing_queries[2]
    assert_index_is_true()


def by_role_long_way(author, kind, now=None):
    """An author's ids in one role as the ORM finds them from the bylines (the rule applied the one way)."""
    found = Article.objects.published(now).filter(
        bylines__author=author, bylines__role=listing.KIND_ROLES[kind]
    )
    return list(found.latest_first().values_list("pk", flat=True))


def test_bylines_are_rows_of_their_authors_by_role(links):
    writer, photographer = AuthorFactory(), AuthorFactory()
    article = linked(links, status="published", published_at=timezone.now())
    Byline.objects.create(article=article, author=writer, role=Byline.Role.REPORTER, order=0)
    byline = Byline.objects.create(
        article=article, author=photographer, role=Byline.Role.PHOTOGRAPHER, order=1
    )
    Byline.objects.create(article=article, author=writer, role=Byline.Role.EDITOR, order=2)
    assert set(Listing.objects.filter(kind__gte=Kind.REPORTER).values_list("kind", "target_id")) == {
        (Kind.REPORTER, writer.pk),
        (Kind.PHOTOGRAPHER, photographer.pk),
        (Kind.EDITOR, writer.pk),
    }
    assert_index_is_true()
    byline.role = Byline.Role.CORRESPONDENT
    byline.save()
    assert Listing.objects.filter(kind=Kind.CORRESPONDENT, target_id=photographer.pk).count() == 1
    assert not Listing.objects.filter(kind=Kind.PHOTOGRAPHER).exists()
    byline.delete()
    assert not Listing.objects.filter(target_id=photographer.pk, kind__gte=Kind.REPORTER).exists()
    assert_index_is_true()
    workflow.withdraw(article, editor(), "署名有误")
    assert not Listing.objects.filter(article_id=article.pk).exists()
    assert_index_is_true()


@pytest.mark.parametrize("state", ["published", "draft", "review", "scheduled", "withdrawn"])
def test_an_authors_roles_are_exactly_the_visibility_rule(state):
    writer = AuthorFactory()
    for hours in (2, 3):
        article = PublishedArticleFactory(published_at=timezone.now() - datetime.timedelta(hours=hours))
        Byline.objects.create(article=article, author=writer, role=Byline.Role.REPORTER)
    other = article_in_state(state)
    Byline.objects.create(article=other, author=writer, role=Byline.Role.REPORTER)
    Byline.objects.create(article=other, author=writer, role=Byline.Role.AUTHOR)
    later = timezone.now() + datetime.timedelta(days=2)
    for kind in (Kind.REPORTER, Kind.AUTHOR):
        for now in (None, later):
            assert list(listing.article_ids(kind, writer.pk, now)) == by_role_long_way(writer, kind, now)
    assert len(by_role_long_way(writer, Kind.REPORTER, later)) == 2 + (state in {"published", "scheduled"})


def test_a_count_is_the_kept_total_less_what_is_still_to_come(links, django_assert_num_queries):
    """`count` reads the kept total and subtracts the scheduled rows: equal to counting the listing the long way,
    now and when the scheduled article's time has come, in one query however long the listing."""
    for hours in (1, 2, 3):
        linked(links, status="published", published_at=timezone.now() - datetime.timedelta(hours=hours))
    article_in_state("scheduled", tags=[links["tag"]], section=links["section"])
    linked(links, status="review", created_by=reporter())
    later = timezone.now() + datetime.timedelta(days=2)
    for kind, target in [
        (Kind.SECTION, links["section"]),
        (Kind.TAG, links["tag"]),
        (Kind.EVENT, links["event"]),
    ]:
        for now in (None, later):
            assert listing.count(kind, target.pk, now) == len(long_way(kind, target, now))
    assert listing.count(Kind.TAG, links["tag"].pk) == 3
    assert listing.count(Kind.TAG, links["tag"].pk, later) == 4
    assert listing.count(Kind.TAG, 987654) == 0
    with django_assert_num_queries(1):
        listing.count(Kind.TAG, links["tag"].pk)
    assert_index_is_true()


def test_counts_follow_deletions_of_articles_and_targets(links):
    articles = [linked(links, status="published", published_at=timezone.now()) for _ in range(3)]
    articles[0].delete()
    assert listing.count(Kind.TAG, links["tag"].pk) == 2
    assert_index_is_true()
    links["tag"].delete()
    assert not ListingCount.objects.filter(kind=Kind.TAG).exists()
    assert_index_is_true()
