"""The front page's parts are shared fragments (reader/views/issues.py home): today's paper, its layout, the issue
before it, the lead story rendered, and the latest web-only news. With them kept the page runs no query, and
they are exactly as fresh as a cached page: an edit, a withdrawal, a new article, a scheduled publication."""

import datetime
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles import workflow
from tests.factories import IssueFactory, IssuePageFactory, PublishedArticleFactory, editor, image_file

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fragments(settings):
    settings.PAGE_CACHE = False
    settings.FRAGMENT_CACHE = True


def lead_of(html: str) -> str:
    """The lead story's element, or "" when the page shows none."""
    if '<article class="lead"' not in html:
        return ""
    return html.split('<article class="lead"', 1)[1].split("</article>", 1)[0]


def latest_of(html: str) -> str:
    return html.split('id="latest-head"', 1)[1]


@pytest.fixture
def front():
    issue = IssueFactory(number=401, date=datetime.date(2026, 5, 18))
    page = IssuePageFactory(issue=issue, number=1)
    lead = PublishedArticleFactory(
        issue=issue, page=page, position=1, title="头条：量子通信干线贯通", image=image_file()
    )
    second = PublishedArticleFactory(issue=issue, page=page, position=2, title="二条：科普大篷车下乡")
    web = PublishedArticleFactory(title="网络快讯：科技馆延长开放时间")
    return {"issue": issue, "lead": lead, "second": second, "web": web}


def test_a_kept_front_page_runs_no_query(client, front):
    client.get("/")
    with CaptureQueriesContext(connection) as queries:
        html = client.get("/").content.decode()
    assert len(queries) == 0, [q["sql"] for q in queries]
    assert "头条：量子通信干线贯通" in lead_of(html)
    assert "网络快讯：科技馆延长开放时间" in latest_of(html)


def test_the_lead_and_the_latest_news_are_never_stale(client, front):
    assert "头条：量子通信干线贯通" in lead_of(client.get("/").content.decode())
    front["lead"].title = "头条：量子通信干线全线贯通"
    front["lead"].save()
    assert "头条：量子通信干线全线贯通" in lead_of(client.get("/").content.decode())  # an edit shows at once
    workflow.withdraw(front["lead"], editor(), "事实有误，撤回待核")
    html = client.get("/").content.decode()
    assert "量子通信" not in html  # so does a withdrawal: the next article of the front page leads
    assert "二条：科普大篷车下乡" in lead_of(html)
    PublishedArticleFactory(title="网络快讯：新一批院士工作站授牌")  # and a new article
    assert "网络快讯：新一批院士工作站授牌" in latest_of(client.get("/").content.decode())


def test_a_scheduled_web_article_joins_the_latest_news_on_time(client, front):
    start = timezone.now()
    goes_public = start + datetime.timedelta(minutes=5)
    PublishedArticleFactory(title="网络快讯：科学节今日开幕", published_at=goes_public)
    with mock.patch("django.utils.timezone.now", return_value=start) as now:
        assert "科学节今日开幕" not in client.get("/").content.decode()
        now.return_value = goes_public + datetime.timedelta(seconds=1)
        assert "网络快讯：科学节今日开幕" in latest_of(client.get("/").content.decode())
