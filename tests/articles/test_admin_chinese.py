"""The admin in Chinese, throughout: every page a reporter and an editor reach, rendered in zh-hans, shows no
untranslated English and no raw markup; history names fields and byline roles in Chinese; the read-only view
shows the body as HTML; tags split on Chinese punctuation; a mistyped address is a 404 in the admin's look;
share links are full URLs with a copy button and a revoke that asks first.

The sweep reads the visible text of each page (no script, style or attribute values) and flags ASCII words of
three letters or more that are not in ALLOWED: what remains is a string someone forgot to translate.
"""

import re
from html.parser import HTMLParser

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse
from reversion.models import Version

from articles import workflow
from articles.models import Article, ShareLink
from tests.articles.test_admin_workflow import form_data
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    EventFactory,
    IssueFactory,
    IssuePageFactory,
    OrganizationFactory,
    SectionFactory,
    editor,
    reporter,
)

pytestmark = pytest.mark.django_db

# Legitimate ASCII in a Chinese admin: abbreviations, product names, and this test's user names.
ALLOWED = {
    "PDF", "URL", "HTML", "CKEditor", "Django", "PNG", "JPEG", "JPG", "GIF", "WebP", "SVG", "CSV", "JSON",
    "RSS", "SEO", "API", "HTTP", "HTTPS", "UTF", "txt", "pdf", "www", "com", "example",
    "wangqh", "linzy",
}  # fmt: skip
SKIPPED_ELEMENTS = {"script", "style", "textarea", "template", "noscript", "title"}
WORD = re.compile(r"[A-Za-z][A-Za-z'’]{2,}")
RAW_MARKUP = re.compile(r"</?(p|br|div|span|strong|em|a|h[1-6]|ul|ol|li|b|i)\b[^>]*>", re.I)


class VisibleText(HTMLParser):
    """The text a reader of the page sees: no script, style, textarea (the rich-text editor's source),
    template or noscript content, no attribute values, nothing inside an element marked `hidden` or of the
    admin's class `hidden` (display: none). Visually hidden text (class visually-hidden) is read out by screen
    readers, so it counts."""

    VOID = {
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "source",
        "track",
        "wbr",
    }

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []
        self.chunks: list[str] = []

    def _skipping(self) -> bool:
        return any(skip for _tag, skip in self.stack)

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            return
        attributes = dict(attrs)
        hidden = "hidden" in attributes or "hidden" in (attributes.get("class") or "").split()
        self.stack.append((tag, tag in SKIPPED_ELEMENTS or hidden))

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                return

    def handle_data(self, data):
        if not self._skipping() and data.strip():
            self.chunks.append(data.strip())


def visible_text(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    return "\n".join(parser.chunks)


def problems(html: str) -> list[str]:
    text = visible_text(html)
    found = [f"raw markup: {m.group(0)}" for m in RAW_MARKUP.finditer(text)]
    for line in text.splitlines():
        words = [w for w in WORD.findall(line) if w not in ALLOWED]
        if words:
            found.append(f"untranslated: {line.strip()[:120]}")
    return found


# ----- a small newsroom, with revisions made through the admin -------------------------------------------------


def _edit_through_the_admin(client, article, **changes):
    """Save the article's change form as a person would (django-reversion keeps a revision with its message)."""
    article.refresh_from_db()
    data = form_data(
        article,
        tags=[t.pk for t in article.tags.all()],
        mentioned_organizations=[o.pk for o in article.organizations.all()],
        covered_events=[e.pk for e in article.events.all()],
        _continue="1",
    )
    del data["_save"]
    data.update(changes)
    response = client.post(reverse("admin:articles_article_change", args=[article.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]


@pytest.fixture
def newsroom():
    desk = editor("linzy", first_name="知远", last_name="林")
    writer = reporter("wangqh", first_name="启航", last_name="王")
    section = SectionFactory(name="要闻")
    issue = IssueFactory(number=2718)
    IssuePageFactory(issue=issue, number=1)
    author = AuthorFactory(name="苏晴")
    article = ArticleFactory(
        created_by=writer,
        title="青岚省量子通信干线全线贯通",
        section=section,
        tags=["量子科技"],
        organizations=[OrganizationFactory(name="青岚省科学技术协会")],
        events=[EventFactory(name="第十二届青岚科普讲解大赛")],
    )
    writing = Client()
    writing.force_login(writer)
    _edit_through_the_admin(writing, article, title="青岚省量子通信干线全线贯通运行")
    _edit_through_the_admin(
        writing,
        article,
        body="<p>本报讯 青岚省量子保密通信干线近日全线贯通。</p>",
        **{"bylines-TOTAL_FORMS": "1", "bylines-0-author": author.pk, "bylines-0-role": "reporter",
           "bylines-0-order": "0"},
    )  # fmt: skip
    workflow.submit(article, writer)
    ArticleFactory(created_by=writer, title="省科协启动科技志愿服务月", section=section, scheduled=True)
    return {"desk": desk, "writer": writer, "article": article, "issue": issue}


def _pages(newsroom, as_editor: bool) -> dict[str, str]:
    article, issue = newsroom["article"], newsroom["issue"]
    versions = list(Version.objects.get_for_object(article).order_by("pk"))
    pages = {
        "desk": reverse("admin:index"),
        "changelist": reverse("admin:articles_article_changelist"),
        "change": reverse("admin:articles_article_change", args=[article.pk]),
        "history": reverse("admin:articles_article_history", args=[article.pk]),
        "compare": reverse("admin:articles_article_compare", args=[article.pk])
        + f"?from={versions[0].pk}&to={versions[-1].pk}",
        "404": "/admin/articles/article/abc/change/",
        "404 history": "/admin/articles/article/abc/history/",
        "404 unknown": "/admin/no-such-page/",
    }
    if as_editor:
        pages["release"] = reverse("admin:articles_issue_release", args=[issue.pk])
        pages["import"] = reverse("admin:articles_issue_import")
        pages["403"] = reverse("admin:articles_article_share", args=[article.pk])  # a GET is refused
    else:
        pages["403"] = reverse("admin:articles_issue_add")
    return pages


EXPECTED_STATUS = {"403": 403, "404": 404, "404 history": 404, "404 unknown": 404}


@pytest.mark.parametrize("who", ["reporter", "editor"])
def test_every_admin_page_reads_in_chinese(newsroom, who):
    client = Client()
    client.force_login(newsroom["desk" if who == "editor" else "writer"])
    found = {}
    for name, url in _pages(newsroom, as_editor=who == "editor").items():
        response = client.get(url)
        assert response.status_code == EXPECTED_STATUS.get(name, 200), (name, url)
        assert response["Content-Language"] == "zh-hans"
        html = response.content.decode()
        if name.startswith(("403", "404")):
            assert 'id="header"' in html and "编辑工作台" in html, f"{name}: not in the admin's look"
        found.update({f"{name}: {p}": None for p in problems(html)})
    assert not found, f"{who}: English or raw markup in the admin:\n" + "\n".join(found)


def test_the_admin_500_page_is_chinese_in_the_admins_look():
    from newsroom.errors import server_error

    response = server_error(RequestFactory().get("/admin/articles/article/"))
    html = response.content.decode()
    assert response.status_code == 500 and "admin/css/base.css" in html and "服务器错误" in html
    assert not problems(html)
    public = server_error(RequestFactory().get("/2026/03/12/"))
    assert public.status_code == 500 and "admin/css/base.css" not in public.content.decode()


def test_public_error_pages_keep_the_readers_look(client):
    html = client.get("/no-such-page/").content.decode()
    assert 'id="header"' not in html and "error-page" in html


# ----- history: fields and byline roles in Chinese ------------------------------------------------------------


def test_history_names_changed_fields_and_byline_roles_in_chinese(newsroom):
    client = Client()
    client.force_login(newsroom["desk"])
    article = newsroom["article"]
    text = visible_text(
        client.get(reverse("admin:articles_article_history", args=[article.pk])).content.decode()
    )
    assert "已修改标题" in text
    assert "正文" in text and "本报记者 苏晴" in text
    assert "王启航" in text  # who saved each revision, by name
    assert "Title" not in text and "Staff reporter" not in text


# ----- the read-only view ----------------------------------------------------------------------------------


def test_a_reporter_reads_his_article_in_review_as_html_with_chinese_labels(newsroom):
    client = Client()
    client.force_login(newsroom["writer"])
    html = client.get(
        reverse("admin:articles_article_change", args=[newsroom["article"].pk])
    ).content.decode()
    assert "<p>本报讯 青岚省量子保密通信干线近日全线贯通。</p>" in html
    assert "&lt;p&gt;" not in html
    text = visible_text(html)
    for english in ("New tags", "Mentioned organizations", "Covered events", "None"):
        assert english not in text
    assert "量子科技" in text and "青岚省科学技术协会" in text and "第十二届青岚科普讲解大赛" in text


# ----- tags typed in 新标签 ----------------------------------------------------------------------------------


def test_new_tags_split_on_chinese_and_western_punctuation(newsroom):
    client = Client()
    client.force_login(newsroom["desk"])
    article = ArticleFactory(created_by=newsroom["desk"])
    _edit_through_the_admin(client, article, new_tags="量子科技，科普、人工智能；青岚; 航天,新材料")
    names = set(Article.objects.get(pk=article.pk).tags.names())
    assert names == {"量子科技", "科普", "人工智能", "青岚", "航天", "新材料"}


# ----- mistyped addresses --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "suffix", ["change/", "history/", "delete/", "history/compare/", "transition/submit/"]
)
def test_a_non_numeric_article_id_is_not_found(newsroom, suffix):
    client = Client(raise_request_exception=False)
    client.force_login(newsroom["desk"])
    # Addresses the admin does not know redirect to …/abc/change/ (Django's rule for old links): a 404 too.
    assert client.get(f"/admin/articles/article/abc/{suffix}", follow=True).status_code == 404


# ----- share links -------------------------------------------------------------------------------------------


def test_share_links_show_the_full_url_a_copy_button_and_a_revoke_that_asks_first(newsroom):
    client = Client()
    client.force_login(newsroom["desk"])
    article = newsroom["article"]
    client.post(reverse("admin:articles_article_share", args=[article.pk]))
    link = ShareLink.objects.get(article=article)
    html = client.get(reverse("admin:articles_article_change", args=[article.pk])).content.decode()
    block = html.split('class="share-links"', 1)[1].split("</section>", 1)[0]
    full_url = "http://testserver" + reverse("shared_preview", args=[link.token])
    assert re.search(rf'<input type="text"[^>]*readonly[^>]*value="{re.escape(full_url)}"', block, re.S)
    assert f'data-copy-target="share-link-{link.pk}"' in block and ">复制<" in block
    assert "articles/admin/copy-link.js" in html and "onclick" not in block
    assert "有效期至" in block
    # Revoking asks first: the button that revokes is inside a closed <details> whose summary asks.
    revoke = reverse("admin:articles_article_share_revoke", args=[article.pk, link.pk])
    details = block.split('<details class="share-link__revoke">', 1)[1].split("</details>", 1)[0]
    assert "<summary>" in details and f'action="{revoke}"' in details and "open" not in details.split(">")[0]
    # ... and stands apart from the workflow's buttons.
    assert html.index('class="share-links"') > html.index("workflow-panel")
    assert "workflow-actions" not in block
    client.post(revoke)
    link.refresh_from_db()
    assert link.revoked_at is not None


def test_a_byline_role_in_a_change_message_is_in_the_language_of_the_save(newsroom):
    article = newsroom["article"]
    comments = [v.revision.get_comment() for v in Version.objects.get_for_object(article)]
    assert any("本报记者 苏晴" in c for c in comments), comments


def test_django_messages_reworded_here_end_as_chinese_sentences():
    from django.utils import translation
    from django.utils.translation import gettext

    from core.locale import DJANGO_REWORDED

    with translation.override("zh-hans"):
        for message in DJANGO_REWORDED:
            assert gettext(message).endswith("。") and gettext(message) != message
        assert gettext("You may edit it again below.") == "你可以在下面再次编辑它。"
