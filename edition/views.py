"""The digital edition's page (数字报): /issues/<number>/<page>/.

The printed page as an image with its published articles as links over their areas, the page list (版面导航)
with thumbnails, the page's titles (标题导航), the previous and next page, the PDF, and a calendar of the issue's
month. Everything starts from `Article.objects.published()`: an area of an article the public may not see is
not in the page at all, and a page (or issue) with no published article on it is a 404.

What the page shows is kept in shared fragments (core/fragments.py), as fresh as the page itself: the issue's
public pages with their images (one query when not kept), the page's articles with their areas (two queries),
and the calendar of the issue's month with the issues before and after, written as HTML (one query): the same
on every page of the issue. With the fragments warm the page asks the database nothing of its own; the
queries and the calendar's rendering were most of its time (docs/performance.md).
"""

import calendar

from django.http import Http404
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.dates import WEEKDAYS_ABBR

from articles.models import Issue, IssuePage
from core.compiled import fits
from core.fragments import shared_fragment
from reader.views.issues import month_calendar

from .images import (
    calendar_issues,
    page_areas,
    page_articles,
    page_image,
    public_pages,
)


def issue_pages(number: int) -> list:
    """The issue's public pages in page order, each with its image as the public may see it (or None)."""
    return [(page, page_image(page, public=True)) for page in public_pages(number)]


def page_contents(page) -> tuple[list, list]:
    """The page's published articles (`page_articles`) and their areas on it (`page_areas`)."""
    articles = page_articles(page.issue, page)
    return articles, page_areas(page, articles)


def issue_calendar(issue) -> str:
    """The calendar of the issue's month (articles/partials/edition_calendar.html), with the issues before and
    after: the same on every page of the issue."""
    day = issue.date
    first_day = day.replace(day=1)
    last_day = day.replace(day=calendar.monthrange(day.year, day.month)[1])
    month_issues, previous_issue, next_issue = calendar_issues(day, first_day, last_day)
    context = {
        "issue": issue,
        "month": first_day,
        "weeks": month_calendar(day.year, day.month, month_issues),
        "weekdays": [WEEKDAYS_ABBR[i] for i in range(7)],
        "previous_issue": previous_issue,
        "next_issue": next_issue,
    }
    return render_to_string("articles/partials/edition_calendar.html", context)


def edition_page(request, number, page):
    if not (fits(Issue, "number", number) and fits(IssuePage, "number", page)):
        raise Http404("No such issue or page.")
    pages = shared_fragment(f"edition-pages|{number}", lambda: issue_pages(number))
    index = next((i for i, (p, _image) in enumerate(pages) if p.number == page), None)
    if index is None:
        raise Http404("No published article on this page.")
    current, image = pages[index]
    issue = current.issue
    articles, areas = shared_fragment(f"edition-page|{current.pk}", lambda: page_contents(current))
    context = {
        "issue": issue,
        "page": current,
        "image": image,
        "articles": articles,
        "areas": areas,
        "pages": pages,
        "previous_page": pages[index - 1][0] if index > 0 else None,
        "next_page": pages[index + 1][0] if index + 1 < len(pages) else None,
        "calendar": shared_fragment(f"edition-calendar-html|{issue.pk}", lambda: issue_calendar(issue)),
    }
    return render(request, "articles/edition_page.html", context)
