"""The article admin as reporters and editors use it: buttons, bypass attempts, versions, revisions, previews."""

import datetime
import re

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from articles import workflow
from articles.models import Article, ArticleLog, ShareLink, StaleEdit
from articles.names import person
from tests.factories import ArticleFactory, IssuePageFactory, SectionFactory, editor, reporter

pytestmark = pytest.mark.django_db


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


# The article form's inline management forms, with no rows (bylines and photos).
NO_INLINE_ROWS = {
    f"{prefix}-{name}": value
    for prefix in ("bylines", "photos")
    for name, value in (("TOTAL_FORMS", "0"), ("INITIAL_FORMS", "0"), ("MIN_NUM_FORMS", "0"),
                        ("MAX_NUM_FORMS", "1000"))
}  # fmt: skip


def form_data(article, **overrides):
    """What the admin change form posts for `article` (no bylines or photos added)."""
    data = {
        "kicker": article.kicker,
        "title": article.title,
        "subtitle": article.subtitle,
        "summary": article.summary,
        "dateline": article.dateline,
        "body": article.body,
        "author_note": article.author_note,
        "section": article.section_id or "",
        "position": article.position,
        "image_alt": article.image_alt,
        "image_caption": article.image_caption,
        "image_credit": article.image_credit,
        "image_focal_x": article.image_focal_x,
        "image_focal_y": article.image_focal_y,
        "based_on_version": article.version,
        **NO_INLINE_ROWS,
        "_save": "Save",
    }
    if article.issue_id:
        data["issue"] = article.issue_id
    if article.page_id:
        data["page"] = article.page_id
    data.update(overrides)
    return data


@pytest.fixture
def owner():
    return reporter("owner")


@pytest.fixture
def ed():
    return editor("ed")


def test_desk_lists_returned_articles_with_the_comment(client, owner, ed):
    article = ArticleFactory(created_by=owner, title="县域科普场馆调查")
    workflow.submit(article, owner)
    workflow.send_back(article, ed, "请补充三个县的参观人数")
    client.force_login(owner)
    page = client.get(reverse("admin:index")).content.decode()
    assert "县域科普场馆调查" in page and "请补充三个县的参观人数" in page


def test_desk_for_editors_orders_review_oldest_first_and_scheduled_soonest(client, owner, ed):
    first, second = (
        ArticleFactory(created_by=owner, title="甲稿"),
        ArticleFactory(created_by=owner, title="乙稿"),
    )
    workflow.submit(first, owner)
    workflow.submit(second, owner)
    late, soon = (
        ArticleFactory(created_by=owner, title="晚发"),
        ArticleFactory(created_by=owner, title="早发"),
    )
    for a, hours in ((late, 30), (soon, 3)):
        workflow.submit(a, owner)
        workflow.approve(a, ed, publish_at=timezone.now() + datetime.timedelta(hours=hours))
    client.force_login(ed)
    page = client.get(reverse("admin:index")).content.decode()
    assert page.index("甲稿") < page.index("乙稿")
    assert page.index("早发") < page.index("晚发")


def test_change_page_shows_exactly_the_allowed_buttons(client, owner, ed):
    article = ArticleFactory(created_by=owner)
    client.force_login(owner)
    page = client.get(change_url(article)).content.decode()
    actions = set(re.findall(r"/transition/(\w+)/", page))
    assert actions == {"submit"}
    workflow.submit(article, owner)
    client.force_login(ed)
    page = client.get(change_url(article)).content.decode()
    assert set(re.findall(r"/transition/(\w+)/", page)) == {"send_back", "approve"}


def test_transition_buttons_call_the_workflow(client, owner, ed):
    article = ArticleFactory(created_by=owner)
    client.force_login(owner)
    client.post(reverse("admin:articles_article_transition", args=[article.pk, "submit"]))
    assert Article.objects.get(pk=article.pk).status == "review"
    client.force_login(ed)
    url = reverse("admin:articles_article_transition", args=[article.pk, "send_back"])
    response = client.post(url, {"comment": ""}, follow=True)
    assert Article.objects.get(pk=article.pk).status == "review"  # a comment is required
    assert response.status_code == 200
    client.post(url, {"comment": "标题太长"})
    assert Article.objects.get(pk=article.pk).status == "draft"
    workflow.submit(article, owner)
    when = (timezone.localtime() + datetime.timedelta(days=2)).replace(second=0, microsecond=0)
    client.post(
        reverse("admin:articles_article_transition", args=[article.pk, "approve"]),
        {"publish_at": when.strftime("%Y-%m-%dT%H:%M")},
    )
    article.refresh_from_db()
    assert article.status == "published" and article.published_at == when
    assert workflow.is_scheduled(article)


def test_reporter_cannot_take_editor_transitions_over_http(client, owner):
    article = ArticleFactory(created_by=owner)
    workflow.submit(article, owner)
    client.force_login(owner)
    response = client.post(reverse("admin:articles_article_transition", args=[article.pk, "approve"]))
    assert response.status_code == 403
    assert Article.objects.get(pk=article.pk).status == "review"


def test_reporter_post_carrying_status_publication_time_or_placement_changes_nothing(client, owner):
    page = IssuePageFactory()
    article = ArticleFactory(created_by=owner, title="原标题")
    client.force_login(owner)
    response = client.post(
        change_url(article),
        form_data(
            article,
            title="新标题",
            status="published",
            published_at="2020-01-01 00:00:00",
            issue=page.issue_id,
            page=page.pk,
            position=1,
            created_by=999,
            version=77,
        ),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    article.refresh_from_db()
    assert article.title == "新标题"
    assert article.status == "draft" and article.published_at is None
    assert article.issue_id is None and article.page_id is None
    assert article.created_by == owner and article.version == 2


def test_reporter_cannot_edit_in_review_or_others_articles(client, owner):
    mine = ArticleFactory(created_by=owner, title="我的稿")
    workflow.submit(mine, owner)
    theirs = ArticleFactory(created_by=reporter("other"), title="别人的稿")
    client.force_login(owner)
    client.post(change_url(mine), form_data(mine, title="改了"))
    assert Article.objects.get(pk=mine.pk).title == "我的稿"
    response = client.post(change_url(theirs), form_data(theirs, title="改了"))
    assert response.status_code in (302, 403, 404)
    assert Article.objects.get(pk=theirs.pk).title == "别人的稿"
    listing = client.get(reverse("admin:articles_article_changelist")).content.decode()
    assert "我的稿" in listing and "别人的稿" not in listing


def test_stale_save_is_refused_and_the_text_is_kept(client, owner, ed):
    article = ArticleFactory(created_by=owner, title="初稿")
    SectionFactory()
    stale = form_data(article)
    client.force_login(ed)
    assert client.post(change_url(article), form_data(article, title="编辑改过的标题")).status_code == 302
    client.force_login(owner)
    response = client.post(
        change_url(article), {**stale, "title": "记者的新标题", "body": "<p>记者补充的段落</p>"}
    )
    assert response.status_code == 200  # the form again, with an error
    page = response.content.decode()
    assert "记者的新标题" in page  # the user's text is still in the form
    article.refresh_from_db()
    assert article.title == "编辑改过的标题"
    kept = StaleEdit.objects.get(article=article, user=owner)
    assert kept.data["title"] == "记者的新标题" and "记者补充的段落" in kept.data["body"]
    assert reverse("admin:articles_article_history", args=[article.pk]) in page


def test_editor_edit_of_published_article_is_a_revision_and_restore_keeps_status(client, owner, ed):
    article = ArticleFactory(created_by=owner, title="第一版标题")
    workflow.submit(article, owner)
    workflow.approve(article, ed)
    client.force_login(ed)
    client.post(change_url(article), form_data(Article.objects.get(pk=article.pk), title="第二版标题"))
    client.post(change_url(article), form_data(Article.objects.get(pk=article.pk), title="第三版标题"))
    history = client.get(reverse("admin:articles_article_history", args=[article.pk]))
    from reversion.models import Version

    # The text as it was made in code, recorded before its first edit (articles/revisions.py), then the two edits.
    versions = list(Version.objects.get_for_object(article))
    assert len(versions) == 3 and history.status_code == 200
    assert versions[2].field_dict["title"] == "第一版标题" and versions[2].revision.user is None
    compare = client.get(
        reverse("admin:articles_article_compare", args=[article.pk]),
        {"from": versions[1].pk, "to": versions[0].pk},
    ).content.decode()
    assert "<del>二</del>" in compare and "<ins>三</ins>" in compare
    client.post(reverse("admin:articles_article_restore", args=[article.pk, versions[1].pk]))
    article.refresh_from_db()
    assert article.title == "第二版标题" and article.status == "published"
    assert len(Version.objects.get_for_object(article)) == 4


def test_reporter_may_not_restore(client, owner, ed):
    article = ArticleFactory(created_by=owner)
    client.force_login(owner)
    client.post(change_url(article), form_data(article, title="改一"))
    from reversion.models import Version

    version = Version.objects.get_for_object(article).first()
    response = client.post(reverse("admin:articles_article_restore", args=[article.pk, version.pk]))
    assert response.status_code == 403


def test_deleted_draft_is_recoverable_by_an_editor_as_a_draft(client, owner, ed):
    article = ArticleFactory(created_by=owner, title="误删的稿件")
    client.force_login(owner)
    client.post(change_url(article), form_data(article))
    client.post(reverse("admin:articles_article_delete", args=[article.pk]), {"post": "yes"})
    assert not Article.objects.filter(pk=article.pk).exists()
    assert client.get(reverse("admin:articles_article_recoverlist")).status_code == 403
    client.force_login(ed)
    listing = client.get(reverse("admin:articles_article_recoverlist")).content.decode()
    assert "误删的稿件" in listing
    from reversion.models import Version

    version = Version.objects.get_deleted(Article).get()
    response = client.post(
        reverse("admin:articles_article_recover", args=[version.pk]), form_data(article, based_on_version=1)
    )
    assert response.status_code == 302
    recovered = Article.objects.get(pk=article.pk)
    assert recovered.title == "误删的稿件" and recovered.status == "draft"


def test_published_articles_are_withdrawn_not_deleted(client, owner, ed):
    article = ArticleFactory(created_by=owner)
    workflow.submit(article, owner)
    workflow.approve(article, ed)
    client.force_login(ed)
    assert (
        client.post(reverse("admin:articles_article_delete", args=[article.pk]), {"post": "yes"}).status_code
        == 403
    )
    assert Article.objects.filter(pk=article.pk).exists()


def test_preview_is_private_and_marked(client, owner):
    article = ArticleFactory(created_by=owner, title="尚未发布的稿件")
    client.force_login(owner)
    response = client.get(reverse("article_preview", args=[article.pk]))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert "noindex" in response["X-Robots-Tag"]
    assert "尚未发布的稿件" in response.content.decode() and "preview-banner" in response.content.decode()
    client.logout()
    assert client.get(reverse("article_preview", args=[article.pk])).status_code == 302
    assert client.get(article.get_absolute_url()).status_code == 404


def test_share_link_is_read_only_expiring_and_revocable(client, owner, ed):
    article = ArticleFactory(created_by=owner, title="外审稿件")
    workflow.submit(article, owner)
    client.force_login(owner)
    assert client.post(reverse("admin:articles_article_share", args=[article.pk])).status_code == 403
    client.force_login(ed)
    client.post(reverse("admin:articles_article_share", args=[article.pk]))
    link = ShareLink.objects.get(article=article)
    assert abs((link.expires_at - timezone.now()) - datetime.timedelta(hours=72)) < datetime.timedelta(
        minutes=1
    )
    client.logout()
    url = reverse("shared_preview", args=[link.token])
    response = client.get(url)
    assert response.status_code == 200 and "外审稿件" in response.content.decode()
    assert "no-store" in response["Cache-Control"] and "noindex" in response["X-Robots-Tag"]
    assert client.post(url).status_code == 405
    assert client.get(url[:-3] + "xy/").status_code == 404  # tampered
    link.expires_at = timezone.now() - datetime.timedelta(seconds=1)
    link.save()
    assert client.get(url).status_code == 404
    link.expires_at = timezone.now() + datetime.timedelta(hours=1)
    link.save()
    client.force_login(ed)
    client.post(reverse("admin:articles_article_share_revoke", args=[article.pk, link.pk]))
    client.logout()
    assert client.get(url).status_code == 404


def test_bulk_approve_and_issue_release(client, owner, ed):
    articles = [ArticleFactory(created_by=owner) for _ in range(3)]
    for a in articles[:2]:
        workflow.submit(a, owner)
    client.force_login(ed)
    response = client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "approve_selected", "_selected_action": [a.pk for a in articles]},
        follow=True,
    )
    assert Article.objects.published().count() == 2
    said = [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)]
    assert said == [("success", "已签发2篇稿件。"), ("warning", "1篇稿件不在待审状态，未作处理。")]
    assert Article.objects.get(pk=articles[2].pk).status == "draft"
    page = IssuePageFactory()
    in_issue = [ArticleFactory(created_by=owner, issue=page.issue, page=page) for _ in range(2)]
    for a in in_issue:
        workflow.submit(a, owner)
    release = reverse("admin:articles_issue_release", args=[page.issue.pk])
    client.force_login(owner)
    assert client.post(release).status_code == 403
    client.force_login(ed)
    assert client.get(release).status_code == 200
    client.post(release, {"publish_at": ""})
    assert (
        set(
            ArticleLog.objects.filter(action="approve", article__in=in_issue).values_list(
                "publish_at", flat=True
            )
        ).__len__()
        == 1
    )
    assert Article.objects.published().filter(issue=page.issue).count() == 2


def test_scheduled_filter_lists_scheduled_articles(client, owner, ed):
    scheduled = ArticleFactory(created_by=owner, title="定时稿")
    workflow.submit(scheduled, owner)
    workflow.approve(scheduled, ed, publish_at=timezone.now() + datetime.timedelta(hours=5))
    live = ArticleFactory(created_by=owner, title="已发稿")
    workflow.submit(live, owner)
    workflow.approve(live, ed)
    client.force_login(ed)
    page = client.get(reverse("admin:articles_article_changelist"), {"state": "scheduled"}).content.decode()
    assert "定时稿" in page and "已发稿" not in page


def test_the_change_page_names_who_made_and_last_edited_the_article(client, ed):
    lin = reporter("linzy", first_name="知远", last_name="林")
    article = ArticleFactory(created_by=lin, updated_by=ed)
    client.force_login(lin)
    html = client.get(change_url(article)).content.decode()
    creator = html[html.index("field-creator") : html.index("field-created_at")]
    assert "林知远" in creator and "linzy" not in creator
    assert "/admin/auth/user/" not in html  # no link to a page a reporter may not open
    editor_box = html[html.index("field-last_editor") : html.index("field-updated_at")]
    assert person(ed) in editor_box
