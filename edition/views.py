"""The digital edition's page (数字报): /issues/<number>/<page>/.

The printed page as an image with its published articles as links over their areas, the page list (版面导航)
with thumbnails, the page's titles (标题导航), the previous and next page, the PDF, and a calendar of the issue's
month. Everything starts from `Article.objects.published()`: an area of an article the public may not see is
not in the page at all, and a page (or issue) with no published article on it is a 404.

Four queries whatever the size of the issue (five with the header's section list): the issue's public pages
with the issue, the page's articles, their areas, and the issues of the calendar with those before and after.
"""

import calendar

from django.http import Http404
from django.shortcuts import render
from django.utils.dates import WEEKDAYS_ABBR

from articles.models import Issue
from core.fragments import shared_fragment
from reader.views.issues import month_calendar

from .images import (
    calendar_issues,
    page_areas,
    page_articles,
    page_image,
    public_pages,
    with_first_public_page,
)


def edition_page(request, number, page):
    pages = list(public_pages(number))
    index = next((i for i, p in enumerate(pages) if p.number == page), None)
    if index is None:
        raise Http404("No published article on this page.")
    current = pages[index]
    issue = current.issue
    articles = page_articles(issue, current)

    day = issue.date
    first_day = day.replace(day=1)
    last_day = day.replace(day=calendar.monthrange(day.year, day.month)[1])
    # The month's calendar and the neighbouring issues are the same on every page of the issue: a shared
    # fragment (core/fragments.py), as fresh as the page.
    month_issues, previous_issue, next_issue = shared_fragment(
        f"edition-calendar|{issue.pk}",
        lambda: calendar_issues(
            with_first_public_page(Issue.objects.with_public_articles()), day, first_day, last_day
        ),
    )
    context = {
        "issue": issue,
        "page": current,
        "image": page_image(current, public=True),
        "articles": articles,
        "areas": page_areas(current, articles),
        "pages": [(p, page_image(p, public=True)) for p in pages],
        "previous_page": pages[index - 1] if index > 0 else None,
        "next_page": pages[index + 1] if index + 1 < len(pages) else None,
        "month": first_day,
        "weeks": month_calendar(day.year, day.month, month_issues),
        "weekdays": [WEEKDAYS_ABBR[i] for i in range(7)],
        "previous_issue": previous_issue,
        "next_issue": next_issue,
    }
    return render(request, "articles/edition_page.html", context)
