"""Querysets compiled once per process (core/compiled.py): the same rows and instances as the queryset gives, on
whichever database the suite runs; a query that would keep a value of its own is refused."""

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from articles.models import Article, Issue, IssuePage
from core.compiled import CompiledQuery, fits
from tests.factories import ArticleFactory, IssueFactory, IssuePageFactory, PublishedArticleFactory

pytestmark = pytest.mark.django_db


def fields(instance) -> dict:
    return {
        f.attname: getattr(instance, f.attname)
        for f in type(instance)._meta.concrete_fields
        if f.attname not in instance.get_deferred_fields()
    }


def _pages(number, now):
    return IssuePage.objects.filter(issue__number=number).with_files_public(now).select_related("issue")


def _articles(issue, now):
    return (
        Article.objects.published(now)
        .filter(issue=issue)
        .select_related("page", "section")
        .defer("body", "search_text")
        .order_by("pk")
    )


@pytest.fixture
def issue():
    issue = IssueFactory(number=1301, date=datetime.date(2026, 3, 6))
    public, mixed, empty = (IssuePageFactory(issue=issue, number=n) for n in (1, 2, 3))
    PublishedArticleFactory(title="青岚省科协召开年度工作会议", issue=issue, page=public)
    PublishedArticleFactory(title="量子通信城域网开通", issue=issue, page=mixed)
    ArticleFactory(title="尚未发表的稿件", issue=issue, page=mixed)  # a draft: page 2's files stay private
    PublishedArticleFactory(title="网络专稿", issue=issue)  # no page
    del empty
    return issue


def test_instances_as_the_queryset_gives_them(issue, django_assert_num_queries):
    now = timezone.now()
    for compiled, build, arguments in [
        (CompiledQuery(_pages, number=int, now=datetime.datetime), _pages, {"number": 1301, "now": now}),
        (
            CompiledQuery(_articles, issue=int, now=datetime.datetime),
            _articles,
            {"issue": issue.pk, "now": now},
        ),
    ]:
        expected = list(build(**arguments))
        compiled.run(**arguments)  # compiled on the first run
        with django_assert_num_queries(1):
            found = compiled.run(**arguments)
        assert [fields(a) for a in found] == [fields(b) for b in expected]
        assert [a.get_deferred_fields() for a in found] == [b.get_deferred_fields() for b in expected]
        for a, b in zip(found, expected, strict=True):
            for name in ("issue", "page", "section", "files_public"):
                if hasattr(b, name):  # the select_related objects and the annotations come with each row
                    related = getattr(b, name)
                    got = getattr(a, name)
                    assert (fields(got) if hasattr(got, "_meta") else got) == (
                        fields(related) if hasattr(related, "_meta") else related
                    ), name
    assert [p.files_public for p in CompiledQuery(_pages, number=int, now=datetime.datetime).run(
        number=1301, now=now
    )] == [True, False, False]  # fmt: skip


def test_each_run_takes_its_own_arguments(issue):
    compiled = CompiledQuery(_pages, number=int, now=datetime.datetime)
    other = IssueFactory(number=1302, date=datetime.date(2026, 3, 13))
    IssuePageFactory(issue=other, number=1)
    assert [p.number for p in compiled.run(number=1301, now=timezone.now())] == [1, 2, 3]
    assert [p.number for p in compiled.run(number=1302, now=timezone.now())] == [1]
    assert compiled.run(number=9999, now=timezone.now()) == []
    # `now` is an argument, not the time of the first run: before the articles' time page 1's files are private.
    before = timezone.now() - datetime.timedelta(days=3650)
    assert [p.files_public for p in compiled.run(number=1301, now=before)] == [False, False, False]


def test_rows_of_values_list_and_two_arguments_of_one_type(issue):
    IssueFactory(number=1300, date=datetime.date(2026, 2, 27))
    IssueFactory(number=1299, date=datetime.date(2026, 2, 20))

    def between(first, last):
        return Issue.objects.filter(date__range=(first, last)).order_by("date").values_list("number", "date")

    compiled = CompiledQuery(between, first=datetime.date, last=datetime.date)
    for first, last in [
        (datetime.date(2026, 2, 21), datetime.date(2026, 3, 31)),
        (datetime.date(2026, 2, 1), datetime.date(2026, 2, 27)),
        (datetime.date(2026, 3, 7), datetime.date(2026, 3, 1)),
    ]:
        assert compiled.run(first=first, last=last) == list(between(first, last))


def test_a_query_that_keeps_a_value_of_its_own_is_refused(issue):
    # published() without `now` reads the clock when it is built: compiled once, that time would stay forever.
    reads_the_clock = CompiledQuery(
        lambda number: Article.objects.published().filter(issue__number=number), number=int
    )
    with pytest.raises(ValueError, match="not an argument"):
        reads_the_clock.run(number=1301)
    # A slice is written into the SQL: it cannot be an argument.
    limited = CompiledQuery(lambda count: Issue.objects.order_by("pk")[:count], count=int)
    with pytest.raises(ValueError, match="SQL changes"):
        limited.run(count=3)
    unused = CompiledQuery(
        lambda number, now: Issue.objects.filter(number=number), number=int, now=datetime.datetime
    )
    with pytest.raises(ValueError, match="not parameters"):
        unused.run(number=1301, now=timezone.now())
    prefetching = CompiledQuery(
        lambda number: Issue.objects.filter(number=number).prefetch_related("pages"), number=int
    )
    with pytest.raises(ValueError, match="no prefetching"):
        prefetching.run(number=1301)
    with pytest.raises(TypeError):
        CompiledQuery(_pages, number=float)
    with pytest.raises(TypeError):
        CompiledQuery(_pages, number=int, now=datetime.datetime).run(number=1301)


def test_fits_the_column():
    assert fits(Issue, "number", 1301) and fits(IssuePage, "number", 32767)
    assert not fits(Issue, "number", 10**20) and not fits(IssuePage, "number", 2**63)
    # Not integers: nothing to check.
    assert fits(Issue, "date", datetime.date(2026, 3, 6)) and fits(IssuePage, "name", "x" * 500)
    if connection.vendor == "postgresql":  # SQLite holds any 64-bit integer in any integer column
        assert not fits(IssuePage, "number", 32768) and not fits(Issue, "number", 2**31)
        assert not fits(Issue, "number", -1)
