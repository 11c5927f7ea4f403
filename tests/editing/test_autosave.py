"""Autosave: the change form's text kept per user and article, restored or discarded, gone after a save."""

import json

import pytest
from django.test import Client

from articles.models import Article, content_text_fields
from editing.autosave import AUTOSAVE_FIELDS
from editing.models import DraftCopy
from tests.editing.conftest import desk_url
from tests.factories import ArticleFactory, reporter
from tests.security.adminforms import admin_form_data

pytestmark = pytest.mark.django_db


def change_url(article):
    return desk_url("change", article)


def test_the_autosaved_fields_are_the_articles_text_fields():
    assert list(AUTOSAVE_FIELDS) == content_text_fields()
    assert set(AUTOSAVE_FIELDS) == {*Article.TEXT.fields, "image_alt", "image_caption", "image_credit"}


def test_a_post_keeps_one_copy_per_user_and_article_without_touching_the_article(as_user, lin, draft):
    client = as_user(lin)
    before = Article.objects.values().get(pk=draft.pk)
    for title in ("第一稿标题", "第二稿标题"):
        response = client.post(
            desk_url("autosave", draft),
            {
                "title": title,
                "body": "<p>新正文</p>",
                "based_on_version": draft.version,
                "status": "published",
            },
        )
        assert response.status_code == 200 and response.json()["kept"] is True
    copy = DraftCopy.objects.get()
    assert (copy.user, copy.article, copy.based_on_version) == (lin, draft, draft.version)
    assert copy.data == {"title": "第二稿标题", "body": "<p>新正文</p>"}  # nothing but the text fields
    assert Article.objects.values().get(pk=draft.pk) == before  # no save, no version, no status
    assert not draft.log.exists()


def test_a_copy_equal_to_the_saved_article_is_not_kept(as_user, lin, draft):
    client = as_user(lin)
    client.post(desk_url("autosave", draft), {"title": "改过的标题"})
    # CKEditor's own reformatting (line ends, indenting between tags) is not a change.
    reformatted = draft.body.replace("</p><p>", "</p>\r\n\r\n<p>")
    response = client.post(desk_url("autosave", draft), {"title": draft.title, "body": reformatted})
    assert response.json()["kept"] is False
    assert not DraftCopy.objects.exists()


def test_reopening_offers_the_copy_and_restore_answers_its_fields(as_user, lin, draft):
    client = as_user(lin)
    client.post(desk_url("autosave", draft), {"title": "恢复我", "based_on_version": draft.version})
    page = client.get(change_url(draft)).content.decode()
    assert "data-restore-button" in page and 'id="desk-live"' in page
    answer = client.get(desk_url("autosave", draft)).json()
    assert answer["data"] == {"title": "恢复我"} and answer["based_on_version"] == draft.version


def test_discard_deletes_the_copy(as_user, lin, draft):
    client = as_user(lin)
    client.post(desk_url("autosave", draft), {"title": "不要了"})
    assert client.post(desk_url("autosave_discard", draft)).json() == {"discarded": True}
    assert not DraftCopy.objects.exists()
    assert "data-restore-button" not in client.get(change_url(draft)).content.decode()
    assert client.get(desk_url("autosave", draft)).status_code == 404


def test_a_normal_save_deletes_the_savers_copy_only(as_user, lin, wang, draft):
    DraftCopy.objects.create(user=wang, article=draft, based_on_version=1, data={"title": "编辑的稿"},
                             saved_at=draft.updated_at)  # fmt: skip
    client = as_user(lin)
    client.post(desk_url("autosave", draft), {"title": "记者改的标题"})
    data = admin_form_data(client, change_url(draft), "article_form")
    data.update(title="记者改的标题", _continue="1")
    assert client.post(change_url(draft), data).status_code == 302
    assert list(DraftCopy.objects.values_list("user__username", flat=True)) == ["wang"]


def test_a_stale_copy_equal_to_the_article_is_not_offered(as_user, lin, draft):
    DraftCopy.objects.create(user=lin, article=draft, based_on_version=1, data={"title": draft.title},
                             saved_at=draft.updated_at)  # fmt: skip
    assert "data-restore-button" not in as_user(lin).get(change_url(draft)).content.decode()
    assert not DraftCopy.objects.exists()


def test_the_panel_carries_the_interval_from_settings(as_user, lin, draft, settings):
    settings.EDITING_AUTOSAVE_SECONDS = 2
    page = as_user(lin).get(change_url(draft)).content.decode()
    assert 'data-autosave-seconds="2"' in page
    assert 'data-can-edit="1"' in page


@pytest.mark.parametrize("method", ["get", "post"])
def test_another_reporters_article_is_a_404(client, draft, method):
    client.force_login(reporter("other"))
    response = getattr(client, method)(
        desk_url("autosave", draft), {"title": "x"} if method == "post" else {}
    )
    assert response.status_code == 404 and response.json() == {"error": "not_found"}
    assert not DraftCopy.objects.exists()


def test_no_autosave_without_edit_rights(as_user, lin):
    in_review = ArticleFactory(created_by=lin, review=True)
    client = as_user(lin)
    response = client.post(desk_url("autosave", in_review), {"title": "审核中不能改"})
    assert response.status_code == 403 and response.json() == {"error": "forbidden"}
    assert 'data-can-edit="0"' in client.get(change_url(in_review)).content.decode()


def test_an_expired_login_is_a_403_in_json(client, draft):
    for name in ("autosave", "autosave_discard", "presence", "take_over"):
        response = client.post(desk_url(name, draft), {"title": "x"})
        assert response.status_code == 403, name
        assert response["Content-Type"] == "application/json"
        assert json.loads(response.content) == {"error": "login"}


def test_the_csrf_token_is_checked_and_accepted_as_a_form_field(lin, draft):
    client = Client(enforce_csrf_checks=True)
    client.force_login(lin)
    url = desk_url("autosave", draft)
    assert client.post(url, {"title": "没有令牌"}).json() == {"error": "csrf"}
    client.get(change_url(draft))  # sets the CSRF cookie, as the page does
    token = client.cookies["csrftoken"].value
    # A beacon cannot set headers: the token comes as a form field.
    response = client.post(url, {"title": "带令牌", "csrfmiddlewaretoken": token})
    assert response.status_code == 200 and DraftCopy.objects.get().data == {"title": "带令牌"}


@pytest.mark.parametrize(
    "forged",
    [
        {"based_on_version": "abc"},
        {"based_on_version": "-1"},
        {"based_on_version": "99999999999999999999"},
        {"based_on_version": "١٢"},
        {"title": "nul\x00char", "body": "<script>alert(1)</script>" * 100},
        {"title": ["a", "b"], "unknown": "x"},
    ],
)
def test_forged_input_never_fails_the_server(as_user, lin, draft, forged):
    response = as_user(lin).post(desk_url("autosave", draft), forged)
    assert response.status_code in {200, 400}
    assert response["Content-Type"] == "application/json"
    for copy in DraftCopy.objects.all():
        assert "\x00" not in json.dumps(copy.data, ensure_ascii=False)


def test_other_methods_are_refused(as_user, lin, draft):
    client = as_user(lin)
    assert client.put(desk_url("autosave", draft)).status_code == 405
    assert client.get(desk_url("presence", draft)).status_code == 405


def test_a_save_refused_because_the_draft_went_to_review_becomes_the_copy_offered_back(
    as_user, lin, wang, draft
):
    """The reporter's last text, refused because an editor submitted the draft meanwhile (articles/admin/refusals.py),
    is the autosaved copy: offered again once the article is sent back."""
    from articles import workflow

    client = as_user(lin)
    data = admin_form_data(client, change_url(draft), "article_form")
    data.update(title="记者最后改的标题", _continue="1")
    workflow.submit(draft, wang)
    assert client.post(change_url(draft), data).status_code == 403
    copy = DraftCopy.objects.get(user=lin, article=draft)
    assert copy.data["title"] == "记者最后改的标题"
    workflow.send_back(draft, wang, "请补充数据")
    page = client.get(change_url(draft)).content.decode()
    assert "data-restore-button" in page
    assert client.get(desk_url("autosave", draft)).json()["data"]["title"] == "记者最后改的标题"
