"""factory_boy factories shared by the whole suite."""

import datetime

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from articles.models import Article, ArticleStatus, Byline, Event, Issue, IssuePage, Section
from articles.policy import EDITORS, REPORTERS
from people.models import Author, Organization


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    is_staff = True
    password = factory.django.Password("correct-horse-battery")

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(*[Group.objects.get(name=name) for name in extracted])


def reporter(username="reporter1", **kwargs):
    return UserFactory(username=username, groups=[REPORTERS], **kwargs)


def editor(username="editor1", **kwargs):
    return UserFactory(username=username, groups=[EDITORS], **kwargs)


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"青岚省第{n}科技研究院")
    kind = Organization.Kind.INSTITUTE


class AuthorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Author

    name = factory.Sequence(lambda n: f"记者{n:03d}")


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section
        django_get_or_create = ["name"]

    name = "要闻"


class IssueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Issue

    number = factory.Sequence(lambda n: 1000 + n)
    date = factory.Sequence(lambda n: datetime.date(2026, 1, 1) + datetime.timedelta(days=7 * n))


class IssuePageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IssuePage

    issue = factory.SubFactory(IssueFactory)
    number = factory.Sequence(lambda n: n + 1)
    name = "要闻"


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    name = factory.Sequence(lambda n: f"第{n}届青岚科技创新论坛")
    start_date = datetime.date(2026, 5, 18)
    place = "云川市会展中心"


class ArticleFactory(factory.django.DjangoModelFactory):
    """A draft by default; `published=True` (or status=...) for other states."""

    class Meta:
        model = Article

    title = factory.Sequence(lambda n: f"青岚省科技动态第{n}则")
    body = "<p>本报讯 青岚省科协近日组织专家深入基层开展科普活动。</p>"
    created_by = factory.SubFactory(UserFactory)

    class Params:
        published = factory.Trait(
            status=ArticleStatus.PUBLISHED,
            published_at=factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(hours=1)),
        )
        scheduled = factory.Trait(
            status=ArticleStatus.PUBLISHED,
            published_at=factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=1)),
        )


class BylineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Byline

    article = factory.SubFactory(ArticleFactory)
    author = factory.SubFactory(AuthorFactory)
    role = Byline.Role.REPORTER
