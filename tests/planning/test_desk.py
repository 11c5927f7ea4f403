"""The planning panels on the desk (the admin index): a reporter's assignments, due soonest first; an editor's
pitches to decide, oldest first; nothing for staff outside the newsroom."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from planning.models import Assignment, Story, StoryStatus
from planning.templatetags.planning_desk import planning_desk_for
from tests.factories import ArticleFactory, UserFactory, editor, reporter

pytestmark = pytest.mark.django_db


def desk_html(client, user) -> str:
    client.force_login(user)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    return response.content.decode()


def section(html: str, heading_id: str) -> str:
    match = re.search(rf'<section aria-labelledby="{heading_id}">.*?</section>', html, re.S)
    return match.group(0) if match else ""


def assigned(user, title, due, status=StoryStatus.ACCEPTED, **fields):
    story = Story.objects.create(title=title, pitched_by=user, due_at=due, status=status, **fields)
    Assignment.objects.create(story=story, user=user)
    return story


def test_a_reporter_sees_open_assignments_due_soonest_first(client):
    rep = reporter()
    now = timezone.now()
    later = assigned(rep, "后天截稿", now + datetime.timedelta(days=2))
    article = ArticleFactory(created_by=rep)
    soon = assigned(rep, "明天截稿", now + datetime.timedelta(days=1), article=article)
    late = assigned(rep, "已逾期", now - datetime.timedelta(hours=1))
    undated = assigned(rep, "未定时间", None)
    assigned(rep, "已交稿", now, status=StoryStatus.FILED)
    assigned(rep, "已撤销", now, status=StoryStatus.KILLED, kill_reason="重复")
    Story.objects.create(title="别人的任务", pitched_by=rep, status=StoryStatus.ACCEPTED)

    assert planning_desk_for(rep)["assignments"] == [late, soon, later, undated]

    panel = section(desk_html(client, rep), "desk-assignments")
    assert re.findall(r'data-story="(\d+)"', panel) == [str(s.pk) for s in (late, soon, later, undated)]
    assert reverse("admin:articles_article_change", args=[article.pk]) in panel  # open the article
    assert reverse("admin:planning_story_change", args=[later.pk]) in panel  # start it from the story
    assert f'class="assignment overdue" data-story="{late.pk}"' in panel
    assert reverse("planning_calendar") in panel


def test_reporters_do_not_see_the_pitches(client):
    rep = reporter()
    Story.objects.create(title="一个报题", pitched_by=rep)
    html = desk_html(client, rep)
    assert 'id="desk-pitches"' not in html
    assert "pitches" not in planning_desk_for(rep)


def test_an_editor_sees_the_pitches_oldest_first(client):
    ed = editor()
    rep = reporter(first_name="知远", last_name="林")
    newer = Story.objects.create(title="新报题", pitched_by=rep)
    older = Story.objects.create(title="老报题", pitched_by=rep)
    Story.objects.filter(pk=older.pk).update(created_at=timezone.now() - datetime.timedelta(days=2))
    Story.objects.create(title="已派题", pitched_by=rep, status=StoryStatus.ACCEPTED)

    assert planning_desk_for(ed)["pitches"] == [older, newer]
    panel = section(desk_html(client, ed), "desk-pitches")
    assert re.findall(r'data-story="(\d+)"', panel) == [str(older.pk), str(newer.pk)]
    assert "林知远" in panel
    assert reverse("admin:planning_story_change", args=[older.pk]) in panel


def test_the_next_issue_budget_is_linked(client):
    from tests.factories import IssueFactory

    IssueFactory(number=700, date=timezone.localdate() - datetime.timedelta(days=7))
    upcoming = IssueFactory(number=701, date=timezone.localdate() + datetime.timedelta(days=3))
    html = desk_html(client, editor())
    assert reverse("planning_budget", args=[upcoming.number]) in html


def test_staff_outside_the_newsroom_see_no_planning_panels(client):
    html = desk_html(client, UserFactory(username="it-desk", is_staff=True))
    assert 'id="planning-desk"' not in html


def test_the_desk_costs_the_same_queries_whatever_the_number_of_stories(client):
    ed = editor()
    client.force_login(ed)
    client.get(reverse("admin:index"))

    def count():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            client.get(reverse("admin:index"))
        return len(queries)

    few = count()
    for i in range(12):
        assigned(ed, f"任务{i}", timezone.now() + datetime.timedelta(hours=i))
        Story.objects.create(title=f"报题{i}", pitched_by=ed)
    assert count() == few
