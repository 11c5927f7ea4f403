"""Every public page runs the same number of queries at 100 and at 10,000 articles.

The benchmark's archive (devdata/archive.py, what `manage.py seed_bench` writes) is built once for the module:
100 articles, then grown to 10,000 by appending older issues (`seed_bench --append`), so the URLs picked at
100 (the newest issue, the most used tag, the busiest author…) still exist at 10,000. Each page is measured
with the page cache off, the shared fragments on and off, each time cold (the cache emptied and the fragments'
generation purged before the request) and warm (the same request again). tests/reader/test_query_counts.py
pins each page's count on small hand-made archives; this file checks that the count does not grow with the
archive.

The seeder commits what it writes (on PostgreSQL through connections of its own, and it builds indexes again on
others), so the archive cannot live in a transaction rolled back: the module flushes the database when it is
done, as pytest-django does after a transactional test.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from urllib.parse import urlencode

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.db.models import Count, Q
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from taggit.models import Tag

from articles.models import Article, Event, Issue, IssuePage, Section
from core.pagecache import purge_public_pages
from devdata.archive import ArchiveSeeder, latest_issue_day
from people.models import Author, Organization

# Each test looks at figures the module's fixture measured (django_db makes pytest-django set the test database
# up). Slow: about 2.5 minutes on SQLite, most of it rendering the home page, the back-issue archive and the
# sitemaps at 10,000 articles; scripts/ci-extra runs it on PostgreSQL.
pytestmark = [pytest.mark.django_db, pytest.mark.slow]

SMALL, LARGE = 100, 10_000
ARTICLE_LINK = "/articles/"  # in pages, feeds, sitemaps and the API's answers alike
# Pages that list articles: each shows some at both sizes (a count over an empty listing proves nothing).
LISTINGS = {
    "home", "issue", "edition page", "tag", "tag, deep page", "section", "author", "organization", "event", "feed",
    "tag feed", "section feed", "search, 2 characters", "search, 4 characters", "sitemap section",
    "api article list", "api issue",
}  # fmt: skip
MODES = ("fragments on, cold", "fragments on, warm", "fragments off, cold", "fragments off, warm")

# Pages whose count grows today, by mode: {page: {mode: why}}. strict=True: when a page is fixed its xfail
# fails, and its entry must go.
GROWS: dict[str, dict[str, str]] = {}


class GrowingArchive(ArchiveSeeder):
    """The bench seeder, except that an appended archive continues the one already there: its bylines also go
    to the people already there, and the topics already most used stay the most popular. seed_bench --append
    writes new people and draws the topics' popularity anew each run, so the author and the tag picked at 100
    articles would hardly grow, and their pages would not be measured at scale."""

    def seed_entities(self) -> None:
        earlier: dict[str, list[tuple[int, str]]] = {}
        for pk, name, kind in Author.objects.order_by("pk").values_list("pk", "name", "kind"):
            earlier.setdefault(kind, []).append((pk, name))
        used = dict(Tag.objects.annotate(n=Count("taggit_taggeditem_items")).values_list("name", "n"))
        super().seed_entities()
        for kind, people in earlier.items():
            self.people[kind] = people + self.people.get(kind, [])
        topics = self.generator.topics
        topics.sort(key=lambda topic: -used.get(topic, 0))  # stable: the rest keep this run's order
        self.tag_pool = [self.tag_ids[topic] for topic in topics]


def seed(articles: int, *, append: bool) -> float:
    """Write `articles` more articles (older issues when appending); returns the seconds it took."""
    started = time.monotonic()
    GrowingArchive(
        articles=articles,
        seed=20240517 + append,
        years=15 if append else 1,
        per_issue=30,
        end=latest_issue_day(),
        append=append,
        jobs=2,  # as seed_bench: two writer connections on PostgreSQL (none elsewhere)
        log=lambda message: None,
    ).run(batch_size=2000, reset=False)
    purge_public_pages()
    return time.monotonic() - started


def by_use(queryset, relation: str):
    """`queryset` ordered by how many published articles stand on each object through `relation`, ties by pk."""
    public = Q(**{f"{relation}__in": Article.objects.published()})
    return queryset.annotate(public=Count(relation, filter=public)).order_by("-public", "pk")


def most_public(queryset, relation: str):
    return by_use(queryset, relation).first()


def search_word(length: int) -> str:
    """The most used topic of `length` characters: a word the small archive already finds."""
    return next(tag.name for tag in by_use(Tag.objects.all(), "article") if len(tag.name) == length)


def last_page(client: Client, url: str) -> int:
    """The deepest page number of a paginated listing that answers 200."""
    number = 1
    while client.get(f"{url}?page={number + 1}").status_code == 200:
        number += 1
    return number


def pick_urls(client: Client) -> tuple[dict[str, str], dict[str, object]]:
    """One URL per public page type, chosen on the small archive among what grows with it; and the listings'
    querysets (to show that they grew)."""
    published = Article.objects.published()
    issue = Issue.objects.with_public_articles().order_by("-date").first()
    page = most_public(IssuePage.objects.filter(issue=issue).select_related("issue"), "articles")
    article = published.filter(issue=issue).order_by("page__number", "position", "pk").first()
    tag = most_public(Tag.objects.all(), "article")
    section = most_public(Section.objects.all(), "articles")
    author = most_public(Author.objects.all(), "bylines__article")
    organization = most_public(Organization.objects.all(), "articles")
    tag_url = reverse("articles:tag", args=[tag.slug])
    listings = {
        "tag": published.filter(tags=tag),
        "section": published.filter(section=section),
        "author": published.filter(bylines__author=author).distinct(),
        "organization": published.filter(organizations=organization),
        "published": published,
    }
    urls = {
        "home": reverse("articles:home"),
        "issue archive": reverse("articles:issues"),
        "issue": issue.get_absolute_url(),
        "edition page": page.get_absolute_url(),
        "article": article.get_absolute_url(),
        "tag": tag_url,
        "tag, deep page": f"{tag_url}?page={last_page(client, tag_url)}",
        "section": section.get_absolute_url(),
        "author": author.get_absolute_url(),
        "organization": organization.get_absolute_url(),
        "event": most_public(Event.objects.all(), "articles").get_absolute_url(),
        "feed": reverse("feed"),
        "tag feed": reverse("tag_feed", args=[tag.slug]),
        "section feed": reverse("section_feed", args=[section.slug]),
        "search, 2 characters": f"{reverse('search')}?{urlencode({'q': search_word(2)})}",
        "search, 4 characters": f"{reverse('search')}?{urlencode({'q': search_word(4)})}",
        "sitemap index": reverse("sitemap"),
        "sitemap section": reverse("sitemap_section", args=["articles"]),
        "api article list": reverse("api:articles"),
        "api article": reverse("api:article", args=[article.pk]),
        "api issue": reverse("api:issue", args=[issue.number]),
    }
    return urls, listings


@dataclass
class Measure:
    """What one archive size gave: {page: {mode: queries}}, {page: status}, and how long seeding took."""

    queries: dict[str, dict[str, int]] = field(default_factory=dict)
    status: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    measuring: float = 0.0
    listed: dict[str, int] = field(default_factory=dict)  # published articles on the picked listings
    shown: dict[str, int] = field(default_factory=dict)  # article links on each page


def count_queries(client: Client, url: str) -> tuple[int, int, int]:
    """The queries a request ran, its status, and how many article links its answer holds."""
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    return len(context.captured_queries), response.status_code, response.content.decode().count(ARTICLE_LINK)


def measure(client: Client, urls: dict[str, str], listings: dict, seconds: float) -> Measure:
    """Every page, cold then warm, with the shared fragments on and off (the page cache off throughout)."""
    result = Measure(seconds=seconds, listed={name: rows.count() for name, rows in listings.items()})
    started = time.monotonic()
    for fragments in (True, False):
        label = "on" if fragments else "off"
        with override_settings(FRAGMENT_CACHE=fragments):
            for name, url in urls.items():
                cache.clear()
                purge_public_pages()  # as after a change to public content: every shared fragment is stale
                cold, status, shown = count_queries(client, url)
                warm, _, _ = count_queries(client, url)
                counts = result.queries.setdefault(name, {})
                counts[f"fragments {label}, cold"], counts[f"fragments {label}, warm"] = cold, warm
                result.status[name] = max(result.status.get(name, 0), status)
                result.shown[name] = min(result.shown.get(name, shown), shown)
    result.measuring = time.monotonic() - started
    return result


def table(small: Measure, large: Measure) -> str:
    """The per-page figures, one row a page: queries at 100 → at 10,000 in each mode, growth marked."""
    width = max(len(name) for name in small.queries)
    lines = [f"{'page':<{width}}  " + "  ".join(f"{mode:>20}" for mode in MODES)]
    for name, counts in small.queries.items():
        cells = []
        for mode in MODES:
            before, after = counts[mode], large.queries[name][mode]
            cells.append(f"{f'{before} → {after}' + (' !' if before != after else ''):>20}")
        lines.append(f"{name:<{width}}  " + "  ".join(cells))
    lines.append(
        f"seeding: {SMALL} articles {small.seconds:.1f} s, {LARGE - SMALL} more {large.seconds:.1f} s"
    )
    lines.append(f"published articles listed: {small.listed} → {large.listed}")
    return "\n".join(lines)


@pytest.fixture(scope="module")
def measured(django_db_setup, django_db_blocker):
    """Both archive sizes measured: (small, large). The seeder commits (on PostgreSQL through connections of its
    own), so the database is flushed afterwards, as after any transactional test."""
    client = Client()
    with django_db_blocker.unblock(), override_settings(PAGE_CACHE=False):
        try:
            seconds = seed(SMALL, append=False)
            urls, listings = pick_urls(client)
            small = measure(client, urls, listings, seconds)
            seconds = seed(LARGE - SMALL, append=True)
            assert Article.objects.count() == LARGE
            large = measure(client, urls, listings, seconds)
        finally:
            call_command("flush", interactive=False, verbosity=0)
            cache.clear()
    print("\n" + table(small, large))
    return small, large


def _cases():
    for page in (
        "home", "issue archive", "issue", "edition page", "article", "tag", "tag, deep page", "section",
        "author", "organization", "event", "feed", "tag feed", "section feed", "search, 2 characters",
        "search, 4 characters", "sitemap index", "sitemap section", "api article list", "api article",
        "api issue",
    ):  # fmt: skip
        for mode in MODES:
            reason = GROWS.get(page, {}).get(mode)
            marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
            yield pytest.param(page, mode, marks=marks, id=f"{page} | {mode}")


@pytest.mark.parametrize(("page", "mode"), list(_cases()))
def test_query_count_does_not_grow_with_the_archive(measured, page, mode):
    small, large = measured
    assert small.status[page] == 200 and large.status[page] == 200, (small.status[page], large.status[page])
    before, after = small.queries[page][mode], large.queries[page][mode]
    assert after == before, f"{page} ({mode}): {before} queries at {SMALL} articles, {after} at {LARGE}"


def test_the_listings_grew_with_the_archive(measured):
    """The counts are compared on listings that really grew: the picked tag, section, author and organization
    carry several times more published articles at 10,000 (their deep pages, counts and feeds with them)."""
    small, large = measured
    assert large.listed["published"] >= 0.85 * LARGE
    for name in ("tag", "section", "author", "organization"):
        assert large.listed[name] >= 10 * small.listed[name] > 0, (name, small.listed, large.listed)
    empty = [name for name in LISTINGS if not (small.shown[name] and large.shown[name])]
    assert not empty, f"no article on {empty} at one of the sizes: {small.shown} / {large.shown}"
