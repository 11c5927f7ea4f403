"""Rich text is sanitized whenever it is saved, whatever path writes it."""

import pytest

from articles.models import Article
from articles.richtext import sanitize_html
from tests.factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db

HOSTILE = (
    '<p onclick="steal()">导语<script>alert(1)</script></p>'
    '<a href="javascript:alert(1)">链接</a><a href="https://example.org/x">正常链接</a>'
    '<img src="data:image/png;base64,AAAA" onerror="x()"><img src="https://example.org/a.jpg" alt="图">'
    '<iframe src="https://evil.example"></iframe><object data="x"></object><embed src="y">'
    '<form action="/x"><input name="a"></form><p style="color:red">带样式</p>'
    "<h2>小标题</h2><ul><li>一</li></ul><blockquote>引文</blockquote><table><tr><td>格</td></tr></table>"
    "<strong>重</strong><em>斜</em>"
)


def assert_clean(html: str):
    lowered = html.lower()
    for bad in ("<script", "onclick", "onerror", "javascript:", "data:", "<iframe", "<object", "<embed",
                "<form", "<input", "style="):  # fmt: skip
        assert bad not in lowered, bad


def test_sanitize_keeps_what_news_needs_and_drops_the_rest():
    clean = sanitize_html(HOSTILE)
    assert_clean(clean)
    for kept in ("<p>导语", "<h2>小标题</h2>", "<li>一</li>", "<blockquote>引文</blockquote>", "<td>格</td>",
                 "<strong>重</strong>", "<em>斜</em>", 'href="https://example.org/x"', 'src="https://example.org/a.jpg"'):  # fmt: skip
        assert kept in clean, kept
    assert 'rel="noopener noreferrer"' in clean


def test_body_is_stored_clean_on_save():
    article = ArticleFactory(body=HOSTILE)
    stored = Article.objects.values_list("body", flat=True).get(pk=article.pk)
    assert_clean(stored)
    assert "<h2>小标题</h2>" in stored


def test_body_is_stored_clean_on_update_and_bulk_create():
    article = ArticleFactory()
    article.body = HOSTILE
    article.save(update_fields=["body"])
    assert_clean(Article.objects.get(pk=article.pk).body)
    [bulk] = Article.objects.bulk_create([Article(title="批量", body=HOSTILE, created_by=UserFactory())])
    assert_clean(Article.objects.get(title="批量").body)


def test_empty_body_is_empty():
    assert sanitize_html(None) == "" and sanitize_html("") == ""
