"""The article page loads its article with one hand-written statement (load_article): the same article, with
the same issue, page and section, as the ORM's published() query with select_related gives, and nothing the
public may not see."""

import datetime

import pytest
from django.utils import timezone

from articles.models import Article
from reader.loading import from_row, load_article
from tests.factories import (
    AuthorFactory,
    IssueFactory,
    IssuePageFactory,
    PublishedArticleFactory,
    SectionFactory,
)

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


# --- a page of search results (search.engine.load_results, through load_published) ---------------------------


def test_search_results_as_the_orm_gives_them(django_assert_num_queries):
    from search.engine import load_results

    issue = IssueFactory(number=2048)
    page = IssuePageFactory(issue=issue, number=5, name="观察")
    placed = PublishedArticleFactory(
        issue=issue,
        page=page,
        section=SectionFactory(name="能源"),
        kicker="新型储能",
        authors=[AuthorFactory(name="林若溪"), AuthorFactory(name="顾明远")],
    )
    loose = PublishedArticleFactory(issue=None, page=None, section=None)
    hidden = [PublishedArticleFactory(**{state: True}) for state in ("draft", "scheduled", "withdrawn")]
    names = [b.author.name for b in placed.bylines.order_by("order", "id")]
    ids = [loose.pk, hidden[0].pk, placed.pk, hidden[1].pk, hidden[2].pk, 999_999, 2**63]
    with django_assert_num_queries(2):  # the articles, then their bylines
        shown = load_results(ids)
        assert set(shown) == {placed.pk, loose.pk}  # nothing the public may not see, nor numbers of nothing
        result = shown[placed.pk]
        assert (result.section.name, result.section.slug) == ("能源", placed.section.slug)
        assert (result.issue.number, result.page.number) == (2048, 5)
        assert [b.author.name for b in result.bylines.all()] == names == ["林若溪", "顾明远"]
        assert shown[loose.pk].section is None and shown[loose.pk].issue is None
    expected = orm_query().get(pk=placed.pk)
    for name in ("title", "kicker", "subtitle", "summary", "body", "published_at"):
        assert getattr(result, name) == getattr(expected, name), name
    # Whatever the page does not show is deferred, not defaulted: read, it is the stored value.
    assert result.status == "published" and result.section.description == expected.section.description
    assert load_results([]) == {}
