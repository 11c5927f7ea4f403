"""整期签发: releasing a whole issue (articles/workflow.py `release`), its admin page, the four-eyes rule for
imported articles, and the bulk submit of an imported page's drafts (articles/admin/actions.py)."""

import datetime

import pytest
from django.contrib.admin.sites import site
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from articles import policy, workflow
from articles.models import Article, ArticleLog, Issue
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    IssueFactory,
    IssuePageFactory,
    editor,
    reporter,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk():
    return {"owner": reporter("owner"), "other": reporter("other"), "ed": editor("ed"), "ed2": editor("ed2")}


@pytest.fixture
def issue(desk):
    """Page 1: two articles in review and one draft; page 2: one scheduled in three days and one withdrawn."""
    issue = IssueFactory()
    one, two = IssuePageFactory(issue=issue, number=1), IssuePageFactory(issue=issue, number=2)
    owner = desk["owner"]
    arts = {
        "lead": ArticleFactory(
            issue=issue, page=one, position=1, created_by=owner, title="头条", review=True
        ),
        "second": ArticleFactory(
            issue=issue, page=one, position=2, created_by=owner, title="二条", review=True
        ),
        "draft": ArticleFactory(issue=issue, page=one, position=3, created_by=owner, title="未完稿"),
        "later": ArticleFactory(
            issue=issue,
            page=two,
            position=1,
            created_by=owner,
            title="三日后",
            status="published",
            published_at=timezone.now() + datetime.timedelta(days=3),
        ),
        "gone": ArticleFactory(
            issue=issue, page=two, position=2, created_by=owner, title="撤下", withdrawn=True
        ),
    }
    return issue, arts


def status_of(article):
    return Article.objects.values_list("status", flat=True).get(pk=article.pk)


# ----- the workflow -----------------------------------------------------------------------------------------


def test_the_plan_shows_every_article_by_page_in_reading_order_with_its_state(issue):
    the_issue, arts = issue
    plan = workflow.release_plan(the_issue)
    assert [[(p.article.title, str(p.state), p.ready) for p in items] for _page, items in plan.pages()] == [
        [("头条", "待审", True), ("二条", "待审", True), ("未完稿", "草稿", False)],
        [("三日后", "定时发布", True), ("撤下", "已撤稿", False)],
    ]
    assert plan.unready == [arts["draft"], arts["gone"]]
    assert [page.number for page, _items in plan.pages()] == [1, 2]


def test_a_release_is_refused_while_an_article_is_not_ready_naming_each(issue, desk):
    the_issue, arts = issue
    result = workflow.release(the_issue, desk["ed"])
    assert result.approved == [] and not result.four_eyes
    assert [a.pk for a, _reason in result.refused] == [arts["draft"].pk, arts["gone"].pk]
    assert "草稿" in result.refused[0][1] and "已撤稿" in result.refused[1][1]
    assert status_of(arts["lead"]) == "review"
    assert Issue.objects.get(pk=the_issue.pk).released_at is None
    # Leaving out only some of them is refused too, naming the one not confirmed.
    result = workflow.release(the_issue, desk["ed"], leave_out=[arts["draft"]])
    assert [a.pk for a, _reason in result.refused] == [arts["gone"].pk]


def test_confirming_to_leave_out_exactly_the_unready_ones_releases_the_rest_at_one_time(issue, desk):
    the_issue, arts = issue
    before = timezone.now()
    result = workflow.release(the_issue, desk["ed"], leave_out=[arts["draft"].pk, arts["gone"].pk])
    assert result.refused == [] and result.approved == [arts["lead"], arts["second"]]
    times = {Article.objects.get(pk=arts[k].pk).published_at for k in ("lead", "second")}
    assert len(times) == 1
    released_at = Issue.objects.get(pk=the_issue.pk).released_at
    assert released_at == result.released_at == times.pop() and released_at >= before
    # What was left out stays as it was; what was scheduled keeps its time.
    assert status_of(arts["draft"]) == "draft" and status_of(arts["gone"]) == "withdrawn"
    assert Article.objects.get(pk=arts["later"].pk).published_at == arts["later"].published_at


def test_a_changed_set_of_unready_articles_is_refused_again(issue, desk):
    the_issue, arts = issue
    seen = [arts["draft"].pk, arts["gone"].pk]
    # Meanwhile the draft is submitted, and another draft is placed on page 1.
    workflow.submit(arts["draft"], desk["owner"])
    late = ArticleFactory(issue=the_issue, page=arts["lead"].page, position=9, title="新加稿")
    result = workflow.release(the_issue, desk["ed"], leave_out=seen)
    assert result.approved == []
    assert {a.pk for a, _reason in result.refused} == {late.pk, arts["draft"].pk}
    assert status_of(arts["lead"]) == "review"
    # Confirming the set as it is now releases.
    result = workflow.release(the_issue, desk["ed"], leave_out=[arts["gone"].pk, late.pk])
    assert result.refused == [] and len(result.approved) == 3


def test_a_scheduled_release_marks_the_issue_released_for_that_time(issue, desk):
    the_issue, arts = issue
    when = timezone.now() + datetime.timedelta(hours=6)
    approved, refused = workflow.release_issue(
        the_issue, desk["ed"], when, leave_out=[arts["draft"], arts["gone"]]
    )
    assert refused == [] and len(approved) == 2
    assert Issue.objects.get(pk=the_issue.pk).released_at == when
    assert set(ArticleLog.objects.filter(action="approve").values_list("publish_at", flat=True)) == {when}
    # Released again now (a late article in review): the earlier time of the two is kept.
    extra = ArticleFactory(issue=the_issue, page=arts["lead"].page, position=8, review=True)
    workflow.release(the_issue, desk["ed"], leave_out=[arts["draft"], arts["gone"]])
    assert status_of(extra) == "published"
    assert Issue.objects.get(pk=the_issue.pk).released_at < when


def test_four_eyes_is_still_all_or_nothing_and_marks_nothing(issue, desk):
    the_issue, arts = issue
    arts["second"].bylines.create(author=AuthorFactory(user=desk["ed"]), order=1)
    result = workflow.release(the_issue, desk["ed"], leave_out=[arts["draft"], arts["gone"]])
    assert result.four_eyes and [a.pk for a, _reason in result.refused] == [arts["second"].pk]
    assert status_of(arts["lead"]) == "review"
    assert Issue.objects.get(pk=the_issue.pk).released_at is None
    result = workflow.release(the_issue, desk["ed2"], leave_out=[arts["draft"], arts["gone"]])
    assert result.refused == [] and len(result.approved) == 2


def test_only_editors_release_and_an_issue_with_nothing_ready_is_refused(desk):
    page = IssuePageFactory()
    draft = ArticleFactory(issue=page.issue, page=page, created_by=desk["owner"])
    with pytest.raises(PermissionDenied):
        workflow.release(page.issue, desk["owner"])
    with pytest.raises(ValidationError):
        workflow.release(page.issue, desk["ed"], leave_out=[draft])
    with pytest.raises(ValidationError):
        workflow.release(IssueFactory(), desk["ed"])
    with pytest.raises(ValidationError):  # a time already past
        workflow.release(
            page.issue, desk["ed"], timezone.now() - datetime.timedelta(hours=1), leave_out=[draft]
        )


# ----- four-eyes: the importer is not a writer, the bylines are ----------------------------------------------


def test_the_editor_who_imported_an_article_may_approve_it_unless_in_its_byline(desk):
    importer = desk["ed"]
    imported = ArticleFactory(created_by=importer, imported_by=importer, review=True)
    assert not policy.wrote(importer, imported)
    assert policy.may_take(importer, "approve", imported)
    imported.bylines.create(author=AuthorFactory(user=importer), order=1)
    assert policy.wrote(importer, imported) and not policy.may_take(importer, "approve", imported)
    # An article the editor created (not imported) still counts as written by them.
    own = ArticleFactory(created_by=importer, review=True)
    assert policy.wrote(importer, own)
    # Imported by one editor, owned by another: the owner counts.
    handed = ArticleFactory(created_by=desk["ed2"], imported_by=importer, review=True)
    assert policy.wrote(desk["ed2"], handed) and not policy.wrote(importer, handed)


def test_an_imported_page_can_be_released_by_the_editor_who_imported_it(desk):
    page = IssuePageFactory()
    for position in (1, 2):
        ArticleFactory(
            issue=page.issue, page=page, position=position, created_by=desk["ed"], imported_by=desk["ed"]
        )
    for article in Article.objects.filter(issue=page.issue):
        workflow.submit(article, desk["ed"])
    approved, refused = workflow.release_issue(page.issue, desk["ed"])
    assert refused == [] and len(approved) == 2


def test_an_imported_page_records_its_importer_who_may_then_submit_and_release_it(desk):
    """printimport/service.py keeps the importer as owner (created_by) and records it as imported_by."""
    from pathlib import Path

    from printimport.service import execute_import, plan_import

    sample = (Path(__file__).resolve().parents[1] / "printimport" / "pages" / "sample.txt").read_bytes()
    report = execute_import(plan_import(sample, 1024, datetime.date(2026, 3, 18)), desk["ed"])
    imported = list(Article.objects.filter(issue=report.issue))
    assert imported and {(a.created_by_id, a.imported_by_id) for a in imported} == {(desk["ed"].pk,) * 2}
    for article in imported:
        workflow.submit(article, desk["ed"])
    approved, refused = workflow.release_issue(report.issue, desk["ed"])
    assert refused == [] and len(approved) == len(imported)


# ----- the admin: 整期签发 ----------------------------------------------------------------------------------


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_the_release_page_shows_every_article_and_refuses_naming_the_unready(client, issue, desk):
    the_issue, arts = issue
    url = reverse("admin:articles_issue_release", args=[the_issue.pk])
    client.force_login(desk["ed"])
    page = client.get(url)
    html = page.content.decode()
    for title in ("头条", "二条", "未完稿", "三日后", "撤下"):
        assert title in html
    assert html.index("头条") < html.index("二条") < html.index("未完稿") < html.index("三日后")
    assert [p.article.pk for _page, items in page.context["pages"] for p in items] == [
        arts[k].pk for k in ("lead", "second", "draft", "later", "gone")
    ]
    assert page.context["form"]["leave_out"].value() == f"{arts['draft'].pk},{arts['gone'].pk}"
    assert "未完稿" in page.context["form"].fields["confirm_leave_out"].label
    refused = client.post(url, {"publish_at": "", "leave_out": page.context["form"]["leave_out"].value()})
    assert refused.status_code == 200
    said = messages_of(refused)
    # One message per article not ready, naming it, then "nothing was released".
    assert len(said) == 3 and "未完稿" in said[0] and "撤下" in said[1]
    assert status_of(arts["lead"]) == "review"


def test_the_release_page_releases_with_the_confirmation(client, issue, desk):
    the_issue, arts = issue
    url = reverse("admin:articles_issue_release", args=[the_issue.pk])
    client.force_login(desk["ed"])
    leave_out = f"{arts['draft'].pk},{arts['gone'].pk}"
    done = client.post(url, {"publish_at": "", "leave_out": leave_out, "confirm_leave_out": "on"})
    assert done.status_code == 302
    assert status_of(arts["lead"]) == status_of(arts["second"]) == "published"
    assert Issue.objects.get(pk=the_issue.pk).released_at is not None


def test_a_confirmation_for_a_set_that_changed_is_refused_and_asked_again(client, issue, desk):
    the_issue, arts = issue
    url = reverse("admin:articles_issue_release", args=[the_issue.pk])
    client.force_login(desk["ed"])
    seen = client.get(url).context["form"]["leave_out"].value()
    late = ArticleFactory(issue=the_issue, page=arts["lead"].page, position=9, title="新加稿")
    again = client.post(url, {"publish_at": "", "leave_out": seen, "confirm_leave_out": "on"})
    assert again.status_code == 200 and "新加稿" in " ".join(messages_of(again))
    assert again.context["form"]["leave_out"].value() == f"{arts['draft'].pk},{late.pk},{arts['gone'].pk}"
    assert not again.context["form"]["confirm_leave_out"].value()
    assert Issue.objects.get(pk=the_issue.pk).released_at is None


def test_reporters_may_not_release(client, issue, desk):
    the_issue, _arts = issue
    client.force_login(desk["owner"])
    url = reverse("admin:articles_issue_release", args=[the_issue.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"publish_at": ""}).status_code == 403


# ----- bulk submit ------------------------------------------------------------------------------------------


def test_an_editor_submits_an_imported_pages_drafts_at_once(client, desk):
    page = IssuePageFactory()
    drafts = [ArticleFactory(issue=page.issue, page=page, position=i, created_by=desk["ed"]) for i in (1, 2)]
    published = ArticleFactory(issue=page.issue, page=page, position=3, published=True)
    client.force_login(desk["ed"])
    response = client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "submit_selected", "_selected_action": [a.pk for a in [*drafts, published]]},
        follow=True,
    )
    assert [status_of(a) for a in drafts] == ["review", "review"] and status_of(published) == "published"
    said = [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)]
    # 2 submitted; 1 not a draft, left alone (counted before the two submitted stopped being drafts).
    assert said == [("success", "2篇草稿已提交审核。"), ("warning", "1篇稿件不是草稿，未作处理。")]


def test_a_reporter_submits_only_their_own_drafts(client, desk):
    mine = ArticleFactory(created_by=desk["owner"])
    theirs = ArticleFactory(created_by=desk["other"])
    client.force_login(desk["owner"])
    client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "submit_selected", "_selected_action": [mine.pk, theirs.pk]},
    )
    assert status_of(mine) == "review" and status_of(theirs) == "draft"
    # Given someone else's draft all the same, the action refuses it with a message naming it.
    model_admin = site._registry[Article]
    request = RequestFactory().post("/")
    request.user, request.session = desk["owner"], {}
    request._messages = FallbackStorage(request)
    model_admin.submit_selected(request, Article.objects.filter(pk=theirs.pk))
    said = [str(m) for m in get_messages(request)]
    assert len(said) == 1 and theirs.title in said[0]
    assert status_of(theirs) == "draft"
