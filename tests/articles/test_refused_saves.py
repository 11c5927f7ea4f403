"""A refused save of the article form keeps its text (articles/admin/refusals.py).

Refusals the form itself makes (invalid fields, a stale version, a refused workflow button) are tested in
test_save_and_transition.py and test_conflicts.py. Here: the two that come from outside the form — the author
may no longer change the article (it went to review meanwhile), and the database stayed busy past its wait.
"""

from unittest import mock

import pytest
from django.contrib.messages import ERROR, get_messages
from django.db import OperationalError, connection

from articles import workflow
from articles.admin.article import ArticleAdmin
from articles.models import Article, StaleEdit
from tests.articles.test_admin_workflow import change_url, form_data
from tests.factories import ArticleFactory, editor, reporter

pytestmark = pytest.mark.django_db

TITLE, BODY = "青川县乡村科普驿站投入使用", "<p>记者在提交前最后补写的一段：驿站每周开放五天。</p>"


@pytest.fixture
def owner():
    return reporter("lin_zhiyuan")


@pytest.fixture
def desk():
    return editor("wang_qihang")


@pytest.fixture
def draft(owner):
    return ArticleFactory(created_by=owner, title="青川县建成首个乡村科普驿站", body="<p>旧正文。</p>")


def test_a_save_refused_because_the_draft_went_to_review_shows_the_text_and_keeps_it(
    client, owner, desk, draft
):
    loaded = form_data(draft, title=TITLE, body=BODY)  # the reporter's form, opened while it was a draft
    workflow.submit(draft, desk)  # meanwhile an editor submits it for review
    client.force_login(owner)

    response = client.post(change_url(draft), loaded)

    assert response.status_code == 403  # still a refusal...
    page = response.content.decode()
    assert 'id="refused-text"' in page  # ...but the article's page, with the posted text
    assert TITLE in page and "驿站每周开放五天" in page
    assert any(m.level == ERROR for m in get_messages(response.wsgi_request))
    assert 'name="_save"' not in page  # read-only now: nothing to save
    kept = StaleEdit.objects.get(article=draft, user=owner)
    assert kept.data["title"] == TITLE and kept.data["body"] == BODY
    assert kept.based_on_version == draft.version
    draft.refresh_from_db()
    assert (draft.title, draft.status, draft.version) == ("青川县建成首个乡村科普驿站", "review", 1)


def test_the_same_refused_text_is_kept_once(client, owner, desk, draft):
    loaded = form_data(draft, title=TITLE, body=BODY)
    workflow.submit(draft, desk)
    client.force_login(owner)
    for _ in range(2):
        assert client.post(change_url(draft), loaded).status_code == 403
    assert StaleEdit.objects.filter(article=draft, user=owner).count() == 1


def test_a_post_on_an_article_the_user_cannot_see_stays_a_plain_refusal(client, draft):
    stranger = reporter("zhou_xiaochuan")
    client.force_login(stranger)
    response = client.post(change_url(draft), form_data(draft, title=TITLE))
    assert response.status_code in (302, 403, 404)
    assert TITLE.encode() not in response.content and draft.title.encode() not in response.content
    assert not StaleEdit.objects.exists()


BUSY = OperationalError("database is locked")


def test_a_save_the_busy_database_refuses_comes_back_in_the_form(client, desk, draft):
    client.force_login(desk)
    with mock.patch.object(ArticleAdmin, "save_model", side_effect=BUSY):
        response = client.post(change_url(draft), form_data(draft, title=TITLE, body=BODY))
    assert response.status_code == 503 and response["Retry-After"] == "5"
    page = response.content.decode()
    assert 'id="article_form"' in page and f'value="{TITLE}"' in page
    assert response.context["adminform"].form.non_field_errors()  # says why
    draft.refresh_from_db()
    assert (draft.title, draft.version) == ("青川县建成首个乡村科普驿站", 1)
    # The same form, sent again once the database is free, saves.
    assert client.post(change_url(draft), form_data(draft, title=TITLE, body=BODY)).status_code == 302
    draft.refresh_from_db()
    assert draft.title == TITLE


def test_a_new_article_the_busy_database_refuses_comes_back_in_the_form(client, owner):
    client.force_login(owner)
    data = {**form_data(Article(title=TITLE, body=BODY)), "based_on_version": ""}
    with mock.patch.object(ArticleAdmin, "save_model", side_effect=BUSY):
        response = client.post("/admin/articles/article/add/", data)
    assert response.status_code == 503
    assert f'value="{TITLE}"' in response.content.decode()
    assert not Article.objects.exists()


def test_showing_the_change_page_and_the_list_opens_no_transaction(client, desk, draft):
    """On SQLite a transaction takes the write lock: a page only shown must not wait for someone's save."""
    client.force_login(desk)
    depth = len(connection.atomic_blocks)  # the test's own transaction
    seen = []
    render = ArticleAdmin.render_change_form

    def spy(self, request, *args, **kwargs):
        seen.append(len(connection.atomic_blocks) - depth)
        return render(self, request, *args, **kwargs)

    with mock.patch.object(ArticleAdmin, "render_change_form", spy):
        assert client.get(change_url(draft)).status_code == 200
        assert client.get("/admin/articles/article/add/").status_code == 200
    assert seen == [0, 0]
