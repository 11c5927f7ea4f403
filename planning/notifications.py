"""Mail from the planning desk, sent after the transaction commits (planning/services.py registers it there).

Who hears what: an assignee, of their assignment (what, in which role, the due time, the issue and page, the
length, the brief) with links to the story in the admin and to starting the article; the pitcher, when the pitch
is accepted or killed (with the reason), and the assignees when it is killed. Never the person who acted. In the
newsroom's language, in the style of the workflow's mail (articles/notifications.py: greeting by name, text and
HTML, absolute links from settings.ADMIN_BASE_URL), sent by its `send_mail`.
"""

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from articles.names import person
from articles.notifications import absolute_url, send_mail


def place_text(story) -> str:
    """第2718期 第2版 (综合), as far as the story is placed; "—" when it is not."""
    parts = []
    if story.issue_id:
        parts.append(_("Issue %(number)s") % {"number": story.issue.number})
    if story.page_id:
        parts.append(_("page %(number)s (%(name)s)") % {"number": story.page.number, "name": story.page.name})
    return " ".join(parts) or "—"


def _recipients(users, actor) -> list:
    """One per address, never the one who acted."""
    by_email = {}
    for user in users:
        if user is not None and user.email and user.pk != actor.pk and user.email != actor.email:
            by_email.setdefault(user.email, user)
    return [by_email[email] for email in sorted(by_email)]


def _story_link(story) -> tuple[str, str]:
    return _("Open the story"), absolute_url(reverse("admin:planning_story_change", args=[story.pk]))


def _when(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else "—"


def assigned(story, editor, assignment, new: bool) -> None:
    """Tell the assignee what is asked of them, and by when (again, when it changes)."""
    recipients = _recipients([assignment.user], editor)
    if not recipients:
        return
    with translation.override(settings.LANGUAGE_CODE):
        values = {
            "who": person(editor),
            "title": story.title,
            "role": assignment.get_role_display(),
            "due": _when(story.due_at),
            "place": place_text(story),
            "length": story.target_length or "—",
            "brief": story.brief or "—",
        }
        subject = (_("Assignment: %(title)s") if new else _("Assignment changed: %(title)s")) % values
        body = (
            _(
                "%(who)s assigned you “%(title)s” (%(role)s).\n\n"
                "Due: %(due)s\nIssue and page: %(place)s\nPlanned length: %(length)s characters\n\n"
                "Brief:\n%(brief)s"
            )
            % values
        )
        start = absolute_url(reverse("admin:planning_story_start", args=[story.pk]))
        send_mail(
            recipients, subject, body, story.title, [_story_link(story), (_("Start the article"), start)]
        )


def accepted(story, editor) -> None:
    """Tell the pitcher their pitch was taken, and who covers it."""
    recipients = _recipients([story.pitched_by], editor)
    if not recipients:
        return
    with translation.override(settings.LANGUAGE_CODE):
        names = "、".join(person(a.user) for a in story.assignments.select_related("user"))
        values = {
            "who": person(editor),
            "title": story.title,
            "assignees": names or "—",
            "due": _when(story.due_at),
            "place": place_text(story),
        }
        subject = _("Pitch accepted: %(title)s") % values
        body = (
            _(
                "%(who)s accepted your pitch “%(title)s”.\n\n"
                "Covered by: %(assignees)s\nDue: %(due)s\nIssue and page: %(place)s"
            )
            % values
        )
        send_mail(recipients, subject, body, story.title, [_story_link(story)])


def killed(story, editor) -> None:
    """Tell the pitcher and the assignees the story is dropped, and why."""
    assignees = [a.user for a in story.assignments.select_related("user")]
    recipients = _recipients([story.pitched_by, *assignees], editor)
    if not recipients:
        return
    with translation.override(settings.LANGUAGE_CODE):
        values = {"who": person(editor), "title": story.title, "reason": story.kill_reason}
        subject = _("Story killed: %(title)s") % values
        body = _("%(who)s killed the story “%(title)s”.\n\nReason:\n%(reason)s") % values
        send_mail(recipients, subject, body, story.title, [_story_link(story)])
