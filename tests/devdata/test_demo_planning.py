"""The demo's planned next issue: pitches, assignments, late copy, a killed story and a half-filled budget, all
made through the planning services and the article workflow; the calendar marks an event nobody covers; loading
the demo again makes nothing new.

The demo is loaded once for the module (drawing its printed pages takes seconds), in a transaction rolled back
at the end; each test's own transaction nests in it.
"""

import datetime
import io

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.test.utils import override_settings
from django.urls import reverse
from django.utils import timezone

from articles.models import ArticleLog, ArticleStatus, Issue
from devdata.demo import ISSUES
from devdata.demo_planning import STORIES
from people.models import Author
from planning.models import AssignmentRole, Story, StoryKind, StoryLog, StoryStatus

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo")]

S = StoryStatus
NEXT = ISSUES[-1][0] + 1


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    media = tmp_path_factory.mktemp("demo-media")
    files = override_settings(
        MEDIA_ROOT=media / "public", PRIVATE_MEDIA_ROOT=media / "private", PAGE_CACHE=False
    )
    with django_db_blocker.unblock(), files, transaction.atomic():
        call_command("demo_data", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


def row_counts():
    return {
        m._meta.label: m.objects.count()
        for m in apps.get_models()
        if m._meta.app_label in {"planning", "articles", "people", "auth"}
    }


def test_the_demo_plans_the_next_issue_with_a_half_filled_budget(client):
    newest = Issue.objects.get(number=ISSUES[-1][0])
    issue = Issue.objects.get(number=NEXT)
    assert issue.date > newest.date and issue.date.weekday() == newest.date.weekday()
    assert issue.date > timezone.localdate()
    assert list(issue.pages.values_list("number", "name")) == list(newest.pages.values_list("number", "name"))

    stories = Story.objects.filter(issue=issue)
    assert 10 <= stories.count() <= 14 and stories.count() == len(STORIES)
    assert set(stories.values_list("kind", flat=True)) == set(StoryKind.values)
    assert set(stories.values_list("status", flat=True)) == {S.PITCHED, S.ACCEPTED, S.FILED, S.KILLED}
    assert not stories.filter(page__isnull=True).exists()
    assert all(600 <= s.target_length <= 3000 for s in stories)

    client.force_login(get_user_model().objects.get(username="editor"))
    response = client.get(reverse("planning_budget", args=[NEXT]))
    assert response.status_code == 200
    budget = response.context["budget"]
    rows = [row for page in budget.pages for row in page.rows]
    statuses = [row.story.status for row in rows]
    assert statuses.count(S.PITCHED) >= 2 and statuses.count(S.FILED) >= 2
    assert statuses.count(S.ACCEPTED) > statuses.count(S.PITCHED)  # most are assigned
    assert budget.overdue_count >= 1
    assert len(budget.killed) == 1 and budget.killed[0].story.kill_reason
    # Half-filled: every page has stories and copy still to come; the filed copy is counted.
    assert [page.page.number for page in budget.pages] == [1, 2, 3, 4]
    assert all(page.rows and page.filed < page.planned for page in budget.pages)
    assert 0 < budget.filed < budget.planned / 2
    filed = [row for row in rows if row.story.status == S.FILED]
    assert all(row.length and row.assignees for row in filed)
    html = response.content.decode()
    assert "overdue-mark" in html and "<del>" in html
    for row in rows:
        assert row.story.title in html


def test_the_plan_is_made_through_the_services_and_the_workflow():
    User = get_user_model()
    users = {u.username: u for u in User.objects.filter(username__in=["reporter", "editor", "admin"])}
    assert all(Author.objects.filter(user=user).exists() for user in users.values())

    stories = Story.objects.filter(issue__number=NEXT)
    accepted = stories.filter(status__in=[S.ACCEPTED, S.FILED])
    assert all(story.assignments.exists() and story.editor == users["editor"] for story in accepted)
    assert not stories.filter(status=S.PITCHED, assignments__isnull=False).exists()
    roles = set(stories.values_list("assignments__role", flat=True)) - {None}
    assert {AssignmentRole.REPORTER, AssignmentRole.PHOTOGRAPHER} <= roles

    started = accepted.filter(article__isnull=False).select_related("article", "page")
    assert accepted.count() / 3 <= started.count() <= accepted.count() * 2 / 3  # about half
    for story in started:
        article = story.article
        assert (article.issue_id, article.page_id, article.section_id) == (
            story.issue_id,
            story.page_id,
            story.section_id,
        )
        assert article.body and article.bylines.filter(author__user__in=story.assignments.values("user"))
        expected = ArticleStatus.REVIEW if story.status == S.FILED else ArticleStatus.DRAFT
        assert article.status == expected
    filed = stories.filter(status=S.FILED)
    assert ArticleLog.objects.filter(article__story__in=filed, action="submit").count() == filed.count()
    actions = set(StoryLog.objects.filter(story__in=stories).values_list("action", flat=True))
    assert {"pitch", "accept", "start", "kill", "article_review"} <= actions

    # Deadlines in Asia/Shanghai: the late ones yesterday, the others in the coming days, before the issue.
    now, issue = timezone.now(), Issue.objects.get(number=NEXT)
    late = [s for s in stories.filter(status=S.ACCEPTED) if s.due_at < now]
    assert late and all(s.due_at > now - datetime.timedelta(days=2) for s in late)
    ahead = stories.filter(due_at__gte=now)
    assert ahead.count() > len(late)
    assert all(timezone.localdate(s.due_at) < issue.date for s in ahead)


def test_events_are_covered_and_one_is_left_for_the_calendar_to_mark(client):
    covered = Story.objects.filter(issue__number=NEXT, event__isnull=False).exclude(status=S.KILLED)
    assert covered.count() >= 2
    client.force_login(get_user_model().objects.get(username="editor"))
    today = timezone.localdate()
    uncovered = []
    for days in (0, 7):  # this week and the next
        day = (today + datetime.timedelta(days=days)).isoformat()
        response = client.get(reverse("planning_calendar"), {"view": "week", "date": day})
        assert response.status_code == 200
        uncovered += response.context["uncovered"]
    assert uncovered
    assert not Story.objects.filter(event__in=uncovered).exclude(status=S.KILLED).exists()
    assert not {story.event for story in covered} & set(uncovered)


def test_loading_the_demo_again_creates_nothing_new():
    first = row_counts()
    logs = list(StoryLog.objects.values_list("story__title", "action"))
    call_command("demo_data", stdout=io.StringIO())
    assert row_counts() == first
    assert list(StoryLog.objects.values_list("story__title", "action")) == logs
