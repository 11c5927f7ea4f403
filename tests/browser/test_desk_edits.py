"""The desk's edits in a real browser (headless Chromium through Playwright), in the Chinese admin.

A button never loses text: a reporter edits the title and presses 提交审核, and the new title is saved with the
transition; with the title emptied, nothing is saved or submitted and the edit is still in the form. Leaving the
page with unsaved edits asks first. Conflicts are resolved, never overwritten: two editors open one article, A
saves a new 引题, B's save of another field is refused with the fields side by side, B's 保存 again is refused
again, and B's resolution (A's 引题, B's own field) keeps both changes.

With SAVE_SCREENSHOTS=1 the conflict panel is saved as docs/screenshots/desk-02-conflict.png for
docs/editors-guide.md.

The new words of these pages may not be translated yet: the steps find them by their form names, not their text.
"""

import pytest
import reversion

from articles.models import Article, ArticleStatus
from articles.policy import ensure_groups
from tests.browser.test_editorial_loop import editor_body, login, open_desk, save_and_continue, shoot
from tests.factories import ArticleFactory, IssuePageFactory, editor, reporter

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def change_page(base: str, article: Article) -> str:
    return f"{base}/admin/articles/article/{article.pk}/change/"


def open_article(desk, base, article):
    desk.page.goto(change_page(base, article))
    desk.page.wait_for_selector("#article_form")


def no_admin_errors(*desks):
    for desk in desks:
        assert desk.admin_errors() == [], "console errors on admin pages"


@pytest.fixture
def lin():
    ensure_groups()  # transactional tests flush the tables the post_migrate receiver filled
    return reporter("linzhiyuan", first_name="知远", last_name="林")


def test_submit_saves_the_edited_title_and_an_invalid_form_loses_nothing(live_server, new_context, lin):
    base = live_server.url
    article = ArticleFactory(created_by=lin, title="青岚省科协举办培训班", subtitle="为期三天")
    desk = open_desk(new_context)
    login(desk, base, lin.username)
    page = desk.page
    open_article(desk, base, article)

    # An invalid form: the title emptied, the subtitle changed, then 提交审核.
    page.fill("#id_title", "")
    page.fill("#id_subtitle", "为期三天的集中培训")
    with page.expect_navigation():
        page.get_by_role("button", name="提交审核").click()
    assert page.locator(".errornote").is_visible()
    assert page.input_value("#id_subtitle") == "为期三天的集中培训"  # the edit is still in the form
    fresh = Article.objects.get(pk=article.pk)
    assert (fresh.status, fresh.title, fresh.subtitle) == (
        ArticleStatus.DRAFT,
        "青岚省科协举办培训班",
        "为期三天",
    )

    # Enter in a field saves, as on any admin form: it never presses a workflow button.
    page.fill("#id_title", "青岚省科协举办基层科普培训班")
    with page.expect_navigation():
        page.press("#id_title", "Enter")
    assert Article.objects.get(pk=article.pk).status == ArticleStatus.DRAFT

    # Leaving with unsaved edits asks first; staying keeps them.
    open_article(desk, base, article)
    page.click("#id_title")
    page.keyboard.press("End")
    page.keyboard.type("骨干")
    dialogs = []

    def stay(dialog):
        dialogs.append(dialog.type)
        dialog.dismiss()

    page.once("dialog", stay)
    page.locator("a.historylink").click(no_wait_after=True)
    page.wait_for_timeout(500)
    assert dialogs == ["beforeunload"]
    assert page.url == change_page(base, article)
    assert page.input_value("#id_title") == "青岚省科协举办基层科普培训班骨干"

    # The edited title, then 提交审核: saved together with the transition; no question on the way out.
    page.fill("#id_title", "青岚省科协举办基层科普骨干培训班")
    page.on("dialog", lambda dialog: dialogs.append(dialog.type) or dialog.dismiss())
    with page.expect_navigation():
        page.get_by_role("button", name="提交审核").click()
    assert dialogs == ["beforeunload"]
    assert page.url.startswith(f"{base}/admin/articles/article/") and "/change/" not in page.url
    fresh = Article.objects.get(pk=article.pk)
    assert (fresh.status, fresh.title) == (ArticleStatus.REVIEW, "青岚省科协举办基层科普骨干培训班")
    no_admin_errors(desk)


def test_two_editors_conflict_resolved_never_overwritten(live_server, new_context):
    ensure_groups()
    a, b = (
        editor("wangqihang", first_name="启航", last_name="王"),
        editor("zhaoyi", first_name="一", last_name="赵"),
    )
    with reversion.create_revision():  # as an article saved in the admin has its revision
        article = ArticleFactory(
            created_by=a, kicker="聚焦科普", title="云川市启动全国科普日活动", subtitle=""
        )
    base = live_server.url
    desk_a, desk_b = open_desk(new_context), open_desk(new_context)
    login(desk_a, base, a.username)
    login(desk_b, base, b.username)
    open_article(desk_a, base, article)
    open_article(desk_b, base, article)
    pa, pb = desk_a.page, desk_b.page

    # A saves a new 引题.
    pa.fill("#id_kicker", "聚焦“科普服务进基层”")
    with pa.expect_navigation():
        pa.click("input[name=_continue]")
    assert Article.objects.get(pk=article.pk).kicker == "聚焦“科普服务进基层”"

    # B, from the version opened before, changes the subtitle and saves: refused, the fields side by side.
    pb.fill("#id_subtitle", "全市将开展科普讲座和场馆开放日")
    with pb.expect_navigation():
        pb.click("input[name=_continue]")
    panel = pb.locator("#conflict")
    assert panel.is_visible()
    assert set(panel.locator("tr.conflict-row").evaluate_all("rows => rows.map(r => r.dataset.field)")) == {
        "kicker",
        "subtitle",
    }
    kicker_row = panel.locator("tr[data-field=kicker]")
    assert "科普服务进基层" in kicker_row.locator("td.conflict-theirs").inner_text()
    assert "科普服务进基层" not in kicker_row.locator("td.conflict-mine").inner_text()
    assert "场馆开放日" in panel.locator("tr[data-field=subtitle] td.conflict-mine").inner_text()
    assert pb.input_value("#id_subtitle") == "全市将开展科普讲座和场馆开放日"
    shoot(pb, "desk-02-conflict", top="#conflict")

    # B presses 保存 again on that page: refused again, A's 引题 survives.
    pb.on("dialog", lambda dialog: dialog.accept())  # the refused form holds unsaved text: leave anyway
    with pb.expect_navigation():
        pb.click("input[name=_save]")
    assert pb.locator("#conflict").is_visible()
    fresh = Article.objects.get(pk=article.pk)
    assert (fresh.kicker, fresh.subtitle) == ("聚焦“科普服务进基层”", "")

    # B resolves: A's 引题, B's subtitle; both changes are kept.
    pb.check("input[name=_take_kicker][value=theirs]")
    pb.check("input[name=_take_subtitle][value=mine]")
    with pb.expect_navigation():
        pb.click("button[name=_resolve_conflict]")
    assert pb.locator("#conflict").count() == 0 and pb.locator(".errornote").count() == 0
    fresh = Article.objects.get(pk=article.pk)
    assert (fresh.kicker, fresh.subtitle) == ("聚焦“科普服务进基层”", "全市将开展科普讲座和场馆开放日")
    assert pb.input_value("#id_kicker") == "聚焦“科普服务进基层”"
    no_admin_errors(desk_a, desk_b)


def test_leaving_asks_only_when_something_was_changed(live_server, new_context, lin):
    """Clicking about the page, into a field and into the body's editor changes nothing: leaving does not ask
    (the editor writes its text back into its textarea with a line end of its own). Nor does leaving right after
    保存并继续编辑. A word typed into the body, and leaving asks."""
    base = live_server.url
    article = ArticleFactory(created_by=lin, title="青岚省科协举办培训班", body="<p>培训为期三天。</p>")
    desk = open_desk(new_context)
    login(desk, base, lin.username)
    page = desk.page
    dialogs = []
    page.on("dialog", lambda dialog: dialogs.append(dialog.type) or dialog.dismiss())

    def leave_for_history():
        with page.expect_navigation():
            page.locator("a.historylink").click()

    open_article(desk, base, article)
    body = editor_body(desk)
    page.click("#id_title")
    body.click()
    page.locator("#content h1, #content h2").first.click()
    page.wait_for_timeout(300)
    leave_for_history()
    assert dialogs == [] and page.url.endswith("/history/")

    open_article(desk, base, article)
    page.fill("#id_subtitle", "面向基层科普骨干")
    save_and_continue(page)
    editor_body(desk)
    leave_for_history()
    assert dialogs == [] and page.url.endswith("/history/")

    open_article(desk, base, article)
    editor_body(desk).click()
    page.keyboard.press("End")
    page.keyboard.type("学员来自全省各地。")
    page.locator("a.historylink").click(no_wait_after=True)
    page.wait_for_timeout(500)
    assert dialogs == ["beforeunload"]
    assert page.url == change_page(base, article)
    no_admin_errors(desk)


@pytest.mark.parametrize("width", [1280, 360])
def test_an_issue_with_its_pages_fits_the_screen(live_server, new_context, width):
    """The issue's change page with its table of pages (版): the page is never wider than the screen, the
    table scrolls inside it."""
    ensure_groups()
    chief = editor("chief")
    page = IssuePageFactory(name="要闻")
    for number, name in ((2, "综合"), (3, "科普天地"), (4, "观点")):
        IssuePageFactory(issue=page.issue, number=number, name=name)
    desk = open_desk(lambda: new_context(viewport={"width": width, "height": 900}))
    login(desk, live_server.url, chief.username)
    desk.page.goto(f"{live_server.url}/admin/articles/issue/{page.issue.pk}/change/")
    desk.page.wait_for_selector("#pages-group")
    assert desk.page.evaluate("document.documentElement.scrollWidth") <= width
    no_admin_errors(desk)
