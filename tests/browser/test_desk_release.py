"""整期签发 in a real browser (headless Chromium through Playwright), against a live server.

An issue is partly ready: page 1 holds two articles in review and one still a draft; page 2 one article
scheduled days later. The editor opens the issue and its 整期签发 page: every article is listed by page with its
state; releasing is refused, naming the draft on the page; the editor ticks the confirmation that names it and
releases. The two articles in review are public at once, the draft is not, and the home page (今日报纸) shows the
new issue instead of the one released the week before.

With SAVE_SCREENSHOTS=1 the refused release, naming the draft, is saved as docs/screenshots/desk-06-release-refused.png
for docs/editors-guide.md.
"""

import datetime

import pytest
from django.utils import timezone

from articles.models import Article, ArticleStatus, Issue
from articles.policy import ensure_groups
from tests.browser.test_editorial_loop import PASSWORD, Desk, open_desk, shoot
from tests.factories import ArticleFactory, IssueFactory, IssuePageFactory, editor, reporter

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LEAD = "青岚省首届青少年科学节在云川市开幕"
SECOND = "省农科院发布春播良种推荐目录"
DRAFT = "白塔镇数字乡村建设纪实（未完稿）"
LATER = "科普专版：春季过敏知多少"
LAST_WEEK = "上周要闻：全省科技馆免费开放"


@pytest.fixture
def partly_ready_issue():
    ensure_groups()  # transactional tests flush the tables the post_migrate receiver filled
    lin, wang = reporter("linzhiyuan"), editor("wangqihang")
    last_week = IssueFactory(number=611, date=datetime.date(2026, 3, 5))
    ArticleFactory(
        issue=last_week,
        page=IssuePageFactory(issue=last_week),
        title=LAST_WEEK,
        created_by=lin,
        published=True,
    )
    Issue.objects.filter(pk=last_week.pk).update(released_at=timezone.now() - datetime.timedelta(days=7))
    issue = IssueFactory(number=612, date=datetime.date(2026, 3, 12))
    one, two = IssuePageFactory(issue=issue, number=1), IssuePageFactory(issue=issue, number=2)
    for position, title in enumerate([LEAD, SECOND], 1):
        ArticleFactory(issue=issue, page=one, position=position, title=title, created_by=lin, review=True)
    ArticleFactory(issue=issue, page=one, position=3, title=DRAFT, created_by=lin)
    ArticleFactory(
        issue=issue,
        page=two,
        position=1,
        title=LATER,
        created_by=lin,
        status=ArticleStatus.PUBLISHED,
        published_at=timezone.now() + datetime.timedelta(days=3),
    )
    return issue, wang


def login(desk: Desk, base: str, username: str) -> None:
    page = desk.page
    page.goto(f"{base}/admin/login/?next=/admin/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("#login-form [type=submit]")
    assert page.url == f"{base}/admin/"


def test_an_editor_releases_a_partly_ready_issue_leaving_the_draft_out(
    live_server, new_context, partly_ready_issue
):
    issue, wang = partly_ready_issue
    base = live_server.url
    reader = new_context().new_page()
    reader.goto(f"{base}/")
    assert LAST_WEEK in reader.locator("main").inner_text()

    desk = open_desk(new_context)
    login(desk, base, wang.username)
    page = desk.page
    page.goto(f"{base}/admin/articles/issue/{issue.pk}/change/")
    with page.expect_navigation():
        page.locator(".object-tools a[href$='/release/']").click()
    assert page.url == f"{base}/admin/articles/issue/{issue.pk}/release/"

    # Every article, by page in reading order, with its state in Chinese.
    rows = page.locator("#release-plan tbody tr")
    assert rows.count() == 4
    texts = [rows.nth(i).inner_text() for i in range(4)]
    for text, title, state in zip(
        texts, [LEAD, SECOND, DRAFT, LATER], ["待审", "待审", "草稿", "定时发布"], strict=True
    ):
        assert title in text and state in text
    assert page.locator("#release-plan tr.unready").count() == 1
    assert DRAFT in page.locator("#release-unready").inner_text()

    # Released without confirming: refused, the draft named; nothing changed.
    with page.expect_navigation():
        page.get_by_role("button", name="整期签发").click()
    errors = page.locator(".messagelist .error").all_inner_texts()
    assert any(DRAFT in message for message in errors)
    assert not Article.objects.published().filter(issue=issue).exists()
    assert Issue.objects.get(pk=issue.pk).released_at is None
    shoot(page, "desk-06-release-refused")

    # The confirmation names the draft; ticked, the release goes through.
    assert DRAFT in page.locator("label[for=id_confirm_leave_out]").inner_text()
    page.check("#id_confirm_leave_out")
    with page.expect_navigation():
        page.get_by_role("button", name="整期签发").click()
    assert page.url == f"{base}/admin/articles/issue/{issue.pk}/change/"
    assert page.locator(".messagelist .success").count() == 1
    assert set(Article.objects.published().filter(issue=issue).values_list("title", flat=True)) == {
        LEAD,
        SECOND,
    }
    assert Article.objects.get(title=DRAFT).status == ArticleStatus.DRAFT
    assert Issue.objects.get(pk=issue.pk).released_at is not None

    # 今日报纸 is the new issue: its articles in review are on the front page, the draft and the scheduled
    # page are not, and last week's issue is no longer today's.
    reader.goto(f"{base}/")
    front = reader.locator("main").inner_text()
    assert LEAD in front and SECOND in front
    assert DRAFT not in front and LATER not in front and LAST_WEEK not in front
    assert "612" in reader.locator(".masthead__number").inner_text()
    assert desk.admin_errors() == []
