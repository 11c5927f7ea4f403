"""The lists editors work in all day: the article changelist's columns (articles/admin/columns.py) and the desk.

Names, not user names; bylines in printed order with short roles; relative times in Chinese; status labels; and
a number of queries that does not grow with the rows.
"""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from articles import workflow
from articles.admin.columns import byline_line, relative_time
from articles.models import Byline
from tests.factories import ArticleFactory, AuthorFactory, IssuePageFactory, SectionFactory, editor, reporter

pytestmark = pytest.mark.django_db

BEIJING = datetime.timezone(datetime.timedelta(hours=8))
NOW = datetime.datetime(2026, 3, 12, 15, 30, tzinfo=BEIJING)


@pytest.mark.parametrize(
    "value, expected",
    [
        (NOW - datetime.timedelta(seconds=20), "刚刚"),
        (NOW - datetime.timedelta(minutes=5), "5 分钟前"),
        (NOW + datetime.timedelta(minutes=30), "30 分钟后"),
        (NOW - datetime.timedelta(hours=3), "今天 12:30"),
        (datetime.datetime(2026, 3, 11, 14, 20, tzinfo=BEIJING), "昨天 14:20"),
        (datetime.datetime(2026, 3, 13, 9, 0, tzinfo=BEIJING), "明天 09:00"),
        (datetime.datetime(2026, 1, 5, 8, 0, tzinfo=BEIJING), "01-05 08:00"),
        (datetime.datetime(2025, 12, 30, 8, 0, tzinfo=BEIJING), "2025-12-30"),
        (None, "—"),
    ],
)
def test_relative_times_read_as_in_chinese(value, expected):
    with translation.override("zh-hans"):
        assert relative_time(value, NOW) == expected


def test_days_are_beijing_days():
    # 2026-03-11 23:30 in Beijing is 15:30 UTC the same day; it is 昨天 seen from 03-12 08:00 Beijing time.
    late = datetime.datetime(2026, 3, 11, 15, 30, tzinfo=datetime.UTC)
    with translation.override("zh-hans"):
        assert relative_time(late, datetime.datetime(2026, 3, 12, 8, 0, tzinfo=BEIJING)) == "昨天 23:30"


def test_bylines_group_consecutive_roles_under_a_short_label():
    lin, wang, su = (AuthorFactory(name=n) for n in ("林知远", "王启航", "苏晴"))
    article = ArticleFactory(
        authors=[
            lin,
            wang,
            (su, Byline.Role.PHOTOGRAPHER),
            (AuthorFactory(name="韩书言"), Byline.Role.EDITOR),
        ]
    )
    with translation.override("zh-hans"):
        assert byline_line(article.bylines.all()) == "记者 林知远、王启航 · 摄影 苏晴 · 编辑 韩书言"


def _visible_rows(html: str) -> list[str]:
    body = html.split('id="result_list"', 1)[1].split("</table>", 1)[0]
    return [re.sub(r"<[^>]+>", " ", row) for row in body.split("<tr")[2:]]


def test_the_article_list_shows_names_bylines_labels_and_relative_times(client):
    desk = editor("desk", first_name="知远", last_name="林")
    writer = reporter("wangqh", first_name="启航", last_name="王")
    page = IssuePageFactory(issue__number=2718, number=3)
    article = ArticleFactory(
        created_by=writer,
        title="青岚省量子通信干线全线贯通",
        section=SectionFactory(name="要闻"),
        issue=page.issue,
        page=page,
        authors=[AuthorFactory(name="苏晴"), (AuthorFactory(name="周远帆"), Byline.Role.PHOTOGRAPHER)],
    )
    article.updated_by = desk
    article.save()
    scheduled = ArticleFactory(created_by=writer, title="定时稿件", scheduled=True)
    client.force_login(desk)
    html = client.get(reverse("admin:articles_article_changelist")).content.decode()
    (row,) = [r for r in _visible_rows(html) if "量子通信" in r]
    text = " ".join(row.split())
    assert "林知远" in text and "desk" not in text  # the last editor by name
    assert "记者 苏晴 · 摄影 周远帆" in text
    assert "第2718期 第3版" in text and "要闻" in text
    assert "刚刚" in text  # updated a moment ago
    assert 'class="list-title"' in html and 'class="state state--draft"' in html
    when = timezone.localtime(scheduled.published_at).strftime("%Y-%m-%d %H:%M")
    assert f'<span class="state state--scheduled" title="{when}">定时发布 明天' in html
    (row,) = [r for r in _visible_rows(html) if "定时稿件" in r]
    assert "王启航" in row  # never edited: its creator, by name


def test_the_article_list_takes_the_same_number_of_queries_for_5_and_25_rows(client):
    desk = editor("desk")
    client.force_login(desk)
    url = reverse("admin:articles_article_changelist")

    def queries_for(count):
        for i in range(count - ArticleFactory._meta.model.objects.count()):
            ArticleFactory(
                updated_by=desk,
                section=SectionFactory(name=f"栏目{i % 3}"),
                authors=[AuthorFactory(), (AuthorFactory(), Byline.Role.PHOTOGRAPHER)],
            )
        client.get(url)  # warm (sessions, content types)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    assert queries_for(5) == queries_for(25)


def test_the_desk_names_people_and_shows_relative_times(client):
    owner = reporter("owner", first_name="启航", last_name="王")
    chief = editor("chief", first_name="知远", last_name="林")
    article = ArticleFactory(created_by=owner, title="县域科普场馆调查")
    workflow.submit(article, owner)
    soon = ArticleFactory(created_by=owner, title="明早发布的稿件")
    workflow.submit(soon, owner)
    workflow.approve(soon, chief, publish_at=timezone.now() + datetime.timedelta(minutes=45))
    client.force_login(chief)
    html = client.get(reverse("admin:index")).content.decode()
    desk = html.split('id="desk"', 1)[1]
    review = desk.split('id="desk-review"', 1)[1].split("</section>", 1)[0]
    assert "王启航" in review and "owner" not in re.sub(r"<[^>]+>", "", review)
    assert "刚刚" in review
    scheduled = desk.split('id="desk-scheduled"', 1)[1].split("</section>", 1)[0]
    assert 'class="state state--scheduled"' in scheduled and "分钟后" in scheduled
