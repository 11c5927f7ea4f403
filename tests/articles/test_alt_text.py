"""Every public picture has alt text: an article is made public (approved, rescheduled, released with its issue)
only when its lead picture, if any, and each of its photos has one (articles/policy.py `alt_text_refusal`, run by
articles/workflow.py). The refusal names what is missing, and nothing changes. A public article's save may not
leave a picture without one either (articles/admin/pictures.py `alt_text_gaps`). Beside each alt field the
caption is offered as a start (the help text says so; the button is static/articles/admin/pictures.js's).
"""

import datetime

import pytest
from django.contrib.messages import ERROR, get_messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from articles import workflow
from articles.models import Article, ArticleLog, ArticleStatus
from tests.articles.test_admin_workflow import change_url, form_data
from tests.articles.test_photos_admin import add_photo, photo_rows, post_photos, stored
from tests.articles.test_save_and_transition import pressed
from tests.factories import ArticleFactory, IssueFactory, editor, image_file, reporter

pytestmark = pytest.mark.django_db

MISSING = "Every picture needs alt text before the article is made public. Missing: "


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def owner():
    return reporter("lin_zhiyuan")


@pytest.fixture
def ed():
    return editor("he_bianji")


def in_review(owner, **kwargs) -> Article:
    article = ArticleFactory(created_by=owner, title="冰川观测站开始冬季值守", **kwargs)
    workflow.submit(article, owner)
    return article


def unchanged(article) -> bool:
    """Still in review, with nothing logged since it was submitted."""
    log = list(ArticleLog.objects.filter(article=article).values_list("action", flat=True))
    return Article.objects.get(pk=article.pk).status == ArticleStatus.REVIEW and log == ["submit"]


# ----- the workflow -----


def test_approval_is_refused_while_the_lead_picture_has_no_alt_text(owner, ed):
    article = in_review(owner, image=image_file("lead.png"), image_caption="雪山与冰川")
    with pytest.raises(ValidationError) as refused:
        workflow.approve(article, ed)
    assert refused.value.code == "alt_text_missing"
    assert refused.value.messages == [MISSING + "the lead picture."]
    assert unchanged(article)
    Article.objects.filter(pk=article.pk).update(image_alt="蓝天下覆盖白雪的山峰")
    workflow.approve(article, ed)
    assert Article.objects.get(pk=article.pk).status == ArticleStatus.PUBLISHED


def test_approval_is_refused_while_a_photo_has_no_alt_text_and_names_it(owner, ed):
    article = in_review(owner)
    add_photo(article, caption="观测站全景", alt="山谷里的白色圆顶建筑", order=1)
    second = add_photo(article, caption="工程师在零下二十度的清晨检查射电望远镜的驱动电机", alt=" ", order=2)
    add_photo(article, caption="", alt="", order=3)
    with pytest.raises(ValidationError) as refused:
        workflow.approve(article, ed, publish_at=timezone.now() + datetime.timedelta(hours=3))
    assert refused.value.messages == [
        MISSING + "photo 2 (“工程师在零下二十度的清晨检查射电望远镜的…”), photo 3."
    ]
    assert unchanged(article)
    second.alt = "穿红色羽绒服的工程师蹲在望远镜底座旁"
    second.save()
    article.photos.filter(order=3).update(alt="清晨的山谷")
    workflow.approve(article, ed)
    assert Article.objects.get(pk=article.pk).status == ArticleStatus.PUBLISHED


def test_an_article_without_pictures_needs_no_alt_text(owner, ed):
    article = in_review(owner)
    workflow.approve(article, ed)
    assert Article.objects.get(pk=article.pk).status == ArticleStatus.PUBLISHED


def test_rescheduling_is_refused_while_a_picture_has_no_alt_text(owner, ed):
    article = in_review(owner)
    photo = add_photo(article, caption="观测站全景", alt="山谷里的白色圆顶建筑")
    workflow.approve(article, ed, publish_at=timezone.now() + datetime.timedelta(days=1))
    photo.alt = ""
    photo.save()
    later = timezone.now() + datetime.timedelta(days=2)
    with pytest.raises(ValidationError, match="photo 1"):
        workflow.reschedule(article, ed, later)
    assert Article.objects.get(pk=article.pk).published_at < later - datetime.timedelta(hours=12)


def test_releasing_an_issue_is_refused_while_an_article_in_it_lacks_alt_text(owner, ed):
    issue = IssueFactory()
    ready = in_review(owner, issue=issue)
    lacking = in_review(owner, issue=issue, image=image_file("lead.png"))
    result = workflow.release(issue, ed)
    assert [(article.pk, reason) for article, reason in result.refused] == [
        (lacking.pk, MISSING + "the lead picture.")
    ]
    assert not result.four_eyes and result.released_at is None
    assert unchanged(ready) and unchanged(lacking)


# ----- the admin -----


@pytest.fixture
def text_editors_may_approve(settings):
    """Alt text is text (the four-eyes rule counts it): here the editor who writes it may approve it too."""
    settings.FOUR_EYES_COUNTS_TEXT_EDITORS = False


def test_approving_from_the_change_page_saves_and_approves_nothing_without_alt_text(
    client, owner, ed, text_editors_may_approve
):
    article = in_review(owner, image=image_file("lead.png"), image_caption="雪山与冰川")
    client.force_login(ed)
    page = client.get(change_url(article)).content.decode()
    assert "data-alt-text-note" in page and "the lead picture" in page  # said before the button is pressed
    response = client.post(change_url(article), pressed(article, "approve", subtitle="编辑加的副题"))
    assert response.status_code == 200
    assert MISSING + "the lead picture." in " ".join(response.context["adminform"].form.non_field_errors())
    assert "编辑加的副题" in response.content.decode()  # the edit is still in the form
    assert unchanged(article) and Article.objects.get(pk=article.pk).subtitle == article.subtitle
    # The alt text given in the same save: saved, then approved.
    response = client.post(change_url(article), pressed(article, "approve", image_alt="蓝天下覆盖白雪的山峰"))
    assert response.status_code == 302
    assert Article.objects.get(pk=article.pk).status == ArticleStatus.PUBLISHED


def test_a_photos_alt_text_given_in_the_approving_save_counts(client, owner, ed, text_editors_may_approve):
    article = in_review(owner)
    photo = add_photo(article, caption="观测站全景")
    client.force_login(ed)
    response = client.post(
        change_url(article),
        {**pressed(article, "approve"), **photo_rows(article, {photo.pk: {"alt": "圆顶"}})},
    )
    assert response.status_code == 302
    assert Article.objects.get(pk=article.pk).status == ArticleStatus.PUBLISHED


def test_the_transition_url_and_the_bulk_action_refuse_with_the_reason(client, owner, ed):
    article = in_review(owner)
    add_photo(article, caption="观测站全景")
    client.force_login(ed)
    response = client.post(reverse("admin:articles_article_transition", args=[article.pk, "approve"]))
    errors = [str(m) for m in get_messages(response.wsgi_request) if m.level == ERROR]
    assert errors == [MISSING + "photo 1 (“观测站全景”)."]
    response = client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "approve_selected", "_selected_action": [article.pk]},
    )
    errors = [str(m) for m in get_messages(response.wsgi_request) if m.level == ERROR]
    assert errors[-1] == f"“{article.title}”: {MISSING}photo 1 (“观测站全景”)."
    assert unchanged(article)


def test_a_public_articles_save_may_not_add_a_photo_without_alt_text(client, owner, ed):
    article = ArticleFactory(created_by=owner, published=True, title="冰川观测站开始冬季值守")
    add_photo(article, caption="观测站全景", alt="山谷里的白色圆顶建筑", order=1)
    client.force_login(ed)
    before = stored(article)
    response = post_photos(client, article, new=[{"image": image_file(), "caption": "值守人员交接班"}])
    assert response.status_code == 200
    errors = " ".join(response.context["adminform"].form.non_field_errors())
    assert "every picture keeps its alt text. Missing: photo 2 (“值守人员交接班”)" in errors
    assert stored(article) == before and Article.objects.get(pk=article.pk).version == 1
    response = post_photos(
        client, article, new=[{"image": image_file(), "caption": "交接班", "alt": "两人握手"}]
    )
    assert response.status_code == 302
    assert article.photos.count() == 2


def test_a_public_articles_save_may_not_clear_an_alt_text(client, owner, ed):
    article = ArticleFactory(
        created_by=owner, published=True, image=image_file("lead.png"), image_alt="蓝天下覆盖白雪的山峰"
    )
    client.force_login(ed)
    response = post_photos(client, article, image_alt="")
    assert response.status_code == 200
    assert Article.objects.get(pk=article.pk).image_alt == "蓝天下覆盖白雪的山峰"


def test_a_public_article_missing_an_old_alt_text_can_still_be_corrected(client, owner, ed):
    """Published before alt text was asked for: a correction of its text is not held up by the old picture."""
    article = ArticleFactory(created_by=owner, published=True, image=image_file("lead.png"), title="旧标题")
    add_photo(article, caption="观测站全景")
    client.force_login(ed)
    response = post_photos(client, article, title="更正后的标题")
    assert response.status_code == 302
    assert Article.objects.get(pk=article.pk).title == "更正后的标题"


def test_the_help_text_offers_the_caption_and_the_fields_carry_the_button(client, owner):
    article = ArticleFactory(created_by=owner, image=image_file("lead.png"))
    add_photo(article, caption="观测站全景")
    client.force_login(owner)
    response = client.get(change_url(article))
    html = response.content.decode()
    assert html.count('data-alt-text="Use the caption as alt text"') >= 2  # the lead picture's, the photo's
    form = response.context["adminform"].form
    assert "caption" in str(form.fields["image_alt"].help_text)
    (inline,) = [f for f in response.context["inline_admin_formsets"] if f.formset.prefix == "photos"]
    assert "caption" in str(inline.formset.forms[0].fields["alt"].help_text)
    assert form_data(article)["image_alt"] == ""
