"""A workflow button never loses text: on the change page each button belongs to the article form, so pressing it
validates and saves the form, then takes the transition, in one transaction. An invalid form, a missing comment or
a transition the workflow refuses saves nothing and takes nothing, and the edits come back in the form."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from articles import policy, workflow
from articles.models import Article, ArticleLog, StaleEdit
from tests.articles.test_admin_workflow import change_url, form_data
from tests.factories import ArticleFactory, editor, reporter

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner():
    return reporter("owner")


@pytest.fixture
def ed():
    return editor("ed")


def pressed(article, action, *, at=False, **overrides):
    """The change form as posted by the workflow button `action` (with its time when `at`)."""
    data = form_data(article, **overrides)
    del data["_save"]
    data["_transition_at" if at else "_transition"] = action
    return data


def errors_in(response) -> str:
    form = response.context["adminform"].form
    return " ".join(str(e) for e in form.non_field_errors()) + " ".join(
        f"{name}: {' '.join(errs)}" for name, errs in form.errors.items() if name != "__all__"
    )


def test_submit_saves_the_edited_title_with_the_transition(client, owner):
    article = ArticleFactory(created_by=owner, title="旧标题")
    client.force_login(owner)
    response = client.post(change_url(article), pressed(article, "submit", title="改过的新标题"))
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:articles_article_changelist")  # a reporter's article left
    article.refresh_from_db()
    assert (article.title, article.status, article.version) == ("改过的新标题", "review", 2)
    assert list(ArticleLog.objects.filter(article=article).values_list("action", flat=True)) == ["submit"]


def test_an_invalid_form_transitions_nothing_and_keeps_the_edits(client, owner):
    article = ArticleFactory(created_by=owner, title="旧标题", subtitle="旧副题")
    client.force_login(owner)
    response = client.post(change_url(article), pressed(article, "submit", title="", subtitle="新副题"))
    assert response.status_code == 200
    assert "title" in response.context["adminform"].form.errors
    assert 'value="新副题"' in response.content.decode()  # the edit is still in the form
    article.refresh_from_db()
    assert (article.title, article.subtitle, article.status, article.version) == (
        "旧标题",
        "旧副题",
        "draft",
        1,
    )
    assert not ArticleLog.objects.filter(article=article).exists()


def test_send_back_without_a_comment_saves_nothing(client, owner, ed):
    article = ArticleFactory(created_by=owner, title="旧标题")
    workflow.submit(article, owner)
    client.force_login(ed)
    data = pressed(article, "send_back", title="编辑改的标题", _comment_for="send_back", comment="  ")
    response = client.post(change_url(article), data)
    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors()
    assert 'value="编辑改的标题"' in response.content.decode()
    article.refresh_from_db()
    assert (article.title, article.status, article.version) == ("旧标题", "review", 1)
    assert list(ArticleLog.objects.filter(article=article).values_list("action", flat=True)) == ["submit"]


def test_send_back_with_a_comment_saves_and_sends_back(client, owner, ed):
    article = ArticleFactory(created_by=owner, title="旧标题")
    workflow.submit(article, owner)
    client.force_login(ed)
    data = pressed(article, "send_back", title="编辑改的标题", _comment_for="send_back", comment="请补充数据")
    response = client.post(change_url(article), data)
    assert response.status_code == 302 and response["Location"] == change_url(article)
    article.refresh_from_db()
    assert (article.title, article.status) == ("编辑改的标题", "draft")
    assert ArticleLog.objects.get(article=article, action="send_back").comment == "请补充数据"


def test_each_comment_goes_with_its_own_button(client, owner, ed):
    article = ArticleFactory(created_by=owner)
    workflow.submit(article, owner)
    client.force_login(ed)
    data = pressed(article, "send_back")
    data["_comment_for"] = ["withdraw", "send_back"]
    data["comment"] = ["撤稿的理由", "退回的理由"]
    assert client.post(change_url(article), data).status_code == 302
    assert ArticleLog.objects.get(article=article, action="send_back").comment == "退回的理由"


def test_approve_at_a_time_and_approve_now(client, owner, ed):
    when = (timezone.localtime() + datetime.timedelta(days=2)).replace(second=0, microsecond=0)
    timed = ArticleFactory(created_by=owner)
    now = ArticleFactory(created_by=owner)
    for article in (timed, now):
        workflow.submit(article, owner)
    client.force_login(ed)
    at = {"_publish_at_for": "approve", "publish_at": when.strftime("%Y-%m-%dT%H:%M")}
    # Placing it is not changing its text: the editor may still approve (four-eyes, articles/policy.py).
    client.post(change_url(timed), pressed(timed, "approve", at=True, position=3, **at))
    timed.refresh_from_db()
    assert (timed.status, timed.published_at, timed.position) == ("published", when, 3)
    # "Approve now" ignores a time typed into the schedule field beside it.
    client.post(change_url(now), pressed(now, "approve", **at))
    now.refresh_from_db()
    assert now.status == "published" and not workflow.is_scheduled(now)


def test_a_bad_time_saves_nothing(client, owner, ed):
    article = ArticleFactory(created_by=owner, title="旧标题")
    workflow.submit(article, owner)
    client.force_login(ed)
    data = pressed(article, "approve", at=True, title="新标题", _publish_at_for="approve", publish_at="明天")
    assert client.post(change_url(article), data).status_code == 200
    article.refresh_from_db()
    assert (article.title, article.status) == ("旧标题", "review")


@pytest.mark.parametrize("who, action", [("owner", "approve"), ("ed", "submit")])
def test_a_transition_the_workflow_refuses_rolls_the_save_back(client, owner, ed, who, action):
    """A reporter may not approve (permission); an article in review cannot be submitted (state): the form
    was valid and saved, then the workflow refused, so the save is undone and the form shown with the reason."""
    article = ArticleFactory(created_by=owner, title="旧标题")
    if who == "ed":
        workflow.submit(article, owner)
    client.force_login(owner if who == "owner" else ed)
    logged = ArticleLog.objects.filter(article=article).count()
    response = client.post(change_url(article), pressed(article, action, title="新标题"))
    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors()
    assert 'value="新标题"' in response.content.decode()
    fresh = Article.objects.get(pk=article.pk)
    assert (fresh.title, fresh.version) == ("旧标题", 1)
    assert fresh.status == ("review" if who == "ed" else "draft")
    assert ArticleLog.objects.filter(article=article).count() == logged


def test_a_stale_form_transitions_nothing(client, owner, ed):
    article = ArticleFactory(created_by=owner, title="旧标题")
    stale = pressed(article, "submit", title="记者的标题")
    client.force_login(ed)
    client.post(change_url(article), form_data(article, title="编辑的标题"))
    client.force_login(owner)
    assert client.post(change_url(article), stale).status_code == 200
    article.refresh_from_db()
    assert (article.title, article.status) == ("编辑的标题", "draft")
    assert StaleEdit.objects.filter(article=article, user=owner).count() == 1


def test_the_buttons_belong_to_the_article_form_and_keep_the_transition_url(client, owner, ed):
    article = ArticleFactory(created_by=owner)
    workflow.submit(article, owner)
    client.force_login(ed)
    page = client.get(change_url(article)).content.decode()
    assert 'id="article_form"' in page
    buttons = re.findall(r"<button[^>]*>", page)
    in_form = [b for b in buttons if 'form="article_form"' in b]
    assert {re.search(r'value="(\w+)"', b).group(1) for b in in_form if "_transition" in b} == {
        "send_back",
        "approve",
    }
    assert re.search(r'<textarea name="comment"[^>]*form="article_form"', page)
    # The first submit button of the article form in the document saves: Enter never takes a transition.
    assert 'name="_save"' in in_form[0]
    # The transition URL still answers, for the read-only page and for scripts.
    assert set(re.findall(r"/transition/(\w+)/", page)) == {"send_back", "approve"}


def test_a_save_never_writes_back_the_status_a_transition_changed_meanwhile(client, ed):
    """A transition committed between the admin loading the article and the save taking the row's lock: the
    save keeps the text it was given and the status and time the workflow set."""
    from unittest import mock

    from articles.admin.article import ArticleAdmin

    article = ArticleFactory(status="review", title="旧标题")
    client.force_login(ed)
    when = timezone.now() - datetime.timedelta(minutes=1)
    loaded = ArticleAdmin.get_object

    def load_then_approve(self, request, object_id, from_field=None):
        obj = loaded(self, request, object_id, from_field)
        Article.objects.filter(pk=obj.pk).update(status="published", published_at=when)  # as approve would
        return obj

    with mock.patch.object(ArticleAdmin, "get_object", load_then_approve):
        response = client.post(change_url(article), form_data(article, title="新标题"))
    assert response.status_code == 302
    article.refresh_from_db()
    assert (article.title, article.status, article.published_at) == ("新标题", "published", when)


def test_a_refused_edit_leaves_no_revision_and_no_four_eyes_trace(client, owner, ed):
    """An editor edits an article in review and presses approve: refused (the four-eyes rule: they changed its
    text). Nothing was saved, so nothing of it may be recorded either: no revision holds the refused title, and
    the same editor may still approve the article as it was submitted (and release the issue it is in)."""
    article = ArticleFactory(created_by=owner, title="旧标题")
    workflow.submit(article, owner)
    client.force_login(ed)
    response = client.post(change_url(article), pressed(article, "approve", title="编辑改的标题"))
    assert response.status_code == 200
    assert "另一位编辑" in errors_in(response)
    assert 'value="编辑改的标题"' in response.content.decode()  # the edit is still in the form
    fresh = Article.objects.get(pk=article.pk)
    assert (fresh.title, fresh.status) == ("旧标题", "review")
    titles = [version.field_dict["title"] for version in Version.objects.get_for_object(article)]
    assert "编辑改的标题" not in titles
    assert not Version.objects.filter(revision__user=ed).exists()
    assert policy.four_eyes_refusal(ed, fresh) is None

    response = client.post(change_url(article), pressed(fresh, "approve"))
    assert response.status_code == 302
    assert Article.objects.get(pk=article.pk).status == "published"


def test_the_history_records_only_what_was_changed(client, owner):
    """A save of the form as the editor posts it back (the body with a line end of the editor's own, the hidden
    locking fields) changed nothing: the history says so, and names neither 正文 nor based_on_revision; a changed
    title is named, by its Chinese name."""
    from django.contrib.admin.models import LogEntry

    from articles.revisions import record_as_made

    article = ArticleFactory(created_by=owner, title="旧标题", body="<p>第一段。</p>\n<p>第二段。</p>")
    record_as_made(article)
    client.force_login(owner)
    revision = Version.objects.get_for_object(article).first().revision_id
    posted = form_data(article, body="<p>第一段。</p>\n\n<p>第二段。</p>\n", based_on_revision=revision)
    assert client.post(change_url(article), posted).status_code == 302
    entry = LogEntry.objects.filter(object_id=str(article.pk)).latest("pk")
    assert entry.get_change_message() == "没有字段被修改。"

    fresh = Article.objects.get(pk=article.pk)
    posted = form_data(fresh, title="新标题", body=fresh.body + "\n", based_on_revision=revision)
    assert client.post(change_url(article), posted).status_code == 302
    entry = LogEntry.objects.filter(object_id=str(article.pk)).latest("pk")
    assert entry.get_change_message() == "已修改标题。"
