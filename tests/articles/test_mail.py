"""Workflow mail (articles/notifications.py): text and HTML, the recipients greeted by name, links to the
article's admin page and its preview as absolute URLs (ADMIN_BASE_URL; there is no request after the commit)."""

import pytest
from django.core import mail

from articles import workflow
from tests.factories import ArticleFactory, editor, reporter

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(settings):
    settings.ADMIN_BASE_URL = "https://cms.example.cn/"
    return {
        "owner": reporter("lin", first_name="知远", last_name="林", email="lin@example.com"),
        "desk": editor("desk", first_name="启航", last_name="王", email="wang@example.com"),
        "chief": editor("chief", email="chief@example.com"),  # no name: the user name
    }


def _parts(message):
    ((html, mimetype),) = message.alternatives
    assert mimetype == "text/html"
    return message.body, html


def test_a_sent_back_article_mails_its_reporter_by_name_with_links(
    people, django_capture_on_commit_callbacks
):
    article = ArticleFactory(created_by=people["owner"], title="县域科普场馆调查")
    workflow.submit(article, people["owner"])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.send_back(article, people["desk"], "请补充三个县的参观人数 <b>务必</b>")
    (sent,) = mail.outbox
    assert sent.to == ["lin@example.com"]
    assert "县域科普场馆调查" in sent.subject
    text, html = _parts(sent)
    change = f"https://cms.example.cn/admin/articles/article/{article.pk}/change/"
    preview = f"https://cms.example.cn/admin/articles/article/{article.pk}/preview/"
    for part in (text, html):
        assert "林知远，您好" in part
        assert "王启航" in part  # who sent it back, by name
        assert change in part and preview in part
    assert "请补充三个县的参观人数 <b>务必</b>" in text  # plain text as typed
    assert "&lt;b&gt;务必&lt;/b&gt;" in html and "<b>" not in html  # escaped in HTML
    assert f'href="{change}"' in html and f'href="{preview}"' in html
    assert "打开稿件" in text and "预览" in text


def test_a_submission_greets_every_editor_it_is_sent_to(people, django_capture_on_commit_callbacks):
    article = ArticleFactory(created_by=people["owner"])
    with django_capture_on_commit_callbacks(execute=True):
        workflow.submit(article, people["owner"])
    (sent,) = mail.outbox
    assert sorted(sent.to) == ["chief@example.com", "wang@example.com"]
    text, html = _parts(sent)
    assert "王启航" in text and "chief" in text and "您好" in html


def test_links_fall_back_to_the_newspaper_url(people, settings, django_capture_on_commit_callbacks):
    settings.ADMIN_BASE_URL = ""
    settings.NEWSPAPER_URL = "https://www.example.cn"
    article = ArticleFactory(created_by=people["owner"])
    with django_capture_on_commit_callbacks(execute=True):
        workflow.submit(article, people["owner"])
    text, _html = _parts(mail.outbox[0])
    assert f"https://www.example.cn/admin/articles/article/{article.pk}/change/" in text


def test_mail_is_in_the_newsrooms_language_whoever_acts(people, django_capture_on_commit_callbacks):
    from django.utils import translation

    article = ArticleFactory(created_by=people["owner"], title="外审稿件")
    workflow.submit(article, people["owner"])
    mail.outbox.clear()
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        workflow.send_back(article, people["desk"], "请核实")
    text, _html = _parts(mail.outbox[0])
    assert "林知远，您好" in text
