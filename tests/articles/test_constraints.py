"""Database constraints: what must hold is enforced by the database, not only by forms."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from articles.models import Byline, Event, Issue, IssuePage, PageArea
from tests.factories import ArticleFactory, AuthorFactory, IssueFactory, IssuePageFactory

pytestmark = pytest.mark.django_db


def refused(fn):
    with pytest.raises(IntegrityError), transaction.atomic():
        fn()


def test_issue_number_is_unique():
    IssueFactory(number=7, date=datetime.date(2026, 1, 2))
    refused(lambda: Issue.objects.create(number=7, date=datetime.date(2026, 1, 9)))


def test_issue_date_is_unique():
    IssueFactory(number=7, date=datetime.date(2026, 1, 2))
    refused(lambda: Issue.objects.create(number=8, date=datetime.date(2026, 1, 2)))


def test_one_page_number_per_issue():
    page = IssuePageFactory(number=1)
    refused(lambda: IssuePage.objects.create(issue=page.issue, number=1, name="综合"))
    IssuePage.objects.create(issue=IssueFactory(), number=1)  # the same number in another issue is fine


def test_event_cannot_end_before_it_starts():
    start = datetime.date(2026, 5, 18)
    refused(
        lambda: Event.objects.create(
            name="科技周", start_date=start, end_date=start - datetime.timedelta(days=1)
        )
    )
    Event.objects.create(name="一日活动", start_date=start, end_date=start)
    Event.objects.create(name="未定结束", start_date=start)


def test_byline_author_role_once_per_article():
    article, author = ArticleFactory(), AuthorFactory()
    Byline.objects.create(article=article, author=author, role="reporter")
    refused(lambda: Byline.objects.create(article=article, author=author, role="reporter", order=2))
    Byline.objects.create(article=article, author=author, role="photographer")  # another role is fine


def test_published_article_needs_a_publication_time():
    article = ArticleFactory()
    article.status = "published"
    refused(lambda: article.save())


def test_page_area_stays_inside_the_page():
    page = IssuePageFactory()
    article = ArticleFactory()
    refused(lambda: PageArea.objects.create(page=page, article=article, x=0.8, y=0.1, width=0.3, height=0.2))
    refused(lambda: PageArea.objects.create(page=page, article=article, x=0.1, y=0.1, width=0, height=0.2))
    PageArea.objects.create(page=page, article=article, x=0.7, y=0.8, width=0.3, height=0.2)


def test_author_names_need_not_be_unique():
    first, second = AuthorFactory(name="王磊"), AuthorFactory(name="王磊")
    assert first.slug != second.slug


def test_create_makes_a_draft():
    from django.contrib.auth import get_user_model

    from articles.models import Article

    user = get_user_model().objects.create_user("writer")
    article = Article.objects.create(title="草稿", body="<p>正文</p>", created_by=user)
    assert article.status == "draft" and article.published_at is None
