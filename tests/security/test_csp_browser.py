"""The Content-Security-Policy, checked where it matters: in a real browser (headless Chromium).

- The admin's article form works under the admin policy with no violation: CKEditor starts, takes typing, opens
  its image, link and table dialogs, switches to source and back, and uploads an image over XHR with the CSRF
  token. That is what proves the admin policy is wide enough; the header test proves it is no wider.
- Public pages (home, issue, article) run under the strict public policy with no violation at all: no inline
  script, no inline style, nothing from elsewhere. Hostile text stored in an article's fields stays inert.
"""

import datetime
import re

import pytest
from django.test import Client
from django.utils import timezone

from articles.models import Article, ArticleStatus, Issue, IssuePage, Section
from tests.browser.conftest import browser, new_context  # noqa: F401  (the shared real-browser fixtures)
from tests.factories import editor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIOLATION_LISTENER = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', e => {
  window.__csp.push(e.effectiveDirective + ' blocked ' + (e.blockedURI || 'inline') + ' ' + (e.sample || ''));
});
"""
CSP_MESSAGE = re.compile(r"Content Security Policy|Content-Security-Policy", re.IGNORECASE)


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


def test_admin_article_form_and_editor_work_under_the_admin_policy(new_context, live_server):  # noqa: F811
    context = _logged_in_context(new_context, live_server, editor("csp_editor"))
    page = context.new_page()
    problems = _watch(page)
    response = page.goto(live_server.url + "/admin/articles/article/add/")
    policy = response.headers["content-security-policy"]
    assert "'unsafe-eval'" not in policy and "script-src 'self';" in policy + ";"

    has_editor = page.evaluate("() => !!(window.CKEDITOR && CKEDITOR.instances.id_body)")
    assert has_editor, (
        "CKEditor is not on the article form: the body renders as a plain textarea, so the admin policy "
        "cannot be verified (the admin's TextField widget override wins over SanitizedHTMLField's widget)"
    )
    page.wait_for_function("() => CKEDITOR.instances.id_body.status === 'ready'")

    page.locator("#cke_id_body .cke_wysiwyg_div").click()
    page.keyboard.type("本报讯 青岚省科协近日在云川市举办科普骨干培训班。")
    for button in ("image", "link", "table"):
        page.click(f"#cke_id_body a.cke_button__{button}")
        page.wait_for_function("() => !!CKEDITOR.dialog.getCurrent()")
        page.locator(".cke_dialog_ui_button_cancel:visible").click()
        page.wait_for_function("() => !CKEDITOR.dialog.getCurrent()")
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
    assert upload[0] == "uploaded" and upload[1].startswith("/media/editor/"), upload
    assert "青岚省科协" in page.evaluate("() => CKEDITOR.instances.id_body.getData()")
    assert _violations(page, problems) == []


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
