"""Who may read the plan: the newsroom's staff, reporters and editors (newsroom/urls.py wraps the views in the
admin's login, which turns away anonymous and non-staff users first)."""

from django.core.exceptions import PermissionDenied

from articles.policy import is_editor, is_reporter, is_staff_member


def may_read_plan(user) -> bool:
    return is_staff_member(user) and (
        is_editor(user) or is_reporter(user) or user.has_perm("planning.view_story")
    )


def require_plan_reader(request) -> None:
    if not may_read_plan(request.user):
        raise PermissionDenied


def private(response):
    """Plans are the newsroom's own: never stored by a cache on the way."""
    response["Cache-Control"] = "private, no-store, max-age=0"
    return response
