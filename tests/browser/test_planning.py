"""The planning desk (选题与稿单) in a real browser (headless Chromium through Playwright), against a live server.

From the pitch to the page, in the Chinese admin, each person logged in through the admin's login form in a
browser context of their own:

1. The reporter pitches a story (报题) through the story add form: title, brief, kind and section.
2. The editor finds the pitch on the desk ("pitches to decide"), opens it, and accepts and assigns it (派题) to the
   reporter, on page 2 of the next issue, 1200 characters, due in two days.
3. The reporter finds the assignment on the desk, starts the article from it and lands on the article's change
   form with the story's title, issue, page and section filled in and their own byline; types the body into
   CKEditor and submits it for review (提交审核).
4. The editor opens the issue's budget (稿单): the story is on page 2, filed (已交稿), planned 1200 and its actual
   length the one planning.budget.text_length counts in the saved body.

At 360 pixels the desk and the budget do not scroll sideways. No page may log a console error or get a 4xx/5xx
response. With SAVE_SCREENSHOTS=1: docs/screenshots/planning-pitch.png, planning-assign.png, planning-desk.png,
planning-budget.png and planning-budget-phone.png, for docs/editors-guide.md.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from articles.models import ArticleStatus
from articles.policy import ensure_groups
from people.models import Author
from planning.budget import text_length
from planning.models import AssignmentRole, Story, StoryStatus
from planning.signals import grant_planning_permissions
from tests.browser.helpers import shoot, watch
from tests.factories import IssueFactory, IssuePageFactory, SectionFactory, editor, reporter

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery"  # tests.factories.UserFactory's password
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 360, "height": 780}

TITLE = "县域科技馆“流动展”走进青岚山区小学"
BRIEF = "跟随省科技馆流动展车走访三所山区小学，看展品怎么上山、孩子们最爱哪件展品、流动展还缺什么。"
PLANNED = 1200
PARAGRAPHS = [
    "本报讯 11月的青岚山区已有凉意，省科技馆的流动展车沿着盘山公路开进了白塔镇中心小学。",
    "二十余件互动展品在操场上一字排开，会跳舞的机器人和能看见声音的鲁本管前排起了长队。",
    "“孩子们第一次摸到真正的展品。”校长说，学校离最近的科技馆有三个多小时车程。",
]


# ----- helpers -----


def log_in(new_context, base: str, user):
    """A tab of a fresh context, logged in through the admin's login form; and its list of problems."""
    page = new_context().new_page()
    problems = watch(page)
    page.goto(f"{base}/admin/login/?next=/admin/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("#login-form [type=submit]")
    assert page.url == f"{base}/admin/", f"login as {user.username} failed: still at {page.url}"
    return page, problems


def no_errors_on_the_page(page) -> None:
    errors = page.locator(".errornote, .errorlist, ul.messagelist li.error")
    assert errors.count() == 0, errors.all_inner_texts()


def sideways_scroll(page) -> int:
    return page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")


def type_body(page, paragraphs) -> None:
    """Type the paragraphs into the CKEditor 4 instance `id_body` (a divarea under the admin's CSP), Enter
    between them, as a person does."""
    page.wait_for_function(
        "() => !!(window.CKEDITOR && CKEDITOR.instances.id_body && CKEDITOR.instances.id_body.status === 'ready')"
    )
    page.locator("#cke_id_body .cke_wysiwyg_div").click()
    for index, text in enumerate(paragraphs):
        if index:
            page.keyboard.press("Enter")
        page.keyboard.type(text, delay=2)


def beijing(value: datetime.datetime) -> str:
    """A datetime-local input's value, in the newsroom's time zone (the browser's too)."""
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")


# ----- the test -----


@pytest.fixture
def newsroom():
    """A reporter (with an author profile linked to their login), an editor, a section, and tomorrow's issue
    with three pages."""
    ensure_groups()  # transactional tests flush the tables the post_migrate receiver filled …
    grant_planning_permissions()  # … and ensure_groups sets the groups' permissions without planning's
    lin = reporter("linzhiyuan", first_name="知远", last_name="林", email="lin@example.com")
    author = Author.objects.create(user=lin, name="林知远", kind=Author.Kind.STAFF)
    wang = editor("wangqihang", first_name="启航", last_name="王", email="wang@example.com")
    Author.objects.create(user=wang, name="王启航", kind=Author.Kind.STAFF)
    section = SectionFactory(name="科普")
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    issue = IssueFactory(number=2318, date=tomorrow)
    pages = [IssuePageFactory(issue=issue, number=number) for number in (1, 2, 3)]
    return {
        "reporter": lin,
        "author": author,
        "editor": wang,
        "section": section,
        "issue": issue,
        "pages": pages,
    }


def test_from_pitch_to_budget_in_a_real_browser(live_server, new_context, newsroom):
    base = live_server.url
    lin, wang, issue = newsroom["reporter"], newsroom["editor"], newsroom["issue"]
    page_two = newsroom["pages"][1]

    # --- 1. The reporter pitches (报题) through the story add form. ---
    rp, reporter_problems = log_in(new_context, base, lin)
    with rp.expect_navigation():
        rp.click(f'a.addlink[href="{reverse("admin:planning_story_add")}"]')
    rp.fill("#id_title", TITLE)
    rp.fill("#id_brief", BRIEF)
    rp.select_option("#id_kind", "feature")
    rp.select_option("#id_section", str(newsroom["section"].pk))
    shoot(rp, "planning-pitch")
    with rp.expect_navigation():
        rp.click("input[name=_save]")
    no_errors_on_the_page(rp)
    story = Story.objects.get(title=TITLE)
    assert (story.status, story.pitched_by, story.kind, story.brief) == (
        StoryStatus.PITCHED,
        lin,
        "feature",
        BRIEF,
    )
    assert reporter_problems == []

    # --- 2. The editor opens the pitch from the desk, accepts it and assigns it (派题). ---
    ep, editor_problems = log_in(new_context, base, wang)
    pitch = ep.locator(f'#planning-desk li.pitch[data-story="{story.pk}"]')
    assert "林知远" in pitch.inner_text()
    with ep.expect_navigation():
        pitch.locator("a").first.click()
    assert ep.url == base + reverse("admin:planning_story_change", args=[story.pk])
    assert ep.locator("#planning-title").inner_text().endswith("已报题")
    accept = ep.locator("details.planning-accept form")
    assert accept.is_visible()  # open while no one is assigned
    due = timezone.localtime() + datetime.timedelta(days=2)
    due = due.replace(
        hour=17, minute=0, second=0, microsecond=0
    )  # the day after tomorrow, 17:00 Beijing time
    accept.locator("#id_assignee").select_option(str(lin.pk))
    accept.locator("#id_role").select_option(AssignmentRole.REPORTER)
    accept.locator("#id_issue").select_option(str(issue.pk))
    accept.locator("#id_page").select_option(str(page_two.pk))
    accept.locator("#id_target_length").fill(str(PLANNED))
    accept.locator("#id_due_at").fill(beijing(due))
    accept.locator("#id_due_at").blur()
    shoot(ep, "planning-assign", top="#planning-title")
    ep.set_viewport_size(PHONE)  # the accept form fits a phone too
    assert sideways_scroll(ep) <= 0, f"the story page scrolls sideways by {sideways_scroll(ep)}px at 360px"
    ep.set_viewport_size(DESKTOP)
    with ep.expect_navigation():
        accept.locator("button[type=submit]").click()
    no_errors_on_the_page(ep)
    assert ep.url == base + reverse("admin:planning_story_change", args=[story.pk])
    assert "已派题" in ep.locator("#planning-title").inner_text()
    story.refresh_from_db()
    assert (story.status, story.editor, story.issue, story.page) == (
        StoryStatus.ACCEPTED,
        wang,
        issue,
        page_two,
    )
    assert (story.target_length, story.due_at) == (PLANNED, due)
    assert list(story.assignments.values_list("user", "role")) == [(lin.pk, AssignmentRole.REPORTER)]
    assert editor_problems == []

    # --- 3. The reporter sees the assignment on the desk, at 1280 and at 360 pixels. ---
    rp.goto(f"{base}/admin/")
    assignment = rp.locator(f'#planning-desk li.assignment[data-story="{story.pk}"]')
    text = assignment.inner_text()
    assert TITLE in text and "第2版" in text and f"{PLANNED}" in text and "开始写稿" in text
    shoot(rp, "planning-desk")
    rp.set_viewport_size(PHONE)
    rp.reload()
    assert assignment.is_visible()
    assert sideways_scroll(rp) <= 0, f"the desk scrolls sideways by {sideways_scroll(rp)}px at 360px"
    rp.set_viewport_size(DESKTOP)
    rp.reload()
    assert reporter_problems == []

    # --- 4. … starts the article from it, and lands on the article's form, filled in from the story. ---
    with rp.expect_navigation():
        assignment.locator("a.desk-action").click()
    with rp.expect_navigation():
        rp.click("form.workflow-form--start button[type=submit]")
    no_errors_on_the_page(rp)
    story.refresh_from_db()
    article = story.article
    assert article is not None and article.created_by == lin
    assert rp.url == base + reverse("admin:articles_article_change", args=[article.pk])
    assert rp.input_value("#id_title") == TITLE
    assert rp.input_value("#id_section") == str(newsroom["section"].pk)
    with translation.override("zh-hans"):
        issue_label, page_label = str(issue), str(page_two)
    # Placing in the issue is the editors' work: the reporter sees the issue and page, read-only.
    assert issue_label in rp.locator(".form-row.field-issue .readonly").inner_text()
    assert page_label in rp.locator(".form-row.field-page .readonly").inner_text()
    assert rp.input_value("#id_bylines-0-author") == str(newsroom["author"].pk)
    assert rp.input_value("#id_bylines-0-role") == "reporter"

    # --- 5. … writes the body in CKEditor and submits it for review (提交审核: saves, then submits). ---
    type_body(rp, PARAGRAPHS)
    with rp.expect_navigation():
        rp.click(".workflow-panel form.workflow-form--submit button[type=submit]")
    no_errors_on_the_page(rp)
    article.refresh_from_db()
    assert article.status == ArticleStatus.REVIEW
    assert all(paragraph in article.body for paragraph in PARAGRAPHS)
    story.refresh_from_db()
    assert story.status == StoryStatus.FILED
    assert reporter_problems == []

    # --- 6. The editor's budget (稿单): on page 2, filed, planned 1200 and the actual length. ---
    actual = text_length(article.body)
    assert actual == sum(len(paragraph.replace(" ", "")) for paragraph in PARAGRAPHS)
    ep.goto(base + reverse("planning_budget", args=[issue.number]))
    assert ep.locator("#content h1").inner_text() == f"第{issue.number}期稿单"
    page_section = ep.locator("section.budget-page", has=ep.locator("h2", has_text=page_label))
    row = page_section.locator(f'tr.story[data-story="{story.pk}"]')
    assert row.count() == 1
    assert row.locator("td.col-status").inner_text().strip() == "已交稿"
    assert row.locator('td.col-num[data-label="计划字数"]').inner_text().strip() == str(PLANNED)
    assert row.locator('td.col-num[data-label="实际字数"]').inner_text().strip() == str(actual)
    assert "林知远" in row.locator("td.col-people").inner_text()
    assert page_section.locator("tfoot td.col-num").all_inner_texts() == [str(PLANNED), str(actual)]
    shoot(ep, "planning-budget")
    ep.set_viewport_size(PHONE)
    ep.reload()
    assert row.is_visible()
    assert sideways_scroll(ep) <= 0, f"the budget scrolls sideways by {sideways_scroll(ep)}px at 360px"
    shoot(ep, "planning-budget-phone")
    assert editor_problems == []
