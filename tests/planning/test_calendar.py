"""The planning calendar (选题日历): weeks from Monday, a week or a month, stories by due day, events by their
dates, and the events no live story covers marked."""

import datetime
import re
import zoneinfo

import pytest
from django.urls import reverse

from planning.models import Story, StoryStatus
from planning.views.calendar import MONTH, WEEK, calendar_weeks, period
from tests.factories import EventFactory, UserFactory, editor, reporter

pytestmark = pytest.mark.django_db

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
THURSDAY = datetime.date(2026, 3, 12)


def url(**params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return reverse("planning_calendar") + (f"?{query}" if query else "")


def test_weeks_start_on_monday_and_months_fill_whole_weeks():
    assert period(WEEK, THURSDAY)[:2] == (datetime.date(2026, 3, 9), datetime.date(2026, 3, 15))
    first, last, previous, following = period(MONTH, THURSDAY)
    assert first == datetime.date(2026, 2, 23) and first.weekday() == 0  # 1 March 2026 is a Sunday
    assert last == datetime.date(2026, 4, 5) and last.weekday() == 6
    assert (previous, following) == (datetime.date(2026, 2, 1), datetime.date(2026, 4, 1))
    assert period(MONTH, datetime.date(2026, 12, 31))[3] == datetime.date(2027, 1, 1)


def test_stories_fall_on_their_local_due_day_and_killed_ones_are_left_out():
    ed = editor()
    # 00:30 in Shanghai on Friday is still Thursday in UTC: the newsroom's day counts.
    friday = Story.objects.create(
        title="周五截稿", pitched_by=ed, due_at=datetime.datetime(2026, 3, 13, 0, 30, tzinfo=SHANGHAI)
    )
    Story.objects.create(
        title="已撤销",
        pitched_by=ed,
        status=StoryStatus.KILLED,
        kill_reason="重复",
        due_at=datetime.datetime(2026, 3, 13, 9, tzinfo=SHANGHAI),
    )
    weeks, _uncovered = calendar_weeks(WEEK, THURSDAY, THURSDAY)
    (week,) = weeks
    assert [d.date.weekday() for d in week] == list(range(7))
    assert [[s.title for s in d.stories] for d in week] == [[], [], [], [], [friday.title], [], []]


def test_events_without_coverage_are_marked(client):
    ed = editor()
    covered = EventFactory(name="科技活动周开幕", start_date=THURSDAY, end_date=THURSDAY)
    bare = EventFactory(
        name="青岚创新论坛", start_date=THURSDAY, end_date=THURSDAY + datetime.timedelta(days=1)
    )
    only_killed = EventFactory(name="科普讲解大赛", start_date=THURSDAY, end_date=None)
    EventFactory(name="下月的会", start_date=datetime.date(2026, 5, 1), end_date=None)
    Story.objects.create(title="开幕报道", pitched_by=ed, event=covered, status=StoryStatus.ACCEPTED)
    Story.objects.create(
        title="撤了", pitched_by=ed, event=only_killed, status=StoryStatus.KILLED, kill_reason="无"
    )

    _weeks, uncovered = calendar_weeks(WEEK, THURSDAY, THURSDAY)
    assert {e.name for e in uncovered} == {bare.name, only_killed.name}

    client.force_login(ed)
    response = client.get(url(date="2026-03-12"))
    assert response.status_code == 200
    html = response.content.decode()
    marked = set(re.findall(r'class="event event--uncovered" data-event="(\d+)"', html))
    assert marked == {str(bare.pk), str(only_killed.pk)}
    assert f'class="event event--covered" data-event="{covered.pk}"' in html
    assert "下月的会" not in html
    # The two-day event shows on both its days.
    assert (
        html.count(f'data-event="{bare.pk}"') == 3
    )  # in the list of uncovered events, and on Thursday and Friday


def test_the_month_view_and_the_week_switch(client):
    ed = editor()
    story = Story.objects.create(
        title="月底截稿", pitched_by=ed, due_at=datetime.datetime(2026, 3, 30, 17, tzinfo=SHANGHAI)
    )
    client.force_login(ed)
    html = client.get(url(view="month", date="2026-03-12")).content.decode()
    assert f'data-story="{story.pk}"' in html
    assert "?view=week&amp;date=2026-03-12" in html
    assert "?view=month&amp;date=2026-02-01" in html and "?view=month&amp;date=2026-04-01" in html
    week_html = client.get(url(view="week", date="2026-03-12")).content.decode()
    assert f'data-story="{story.pk}"' not in week_html
    assert "?view=week&amp;date=2026-03-02" in week_html  # the previous week, from its Monday


def test_the_calendar_is_in_chinese(client):
    client.force_login(reporter())
    html = client.get(url(date="2026-03-12")).content.decode()
    assert "星期一" in html and "星期日" in html  # Django's own weekday names
    assert "首页" in html  # the admin's breadcrumbs


def test_a_bad_date_shows_this_week(client):
    client.force_login(editor())
    assert client.get(url(date="not-a-date", view="nonsense")).status_code == 200


def test_who_may_see_the_calendar(client):
    response = client.get(url())
    assert response.status_code == 302 and response["Location"].startswith(reverse("admin:login"))
    client.force_login(UserFactory(username="reader", is_staff=False))
    assert client.get(url()).status_code == 302
    client.force_login(UserFactory(username="it-desk", is_staff=True))
    assert client.get(url()).status_code == 403
