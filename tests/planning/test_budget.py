"""The issue's budget (稿单): page by page, totals, overdue marks, killed stories, print version, neighbours,
who may read it, and a constant number of queries whatever the number of stories."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import ArticleStatus
from planning.budget import budget_for, text_length
from planning.models import Assignment, AssignmentRole, Story, StoryStatus
from tests.factories import ArticleFactory, IssueFactory, IssuePageFactory, UserFactory, editor, reporter

pytestmark = pytest.mark.django_db

BODY = "<p>本报讯 青岚省科协近日召开年度工作会议。</p><p>会议 部署了 全年工作。</p>"


def story(issue, page=None, *, by, status=StoryStatus.ACCEPTED, due=None, length=800, article=None, **fields):
    s = Story.objects.create(
        title=fields.pop("title", "省科协年度工作会议召开"),
        issue=issue,
        page=page,
        target_length=length,
        due_at=due,
        pitched_by=by,
        status=status,
        article=article,
        kill_reason=fields.pop("kill_reason", "因版面调整撤下" if status == StoryStatus.KILLED else ""),
        **fields,
    )
    return s


def assign(story_, user, role=AssignmentRole.REPORTER, order=0):
    return Assignment.objects.create(story=story_, user=user, role=role, order=order)


@pytest.fixture
def ed():
    return editor(first_name="启航", last_name="王")


@pytest.fixture
def rep():
    return reporter(first_name="知远", last_name="林")


def budget_url(issue):
    return reverse("planning_budget", args=[issue.number])


# ----- lengths --------------------------------------------------------------------------------------------------


def test_the_length_counts_the_text_without_tags_nor_whitespace():
    assert text_length(BODY) == len("本报讯青岚省科协近日召开年度工作会议。会议部署了全年工作。")
    assert text_length("<p>a&amp;b</p>") == 3
    assert text_length("") == 0 and text_length(None) == 0


# ----- the page ---------------------------------------------------------------------------------------------------


def test_the_budget_lists_stories_page_by_page_with_totals_and_unplaced_last(client, ed, rep):
    issue = IssueFactory()
    page2 = IssuePageFactory(issue=issue, number=2, name="综合")
    page1 = IssuePageFactory(issue=issue, number=1, name="要闻")
    filed_article = ArticleFactory(
        body=BODY, created_by=rep, status=ArticleStatus.REVIEW, issue=issue, page=page1
    )
    draft_article = ArticleFactory(body="<p>写了一半</p>", created_by=rep, issue=issue, page=page1)
    a = story(
        issue, page1, by=ed, length=1000, article=filed_article, status=StoryStatus.FILED, title="甲稿件"
    )
    b = story(issue, page1, by=ed, length=600, article=draft_article, title="乙稿件")
    c = story(issue, page2, by=ed, length=500, title="丙稿件")
    d = story(issue, None, by=ed, length=300, title="丁稿件")
    assign(a, rep)
    assign(a, ed, AssignmentRole.PHOTOGRAPHER, order=1)

    budget = budget_for(issue)
    assert [g.page for g in budget.pages] == [page1, page2, None]
    assert [[r.story for r in g.rows] for g in budget.pages] == [[a, b], [c], [d]]
    first = budget.pages[0]
    assert first.planned == 1600
    # Filed characters: only the copy that is in (the draft's length is shown, not counted as filed).
    assert first.filed == text_length(BODY) == budget.filed
    assert budget.planned == 2400
    assert first.rows[1].length == 4

    client.force_login(ed)
    response = client.get(budget_url(issue))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index("甲稿件") < html.index("乙稿件") < html.index("丙稿件") < html.index("丁稿件")
    assert "林知远" in html and "王启航" in html
    assert reverse("admin:planning_story_change", args=[a.pk]) in html
    assert reverse("admin:articles_article_change", args=[filed_article.pk]) in html
    assert '<td class="col-num">1600</td>' in html
    assert response["Cache-Control"].startswith("private")


def test_overdue_stories_are_marked_and_filed_or_killed_ones_never(client, ed, rep):
    issue = IssueFactory()
    page = IssuePageFactory(issue=issue, number=1)
    past = timezone.now() - datetime.timedelta(hours=2)
    future = timezone.now() + datetime.timedelta(days=1)
    late = story(issue, page, by=ed, due=past, title="逾期稿")
    on_time = story(issue, page, by=ed, due=future, title="未到期稿")
    filed = story(issue, page, by=ed, due=past, status=StoryStatus.FILED, title="已交稿")
    killed = story(issue, page, by=ed, due=past, status=StoryStatus.KILLED, title="撤销稿")

    budget = budget_for(issue)
    rows = {row.story: row for row in budget.pages[0].rows}
    assert rows[late].overdue and not rows[on_time].overdue and not rows[filed].overdue
    assert killed not in rows and [r.story for r in budget.killed] == [killed]
    assert budget.overdue_count == 1

    client.force_login(ed)
    html = client.get(budget_url(issue)).content.decode()
    overdue_rows = re.findall(r'<tr class="story status--\w+ overdue" data-story="(\d+)"', html)
    assert overdue_rows == [str(late.pk)]
    assert "<del>" in html and "撤销稿" in html and "因版面调整撤下" in html


def test_killed_stories_do_not_count_in_the_totals():
    ed_ = editor()
    issue = IssueFactory()
    page = IssuePageFactory(issue=issue, number=1)
    story(issue, page, by=ed_, length=500)
    story(issue, page, by=ed_, length=900, status=StoryStatus.KILLED)
    assert budget_for(issue).pages[0].planned == 500


def test_the_budget_links_the_previous_and_next_issues(client, ed):
    first, middle, last = IssueFactory(number=10), IssueFactory(number=12), IssueFactory(number=15)
    client.force_login(ed)
    html = client.get(budget_url(middle)).content.decode()
    assert f'rel="prev" href="{budget_url(first)}"' in html
    assert f'rel="next" href="{budget_url(last)}"' in html
    html = client.get(budget_url(first)).content.decode()
    assert 'rel="prev"' not in html


def test_the_print_version_has_no_admin_chrome(client, ed, rep):
    issue = IssueFactory()
    page = IssuePageFactory(issue=issue, number=1, name="要闻")
    assign(story(issue, page, by=ed, title="打印稿"), rep)
    client.force_login(ed)
    for url in (reverse("planning_budget_print", args=[issue.number]), budget_url(issue) + "?print=1"):
        response = client.get(url)
        html = response.content.decode()
        assert response.status_code == 200
        assert "打印稿" in html and "林知远" in html
        assert "planning/budget-print" in html
        assert 'id="header"' not in html and "nav-sidebar" not in html


def test_the_budget_is_in_chinese(client, ed):
    issue = IssueFactory(number=321)
    page = IssuePageFactory(issue=issue, number=1, name="要闻")
    story(issue, page, by=ed, kind="feature")
    client.force_login(ed)
    response = client.get(budget_url(issue))
    html = response.content.decode()
    assert response.headers["Content-Language"] == "zh-hans"
    assert "第1版 要闻" in html  # the page's name, translated by articles
    assert "首页" in html  # the admin's breadcrumbs


def test_an_unknown_issue_is_404(client, ed):
    client.force_login(ed)
    assert client.get(reverse("planning_budget", args=[9999])).status_code == 404


# ----- who may read it -----------------------------------------------------------------------------------------


def test_anonymous_users_are_sent_to_the_login(client):
    issue = IssueFactory()
    for url in (budget_url(issue), reverse("planning_budget_print", args=[issue.number])):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))


def test_non_staff_users_are_refused(client):
    issue = IssueFactory()
    client.force_login(UserFactory(username="reader", is_staff=False))
    response = client.get(budget_url(issue))
    assert response.status_code == 302 and response["Location"].startswith(reverse("admin:login"))


def test_staff_outside_the_newsroom_are_refused(client):
    issue = IssueFactory()
    client.force_login(UserFactory(username="it-desk", is_staff=True))
    assert client.get(budget_url(issue)).status_code == 403


def test_reporters_read_the_budget(client, rep):
    issue = IssueFactory()
    client.force_login(rep)
    assert client.get(budget_url(issue)).status_code == 200


# ----- a constant number of queries ------------------------------------------------------------------------------


def build_budget(count: int):
    """An issue with `count` stories over four pages (and a few with no page), two assignees each, every third
    with an article."""
    ed_ = editor(username="budget-editor")
    people = [
        reporter(username=f"budget-reporter{i}", first_name="知远", last_name=f"林{i}") for i in range(3)
    ]
    issue = IssueFactory()
    pages = [IssuePageFactory(issue=issue, number=n) for n in range(1, 5)]
    due = timezone.now() + datetime.timedelta(days=1)
    for i in range(count):
        page = pages[i % 5] if i % 5 < 4 else None
        article = (
            ArticleFactory(body=BODY, created_by=people[i % 3], issue=issue, page=page)
            if i % 3 == 0
            else None
        )
        s = story(
            issue, page, by=ed_, due=due + datetime.timedelta(hours=i), article=article, title=f"选题{i}"
        )
        assign(s, people[i % 3])
        assign(s, people[(i + 1) % 3], AssignmentRole.PHOTOGRAPHER, order=1)
    return ed_, issue


# The user (the session is not in the database), the user's and the groups' permissions, then the issue (with its
# neighbours' numbers), its pages, its stories (with their pages, articles and editors), and the assignments with
# their users.
BUDGET_QUERIES = 7


@pytest.mark.parametrize("count", [6, 60])
@pytest.mark.parametrize("printed", [False, True])
def test_the_budget_costs_the_same_queries_for_6_and_60_stories(
    client, django_assert_num_queries, count, printed
):
    user, issue = build_budget(count)
    client.force_login(user)
    url = reverse("planning_budget_print" if printed else "planning_budget", args=[issue.number])
    with django_assert_num_queries(BUDGET_QUERIES):
        response = client.get(url)
    assert response.status_code == 200
    assert response.content.decode().count('class="story status--') == count
