"""The workflow functions: every allowed and refused transition, logs, four-eyes, scheduling, mail."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from articles import workflow
from articles.models import Article, ArticleLog
from articles.workflow import TransitionError
from tests.factories import ArticleFactory, AuthorFactory, BylineFactory, UserFactory, editor, reporter

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    return {
        "owner": reporter("owner", email="owner@example.com"),
        "other": reporter("other"),
        "editor": editor("ed", email="ed@example.com"),
        "editor2": editor("ed2", email="ed2@example.com"),
        "admin": UserFactory(username="boss", is_superuser=True),
    }


def in_state(state, owner, editor_user):
    article = ArticleFactory(created_by=owner)
    if state == "draft":
        return article
    workflow.submit(article, owner)
    if state == "review":
        return article
    when = timezone.now() + datetime.timedelta(days=1) if state == "scheduled" else None
    workflow.approve(article, editor_user, publish_at=when)
    if state in {"published", "scheduled"}:
        return article
    workflow.withdraw(article, editor_user, "核实有误")
    return article


def test_the_whole_loop_logs_every_step(people):
    article = ArticleFactory(created_by=people["owner"])
    workflow.submit(article, people["owner"])
    workflow.send_back(article, people["editor"], "请补充数据来源")
    workflow.submit(article, people["owner"])
    workflow.approve(article, people["editor"])
    workflow.withdraw(article, people["editor"], "信息有误")
    workflow.reopen(article, people["editor"])
    log = list(
        ArticleLog.objects.filter(article=article)
        .order_by("at", "id")
        .values_list("action", "from_status", "to_status", "comment")
    )
    assert log == [
        ("submit", "draft", "review", ""),
        ("send_back", "review", "draft", "请补充数据来源"),
        ("submit", "draft", "review", ""),
        ("approve", "review", "published", ""),
        ("withdraw", "published", "withdrawn", "信息有误"),
        ("reopen", "withdrawn", "draft", ""),
    ]
    assert Article.objects.get(pk=article.pk).status == "draft"


@pytest.mark.parametrize(
    "action,allowed_from",
    [("submit", {"draft"}), ("send_back", {"review"}), ("approve", {"review"}), ("withdraw", {"published", "scheduled"}),
     ("reopen", {"withdrawn"}), ("reschedule", {"scheduled"})],
)  # fmt: skip
@pytest.mark.parametrize("state", ["draft", "review", "scheduled", "published", "withdrawn"])
def test_transition_table(people, action, allowed_from, state):
    article = in_state(state, people["owner"], people["editor"])
    user = people["editor2"]
    call = {
        "submit": lambda: workflow.submit(article, user),
        "send_back": lambda: workflow.send_back(article, user, "理由"),
        "approve": lambda: workflow.approve(article, user),
        "withdraw": lambda: workflow.withdraw(article, user, "理由"),
        "reopen": lambda: workflow.reopen(article, user),
        "reschedule": lambda: workflow.reschedule(
            article, user, timezone.now() + datetime.timedelta(hours=3)
        ),
    }[action]
    before = ArticleLog.objects.count()
    if state in allowed_from:
        call()
        assert ArticleLog.objects.count() == before + 1
    else:
        with pytest.raises(TransitionError):
            call()
        assert ArticleLog.objects.count() == before
        assert Article.objects.get(pk=article.pk).status == ("published" if state == "scheduled" else state)


@pytest.mark.parametrize("role", ["other", "anonymous", "inactive"])
def test_roles_that_may_never_submit(people, role):
    article = ArticleFactory(created_by=people["owner"])
    from django.contrib.auth.models import AnonymousUser

    user = {
        "other": people["other"],
        "anonymous": AnonymousUser(),
        "inactive": editor("gone", is_active=False),
    }[role]
    with pytest.raises(PermissionDenied):
        workflow.submit(article, user)


@pytest.mark.parametrize("action", ["send_back", "approve", "withdraw", "reopen"])
def test_reporters_may_never_take_editor_transitions_permission_checked_first(people, action):
    article = ArticleFactory(
        created_by=people["owner"]
    )  # a draft: the state is wrong too, but the role is checked first
    fn = getattr(workflow, action)
    args = {"send_back": ("x",), "withdraw": ("x",)}.get(action, ())
    with pytest.raises(PermissionDenied):
        fn(article, people["owner"], *args)


@pytest.mark.parametrize("action", ["send_back", "withdraw"])
def test_comment_required(people, action):
    state = "review" if action == "send_back" else "published"
    article = in_state(state, people["owner"], people["editor"])
    with pytest.raises(ValidationError) as excinfo:
        getattr(workflow, action)(article, people["editor2"], "   ")
    assert not isinstance(excinfo.value, TransitionError)
    assert Article.objects.get(pk=article.pk).status == state


def test_four_eyes_creator_and_byline_holder_may_not_approve(people, settings):
    own = ArticleFactory(created_by=people["editor"])
    workflow.submit(own, people["editor"])
    with pytest.raises(PermissionDenied):
        workflow.approve(own, people["editor"])
    signed = in_state("review", people["owner"], people["editor"])
    BylineFactory(article=signed, author=AuthorFactory(user=people["editor2"]))
    with pytest.raises(PermissionDenied):
        workflow.approve(signed, people["editor2"])
    workflow.approve(signed, people["editor"])
    settings.WORKFLOW_FOUR_EYES = False
    workflow.approve(own, people["editor"])
    assert Article.objects.published().filter(pk__in=[own.pk, signed.pk]).count() == 2


def test_scheduled_article_is_public_exactly_when_its_time_comes(people):
    article = in_state("review", people["owner"], people["editor"])
    when = timezone.now() + datetime.timedelta(minutes=5)
    workflow.approve(article, people["editor"], publish_at=when)
    assert not Article.objects.published().filter(pk=article.pk).exists()
    assert Article.objects.scheduled().filter(pk=article.pk).exists()
    assert Article.objects.published(now=when).filter(pk=article.pk).exists()
    later = timezone.now() + datetime.timedelta(hours=2)
    workflow.reschedule(article, people["editor"], later)
    assert Article.objects.get(pk=article.pk).published_at == later


def test_scheduling_in_the_past_is_refused(people):
    article = in_state("review", people["owner"], people["editor"])
    with pytest.raises(ValidationError):
        workflow.approve(article, people["editor"], publish_at=timezone.now() - datetime.timedelta(days=1))
    assert Article.objects.get(pk=article.pk).status == "review"


def test_scheduling_in_the_year_9999_is_refused_as_a_slip(people):
    """9999-12-31 is a slip of the keyboard, not a plan: a time more than a century ahead is refused, for an
    approval and a rescheduling alike, saying the year typed; years ahead (a test's 2099) is still a plan."""
    article = in_state("review", people["owner"], people["editor"])
    slip = datetime.datetime(9999, 12, 31, 23, 59, tzinfo=datetime.UTC)
    with pytest.raises(ValidationError) as refused:
        workflow.approve(article, people["editor"], publish_at=slip)
    assert refused.value.code == "far_publication_time" and "9999" in refused.value.messages[0]
    assert Article.objects.get(pk=article.pk).status == "review"
    workflow.approve(
        article, people["editor"], publish_at=datetime.datetime(2099, 1, 1, 8, tzinfo=datetime.UTC)
    )
    article.refresh_from_db()
    assert Article.objects.scheduled().filter(pk=article.pk).exists()
    with pytest.raises(ValidationError):
        workflow.reschedule(article, people["editor"], timezone.now() + datetime.timedelta(days=365 * 101))


def test_mail_editors_on_submit_and_reporter_on_decisions(people, django_capture_on_commit_callbacks):
    article = ArticleFactory(created_by=people["owner"])
    with django_capture_on_commit_callbacks(execute=True):
        workflow.submit(article, people["owner"])
    # Editors and superusers hear of a submission; the reporter does not.
    assert len(mail.outbox) == 1
    assert set(mail.outbox[0].to) == {"ed@example.com", "ed2@example.com", "boss@example.com"}
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.send_back(article, people["editor"], "请核实第二段的数字")
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["owner@example.com"]
    assert "请核实第二段的数字" in mail.outbox[0].body
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.submit(article, people["owner"])
        workflow.approve(article, people["editor"])
        workflow.withdraw(article, people["editor"], "来源有误")
    to_owner = [m for m in mail.outbox if m.to == ["owner@example.com"]]
    assert len(to_owner) == 2 and "来源有误" in to_owner[1].body


def test_no_mail_before_commit(people, django_capture_on_commit_callbacks):
    article = ArticleFactory(created_by=people["owner"])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        workflow.submit(article, people["owner"])
    assert mail.outbox == [] and callbacks  # the mail (and the files' placement) wait for the commit
    for callback in callbacks:
        callback()
    assert len(mail.outbox) == 1


def test_release_issue_approves_all_in_review_at_one_time(people):
    from tests.factories import IssuePageFactory

    page = IssuePageFactory()
    articles = [
        ArticleFactory(created_by=people["owner"], issue=page.issue, page=page, position=i) for i in range(3)
    ]
    for a in articles[:2]:
        workflow.submit(a, people["owner"])
    when = timezone.now() + datetime.timedelta(hours=6)
    # The draft is not ready: the issue is released only without it, once the editor says so.
    approved, refused = workflow.release_issue(page.issue, people["editor"], when)
    assert approved == [] and [a.pk for a, _ in refused] == [articles[2].pk]
    approved, refused = workflow.release_issue(page.issue, people["editor"], when, leave_out=[articles[2]])
    assert refused == [] and len(approved) == 2
    assert set(Article.objects.filter(published_at=when).values_list("pk", flat=True)) == {
        a.pk for a in articles[:2]
    }
    assert Article.objects.get(pk=articles[2].pk).status == "draft"


def test_release_issue_is_all_or_nothing_under_four_eyes(people):
    from tests.factories import IssuePageFactory

    page = IssuePageFactory()
    mine = ArticleFactory(created_by=people["editor"], issue=page.issue, page=page)
    theirs = ArticleFactory(created_by=people["owner"], issue=page.issue, page=page)
    workflow.submit(mine, people["editor"])
    workflow.submit(theirs, people["owner"])
    approved, refused = workflow.release_issue(page.issue, people["editor"])
    assert approved == [] and [a.pk for a, _ in refused] == [mine.pk]
    assert not Article.objects.filter(status="published").exists()
