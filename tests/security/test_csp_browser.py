"""The Content-Security-Policy, checked where it matters: in a real browser (headless Chromium).

- The admin runs scripts under the public site's rule, 'self' only: no inline <script>, no event-handler
  attributes, no eval. CKEditor 4 writes its UI with inline handlers; static/articles/admin/ckeditor-csp.js
  turns them into listeners. The article change form, opened by an editor and by a reporter, works with no
  violation at all: Bold on selected text, the Format combo (a panel in an iframe), the link dialog, the image
  dialog's Upload tab (its file field is an iframe CKEditor fills with an inline script, replaced too), the
  table dialog and the table's context menu, the toolbar by keyboard, the elements path, the resizer, source
  mode, and an XHR upload with the CSRF token. Without ckeditor-csp.js the same toolbar is dead and the policy
  reports it: the shim, not a loophole, is what makes the editor work.
- Public pages (home, issue, article) run under the strict public policy with no violation at all: no inline
  script, no inline style, nothing from elsewhere. Hostile text stored in an article's fields stays inert.
"""

import datetime
import re

import pytest
from django.test import Client
from django.utils import timezone

from articles.models import Article, ArticleStatus, Issue, IssuePage, Section
from articles.policy import ensure_groups
from tests.browser.conftest import browser, new_context  # noqa: F401  (the shared real-browser fixtures)
from tests.factories import ArticleFactory, editor, image_file, reporter

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIOLATION_LISTENER = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', e => {
  window.__csp.push(e.effectiveDirective + ' blocked ' + (e.blockedURI || 'inline') + ' ' + (e.sample || ''));
});
"""
CSP_MESSAGE = re.compile(r"Content Security Policy|Content-Security-Policy", re.IGNORECASE)
SHIM = "**/articles/admin/ckeditor-csp.js"
# The desk's heartbeat and autosave write to the database on their own time, up to the beacon sent as the page
# closes; with the live server's in-memory SQLite that can lock a table under the flush that ends the test.
# Their scripts still run here; only their requests are cut (they ignore a failed request, and skip the beacon
# where the browser has none).
DESK_WRITES = re.compile(r"/admin/articles/article/\d+/(presence|autosave)/$")
NO_BEACON = "Object.defineProperty(Navigator.prototype, 'sendBeacon', {value: undefined});"


def _watch(page):
    """Collect CSP violations from the console (every frame) and page errors."""
    problems = []
    page.on("console", lambda m: problems.append(m.text) if CSP_MESSAGE.search(m.text) else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    return problems


def _logged_in_context(new_context, live_server, user):  # noqa: F811
    client = Client()
    client.force_login(user)
    context = new_context()
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    context.add_init_script(VIOLATION_LISTENER)
    return context


def _violations(page, problems):
    return [*problems, *page.evaluate("() => window.__csp || []")]


def _directives(policy: str) -> dict[str, list[str]]:
    parts = (part.split() for part in policy.split(";") if part.strip())
    return {name: values for name, *values in parts}


def _open_body_editor(new_context, live_server, user, article, without_shim=False):  # noqa: F811
    """The article's change form with CKEditor ready: (page, problems, the response's policy)."""
    context = _logged_in_context(new_context, live_server, user)
    context.route(DESK_WRITES, lambda route: route.abort())
    context.add_init_script(NO_BEACON)
    if without_shim:
        context.route(SHIM, lambda route: route.fulfill(body="", content_type="text/javascript"))
    page = context.new_page()
    problems = _watch(page)
    response = page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/change/")
    assert response.status == 200
    has_editor = page.evaluate("() => !!(window.CKEDITOR && CKEDITOR.instances.id_body)")
    assert has_editor, (
        "CKEditor is not on the article form: the body renders as a plain textarea, so the admin policy "
        "cannot be verified (the admin's TextField widget override wins over SanitizedHTMLField's widget)"
    )
    page.wait_for_function("() => CKEDITOR.instances.id_body.status === 'ready'")
    return page, problems, response.headers["content-security-policy"]


def _data(page) -> str:
    return page.evaluate("() => CKEDITOR.instances.id_body.getData()")


def _select_paragraph(page, index: int):
    page.evaluate(
        """index => {
            const editor = CKEDITOR.instances.id_body;
            const range = editor.createRange();
            range.selectNodeContents(editor.editable().find('p').getItem(index));
            editor.getSelection().selectRanges([range]);
        }""",
        index,
    )


def _open_dialog(page, button: str):
    page.click(f"#cke_id_body a.cke_button__{button}")
    page.wait_for_function("() => !!CKEDITOR.dialog.getCurrent()")


def _close_dialog(page, which: str = "ok"):
    page.locator(f".cke_dialog_ui_button_{which}:visible").click()
    page.wait_for_function("() => !CKEDITOR.dialog.getCurrent()")


def _dialog_field(page, tab: str, field: str):
    """The <input> of one dialog field, found through CKEditor's dialog API (its id is generated)."""
    input_id = page.evaluate(
        "([tab, field]) => CKEDITOR.dialog.getCurrent().getContentElement(tab, field).getInputElement().$.id",
        [tab, field],
    )
    return page.locator(f"#{input_id}")


def _exercise_the_editor(page):
    """Every kind of CKEditor UI built with inline handlers, used as a person would, checked in the data."""
    # Bold on selected text (the toolbar button's onclick).
    _select_paragraph(page, 0)
    page.click("#cke_id_body a.cke_button__bold")
    assert "<p><strong>3月12日" in _data(page)

    # The Format combo: a list in a floating panel, an iframe the editor writes (body onload, item onclick).
    page.click("#cke_id_body .cke_combo__format a.cke_combo_button")
    panel = page.frame_locator(".cke_combopanel:visible iframe.cke_panel_frame")
    panel.get_by_role("option", name="标题 2").click()
    assert "<h2><strong>3月12日" in _data(page)

    # The link dialog on the second paragraph.
    _select_paragraph(page, 0)
    _open_dialog(page, "link")
    _dialog_field(page, "info", "url").fill("https://www.example.org/qinglan/kexie")
    _close_dialog(page)
    assert 'href="https://www.example.org/qinglan/kexie"' in _data(page)

    # The image dialog's Upload tab: the file field is an iframe; the upload goes over XHR with the CSRF
    # token, and the dialog comes back to its first tab with the uploaded picture's URL.
    _open_dialog(page, "image")
    page.locator(".cke_dialog_tab:visible", has_text="上传").click()
    photo = image_file("kexie.png", size=(64, 48))
    file_field = page.frame_locator(".cke_dialog iframe.cke_dialog_ui_input_file").locator("input[type=file]")
    file_field.set_input_files({"name": photo.name, "mimeType": "image/png", "buffer": photo.read()})
    page.locator(".cke_dialog_ui_fileButton:visible").click()
    url_field = _dialog_field(page, "info", "txtUrl")
    page.wait_for_function(
        "id => document.getElementById(id).value !== ''", arg=url_field.get_attribute("id")
    )
    uploaded = url_field.input_value()
    assert "/editor/" in uploaded and uploaded.endswith(".png"), uploaded
    _close_dialog(page)
    assert f'src="{uploaded}"' in _data(page)

    # The table dialog, then the table's context menu (menu items in a panel: onmouseover, onclick).
    page.locator("#cke_id_body .cke_wysiwyg_div").click()
    page.keyboard.press("Control+End")
    _open_dialog(page, "table")
    _close_dialog(page)
    assert "<table" in _data(page)
    page.locator("#cke_id_body .cke_wysiwyg_div td").first.click(button="right")
    menus = page.locator(".cke_menu_panel:visible iframe.cke_panel_frame")
    menu = menus.first.content_frame
    menu.locator("a.cke_menubutton__tablecell").hover()  # opens the cell submenu, a second panel
    menus.nth(1).wait_for()
    menu.locator("a.cke_menubutton__tabledelete").click()
    assert "<table" not in _data(page)

    # The toolbar by keyboard (onfocus, onkeydown): Alt+F10 focuses the Format combo, → moves to Bold.
    page.locator("#cke_id_body .cke_wysiwyg_div p").last.click()
    page.keyboard.press("Alt+F10")
    page.wait_for_function("() => document.activeElement.classList.contains('cke_combo_button')")
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => document.activeElement.classList.contains('cke_button__bold')")

    # The elements path (onclick) selects the element it names; the resizer (onmousedown) resizes.
    page.locator("#cke_id_body .cke_wysiwyg_div h2").click()
    page.locator("#cke_id_body a.cke_path_item", has_text="h2").click()
    page.wait_for_function(
        "() => CKEDITOR.instances.id_body.getSelection().getRanges()[0].getEnclosedNode()?.getName() === 'h2'"
    )
    contents = page.locator("#cke_id_body .cke_contents")
    before = contents.bounding_box()["height"]
    resizer = page.locator("#cke_id_body .cke_resizer").bounding_box()
    page.mouse.move(resizer["x"] + 4, resizer["y"] + 4)
    page.mouse.down()
    page.mouse.move(resizer["x"] + 4, resizer["y"] + 84, steps=5)
    page.mouse.up()
    assert contents.bounding_box()["height"] > before + 40

    # Source mode and back, and an upload by paste/drop (the same XHR path, driven through the API).
    page.click("#cke_id_body a.cke_button__source")
    page.wait_for_selector("#cke_id_body textarea.cke_source")
    page.click("#cke_id_body a.cke_button__source")
    page.wait_for_function("() => CKEDITOR.instances.id_body.mode === 'wysiwyg'")
    upload = page.evaluate(
        """async () => {
            const editor = CKEDITOR.instances.id_body;
            const canvas = document.createElement('canvas'); canvas.width = 40; canvas.height = 30;
            const ctx = canvas.getContext('2d'); ctx.fillStyle = '#2a6'; ctx.fillRect(0, 0, 40, 30);
            const blob = await new Promise(resolve => canvas.toBlob(resolve, 'image/png'));
            const loader = editor.uploadRepository.create(blob, 'canvas.png');
            loader.upload(editor.config.imageUploadUrl);
            for (let i = 0; i < 100 && !['uploaded', 'error', 'abort'].includes(loader.status); i++) {
                await new Promise(resolve => setTimeout(resolve, 100));
            }
            return [loader.status, loader.url || loader.message || ''];
        }"""
    )
    assert upload[0] == "uploaded" and "/editor/" in upload[1], upload


@pytest.mark.parametrize("role", ["editor", "reporter"])
def test_article_form_and_editor_work_under_the_admin_policy(new_context, live_server, role):  # noqa: F811
    ensure_groups()  # transactional tests flush the tables the post_migrate receiver filled
    user = {"editor": editor, "reporter": reporter}[role](f"csp_{role}")
    article = ArticleFactory(created_by=user)  # a draft of their own: a reporter may edit it too
    page, problems, policy = _open_body_editor(new_context, live_server, user, article)

    directives = _directives(policy)
    assert directives["script-src"] == ["'self'"]
    for name in ("default-src", "script-src", "script-src-elem", "script-src-attr"):
        loose = {"'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'"} & set(directives.get(name, []))
        assert not loose, f"{name} allows {loose}"
    leftover = page.evaluate(
        """() => [...document.querySelectorAll('#cke_id_body *')]
            .filter(el => [...el.attributes].some(a => a.name.startsWith('on'))).map(el => el.outerHTML)"""
    )
    assert leftover == [], "inline handlers left in the editor's toolbar"

    _exercise_the_editor(page)
    assert _violations(page, problems) == []


def test_without_the_shim_the_policy_blocks_ckeditors_handlers(new_context, live_server):  # noqa: F811
    ensure_groups()
    user = editor("csp_no_shim")
    article = ArticleFactory(created_by=user)
    page, problems, _policy = _open_body_editor(new_context, live_server, user, article, without_shim=True)
    _select_paragraph(page, 0)
    page.click("#cke_id_body a.cke_button__bold")
    assert "<strong>" not in _data(page)
    assert any("script-src-attr" in violation for violation in _violations(page, problems))


HOSTILE = {
    "kicker": '"><img src=x onerror="window.__xss=1">',
    "title": "青岚省科技成果转化大会召开<script>window.__xss=1</script>",
    "subtitle": "<svg onload=window.__xss=1>",
    "summary": '</p><iframe srcdoc="<script>parent.__xss=1</script>"></iframe>',
    "image_caption": "<style>body{display:none}</style>",
    "author_note": "作者系<a href=javascript:window.__xss=1>青岚大学</a>教授",
    "body": (
        "<p>本报讯 大会发布了一批重点科技成果。</p><script>window.__xss=1</script>"
        '<p style="color:red" onclick="window.__xss=1">现场签约项目<img src=x onerror=window.__xss=1></p>'
    ),
}


def test_public_pages_run_under_the_strict_policy(new_context, live_server):  # noqa: F811
    author = editor("csp_public_editor")
    issue = Issue.objects.create(number=1401, date=datetime.date(2026, 3, 6))
    page_one = IssuePage.objects.create(issue=issue, number=1, name="要闻")
    article = Article.objects.create(
        created_by=author,
        issue=issue,
        page=page_one,
        section=Section.objects.get_or_create(name="要闻")[0],
        dateline="本报讯",
        status=ArticleStatus.PUBLISHED,
        published_at=timezone.now() - datetime.timedelta(hours=1),
        **HOSTILE,
    )
    context = new_context()
    context.add_init_script(VIOLATION_LISTENER)
    page = context.new_page()
    problems = _watch(page)
    for path in ["/", "/issues/", issue.get_absolute_url(), article.get_absolute_url()]:
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        policy = response.headers["content-security-policy"]
        assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy
        assert page.evaluate("() => window.__xss") is None, f"a payload ran on {path}"
        assert _violations(page, problems) == [], path
    assert "青岚省科技成果转化大会召开" in page.content()
