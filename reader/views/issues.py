"""Today's paper, the back-issue archive and one issue, page by page (版).

One page of an issue (/issues/<number>/<page>/, the digital edition) is edition/views.py.
"""

import calendar
import re
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import TruncMonth
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.dates import WEEKDAYS_ABBR
from django.utils.safestring import mark_safe

from articles.models import Article, Issue, IssuePage
from articles.querysets import published_q
from core.fragments import shared_fragment

from ..items import ItemStyle, listing_items
from ..loading import adjacent_public_issues, load_article, load_bylines
from ..lookups import load_public_issue
from .common import found

# How many web-only articles the front page lists beside the paper.
LATEST_COUNT = 8
FRONT_PAGE = ItemStyle()
ISSUE = ItemStyle(summary=True)
MONTH_RE = re.compile(r"^(\d{4})-(\d{1,2})$")
LEAD_TEMPLATE = "partials/front_lead.html"


def issue_layout(issue):
    """An issue's public articles as ids grouped by page (版), in page order: {"issue", "pages": [(page, [ids])],
    "unplaced": [ids], "lead": the lead's id (`pick_lead`) or None}.

    One light query for the articles (ids, placement, whether illustrated) and one for their pages, however many
    there are; the items themselves come from reader/items.py. An article placed on another issue's page is
    listed apart, as is one without a page."""
    rows = list(
        Article.objects.published()
        .filter(issue=issue)
        .in_reading_order()
        .values_list("pk", "page_id", "page__issue_id", "image")
    )
    on_pages = {page_id for _pk, page_id, page_issue, _image in rows if page_id and page_issue == issue.pk}
    page_objects = IssuePage.objects.in_bulk(on_pages)
    grouped, unplaced = {}, []
    for pk, page_id, _page_issue, _image in rows:
        if page_id in page_objects:
            grouped.setdefault(page_id, []).append(pk)
        else:
            unplaced.append(pk)
    return {
        "issue": issue,
        "pages": [(page_objects[page_id], ids) for page_id, ids in grouped.items()],
        "unplaced": unplaced,
        "lead": pick_lead(rows),
    }


def pick_lead(rows):
    """The lead story's id: the first illustrated article of the front page, else the first article of the issue
    (`rows` of (id, page id, page's issue, image) in reading order)."""
    if not rows:
        return None
    front_page = rows[0][1]
    for pk, page_id, _page_issue, image in rows:
        if page_id != front_page:
            break
        if image:
            return pk
    return rows[0][0]


def shared_layout(issue) -> dict:
    """`issue_layout`, kept as a shared fragment."""
    return shared_fragment(f"issue-layout|{issue.pk}", lambda: issue_layout(issue))


def neighbours(issue) -> tuple:
    """The public issues just before and after `issue` (either may be None), kept as a shared fragment."""
    return shared_fragment(f"issue-neighbours|{issue.pk}", lambda: adjacent_public_issues(issue))


def latest_web_news() -> list[int]:
    """The ids of the newest LATEST_COUNT public web-only articles (not in any issue), newest first."""
    return list(
        Article.objects.published()
        .filter(issue__isnull=True)
        .latest_first()
        .values_list("pk", flat=True)[:LATEST_COUNT]
    )


def front_lead(pk: int) -> str:
    """The front page's lead story rendered (partials/front_lead.html), "" when it is not public: a shared fragment,
    like a listing's items, so a front page costs no query for it. Loaded by hand-written statements (the article
    with its placement, then its bylines) where the ORM cost more than the database when the fragment is missing."""

    def render_lead() -> str:
        article = load_article(pk)
        if article is None:
            return ""
        load_bylines([article])
        return render_to_string(LEAD_TEMPLATE, {"lead": article})

    return mark_safe(shared_fragment(f"front-lead|{pk}", render_lead))  # noqa: S308 - our template's output


def home(request):
    """Today's paper (the newest released issue whose time has come, else the newest never released: see
    IssueQuerySet.todays_paper in articles/querysets.py), its lead story, and the latest web-only news."""
    # Which issue is today's paper, its layout and neighbours, its lead and the latest web-only news change
    # only with public content or at a scheduled release or publication: shared fragments (core/fragments.py), as
    # fresh as the page. With them kept, the front page runs no query at all.
    issue = shared_fragment("todays-paper", Issue.objects.todays_paper)
    latest = shared_fragment("latest-web-news", latest_web_news)
    layout = shared_layout(issue) if issue else {"pages": [], "unplaced": [], "lead": None}
    lead = layout["lead"]
    # The lead is shown on its own; its page lists the rest.
    lists = [[pk for pk in ids if pk != lead] for _page, ids in layout["pages"]]
    lists += [[pk for pk in layout["unplaced"] if pk != lead], latest]
    rendered = listing_items([(ids, FRONT_PAGE, 0) for ids in lists])
    context = {"issue": issue, "lead": "", "pages": [], "previous_issue": None}
    context["latest"], context["unplaced"] = rendered.pop(), rendered.pop()
    if issue:
        context["previous_issue"] = neighbours(issue)[0]  # the issue page's fragment
        context["pages"] = [
            (page, items) for (page, _ids), items in zip(layout["pages"], rendered, strict=True)
        ]
        context["lead"] = front_lead(lead) if lead else ""
    return render(request, "articles/home.html", context)


def issue_detail(request, number):
    """One issue, page by page, with the previous and next public issues."""
    issue = found(load_public_issue("number", number))
    layout = shared_layout(issue)
    rendered = listing_items(
        [(ids, ISSUE, 0) for _page, ids in layout["pages"]] + [(layout["unplaced"], ISSUE, 0)]
    )
    previous, following = neighbours(issue)
    context = {
        "issue": issue,
        "unplaced": rendered.pop(),
        "pages": [(page, items) for (page, _ids), items in zip(layout["pages"], rendered, strict=True)],
        "previous_issue": previous,
        "next_issue": following,
    }
    return render(request, "articles/issue_detail.html", context)


def issue_by_date(request, day):
    """/issues/2026-03-12/ → the issue published that day; a day with no public issue is a 404."""
    issue = found(load_public_issue("date", day))
    return redirect(issue)


@dataclass(frozen=True)
class CalendarDay:
    """One cell of a month calendar: a day of the month with its issue if any, or a blank outside the month."""

    day: date | None
    in_month: bool
    issue: object = None


def month_calendar(year: int, month: int, issues) -> list[list[CalendarDay]]:
    """The weeks of a month (Monday first, as Chinese calendars print them), each day with its issue if any.

    Cells outside the month are blank (day=None): they are never shown, and December 9999 has no next month.
    """
    by_day = {issue.date: issue for issue in issues}
    weeks = calendar.Calendar(firstweekday=0).monthdayscalendar(year, month)
    return [
        [
            CalendarDay(date(year, month, n), True, by_day.get(date(year, month, n)))
            if n
            else CalendarDay(None, False)
            for n in week
        ]
        for week in weeks
    ]


def parse_month(value: str) -> date:
    """'2026-03' → date(2026, 3, 1); anything else raises Http404."""
    match = MONTH_RE.match(value.strip())
    if not match:
        raise Http404("Not a month.")
    try:
        return date(int(match[1]), int(match[2]), 1)
    except ValueError as exc:
        raise Http404("Not a month.") from exc


def issue_archive(request):
    """Back issues (往期回顾) by year and month, with a month calendar and a jump-to-date form.

    `?month=YYYY-MM` chooses the month (default: the latest month with an issue; a month with no issue is a 404,
    since nothing links to it). `?date=YYYY-MM-DD` jumps to the issue of that day, or, when there was none, shows
    that day's month with the nearest issues before and after it.
    """
    public = Issue.objects.with_public_articles()
    months = list(
        public.annotate(month=TruncMonth("date"))
        .values("month")
        .annotate(issues=Count("id"))
        .order_by("-month")
    )
    context = {"months": months, "jump_value": "", "jump_error": False, "missed_day": None}

    selected = None
    raw_day = request.GET.get("date", "").strip()
    if raw_day:
        context["jump_value"] = raw_day[:40]
        try:
            day = date.fromisoformat(raw_day)
        except ValueError:
            context["jump_error"] = True
        else:
            issue = public.filter(date=day).first()
            if issue:
                return redirect(issue)
            context["missed_day"] = day
            context["nearest_before"] = public.filter(date__lt=day).order_by("-date").first()
            context["nearest_after"] = public.filter(date__gt=day).order_by("date").first()
            selected = day.replace(day=1)
    if selected is None and request.GET.get("month"):
        selected = parse_month(request.GET["month"])
        if not any(m["month"] == selected for m in months):
            raise Http404("No issue that month.")
    if selected is None and months:
        selected = months[0]["month"]

    if selected:
        month_issues = list(
            public.filter(date__year=selected.year, date__month=selected.month)
            .annotate(
                public_count=Count("articles", filter=published_q(prefix="articles__")),
                lead_title=Subquery(
                    Article.objects.published()
                    .filter(issue=OuterRef("pk"))
                    .in_reading_order()
                    .values("title")[:1]
                ),
            )
            .order_by("date")
        )
        month_list = [m["month"] for m in months]
        index = month_list.index(selected) if selected in month_list else None
        context.update(
            selected_month=selected,
            month_issues=month_issues,
            weeks=month_calendar(selected.year, selected.month, month_issues),
            weekdays=[WEEKDAYS_ABBR[i] for i in range(7)],
            # `months` runs newest first: the month before is the next entry in the list.
            previous_month=_neighbour_month(month_list, selected, index, older=True),
            next_month=_neighbour_month(month_list, selected, index, older=False),
        )
    return render(request, "articles/issue_archive.html", context)


def _neighbour_month(month_list, selected, index, *, older):
    """The nearest month with an issue before (older=True) or after `selected`."""
    if index is not None:
        position = index + 1 if older else index - 1
        return month_list[position] if 0 <= position < len(month_list) else None
    candidates = [m for m in month_list if (m < selected if older else m > selected)]
    if not candidates:
        return None
    return max(candidates) if older else min(candidates)
