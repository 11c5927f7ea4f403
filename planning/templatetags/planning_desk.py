"""{% planning_desk %}: the planning panels on the admin index (templates/admin/newsroom_index.html), beside the
articles' desk, so that articles never needs to know planning exists.

A reporter sees their open assignments, due soonest first, each with a link to its article or to the story
(where it is started); an editor also sees the pitches to decide, oldest first."""

from django import template
from django.db.models import F
from django.utils import timezone

from articles.models import Issue
from articles.policy import is_editor

from ..budget import is_overdue
from ..models import Story, StoryStatus
from ..views.access import may_read_plan

register = template.Library()

LIMIT = 10


def planning_desk_for(user) -> dict:
    """What the planning panels show this user (nothing for those who may not read the plan)."""
    if not may_read_plan(user):
        return {"visible": False}
    now = timezone.now()
    mine = list(
        Story.objects.filter(assignments__user=user, status=StoryStatus.ACCEPTED)
        .select_related("issue", "page", "article")
        .order_by(F("due_at").asc(nulls_last=True), "id")[:LIMIT]
    )
    for story in mine:
        story.overdue = is_overdue(story, now)
    desk = {
        "visible": True,
        "is_editor": is_editor(user),
        "assignments": mine,
        "next_issue": Issue.objects.filter(date__gte=timezone.localdate()).order_by("date").first(),
    }
    if desk["is_editor"]:
        desk["pitches"] = list(
            Story.objects.filter(status=StoryStatus.PITCHED)
            .select_related("pitched_by")
            .order_by("created_at", "id")[:LIMIT]
        )
    return desk


@register.inclusion_tag("planning/desk.html", takes_context=True)
def planning_desk(context):
    request = context["request"]
    return {"planning": planning_desk_for(request.user), "request": request}
