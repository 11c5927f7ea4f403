"""Every reader's page renders in a fixed number of queries, however many articles, bylines, tags or pages.

Each page is measured twice: with one of everything, and with many (pages, articles, bylines per article, tags,
organizations, events). The expected count is the same number for both, written down here, so a template that
starts querying per row, or a view that loses a prefetch, fails.
"""

import datetime

import pytest
from django.core.cache import cache
from django.urls import reverse

from articles.models import ArticlePhoto, Byline
from core.pagecache import purge_public_pages
from tests.factories import (
    AuthorFactory,
    EventFactory,
    IssueFactory,
    IssuePageFactory,
    OrganizationFactory,
    PublishedArticleFactory,
    SectionFactory,
    image_file,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _render_every_time(settings):
    """Measure the pages themselves: with the public page cache off, every request renders its page."""
    settings.PAGE_CACHE = False


SIZES = {
    # pages per issue, articles per page, bylines per article, tags, organizations and events per article,
    # web-only articles, earlier issues
    "small": {"pages": 1, "per_page": 1, "bylines": 1, "links": 1, "web": 1, "issues": 1},
    "large": {"pages": 3, "per_page": 4, "bylines": 4, "links": 3, "web": 6, "issues": 4},
}
ROLES = [Byline.Role.REPORTER, Byline.Role.CORRESPONDENT, Byline.Role.PHOTOGRAPHER, Byline.Role.EDITOR]


def build(size: str) -> dict:
    """An archive of `size`: earlier issues, one latest issue fully laid out, web-only news, shared entities."""
    spec = SIZES[size]
    section = SectionFactory(name="要闻")
    authors = [AuthorFactory(name=name) for name in ["林知远", "王启航", "苏晴", "周远帆"][: spec["bylines"]]]
    parent = OrganizationFactory(name="青岚省科学技术协会")
    organizations = [OrganizationFactory(parent=parent) for _ in range(spec["links"])]
    OrganizationFactory(parent=organizations[0])  # a sub-unit, with no public article of its own
    events = [EventFactory() for _ in range(spec["links"])]
    for event in events:
        event.organizers.add(*organizations)
    tags = ["人工智能", "科学普及", "新材料"][: spec["links"]]

    def article(**kwargs):
        return PublishedArticleFactory(
            section=section,
            tags=tags,
            organizations=organizations,
            events=events,
            authors=[(a, ROLES[i]) for i, a in enumerate(authors)],
            **kwargs,
        )

    first_date = datetime.date(2026, 1, 1)
    for n in range(spec["issues"]):
        old = IssueFactory(number=100 + n, date=first_date + datetime.timedelta(days=7 * n))
        article(issue=old, page=IssuePageFactory(issue=old, number=1))
    issue = IssueFactory(number=200, date=first_date + datetime.timedelta(days=7 * spec["issues"]))
    for number in range(1, spec["pages"] + 1):
        page = IssuePageFactory(issue=issue, number=number)
        for position in range(spec["per_page"]):
            article(
                issue=issue,
                page=page,
                position=position,
                image=image_file(size=(300, 200)) if position == 0 else "",
            )
    for _ in range(spec["web"]):
        article()
    middle = issue.articles.order_by("page__number", "position").all()[spec["pages"] * spec["per_page"] // 2]
    # Photo stories (组图): the article page's photos, and photos on articles every listing shows.
    for illustrated in [middle, *issue.articles.exclude(image="")]:
        for order in range(spec["bylines"]):
            ArticlePhoto.objects.create(
                article=illustrated, image=image_file(size=(300, 200)), caption=f"图{order}", order=order
            )
    return {
        "issue": issue,
        "article": middle,
        "author": authors[0],
        "organization": organizations[0],
        "event": events[0],
        "section": section,
        "tag": tags[0],
        "articles": spec["pages"] * spec["per_page"] + spec["web"] + spec["issues"],
    }


ARTICLE_LINK = 'href="/articles/'
PAGES = {
    # name: (url, queries, what the page lists, how many of it the large archive shows at least).
    # Counted with the fragments every page shares (the section navigation) already cached; the first page
    # after a change to public content pays FRAGMENT_MISS_QUERIES more.
    # The front page's every part is a shared fragment (reader/views/issues.py home): no query once they are kept.
    "home": (lambda d: "/", 0, ARTICLE_LINK, 12),
    "issue archive": (lambda d: reverse("articles:issues"), 2, 'href="/issues/', 5),
    "issue": (lambda d: d["issue"].get_absolute_url(), 1, ARTICLE_LINK, 12),
    # The article, its links and neighbours in one statement (reader/loading.py), its photos (组图) in one. The
    # article measured has photos; one without costs a query less (tests/reader/test_article_page_photos.py).
    "article": (lambda d: d["article"].get_absolute_url(), 3, 'href="/tags/', 3),
    "author": (lambda d: d["author"].get_absolute_url(), 1, ARTICLE_LINK, 20),
    "organization": (lambda d: d["organization"].get_absolute_url(), 2, ARTICLE_LINK, 20),
    # The entity; the page's ids and count, and an event's organizers, are kept (reader/views/listings.py).
    "event": (lambda d: d["event"].get_absolute_url(), 1, ARTICLE_LINK, 20),
    "tag": (lambda d: reverse("articles:tag", args=[d["tag"]]), 1, ARTICLE_LINK, 20),
    "section": (lambda d: d["section"].get_absolute_url(), 1, ARTICLE_LINK, 20),
}
# The section navigation's query, and the time of the next scheduled publication (when the fragment expires).
FRAGMENT_MISS_QUERIES = 2
# Fragments of a page's own: the article page's lists of the newest articles of each of its links (one query)
# and the titles of the related articles chosen from them (one);
# an entity listing's count for its pagination, shared by all its pages (an author's: per role); and the
# listing items (reader/items.py: the articles with their bylines, one statement), shared by every page that
# lists them.
ITEM_QUERIES = 1
OWN_FRAGMENT_QUERIES = {
    "article": 1 + 1,
    # Today's paper (two queries while no issue is released), the issue's layout (its articles' ids, its pages),
    # its neighbours (the issues before and after it, one query), the latest web-only news (their ids), the lead
    # (the article, its bylines), and the items.
    "home": 2 + 2 + 1 + 1 + 2 + ITEM_QUERIES,
    "issue": 2 + 1 + ITEM_QUERIES,
    # The count, the page's ids, and the items; an event's organizers too.
    **dict.fromkeys(("tag", "section"), 1 + 1 + ITEM_QUERIES),
    "event": 1 + 1 + 1 + ITEM_QUERIES,
    # The author's counts by role (one query; one more for an author in an organization: whether it has a
    # page), the page's ids (a range of the listing index for each role the page spans: one here), the items.
    "author": 1 + 1 + ITEM_QUERIES,
    # The organization's facts (itself, its parent and units, whether each is public; its events and their
    # count) and the count; the items.
    "organization": 2 + 1 + ITEM_QUERIES,
}


@pytest.mark.parametrize("size", SIZES)
def test_query_counts_are_constant(client, django_assert_num_queries, size):
    """Build the archive once per size, then measure every page on it; report every page that is off."""
    data = build(size)
    failures = []
    for name, (url, expected, marker, large_minimum) in PAGES.items():
        cache.clear()
        purge_public_pages()  # as after a change to public content: every shared fragment is stale
        try:
            with django_assert_num_queries(
                expected + FRAGMENT_MISS_QUERIES + OWN_FRAGMENT_QUERIES.get(name, 0)
            ):
                client.get(url(data))  # the first page after a change renders the shared fragments too
            with django_assert_num_queries(expected):
                response = client.get(url(data))
        except pytest.fail.Exception as exc:
            failures.append(f"{name}: {exc}")
            continue
        assert response.status_code == 200, name
        # The large archive really is large on the page: the count is not measured over a near-empty listing.
        shown = response.content.decode().count(marker)
        assert shown >= (1 if size == "small" else large_minimum), f"{name} shows only {shown} of {marker}"
    assert not failures, "\n\n".join(failures)
