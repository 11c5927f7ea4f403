"""The desk's live editing in a real browser (headless Chromium through Playwright), against a live server.

(a) Autosave survives a closed tab: a reporter changes the title and types into the body, the page autosaves
(every second here: EDITING_AUTOSAVE_SECONDS), the tab is closed without saving; opening the article again offers
the kept copy, restoring puts the edits back into the form, and saving keeps them (and drops the copy).
(b) Presence and take-over: editor A has the article open; editor B opening it sees A's name and the warning
that someone else is editing; B takes over, and A's page shows the blocking notice, stops editing, and keeps A's
unsaved title in one last autosave.

With SAVE_SCREENSHOTS=1 the offer to restore, B's view of who has the article open and A's page taken over are
saved as docs/screenshots/desk-03-autosave-restore.png, desk-04-presence.png and desk-05-taken-over.png for
docs/editors-guide.md.
"""

import re

import pytest

from articles.models import Article
from articles.policy import ensure_groups
from editing.models import DraftCopy
from tests.browser.test_editorial_loop import editor_body, login, open_desk, save_and_continue, shoot
from tests.factories import ArticleFactory, editor, reporter

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_TITLE = "云川市科技馆新展厅正式开放"
TYPED = "新展厅以身边的科学为主题，设有互动展项四十余件。"


def change_url(base, article) -> str:
    return f"{base}/admin/articles/article/{article.pk}/change/"


# The live server's test database is SQLite in memory with a shared cache: a write in one request thread can
# make a concurrent heartbeat or autosave fail with "database table is locked", which the site answers with its
# 503 page. The page ignores a failed beat or autosave and tries again at the next one; PostgreSQL has no such
# table locks.
SQLITE_TABLE_LOCK = re.compile(r"/admin/articles/article/\d+/(presence|autosave)/$")


def no_console_errors(desk):
    errors = [
        (url, text, source)
        for url, text, source in desk.admin_errors()
        if not (SQLITE_TABLE_LOCK.search(source) and "503" in text)
    ]
    assert errors == [], "console errors on the admin pages"


def kept_copy(page, user, article, holds, seconds=10) -> DraftCopy:
    """The user's autosaved copy once it holds what `holds` checks (autosaves arrive on their own time)."""
    for _ in range(seconds * 10):
        copy = DraftCopy.objects.filter(user=user, article=article).first()
        if copy is not None and holds(copy.data):
            return copy
        page.wait_for_timeout(100)
    pytest.fail(f"no autosaved copy as expected; last: {copy and copy.data}")


@pytest.fixture
def fast_desk(settings):
    settings.EDITING_AUTOSAVE_SECONDS = 1
    settings.EDITING_HEARTBEAT_SECONDS = 2


def test_autosave_is_offered_again_after_the_tab_is_closed(live_server, new_context, fast_desk):
    ensure_groups()  # transactional tests flush the tables the post_migrate receiver filled
    lin = reporter("linzhiyuan", first_name="知远", last_name="林")
    article = ArticleFactory(created_by=lin, title="云川市科技馆新展厅开放", body="<p>原来的正文。</p>")
    base = live_server.url

    first = open_desk(new_context)
    login(first, base, lin.username)
    page = first.page
    page.goto(change_url(base, article))
    assert page.locator("#desk-live [data-restore]").count() == 0
    body = editor_body(first)
    page.fill("#id_title", NEW_TITLE)
    body.click()
    page.keyboard.press("End")
    page.keyboard.type(TYPED, delay=5)
    page.wait_for_function(
        "() => document.querySelector('#desk-live [data-status]').textContent.trim() !== ''", timeout=10_000
    )  # "autosaved at …"
    copy = kept_copy(page, lin, article, lambda data: TYPED in data.get("body", ""))
    assert copy.data["title"] == NEW_TITLE
    no_console_errors(first)
    page.close()  # without saving

    second = open_desk(new_context)
    login(second, base, lin.username)
    page = second.page
    page.goto(change_url(base, article))
    assert page.input_value("#id_title") == article.title  # the form shows the saved article …
    banner = page.locator("#desk-live [data-restore]")
    assert banner.is_visible()  # … and offers the kept copy
    body = editor_body(second)
    shoot(page, "desk-03-autosave-restore")
    page.click("#desk-live [data-restore-button]")
    page.wait_for_function("() => document.querySelector('#desk-live [data-restore]').hidden")
    assert page.input_value("#id_title") == NEW_TITLE
    assert TYPED in body.inner_text()
    save_and_continue(page)
    article.refresh_from_db()
    assert article.title == NEW_TITLE and TYPED in article.body
    assert not DraftCopy.objects.filter(user=lin, article=article).exists()
    assert page.locator("#desk-live [data-restore]").count() == 0
    no_console_errors(second)


def two_editors_and_a_draft():
    """王启航 and 赵越, editors, and a reporter's draft for them to open."""
    ensure_groups()
    wang = editor("wangqihang", first_name="启航", last_name="王")
    zhao = editor("zhaoyue", first_name="越", last_name="赵")
    return wang, zhao, ArticleFactory(created_by=reporter("linzhiyuan"), title="青岚农业科学院发布春播指南")


def test_a_second_editor_sees_who_has_it_open_and_takes_over(live_server, new_context, settings):
    settings.EDITING_AUTOSAVE_SECONDS = 600  # only the last autosave on take-over runs in this test
    settings.EDITING_HEARTBEAT_SECONDS = 1
    wang, zhao, article = two_editors_and_a_draft()
    base = live_server.url

    a = open_desk(new_context)
    login(a, base, wang.username)
    a.page.goto(change_url(base, article))
    editor_body(a)
    assert a.page.locator("#desk-live [data-warning]").is_hidden()  # nobody else yet

    b = open_desk(new_context)
    login(b, base, zhao.username)
    b.page.goto(change_url(base, article))
    people = b.page.locator("#desk-live [data-people]")
    assert "王启航" in people.inner_text()
    assert b.page.locator("#desk-live [data-warning]").is_visible()
    assert "王启航" in b.page.locator("#desk-live [data-warning-text]").inner_text()
    # A's page learns of B at its next heartbeat.
    a.page.locator("#desk-live [data-warning]").wait_for(state="visible", timeout=5_000)
    assert "赵越" in a.page.locator("#desk-live [data-people]").inner_text()
    shoot(b.page, "desk-04-presence")

    # A changes the title and has not saved when B takes over.
    a.page.fill("#id_title", "春播指南（编辑甲未保存的修改）")
    b.page.click("#desk-live [data-take-over]")
    b.page.locator("#desk-live [data-warning]").wait_for(state="hidden", timeout=5_000)

    blocker = a.page.locator("#desk-live [data-taken-over]")
    blocker.wait_for(state="visible", timeout=5_000)
    assert "赵越" in blocker.inner_text()
    shoot(a.page, "desk-05-taken-over")
    assert a.page.evaluate("() => document.getElementById('article_form').inert") is True
    assert a.page.evaluate("() => CKEDITOR.instances.id_body.readOnly") is True
    kept_copy(a.page, wang, article, lambda data: data.get("title") == "春播指南（编辑甲未保存的修改）")
    assert Article.objects.get(pk=article.pk).title == "青岚农业科学院发布春播指南"  # nothing saved
    no_console_errors(a)
    no_console_errors(b)


def test_an_expired_login_is_said_and_the_page_keeps_its_text(live_server, new_context, fast_desk):
    ensure_groups()
    lin = reporter("linzhiyuan")
    article = ArticleFactory(created_by=lin, title="白塔镇智慧农业示范区通过验收")
    base = live_server.url
    desk = open_desk(new_context)
    login(desk, base, lin.username)
    page = desk.page
    page.goto(change_url(base, article))
    editor_body(desk)
    # Logged out elsewhere (another tab of the same browser).
    other = page.context.new_page()
    other.goto(f"{base}/admin/")
    with other.expect_navigation():
        other.click("#logout-form [type=submit]")
    other.close()
    page.fill("#id_title", NEW_TITLE)
    page.locator("#desk-live [data-expired]").wait_for(state="visible", timeout=5_000)
    assert page.url == change_url(base, article) and page.input_value("#id_title") == NEW_TITLE
    assert not DraftCopy.objects.exists()


def test_a_page_left_is_gone_from_the_others_at_their_next_heartbeat(live_server, new_context, settings):
    settings.EDITING_AUTOSAVE_SECONDS = 600
    settings.EDITING_HEARTBEAT_SECONDS = 1
    settings.EDITING_PRESENCE_SECONDS = 600  # without the word the closing page sends, it would stay listed
    wang, zhao, article = two_editors_and_a_draft()
    base = live_server.url

    a = open_desk(new_context)
    login(a, base, wang.username)
    a.page.goto(change_url(base, article))
    editor_body(a)
    b = open_desk(new_context)
    login(b, base, zhao.username)
    b.page.goto(change_url(base, article))
    warning = b.page.locator("#desk-live [data-warning]")
    assert warning.is_visible() and "王启航" in b.page.locator("#desk-live [data-people]").inner_text()

    a.page.goto(f"{base}/admin/")  # A leaves the article
    warning.wait_for(state="hidden", timeout=5_000)
    assert "王启航" not in b.page.locator("#desk-live [data-people]").inner_text()
    no_console_errors(a)
    no_console_errors(b)
