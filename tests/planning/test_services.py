"""planning/services.py: roles × actions × states, every cell written out; bad input that changes nothing; the
story following its article (planning/signals.py); the groups' planning permissions after migrate.

Outcomes: OK (done), PD (PermissionDenied: the role may never), STATE (StoryStateError: the role may, not now),
INVALID (another ValidationError: bad input).
"""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser, Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles import workflow
from articles.models import Article, ArticleStatus, Byline
from articles.policy import EDITORS, REPORTERS
from planning import services
from planning.models import Assignment, AssignmentRole, Story, StoryLog, StoryStatus
from planning.services import StoryStateError
from tests.factories import AuthorFactory, IssueFactory, IssuePageFactory, SectionFactory, reporter

from .factories import STORY_STATES, in_a_day, newsroom, story_in_state

pytestmark = pytest.mark.django_db

OK, PD, STATE = "ok", "PermissionDenied", "StoryStateError"
ROLES = ("pitcher", "assignee", "other", "editor", "outsider", "anonymous")

# Pitching takes no story, so it has no state: one outcome per role.
PITCH = {"pitcher": OK, "assignee": OK, "other": OK, "editor": OK, "outsider": PD, "anonymous": PD}

# (action, role) → outcome in each state:       pitched   accepted   filed    published  killed
MATRIX = {
    ("accept", "pitcher"):                        (PD,      PD,        PD,      PD,        PD),
    ("accept", "assignee"):                       (PD,      PD,        PD,      PD,        PD),
    ("accept", "other"):                          (PD,      PD,        PD,      PD,        PD),
    ("accept", "editor"):                         (OK,      OK,        STATE,   STATE,     STATE),
    ("accept", "outsider"):                       (PD,      PD,        PD,      PD,        PD),
    ("accept", "anonymous"):                      (PD,      PD,        PD,      PD,        PD),
    ("kill", "pitcher"):                          (PD,      PD,        PD,      PD,        PD),
    ("kill", "assignee"):                         (PD,      PD,        PD,      PD,        PD),
    ("kill", "other"):                            (PD,      PD,        PD,      PD,        PD),
    ("kill", "editor"):                           (OK,      OK,        OK,      STATE,     STATE),
    ("kill", "outsider"):                         (PD,      PD,        PD,      PD,        PD),
    ("kill", "anonymous"):                        (PD,      PD,        PD,      PD,        PD),
    # A pitched story has no assignee yet: its would-be assignee is nobody's assignee.
    ("start_article", "pitcher"):                 (PD,      PD,        PD,      PD,        PD),
    ("start_article", "assignee"):                (PD,      OK,        OK,      STATE,     STATE),
    ("start_article", "other"):                   (PD,      PD,        PD,      PD,        PD),
    ("start_article", "editor"):                  (PD,      PD,        PD,      PD,        PD),
    ("start_article", "outsider"):                (PD,      PD,        PD,      PD,        PD),
    ("start_article", "anonymous"):               (PD,      PD,        PD,      PD,        PD),
}  # fmt: skip
CELLS = [
    (action, role, state, outcomes[index])
    for (action, role), outcomes in MATRIX.items()
    for index, state in enumerate(STORY_STATES)
]
ERRORS = {PD: PermissionDenied, STATE: StoryStateError}


def test_the_matrix_covers_every_role_action_and_state():
    assert {(a, r) for a, r, _s, _o in CELLS} == {
        (a, r) for a in ("accept", "kill", "start_article") for r in ROLES
    }
    assert len(CELLS) == 3 * len(ROLES) * len(STORY_STATES)
    assert set(PITCH) == set(ROLES)


@pytest.fixture
def people():
    people = newsroom()
    people["anonymous"] = AnonymousUser()
    return people


def _snapshot(story):
    story.refresh_from_db()
    return (
        story.status,
        story.editor_id,
        story.kill_reason,
        story.article_id,
        list(story.assignments.values_list("user_id", "role")),
        StoryLog.objects.filter(story=story).count(),
        Article.objects.count(),
    )


def _take(action, story, user, people):
    if action == "accept":
        return services.accept(story, user, people["assignee"], target_length=1200, due_at=in_a_day())
    if action == "kill":
        return services.kill(story, user, "与上期选题重复")
    return services.start_article(story, user)


def _check_done(action, story, result, people, accepted_before=None):
    story.refresh_from_db()
    if action == "accept":
        assert result.status == story.status == StoryStatus.ACCEPTED
        assert story.editor == people["editor"] and story.target_length == 1200
        assert story.assignments.get().user == people["assignee"]
    elif action == "kill":
        assert story.status == StoryStatus.KILLED and story.kill_reason == "与上期选题重复"
    else:
        assert isinstance(result, Article) and story.article == result
        assert result.created_by == people["assignee"]
        assert Article.objects.count() == 1  # made once (a filed story's article is returned, nothing logged)
        return
    assert story.log.last().action == {"accept": "accept" if accepted_before is None else "reassign",
                                       "kill": "kill"}[action]  # fmt: skip


@pytest.mark.parametrize(("action", "role", "state", "expected"), CELLS, ids=lambda v: str(v))
def test_matrix(people, action, role, state, expected):
    story = story_in_state(state, people)
    before = _snapshot(story)
    if expected == OK:
        was = story.editor_id if story.status == StoryStatus.ACCEPTED else None
        result = _take(action, story, people[role], people)
        _check_done(action, story, result, people, accepted_before=was)
        return
    with pytest.raises(ERRORS[expected]) as raised:
        _take(action, story, people[role], people)
    if expected == PD:
        assert not isinstance(raised.value, ValidationError)
    assert _snapshot(story) == before  # refused: nothing changed, nothing logged


@pytest.mark.parametrize(("role", "expected"), PITCH.items())
def test_pitch_by_role(people, role, expected):
    if expected == OK:
        story = services.pitch(people[role], "  县域科普场馆调查  ", "走访三个县")
        assert story.status == StoryStatus.PITCHED and story.pitched_by == people[role]
        assert story.title == "县域科普场馆调查"
        assert list(story.log.values_list("action", "user")) == [("pitch", people[role].pk)]
        return
    with pytest.raises(PermissionDenied):
        services.pitch(people[role], "县域科普场馆调查")
    assert not Story.objects.exists()


def test_start_article_when_filed_returns_its_article(people):
    story = story_in_state("filed", people)
    assert services.start_article(story, people["assignee"]) == story.article
    assert Article.objects.count() == 1


def test_killing_a_story_whose_article_is_scheduled_is_refused(people):
    story = story_in_state("published", people)
    Article.objects.filter(pk=story.article_id).update(
        published_at=timezone.now() + datetime.timedelta(days=1)
    )
    Story.objects.filter(pk=story.pk).update(status=StoryStatus.FILED)  # even if the story lagged behind
    with pytest.raises(StoryStateError) as raised:
        services.kill(story, people["editor"], "不用了")
    assert raised.value.code == "article_published"
    story.refresh_from_db()
    assert story.status == StoryStatus.FILED


# ----- what the services make --------------------------------------------------------------------------------


def test_pitch_keeps_its_fields_and_a_page_alone_places_it_in_its_issue(people):
    page = IssuePageFactory(
        number=2, issue=IssueFactory(date=timezone.localdate() + datetime.timedelta(days=3))
    )
    section = SectionFactory(name="综合")
    story = services.pitch(people["pitcher"], "无人机飞进田间", kind="photo", section=section, page=page)
    assert (story.kind, story.section, story.issue, story.page) == ("photo", section, page.issue, page)
    with pytest.raises(TypeError):
        services.pitch(people["pitcher"], "选题", status="published")


def test_start_article_makes_the_assignees_draft_once(people):
    page = IssuePageFactory(number=2)
    section = SectionFactory(name="综合")
    story = story_in_state("accepted", people, section=section, issue=page.issue, page=page)
    Assignment.objects.filter(story=story).update(role=AssignmentRole.PHOTOGRAPHER)
    article = services.start_article(story, people["assignee"])
    assert article.status == ArticleStatus.DRAFT and article.title == story.title and article.body == ""
    assert (article.issue, article.page, article.section) == (page.issue, page, section)
    assert article.created_by == people["assignee"]
    ((author, role),) = article.bylines.values_list("author__user", "role")
    assert (author, role) == (people["assignee"].pk, Byline.Role.PHOTOGRAPHER)
    story.refresh_from_db()
    assert story.article == article
    assert services.start_article(story, people["assignee"]) == article  # twice: the same article
    assert Article.objects.count() == 1
    assert story.log.filter(action="start").count() == 1


def test_accept_re_assigns_and_moves_an_accepted_story(people):
    first = IssuePageFactory(number=1)
    second = IssuePageFactory(number=3, issue=first.issue)
    story = services.pitch(people["pitcher"], "选题", page=first)
    services.accept(story, people["editor"], people["assignee"], target_length=800, due_at=in_a_day())
    services.accept(story, people["editor"], people["other"], page=second, role=AssignmentRole.CORRESPONDENT)
    story.refresh_from_db()
    assert (story.status, story.page, story.target_length) == (StoryStatus.ACCEPTED, second, 800)
    assert set(story.assignments.values_list("user__username", "role")) == {
        ("assignee", "reporter"),
        ("other", "correspondent"),
    }
    services.unassign(story, people["editor"], people["assignee"])
    assert list(story.assignments.values_list("user__username", flat=True)) == ["other"]
    assert [e.action for e in story.log.all()] == ["pitch", "accept", "reassign", "unassign"]


def test_move_to_another_issue_leaves_the_old_page_behind(people):
    page = IssuePageFactory(number=2)
    other_issue = IssueFactory()
    story = story_in_state("accepted", people, issue=page.issue, page=page)
    services.move(story, people["editor"], issue=other_issue)
    story.refresh_from_db()
    assert (story.issue, story.page) == (other_issue, None)
    with pytest.raises(PermissionDenied):
        services.move(story, people["assignee"], issue=page.issue)


# ----- bad input: a clear error, nothing changed ------------------------------------------------------------


@pytest.fixture
def pitched(people):
    return story_in_state("pitched", people)


def _assert_refused(story, call, field, code=None):
    before = _snapshot(story)
    with pytest.raises(ValidationError) as raised:
        call()
    assert not isinstance(raised.value, StoryStateError)
    assert field in raised.value.message_dict
    if code:
        assert raised.value.error_dict[field][0].code == code
    assert _snapshot(story) == before
    return raised.value


def test_a_due_time_in_the_past_is_refused(people, pitched):
    past = timezone.now() - datetime.timedelta(hours=1)
    error = _assert_refused(
        pitched, lambda: services.accept(pitched, people["editor"], people["assignee"], due_at=past), "due_at"
    )
    assert error.error_dict["due_at"][0].code == "due_in_the_past"


@pytest.mark.parametrize("length", [0, -5])
def test_a_length_that_is_not_positive_is_refused(people, pitched, length):
    _assert_refused(
        pitched,
        lambda: services.accept(pitched, people["editor"], people["assignee"], target_length=length),
        "target_length",
        "length_not_positive",
    )


def test_a_due_time_a_century_ahead_or_a_length_past_any_paper_is_refused(people, pitched):
    """9999-12-31 and 99999999 characters are slips of the keyboard: refused, and nothing changes."""
    far = datetime.datetime(9999, 12, 31, 18, tzinfo=datetime.UTC)
    _assert_refused(
        pitched,
        lambda: services.accept(pitched, people["editor"], people["assignee"], due_at=far),
        "due_at",
        "due_too_far",
    )
    _assert_refused(
        pitched,
        lambda: services.accept(pitched, people["editor"], people["assignee"], target_length=99_999_999),
        "target_length",
        "length_too_long",
    )
    later = timezone.now() + datetime.timedelta(days=5 * 365)
    story = services.accept(pitched, people["editor"], people["assignee"], due_at=later, target_length=30_000)
    assert story.target_length == 30_000


def test_a_page_of_another_issue_is_refused(people, pitched):
    page = IssuePageFactory(number=2)
    _assert_refused(
        pitched,
        lambda: services.accept(
            pitched, people["editor"], people["assignee"], issue=IssueFactory(), page=page
        ),
        "page",
    )
    with pytest.raises(ValidationError):
        services.pitch(people["pitcher"], "选题", issue=IssueFactory(), page=page)
    assert Story.objects.count() == 1


def test_an_assignee_with_no_author_profile_is_refused(people, pitched):
    nobody = reporter("no-author")
    _assert_refused(
        pitched,
        lambda: services.accept(pitched, people["editor"], nobody),
        "assignee",
        "assignee_without_author",
    )
    _assert_refused(pitched, lambda: services.accept(pitched, people["editor"], None), "assignee")


def test_an_assignee_outside_the_newsroom_is_refused(people, pitched):
    AuthorFactory(user=people["outsider"])
    _assert_refused(
        pitched, lambda: services.accept(pitched, people["editor"], people["outsider"]), "assignee"
    )


def test_an_unknown_role_is_refused(people, pitched):
    _assert_refused(
        pitched, lambda: services.accept(pitched, people["editor"], people["assignee"], role="chef"), "role"
    )


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_killing_without_a_reason_is_refused(people, pitched, reason):
    _assert_refused(
        pitched, lambda: services.kill(pitched, people["editor"], reason), "reason", "reason_required"
    )


def test_a_pitch_without_a_title_is_refused(people):
    with pytest.raises(ValidationError):
        services.pitch(people["pitcher"], "  ")
    assert not Story.objects.exists()


def test_the_role_is_checked_before_the_input(people, pitched):
    with pytest.raises(PermissionDenied):
        services.kill(pitched, people["pitcher"], "")
    with pytest.raises(PermissionDenied):
        services.accept(pitched, people["assignee"], None, target_length=-1)


# ----- the story follows its article -------------------------------------------------------------------------


@pytest.fixture
def started(people):
    story = story_in_state("accepted", people)
    article = services.start_article(story, people["assignee"])
    return story, article


def _status(story):
    story.refresh_from_db()
    return story.status


def test_submitting_the_article_files_the_story(people, started):
    story, article = started
    workflow.submit(article, people["assignee"])
    assert _status(story) == StoryStatus.FILED
    assert story.log.last().action == "article_review" and story.log.last().user is None


def test_approving_the_article_publishes_the_story_and_sending_back_returns_it(people, started):
    story, article = started
    workflow.submit(article, people["assignee"])
    workflow.send_back(article, people["editor"], "请补充数据")
    assert _status(story) == StoryStatus.ACCEPTED
    workflow.submit(article, people["assignee"])
    workflow.approve(article, people["editor"])
    assert _status(story) == StoryStatus.PUBLISHED
    workflow.withdraw(article, people["editor"], "数据有误")
    assert _status(story) == StoryStatus.ACCEPTED
    assert [e.action for e in story.log.all()][-5:] == [
        "article_review", "article_draft", "article_review", "article_published", "article_withdrawn",
    ]  # fmt: skip


def test_a_scheduled_article_counts_as_published(people, started):
    story, article = started
    workflow.submit(article, people["assignee"])
    workflow.approve(article, people["editor"], publish_at=timezone.now() + datetime.timedelta(days=1))
    assert _status(story) == StoryStatus.PUBLISHED


def test_a_killed_story_stays_killed(people, started):
    story, article = started
    services.kill(story, people["editor"], "版面调整")
    workflow.submit(article, people["assignee"])
    assert _status(story) == StoryStatus.KILLED


def test_a_save_that_leaves_the_status_alone_asks_nothing_of_planning(people):
    article = Article.objects.create(title="无选题的稿件", body="", created_by=people["other"])
    with CaptureQueriesContext(connection) as queries:
        article.save(update_fields=["title"])
    assert not any("planning_story" in q["sql"] for q in queries.captured_queries)
    with CaptureQueriesContext(connection) as queries:
        article.save()
    assert sum("planning_story" in q["sql"] for q in queries.captured_queries) == 1  # one indexed look-up


def test_deleting_the_article_returns_the_story_to_accepted(people):
    story = story_in_state("filed", people)
    story.article.delete()
    story.refresh_from_db()
    assert (story.status, story.article) == (StoryStatus.ACCEPTED, None)


# ----- permissions after migrate -----------------------------------------------------------------------------


def test_the_groups_hold_planning_permissions():
    def codenames(name):
        return set(
            Group.objects.get(name=name)
            .permissions.filter(content_type__app_label="planning")
            .values_list("codename", flat=True)
        )

    assert {"add_story", "change_story", "view_story"} <= codenames(REPORTERS)
    assert "delete_story" not in codenames(REPORTERS)
    assert {"add_story", "change_story", "delete_story", "view_story", "view_storylog"} <= codenames(EDITORS)
