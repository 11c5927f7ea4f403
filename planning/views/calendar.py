"""The planning calendar (选题日历): stories by due day and events by their dates, a week or a month at a time,
weeks starting on Monday. An event no live story covers (none, or all killed) is marked: coverage to plan."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.contrib import admin
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.db.models.functions import Coalesce
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from articles.models import Event

from ..models import Assignment, Story, StoryStatus
from .access import private, require_plan_reader

WEEK, MONTH = "week", "month"


@dataclass
class Day:
    date: datetime.date
    in_period: bool
    is_today: bool
    stories: list = field(default_factory=list)
    events: list = field(default_factory=list)


def events_between(first: datetime.date, last: datetime.date):
    """Events on any day from `first` to `last`, each with `covered`: a story that is not killed covers it."""
    covering = Story.objects.filter(event=OuterRef("pk")).exclude(status=StoryStatus.KILLED)
    return (
        Event.objects.annotate(last_day=Coalesce("end_date", "start_date"), covered=Exists(covering))
        .filter(start_date__lte=last, last_day__gte=first)
        .order_by("start_date", "name")
    )


def stories_due_between(first: datetime.date, last: datetime.date):
    """Stories due from the start of `first` to the end of `last` (local time), killed ones left out."""
    zone = timezone.get_current_timezone()
    start = datetime.datetime.combine(first, datetime.time.min, tzinfo=zone)
    end = datetime.datetime.combine(last + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone)
    assignments = Assignment.objects.select_related("user").order_by("order", "id")
    return (
        Story.objects.filter(Q(due_at__gte=start) & Q(due_at__lt=end))
        .exclude(status=StoryStatus.KILLED)
        .select_related("issue", "page")
        .prefetch_related(Prefetch("assignments", queryset=assignments))
        .order_by("due_at", "id")
    )


def period(
    view: str, day: datetime.date
) -> tuple[datetime.date, datetime.date, datetime.date, datetime.date]:
    """(first shown day, last shown day, previous period's date, next period's date); weeks start on Monday."""
    if view == MONTH:
        first_of_month = day.replace(day=1)
        next_month = (first_of_month + datetime.timedelta(days=32)).replace(day=1)
        last_of_month = next_month - datetime.timedelta(days=1)
        first = first_of_month - datetime.timedelta(days=first_of_month.weekday())
        last = last_of_month + datetime.timedelta(days=6 - last_of_month.weekday())
        previous = (first_of_month - datetime.timedelta(days=1)).replace(day=1)
        return first, last, previous, next_month
    first = day - datetime.timedelta(days=day.weekday())
    return (
        first,
        first + datetime.timedelta(days=6),
        first - datetime.timedelta(days=7),
        first + datetime.timedelta(days=7),
    )


def _parse_day(value: str | None, today: datetime.date) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value) if value else today
    except ValueError:
        return today


def calendar_weeks(view: str, day: datetime.date, today: datetime.date):
    """The shown weeks (lists of seven `Day`s), and the events in them that no story covers."""
    first, last, _previous, _next = period(view, day)
    days = {}
    current = first
    while current <= last:
        in_period = current.month == day.month if view == MONTH else True
        days[current] = Day(current, in_period, current == today)
        current += datetime.timedelta(days=1)
    for story in stories_due_between(first, last):
        days[timezone.localdate(story.due_at)].stories.append(story)
    uncovered = []
    for event in events_between(first, last):
        if not event.covered:
            uncovered.append(event)
        span = max(event.start_date, first), min(event.last_day, last)
        for offset in range((span[1] - span[0]).days + 1):
            days[span[0] + datetime.timedelta(days=offset)].events.append(event)
    ordered = list(days.values())
    return [ordered[i : i + 7] for i in range(0, len(ordered), 7)], uncovered


@require_GET
def calendar_view(request):
    """?view=week|month (a week by default) and ?date=YYYY-MM-DD (today by default) choose what is shown."""
    require_plan_reader(request)
    today = timezone.localdate()
    view = MONTH if request.GET.get("view") == MONTH else WEEK
    day = _parse_day(request.GET.get("date"), today)
    first, last, previous, following = period(view, day)
    weeks, uncovered = calendar_weeks(view, day, today)
    context = {
        **admin.site.each_context(request),
        "title": _("Planning calendar"),
        "opts": Story._meta,
        "view": view,
        "day": day,
        "first": first,
        "last": last,
        "previous": previous,
        "next": following,
        "today": today,
        "weeks": weeks,
        "weekdays": [d.date for d in weeks[0]],
        "uncovered": uncovered,
    }
    return private(TemplateResponse(request, "planning/calendar.html", context))
