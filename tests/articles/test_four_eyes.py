"""The four-eyes rule counts who changed the text (articles/policy.py `changed_text`): an editor who changed an
article's text after it was submitted for review may not approve it; another editor must. 责任编辑 and 签发人 are
two people.

Edits are read from the article's revisions (every save in the admin, every restore), each compared with the one
before it, and from the article itself for a save whose revision is not written yet (a workflow button saves the
form, then transitions, in one request). The rule is the server's: a forged POST is refused like a button.
"""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from articles import policy, workflow
from articles.models import Article
from tests.articles.test_admin_workflow import change_url, form_data
from tests.articles.test_save_and_transition import pressed
from tests.factories import ArticleFactory, IssueFactory, IssuePageFactory, editor, reporter

pytestmark = pytest.mark.django_db

CHANGED_TEXT = "changed its text"  # the reason, as gettext's English msgid (the test runs in English)


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def owner():
    return reporter("lin_zhiyuan")


@pytest.fixture
def chen():
    """The desk editor (责任编辑) who works on the text."""
    return editor("chen_bianji")


@pytest.fixture
def he():
    """Another editor: the one who approves (签发人)."""
    return editor("he_bianji")


@pytest.fixture
def in_review(owner):
    article = ArticleFactory(
        created_by=owner, title="青川县建成首个乡村科普驿站", body="<p>驿站位于县城东关。</p>"
    )
    workflow.submit(article, owner)
    return article


def save(client, article, **changes):
    """Save the article's change form as the client's user, with these changes."""
    response = client.post(change_url(article), form_data(Article.objects.get(pk=article.pk), **changes))
    assert response.status_code == 302, response.content.decode()[:3000]


def test_an_editor_who_changed_the_text_in_review_may_not_approve_it(client, chen, he, in_review):
    client.force_login(chen)
    save(client, in_review, body="<p>驿站位于县城东关，每周开放五天。</p>")
    article = Article.objects.get(pk=in_review.pk)
    assert not policy.may_take(chen, policy.APPROVE, article)
    with pytest.raises(PermissionDenied, match=CHANGED_TEXT):
        workflow.approve(article, chen)
    with pytest.raises(PermissionDenied):
        workflow.approve(article, chen, publish_at=timezone.now() + datetime.timedelta(days=1))
    # Another editor approves.
    workflow.approve(article, he)
    assert Article.objects.get(pk=article.pk).status == "published"


def test_a_forged_approval_is_refused(client, chen, in_review):
    client.force_login(chen)
    save(client, in_review, title="青川县首个乡村科普驿站揭牌")
    url = reverse("admin:articles_article_transition", args=[in_review.pk, "approve"])
    assert client.post(url, {"comment": "", "publish_at": ""}).status_code == 403
    assert Article.objects.get(pk=in_review.pk).status == "review"


def test_changing_the_text_and_approving_in_one_click_saves_and_approves_nothing(client, chen, in_review):
    client.force_login(chen)
    response = client.post(change_url(in_review), pressed(in_review, "approve", summary="编辑改写的摘要"))
    assert response.status_code == 200
    errors = " ".join(response.context["adminform"].form.non_field_errors())
    assert CHANGED_TEXT in errors
    assert "编辑改写的摘要" in response.content.decode()  # the edit is still in the form
    article = Article.objects.get(pk=in_review.pk)
    assert (article.status, article.summary, article.version) == ("review", in_review.summary, 1)


def test_the_change_page_says_why_approving_is_not_offered(client, chen, he, in_review):
    client.force_login(chen)
    save(client, in_review, body="<p>改写后的正文。</p>")
    page = client.get(change_url(in_review)).content.decode()
    assert "data-four-eyes" in page and CHANGED_TEXT in page
    assert 'value="approve"' not in page and 'value="send_back"' in page
    client.force_login(he)
    page = client.get(change_url(in_review)).content.decode()
    assert "data-four-eyes" not in page and 'value="approve"' in page


def test_placing_the_article_is_not_changing_its_text(client, chen, in_review):
    page = IssuePageFactory(issue=IssueFactory(number=2718), number=2)
    client.force_login(chen)
    save(client, in_review, issue=page.issue_id, page=page.pk, position=3)
    workflow.approve(Article.objects.get(pk=in_review.pk), chen)
    assert Article.objects.get(pk=in_review.pk).status == "published"


def test_saving_without_a_change_and_approving_in_one_click_approves(client, chen, in_review):
    """The form re-sends the text as it was (the editor's widget may reformat it): that is no change."""
    client.force_login(chen)
    body = in_review.body.replace("</p>", "</p>\r\n")
    assert client.post(change_url(in_review), pressed(in_review, "approve", body=body)).status_code == 302
    assert Article.objects.get(pk=in_review.pk).status == "published"


def test_changes_made_before_the_reporter_submitted_are_the_reporters_to_answer_for(client, owner, chen):
    article = ArticleFactory(created_by=owner, title="云川市科技馆新展厅开放")
    client.force_login(chen)
    save(client, article, title="云川市科技馆新展厅正式开放")  # the desk edits the draft
    workflow.submit(Article.objects.get(pk=article.pk), owner)  # the reporter submits it as it is now
    assert policy.may_take(chen, policy.APPROVE, Article.objects.get(pk=article.pk))


def test_changes_sent_back_and_submitted_again_by_the_reporter_count_no_more(client, owner, chen, in_review):
    client.force_login(chen)
    data = pressed(
        in_review, "send_back", body="<p>编辑改过的正文。</p>", _comment_for="send_back", comment="请核实"
    )
    assert client.post(change_url(in_review), data).status_code == 302
    assert not policy.may_take(chen, policy.APPROVE, Article.objects.get(pk=in_review.pk))
    workflow.submit(Article.objects.get(pk=in_review.pk), owner)
    assert policy.may_take(chen, policy.APPROVE, Article.objects.get(pk=in_review.pk))


def test_submitting_ones_own_changes_answers_for_nothing(client, chen, in_review):
    """Send back, rewrite, submit again, approve: still the same pair of eyes."""
    workflow.send_back(in_review, chen, "我来改")
    client.force_login(chen)
    save(client, in_review, body="<p>编辑重写的正文。</p>")
    workflow.submit(Article.objects.get(pk=in_review.pk), chen)
    with pytest.raises(PermissionDenied, match=CHANGED_TEXT):
        workflow.approve(Article.objects.get(pk=in_review.pk), chen)


def test_an_article_written_in_the_admin_counts_the_same(client, owner, chen, he):
    client.force_login(owner)
    data = {
        **form_data(Article(title="省科协启动科技志愿服务月", body="<p>志愿服务月启动。</p>")),
        "based_on_version": "",
    }
    assert client.post(reverse("admin:articles_article_add"), data).status_code == 302
    article = Article.objects.get(title="省科协启动科技志愿服务月")
    workflow.submit(article, owner)
    assert policy.may_take(chen, policy.APPROVE, article)
    client.force_login(chen)
    save(client, article, kicker="本报讯")
    assert not policy.may_take(chen, policy.APPROVE, Article.objects.get(pk=article.pk))
    assert policy.may_take(he, policy.APPROVE, Article.objects.get(pk=article.pk))


def test_restoring_an_older_text_is_changing_it(client, chen, he, in_review):
    client.force_login(he)
    save(client, in_review, title="青川县首个乡村科普驿站揭牌")
    workflow.send_back(in_review, he, "请补充")
    workflow.submit(Article.objects.get(pk=in_review.pk), in_review.created_by)
    from articles.revisions import versions_of

    oldest = versions_of(in_review).order_by("pk").first()
    client.force_login(chen)
    response = client.post(reverse("admin:articles_article_restore", args=[in_review.pk, oldest.pk]))
    assert response.status_code == 302
    article = Article.objects.get(pk=in_review.pk)
    assert article.title == "青川县建成首个乡村科普驿站"
    assert not policy.may_take(chen, policy.APPROVE, article)
    assert policy.may_take(he, policy.APPROVE, article)


def test_bulk_approval_and_release_give_the_reason(client, chen, in_review):
    issue = IssueFactory(number=2719)
    Article.objects.filter(pk=in_review.pk).update(issue=issue)
    client.force_login(chen)
    save(client, in_review, body="<p>改写后的正文。</p>")
    response = client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "approve_selected", "_selected_action": [in_review.pk]},
        follow=True,
    )
    assert CHANGED_TEXT in response.content.decode()
    result = workflow.release(issue, chen)
    assert result.four_eyes and not result.approved
    assert CHANGED_TEXT in str(result.refused[0][1])
    assert Article.objects.get(pk=in_review.pk).status == "review"


def test_the_setting_turns_the_text_editors_off(client, settings, chen, in_review):
    client.force_login(chen)
    save(client, in_review, body="<p>改写后的正文。</p>")
    settings.FOUR_EYES_COUNTS_TEXT_EDITORS = False
    assert policy.may_take(chen, policy.APPROVE, Article.objects.get(pk=in_review.pk))
    settings.FOUR_EYES_COUNTS_TEXT_EDITORS = True
    settings.WORKFLOW_FOUR_EYES = False
    assert policy.may_take(chen, policy.APPROVE, Article.objects.get(pk=in_review.pk))
