"""今日报纸 (the home page): the newest released issue whose release time has come and that has a published
article; while none is, the newest never-released issue with a published article (articles/querysets.py
IssueQuerySet.todays_paper). An issue's own page stays public from its first published article."""

import datetime

import pytest
from django.utils import timezone

from articles.models import Issue
from reader.loading import adjacent_public_issues
from tests.factories import IssueFactory, PublishedArticleFactory

pytestmark = pytest.mark.django_db

HOUR = datetime.timedelta(hours=1)


def issue_with_news(day: int, released_at=None, **article):
    issue = IssueFactory(date=datetime.date(2026, 3, day), released_at=released_at)
    PublishedArticleFactory(issue=issue, title=f"第{day}日要闻", **article)
    return issue


def home_issue(client):
    return client.get("/").context["issue"]


def test_where_no_issue_was_released_the_newest_with_a_published_article(client):
    issue_with_news(5)
    newest = issue_with_news(12)
    IssueFactory(date=datetime.date(2026, 3, 19))  # nothing published: neither listed nor served
    assert home_issue(client) == newest == Issue.objects.todays_paper()


def test_the_newest_released_issue_wins_over_newer_unreleased_ones(client):
    older = issue_with_news(5, released_at=timezone.now() - 48 * HOUR)
    released = issue_with_news(12, released_at=timezone.now() - HOUR)
    newer = issue_with_news(19)  # an article published on its own, the issue not released
    assert home_issue(client) == released
    # Its own page is public all the same, as soon as one of its articles is.
    assert client.get(newer.get_absolute_url()).status_code == 200
    assert client.get(older.get_absolute_url()).status_code == 200


def test_a_release_for_a_later_time_waits_for_it(client):
    current = issue_with_news(5, released_at=timezone.now() - 24 * HOUR)
    upcoming = issue_with_news(12, released_at=timezone.now() + 2 * HOUR)
    assert home_issue(client) == current
    assert Issue.objects.todays_paper(now=timezone.now() + 3 * HOUR) == upcoming


def test_a_released_issue_with_nothing_public_yet_is_not_todays_paper(client):
    shown = issue_with_news(5, released_at=timezone.now() - 24 * HOUR)
    not_yet = IssueFactory(date=datetime.date(2026, 3, 12), released_at=timezone.now() - HOUR)
    PublishedArticleFactory(issue=not_yet, scheduled=True)
    assert home_issue(client) == shown


def test_while_the_only_release_is_still_ahead_the_newest_unreleased_issue_is_shown(client):
    unreleased = issue_with_news(5)
    issue_with_news(12, released_at=timezone.now() + 2 * HOUR)
    assert home_issue(client) == unreleased


def test_the_next_release_time_is_when_cached_pages_expire():
    from articles.querysets import next_publication_after

    now = timezone.now()
    issue_with_news(5, released_at=now + 2 * HOUR)
    PublishedArticleFactory(scheduled=True)  # tomorrow
    assert next_publication_after(now) == now + 2 * HOUR


def test_the_prepared_neighbours_agree_with_the_querysets():
    """reader/loading.py's neighbours of an issue (hand-written, prepared) equal the ORM's public issues at every
    moment: issues released, to be released and never released, with articles public, scheduled and none."""
    start = timezone.now()
    issue_with_news(2, released_at=start - 72 * HOUR)
    issue_with_news(5, released_at=start - 24 * HOUR)
    scheduled = IssueFactory(date=datetime.date(2026, 3, 9), released_at=start - 12 * HOUR)
    PublishedArticleFactory(issue=scheduled, published_at=start + HOUR)
    IssueFactory(date=datetime.date(2026, 3, 10))  # no article at all
    issue_with_news(12, released_at=start + 2 * HOUR)
    issue_with_news(19)
    issues = list(Issue.objects.order_by("date"))
    for hours in (-100, -48, 0, 1.5, 3):
        now = start + hours * HOUR
        public = Issue.objects.with_public_articles(now)
        for issue in issues:
            expected = (
                public.filter(date__lt=issue.date).order_by("-date").first(),
                public.filter(date__gt=issue.date).order_by("date").first(),
            )
            found = adjacent_public_issues(issue, now)
            assert found == expected, (hours, issue.date)
            assert [(i.number, i.date, i.released_at) for i in found if i] == [
                (i.number, i.date, i.released_at) for i in expected if i
            ]
