"""The issue's budget (稿单): on screen in the admin, and printed on A4 for the morning meeting."""

from django.contrib import admin
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from ..budget import budget_for, issue_with_neighbours
from ..models import Story
from .access import private, require_plan_reader


@require_GET
def budget_view(request, number: int, printed: bool = False):
    """The budget of the issue numbered `number`; `printed` (or ?print=1): the print version, no admin chrome."""
    require_plan_reader(request)
    issue = get_object_or_404(issue_with_neighbours(), number=number)
    printed = printed or request.GET.get("print") == "1"
    context = {
        "issue": issue,
        "budget": budget_for(issue),
        "printed": printed,
        "now": timezone.localtime(),
        "title": _("Budget of issue %(number)s") % {"number": issue.number},
        "opts": Story._meta,
    }
    if printed:
        template = "planning/budget_print.html"
    else:
        context.update(admin.site.each_context(request))
        template = "planning/budget.html"
    return private(TemplateResponse(request, template, context))
