"""The whole editorial loop in a real browser (headless Chromium through Playwright), against a live server.

A reporter writes a new article in the admin, typing its body into CKEditor, saves and submits it; an editor
opens it from the desk's "awaiting review" list and sends it back with a comment; the reporter finds the comment
on the desk ("returned to me") and in the workflow log, fixes the text and submits again; the editor schedules it
a minute ahead with the 定时签发 date-time input. The public site does not have it (article URL 404, not on the
home page) until its time comes, and has it from then on, with no cron job and nothing else happening.

Every admin page visited must be free of console errors. With SAVE_SCREENSHOTS=1 the steps are saved as small
PNGs under docs/screenshots/ (workflow-01 … workflow-08) for docs/editors-guide.md.
"""

import logging
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings

from articles.models import Article, ArticleLog, ArticleStatus
from articles.policy import ensure_groups
from tests.browser.helpers import shoot as screenshot
from tests.factories import ArticleFactory, editor, reporter

try:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
except ImportError:  # the `browser` fixture then skips, or fails under CI=true, and says why
    PlaywrightTimeout = TimeoutError

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

logger = logging.getLogger(__name__)

PASSWORD = "correct-horse-battery"  # tests.factories.UserFactory's password
BEIJING = ZoneInfo(settings.TIME_ZONE)

TITLE = "青岚省科协举办基层科普骨干能力提升培训班"
KICKER = "聚焦“科普服务进基层”"
DATELINE = "本报讯"
FIRST_DRAFT = [
    "近日，青岚省科协在云川市举办2026年基层科普骨干能力提升培训班，围绕应急科普、科学辟谣和科普活动策划开展为期三天的集中培训。",
    "培训期间，学员们走进云川市科技馆和青岚农业科学院试验基地开展现场教学，并分组完成了社区科普活动方案设计。",
]
BYLINE_LINE = "（本报记者 林知远）"
COMMENT = "请补充参训学员的人数和来源地区，读者关心培训覆盖了哪些市（州）。"
FIX = "据统计，来自全省14个市（州）的186名基层科普骨干参加了此次培训。"
OLDER_NEWS = "云川市启动2026年全国科普日系列活动"


# Console errors on admin pages that are not the product's doing, with the reason.
JUSTIFIED_ERRORS = [
    (
        re.compile(r"/favicon\.ico$"),
        "Chromium requests /favicon.ico by itself when a page declares no icon; the admin templates declare none "
        "(the public base.html does), so that implicit request is a 404. No page resource is missing.",
    ),
]

# ----- helpers -----


@dataclass
class Desk:
    """One person's browser: a page in its own context, and the console errors seen on each URL."""

    page: object
    errors: list = field(default_factory=list)

    def watch(self):
        def on_console(message):
            if message.type == "error":
                self.errors.append((self.page.url, message.text, message.location.get("url", "")))

        self.page.on("console", on_console)
        self.page.on("pageerror", lambda exc: self.errors.append((self.page.url, f"uncaught: {exc}", "")))
        return self

    def admin_errors(self):
        """Console errors on admin pages, less the justified ones (each logged with its reason)."""
        found = []
        for page_url, text, source in self.errors:
            if "/admin/" not in page_url:
                continue  # public pages: the 404s this test asks for on purpose log an error each
            reason = next((why for pattern, why in JUSTIFIED_ERRORS if pattern.search(source)), None)
            if reason:
                logger.info("justified console error at %s: %s (%s)", page_url, text, reason)
            else:
                found.append((page_url, text, source))
        return found


def open_desk(new_context) -> Desk:
    return Desk(new_context().new_page()).watch()


def login(desk: Desk, base_url: str, username: str) -> None:
    """Log in through the real admin login form (django-axes is active; the password is right)."""
    page = desk.page
    page.goto(f"{base_url}/admin/login/?next=/admin/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("#login-form [type=submit]")
    assert page.url == f"{base_url}/admin/", f"login as {username} failed: still at {page.url}"
    assert page.locator("#desk").is_visible()


def shoot(page, name: str, top: str | None = None) -> None:
    """A 1280×800 screenshot for the guide, in 256 colours (tests/browser/helpers.py)."""
    screenshot(page, name, top, colors=256)


def editor_body(desk: Desk):
    """The editable area of the CKEditor instance `id_body`, once the editor is ready.

    That is the editor's own <div> (divarea, as the admin's Content-Security-Policy requires), or the body of its
    editing iframe when the classic wysiwygarea is configured.
    """
    page = desk.page
    ready = """() => !!(window.CKEDITOR && CKEDITOR.instances.id_body
                     && CKEDITOR.instances.id_body.status === 'ready')"""
    try:
        page.wait_for_function(ready, timeout=15_000)
    except PlaywrightTimeout:
        state = page.evaluate("""() => ({
            widget: document.querySelector('#id_body') ? document.querySelector('#id_body').className : null,
            ckeditor: typeof window.CKEDITOR,
            status: window.CKEDITOR && CKEDITOR.instances.id_body ? CKEDITOR.instances.id_body.status : null,
        })""")
        errors = [text for _url, text, _source in desk.errors][:5]
        pytest.fail(f"CKEditor never became ready on {page.url}: {state}; console errors: {errors}")
    if page.locator("#cke_id_body iframe.cke_wysiwyg_frame").count():
        return page.frame_locator("#cke_id_body iframe.cke_wysiwyg_frame").locator("body")
    return page.locator("#cke_id_body .cke_wysiwyg_div")


def type_paragraphs(page, paragraphs) -> None:
    """Type paragraphs at the caret with the keyboard, Enter between them, as a person does."""
    for index, text in enumerate(paragraphs):
        if index:
            page.keyboard.press("Enter")
        page.keyboard.type(text, delay=5)


def save_and_continue(page) -> None:
    with page.expect_navigation():
        page.click("input[name=_continue]")
    errors = page.locator(".errornote, .errorlist")
    assert errors.count() == 0, errors.all_inner_texts()


def transition(page, action: str) -> None:
    """Press the workflow panel's button for `action` (its form carries the comment or time already filled in)."""
    with page.expect_navigation():
        page.click(f".workflow-panel form.workflow-form--{action} button[type=submit]")
    errors = page.locator("ul.messagelist li.error")
    assert errors.count() == 0, errors.all_inner_texts()


def transitions_offered(page) -> set[str]:
    classes = page.locator(".workflow-panel form.workflow-form").evaluate_all(
        "fs => fs.map(f => f.className)"
    )
    return {m for c in classes for m in re.findall(r"workflow-form--([a-z_]+)", c)}


def desk_list(page, section: str):
    """The links of one list of the editors' desk (the section is labelled by the heading `desk-<section>`)."""
    return page.locator(f"#desk section[aria-labelledby=desk-{section}]")


def article_status(pk: int) -> tuple[str, datetime | None]:
    return tuple(Article.objects.filter(pk=pk).values_list("status", "published_at").get())


# ----- the test -----


@pytest.fixture
def newsroom():
    """A reporter and an editor, and one web news item already public (so the front page is not empty)."""
    ensure_groups()  # transactional tests flush the tables the post_migrate receiver filled
    lin = reporter("linzhiyuan", first_name="知远", last_name="林")
    wang = editor("wangqihang", first_name="启航", last_name="王")
    ArticleFactory(
        title=OLDER_NEWS,
        body="<p>云川市全国科普日系列活动日前启动，全市将开展科普讲座、科技场馆开放日等活动。</p>",
        created_by=wang,
        published=True,
    )
    return lin, wang


def test_the_whole_editorial_loop_in_a_real_browser(live_server, new_context, newsroom, mailoutbox):
    lin, wang = newsroom
    base = live_server.url

    # --- 1. The reporter writes a new article: fields, and the body typed into CKEditor. ---
    reporter_desk = open_desk(new_context)
    login(reporter_desk, base, lin.username)
    rp = reporter_desk.page
    with rp.expect_navigation():
        desk_list(rp, "drafts").locator("a.addlink").click()
    assert rp.url == f"{base}/admin/articles/article/add/"
    rp.fill("#id_kicker", KICKER)
    rp.fill("#id_title", TITLE)
    rp.fill("#id_dateline", DATELINE)
    body = editor_body(reporter_desk)
    body.click()
    type_paragraphs(rp, [*FIRST_DRAFT, BYLINE_LINE])
    assert FIRST_DRAFT[1] in body.inner_text()
    rp.locator(".form-row.field-kicker").evaluate("row => row.scrollIntoView({block: 'start'})")
    shoot(rp, "workflow-01-reporter-writes")
    save_and_continue(rp)

    article = Article.objects.get(title=TITLE)
    assert article.created_by == lin and article.status == ArticleStatus.DRAFT
    # What was typed arrived as paragraphs, sanitized, in order.
    assert re.findall(r"<p>(.*?)</p>", article.body) == [*FIRST_DRAFT, BYLINE_LINE]
    assert rp.url == f"{base}/admin/articles/article/{article.pk}/change/"
    # A reporter's draft offers exactly one button: submit. Approving is not the reporter's to do.
    assert transitions_offered(rp) == {"submit"}

    # --- 2. … and submits it for review (提交审核). ---
    transition(rp, "submit")
    assert rp.url.startswith(f"{base}/admin/articles/article/")  # the reporter lands on the list
    assert rp.locator("#result_list").get_by_text(TITLE).is_visible()
    assert rp.locator(f"#result_list .state--{ArticleStatus.REVIEW}").count() == 1
    shoot(rp, "workflow-02-submitted")
    assert article_status(article.pk)[0] == ArticleStatus.REVIEW

    # --- 3. The editor finds it on the desk under "awaiting review" and opens it. ---
    editor_desk = open_desk(new_context)
    login(editor_desk, base, wang.username)
    ep = editor_desk.page
    awaiting = desk_list(ep, "review")
    assert awaiting.get_by_role("link", name=TITLE).is_visible()
    shoot(ep, "workflow-03-editor-desk")
    with ep.expect_navigation():
        awaiting.get_by_role("link", name=TITLE).click()
    assert ep.url == f"{base}/admin/articles/article/{article.pk}/change/"
    assert transitions_offered(ep) == {"send_back", "approve", "schedule"}

    # --- 4. … and sends it back with a comment (退回). ---
    ep.fill(".workflow-panel form.workflow-form--send_back textarea[name=comment]", COMMENT)
    shoot(ep, "workflow-04-send-back")
    transition(ep, "send_back")
    assert article_status(article.pk)[0] == ArticleStatus.DRAFT

    # --- 5. The reporter sees the comment on the desk (returned to me) and in the workflow log. ---
    rp.goto(f"{base}/admin/")
    returned = desk_list(rp, "returned")
    assert returned.get_by_role("link", name=TITLE).is_visible()
    assert returned.locator("blockquote.desk-comment").inner_text().strip() == COMMENT
    shoot(rp, "workflow-05-reporter-sees-comment")
    with rp.expect_navigation():
        returned.get_by_role("link", name=TITLE).click()
    log = rp.locator(".workflow-panel details.workflow-log")
    assert log.get_attribute("open") is not None
    assert COMMENT in log.locator("td.workflow-comment").all_inner_texts()

    # … fixes the text: a new paragraph before the byline line, typed into CKEditor …
    body = editor_body(reporter_desk)
    body.locator("p", has_text=BYLINE_LINE).click()
    rp.keyboard.press("Home")
    type_paragraphs(rp, [FIX, ""])
    save_and_continue(rp)
    article.refresh_from_db()
    assert re.findall(r"<p>(.*?)</p>", article.body) == [*FIRST_DRAFT, FIX, BYLINE_LINE]

    # … and submits again.
    transition(rp, "submit")
    assert article_status(article.pk)[0] == ArticleStatus.REVIEW

    # --- 6. The editor schedules it one minute ahead (定时签发), in Beijing time as the form takes it. ---
    ep.goto(f"{base}/admin/")
    with ep.expect_navigation():
        desk_list(ep, "review").get_by_role("link", name=TITLE).click()
    # The input has minute precision: the minute boundary 30–90 s from now, so the absence is checked with room.
    publish_at = (datetime.now(BEIJING) + timedelta(seconds=90)).replace(second=0, microsecond=0)
    when_input = ep.locator(".workflow-panel form.workflow-form--schedule input[name=publish_at]")
    when_input.fill(publish_at.strftime("%Y-%m-%dT%H:%M"))
    when_input.blur()
    shoot(ep, "workflow-06-schedule")
    transition(ep, "schedule")
    status, published_at = article_status(article.pk)
    assert status == ArticleStatus.PUBLISHED and published_at == publish_at
    # The panel says when: "scheduled for <Beijing time>" (the words are translated; the time is data).
    assert publish_at.strftime("%Y-%m-%d %H:%M") in ep.locator(".workflow-panel h2 .state").inner_text()
    assert transitions_offered(ep) == {"schedule", "withdraw"}  # reschedule, or withdraw

    # --- 7. Not public yet: the article URL is a 404 and the front page does not list it. ---
    reader = open_desk(new_context).page
    article_url = f"{base}{article.get_absolute_url()}"
    assert reader.goto(article_url).status == 404
    front = reader.goto(f"{base}/")
    assert front.status == 200
    assert reader.get_by_role("link", name=OLDER_NEWS).is_visible()
    assert reader.get_by_role("link", name=TITLE).count() == 0
    shoot(reader, "workflow-07-scheduled-absent")
    assert datetime.now(BEIJING) < publish_at, "the checks above took longer than the margin"

    # --- 8. When its time comes it is public, with nothing else happening. Poll every 2 s. ---
    deadline = publish_at + timedelta(seconds=60)
    while True:
        checked_at = datetime.now(BEIJING)
        response = reader.goto(article_url)
        if response.status == 200:
            break
        assert response.status == 404
        assert checked_at < deadline, "the scheduled article did not appear within a minute of its time"
        reader.wait_for_timeout(2000)
    assert checked_at >= publish_at - timedelta(seconds=1), "public before its time"
    assert reader.locator("h1.story__title").inner_text() == TITLE
    story = reader.locator(".story__body").inner_text()
    assert FIX in story and FIRST_DRAFT[0] in story and DATELINE in story
    reader.goto(f"{base}/")
    latest = reader.locator(".front__latest .item__title a").all_inner_texts()
    assert latest[:2] == [TITLE, OLDER_NEWS]  # newest first, beside the older news
    reader.goto(article_url)
    shoot(reader, "workflow-08-published")

    # The log tells the story: who did what, from which state to which, with the comment.
    log = list(ArticleLog.objects.filter(article=article).order_by("at", "id").values_list(
        "action", "user__username", "from_status", "to_status", "comment"))  # fmt: skip
    assert log == [
        ("submit", lin.username, "draft", "review", ""),
        ("send_back", wang.username, "review", "draft", COMMENT),
        ("submit", lin.username, "draft", "review", ""),
        ("approve", wang.username, "review", "published", ""),
    ]
    # Mail went out on commit: the editor on each submission, the reporter on send back (with the comment)
    # and on approval.
    to_reporter = [m for m in mailoutbox if m.to == [lin.email]]
    to_editor = [m for m in mailoutbox if m.to == [wang.email]]
    assert len(to_editor) == 2 and all(TITLE in m.subject for m in to_editor)
    assert len(to_reporter) == 2 and all(TITLE in m.subject for m in to_reporter)
    assert COMMENT in to_reporter[0].body

    # No console errors on any admin page either person visited (CKEditor's pages included).
    for who, desk in (("reporter", reporter_desk), ("editor", editor_desk)):
        assert desk.admin_errors() == [], f"console errors on the {who}'s admin pages"
