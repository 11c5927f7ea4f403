"""The object a public page is about, looked up in one prepared statement (reader/lookups.py): the same
object, with the same related objects, as the ORM's `get` gives; nothing for a value that names nothing; and an
issue only while the public may see one of its articles."""

import datetime

import pytest
from taggit.models import Tag

from articles.models import Event, Issue, Section
from people.models import Author, Organization
from reader.lookups import load_by, load_public_issue
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    EventFactory,
    IssueFactory,
    OrganizationFactory,
    PublishedArticleFactory,
    SectionFactory,
)

pytestmark = pytest.mark.django_db


def fields(instance) -> dict:
    return {f.attname: getattr(instance, f.attname) for f in type(instance)._meta.concrete_fields}


def test_each_page_s_object_as_the_orm_gives_it(django_assert_num_queries):
    parent = OrganizationFactory(name="青岚省科学技术协会", slug="省科协")
    organization = OrganizationFactory(name="青岚省青少年科技中心", parent=parent, description="科普场馆")
    author = AuthorFactory(name="林若溪", organization=organization)
    section = SectionFactory(name="科普")
    event = EventFactory(name="青岚科技活动周")
    tag = Tag.objects.create(name="量子科技", slug="量子科技")
    cases = [
        (Organization, organization.slug, ("parent",)),
        (Organization, parent.slug, ("parent",)),  # no parent: None, as select_related gives it
        (Author, author.slug, ("organization",)),
        (Section, section.slug, ()),
        (Event, event.slug, ()),
        (Tag, "量子科技", ()),
    ]
    for model, slug, related in cases:
        expected = model.objects.select_related(*related).get(slug=slug)
        with django_assert_num_queries(1):
            found = load_by(model, "slug", slug, related=related)
            for name in related:  # the related object comes with it
                assert (getattr(found, name) and fields(getattr(found, name))) == (
                    getattr(expected, name) and fields(getattr(expected, name))
                ), name
        assert type(found) is model and fields(found) == fields(expected), model
        assert found.get_deferred_fields() == set()
    assert load_by(Tag, "slug", tag.slug).pk == tag.pk


@pytest.mark.parametrize("slug", ["没有这个", "", "a\x00b", "x" * 500])
def test_a_slug_that_names_nothing(slug):
    SectionFactory(name="要闻", slug="要闻")
    assert load_by(Section, "slug", slug) is None


@pytest.mark.parametrize("number", [0, 999_999, 2**31, 2**63, 10**20])
def test_a_number_that_names_no_issue(number):
    issue = IssueFactory(number=1024)
    PublishedArticleFactory(issue=issue)
    assert load_public_issue("number", number) is None
    assert load_public_issue("number", 1024) == issue


def test_only_a_unique_field_is_looked_up():
    with pytest.raises(ValueError):
        load_by(Author, "name", "林若溪")


def test_an_issue_while_the_public_may_see_one_of_its_articles():
    shown = IssueFactory(number=1201, date=datetime.date(2026, 11, 6))
    PublishedArticleFactory(issue=shown)
    waiting = IssueFactory(number=1202, date=datetime.date(2026, 11, 13))
    ArticleFactory(issue=waiting)  # a draft
    PublishedArticleFactory(issue=waiting, scheduled=True)
    PublishedArticleFactory(issue=waiting, withdrawn=True)
    IssueFactory(number=1203, date=datetime.date(2026, 11, 20))  # nothing in it
    public = Issue.objects.with_public_articles()
    for number in (1201, 1202, 1203):
        expected = public.filter(number=number).first()
        found = load_public_issue("number", number)
        assert (found and fields(found)) == (expected and fields(expected)), number
    assert load_public_issue("date", datetime.date(2026, 11, 6)) == shown
    assert load_public_issue("date", datetime.date(2026, 11, 13)) is None


def test_the_pages_answer_404_for_what_names_nothing(client):
    IssueFactory(number=1204)  # nothing public in it
    for path in (
        "/issues/1204/",
        "/issues/99999999999999999999/",
        "/issues/2026-02-30/",
        "/tags/%00/",
        "/sections/没有/",
        "/authors/没有/",
        "/organizations/没有/",
        "/events/没有/",
    ):
        assert client.get(path).status_code == 404, path
