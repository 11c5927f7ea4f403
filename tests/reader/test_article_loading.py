"""The article page loads its article with one hand-written statement (load_article): the same article, with
the same issue, page and section, as the ORM's published() query with select_related gives, and nothing the
public may not see."""

import datetime

import pytest
from django.utils import timezone

from articles.models import Article
from reader.loading import from_row, load_article
from tests.factories import IssueFactory, IssuePageFactory, PublishedArticleFactory, SectionFactory

pytestmark = pytest.mark.django_db


def orm_query():
    """What load_article writes out, as the ORM would ask for it."""
    return Article.objects.published().select_related("issue", "page", "section").defer("search_text")


def fields(instance) -> dict:
    return {f.attname: getattr(instance, f.attname) for f in type(instance)._meta.concrete_fields}


def test_the_same_article_as_the_orm_gives(django_assert_num_queries):
    issue = IssueFactory(number=1024)
    page = IssuePageFactory(issue=issue, number=3, name="科普")
    article = PublishedArticleFactory(
        issue=issue,
        page=page,
        section=SectionFactory(name="科技前沿"),
        kicker="聚焦量子科技",
        subtitle="省内首条量子保密通信干线投入使用",
        dateline="本报讯",
        position=2,
    )
    expected = orm_query().get(pk=article.pk)
    with django_assert_num_queries(1):
        loaded = load_article(article.pk)
        # Issue, page and section come with it, as select_related would have them.
        assert fields(loaded.issue) == fields(expected.issue)
        assert fields(loaded.page) == fields(expected.page)
        assert fields(loaded.section) == fields(expected.section)
    # The index's text is deferred, not defaulted: read, it is the stored value (one more query).
    assert loaded.get_deferred_fields() == {"search_text"}
    assert loaded.search_text == Article.objects.get(pk=article.pk).search_text != ""
    assert fields(loaded) == fields(expected)
    assert isinstance(loaded.published_at, datetime.datetime) and timezone.is_aware(loaded.published_at)


def test_an_article_without_placement_or_section(django_assert_num_queries):
    article = PublishedArticleFactory(issue=None, page=None, section=None)
    with django_assert_num_queries(1):
        loaded = load_article(article.pk)
        assert loaded.issue is None and loaded.page is None and loaded.section is None


@pytest.mark.parametrize("state", ["draft", "review", "scheduled", "withdrawn"])
def test_nothing_the_public_may_not_see(state):
    article = PublishedArticleFactory(**{state: True})
    assert load_article(article.pk) is None
    assert not orm_query().filter(pk=article.pk).exists()  # the same rule as published()


@pytest.mark.parametrize("pk", [0, -1, 2**63, 10**20, 999_999])
def test_numbers_that_name_no_article(pk):
    assert load_article(pk) is None


def test_from_row_takes_fields_in_any_order():
    article = PublishedArticleFactory(title="青岚大学发布新型储能材料", position=4)
    made = from_row(Article, ("title", "position", "id"), ("青岚大学发布新型储能材料", 4, article.pk))
    assert (made.pk, made.title, made.position) == (article.pk, "青岚大学发布新型储能材料", 4)
    assert made.get_deferred_fields() >= {"body", "status", "published_at"}
    with pytest.raises(ValueError):
        from_row(Article, ("title", "no_such_field"), ("标题", 1))
