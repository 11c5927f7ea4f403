"""The article list's columns, for people who work in it all day: titles on at most two lines, bylines by name
in printed order, the last editor by full name, relative times (5 分钟前, 昨天 14:20), in a constant number of
queries (the bylines are prefetched, `bylines_prefetch()` in articles/querysets.py).

The column styles are in static/articles/admin/newsroom.css; tests/browser/test_desk_lists.py measures them.
"""

import datetime

from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, ngettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from articles import workflow
from articles.models import Byline
from articles.names import byline_groups, person
from articles.querysets import bylines_prefetch

# The byline roles as the list prints them; roles not named here print their own (already short) label.
ROLE_SHORT = {Byline.Role.REPORTER: pgettext_lazy("byline role, short", "Reporter")}


def relative_time(value: datetime.datetime | None, now: datetime.datetime | None = None) -> str:
    """刚刚, 5 分钟前, 今天 14:20, 昨天 14:20, 明天 09:00, 03-12 14:20 or 2025-03-12: what a list shows of a time."""
    if value is None:
        return "—"
    now = timezone.localtime(now or timezone.now())
    local = timezone.localtime(value)
    seconds = (now - local).total_seconds()
    if 0 <= seconds < 60:
        return gettext("just now")
    if 0 < seconds < 3600:
        minutes = int(seconds // 60)
        return ngettext("%(count)d minute ago", "%(count)d minutes ago", minutes) % {"count": minutes}
    if -3600 < seconds < 0:
        minutes = max(1, int(-seconds // 60))
        return ngettext("in %(count)d minute", "in %(count)d minutes", minutes) % {"count": minutes}
    clock = local.strftime("%H:%M")
    days = (local.date() - now.date()).days
    if days == 0:
        return gettext("today %(time)s") % {"time": clock}
    if days == -1:
        return gettext("yesterday %(time)s") % {"time": clock}
    if days == 1:
        return gettext("tomorrow %(time)s") % {"time": clock}
    if local.year == now.year:
        return local.strftime("%m-%d %H:%M")
    return local.strftime("%Y-%m-%d")


def time_tag(value: datetime.datetime | None, now=None) -> str:
    """A relative time in a <time> element carrying the exact time (shown on hover)."""
    if value is None:
        return "—"
    local = timezone.localtime(value)
    return format_html(
        '<time class="rel-time" datetime="{}" title="{}">{}</time>',
        local.isoformat(),
        local.strftime("%Y-%m-%d %H:%M"),
        relative_time(value, now),
    )


def short_credits(bylines) -> list[tuple[str, list[str]]]:
    """The bylines' credits (articles/names.py) with each role abbreviated: [(记者, [林知远, 王启航]), …]."""
    return [
        (str(ROLE_SHORT.get(group.role) or group.label), [author.name for author in group.authors])
        for group in byline_groups(bylines)
    ]


def byline_line(bylines) -> str:
    """记者 林知远、王启航 · 摄影 苏晴."""
    return " · ".join(f"{role} {'、'.join(names)}" for role, names in short_credits(bylines))


def byline_html(bylines) -> str:
    """byline_line with each name kept whole on one line (a list column wraps between names only)."""
    groups = [
        format_html(
            "{} {}",
            role,
            format_html_join("、", '<span class="byline-name">{}</span>', ((n,) for n in names)),
        )
        for role, names in short_credits(bylines)
    ]
    return format_html_join(" · ", "{}", ((g,) for g in groups))


def status_html(obj, *, relative: bool) -> str:
    """The status as a coloured label; a scheduled article's with its time (定时发布 明天 09:00 in lists, relative;
    定时发布 2026-12-05 09:00 on its page), the exact time on hover."""
    if not workflow.is_scheduled(obj):
        return format_html('<span class="state state--{}">{}</span>', obj.status, obj.get_status_display())
    local = timezone.localtime(obj.published_at).strftime("%Y-%m-%d %H:%M")
    when = relative_time(obj.published_at) if relative else local
    return format_html(
        '<span class="state state--scheduled" title="{}">{} {}</span>', local, _("Scheduled"), when
    )


class PrefetchingChangeList(ChangeList):
    """The changelist that also prefetches what the model admin's `list_prefetch_related` names."""

    def apply_select_related(self, qs):
        qs = super().apply_select_related(qs)
        return qs.prefetch_related(*getattr(self.model_admin, "list_prefetch_related", ()))


class ArticleListColumns:
    """A mixin for the article admin: the list's columns and the prefetch that keeps their query count fixed."""

    list_prefetch_related = [bylines_prefetch()]

    def get_changelist(self, request, **kwargs):
        return PrefetchingChangeList

    @admin.display(description=_("status"), ordering="status")
    def status_label(self, obj):
        return status_html(obj, relative=True)

    @admin.display(description=_("title"), ordering="title")
    def title_column(self, obj):
        return format_html('<span class="list-title" title="{}">{}</span>', obj.title, obj.title)

    @admin.display(description=_("bylines"))
    def byline_names(self, obj):
        # .all() reads the prefetched bylines (already in printed order): no query per row.
        return byline_html(obj.bylines.all()) or "—"

    @admin.display(description=_("last edited by"), ordering="updated_by__username")
    def last_editor(self, obj):
        return person(obj.updated_by or obj.created_by)

    @admin.display(description=_("updated at"), ordering="updated_at")
    def updated(self, obj):
        return time_tag(obj.updated_at)
