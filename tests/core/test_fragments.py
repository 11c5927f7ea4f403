"""The fragments every public page repeats (the section navigation) are cached, even with the page cache off,
and are exactly as fresh as whole pages: a change to public content or the next scheduled publication ends them.
"""

import datetime
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles import workflow
from core.fragments import shared_fragment
from reader.templatetags import reader
from tests.factories import ArticleFactory, SectionFactory, editor

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _pages_uncached(settings):
    """Every request renders its page: what is measured here is the fragment alone."""
    settings.PAGE_CACHE = False
    settings.FRAGMENT_CACHE = True


def nav(client) -> str:
    html = client.get(reverse("articles:home")).content.decode()
    return html[html.index('<nav class="masthead__nav"') : html.index("</nav>", html.index("masthead__nav"))]


def navigation_queries(client) -> list[str]:
    """The queries a page ran for the section navigation (none when the fragment was cached)."""
    real = reader._sections_with_public_articles
    sql = []

    def counted():
        with CaptureQueriesContext(connection) as queries:
            value = real()
        sql.extend(q["sql"] for q in queries)
        return value

    with mock.patch.object(reader, "_sections_with_public_articles", counted):
        assert client.get(reverse("search")).status_code == 200  # the navigation and the form
    return sql


def test_the_navigation_is_rendered_once_then_reused(client):
    ArticleFactory(published=True, section=SectionFactory(name="科技前沿"))
    assert len(navigation_queries(client)) == 1  # the navigation; the search form's list reuses it
    assert navigation_queries(client) == []  # the next page reuses it
    assert "科技前沿" in nav(client)


def test_a_new_section_shows_at_once(client):
    ArticleFactory(published=True, section=SectionFactory(name="科技前沿"))
    assert "科普天地" not in nav(client)
    ArticleFactory(published=True, section=SectionFactory(name="科普天地"))
    assert "科普天地" in nav(client)


def test_a_withdrawn_article_takes_its_section_away_at_once(client):
    ArticleFactory(published=True, section=SectionFactory(name="科技前沿"))
    only = ArticleFactory(published=True, section=SectionFactory(name="院士访谈"))
    assert "院士访谈" in nav(client)
    workflow.withdraw(only, editor(), comment="事实核查未通过")
    assert "院士访谈" not in nav(client)


def test_a_renamed_section_shows_at_once(client):
    section = SectionFactory(name="科技前沿")
    ArticleFactory(published=True, section=section)
    assert "科技前沿" in nav(client)
    section.name = "前沿科技"
    section.save()
    assert "前沿科技" in nav(client) and "科技前沿" not in nav(client)


def test_a_scheduled_article_brings_its_section_on_time(client):
    ArticleFactory(published=True, section=SectionFactory(name="科技前沿"))
    start = timezone.now()
    goes_public = start + datetime.timedelta(minutes=5)
    ArticleFactory(status="published", published_at=goes_public, section=SectionFactory(name="深空探测"))
    with mock.patch("django.utils.timezone.now", return_value=start) as now:
        assert "深空探测" not in nav(client)
        now.return_value = goes_public - datetime.timedelta(seconds=1)
        assert navigation_queries(client) == []  # still the cached fragment
        assert "深空探测" not in nav(client)
        now.return_value = goes_public + datetime.timedelta(seconds=1)
        assert "深空探测" in nav(client)


def test_the_language_is_part_of_the_key(client):
    """A fragment may hold translated text: one language's copy is never served in another."""
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    from django.utils import translation

    with translation.override("zh-hans"):
        assert shared_fragment("probe", compute) == 1
        assert shared_fragment("probe", compute) == 1
    with translation.override("en"):
        assert shared_fragment("probe", compute) == 2


def test_switched_off_it_computes_every_time(client, settings):
    settings.FRAGMENT_CACHE = False
    ArticleFactory(published=True, section=SectionFactory(name="科技前沿"))
    # The search page lists the sections twice (navigation and form): both compute, on every request.
    assert len(navigation_queries(client)) == 2
    assert len(navigation_queries(client)) == 2


def test_a_listings_count_is_shared_by_its_pages_and_never_stale(client):
    """An entity listing's total (its pagination) is counted once per generation, for every page of it."""
    first = ArticleFactory(published=True)
    first.tags.add("量子科技")
    url = reverse("articles:tag", args=["量子科技"])

    def shown() -> str:
        html = client.get(url).content.decode()
        return html[html.index('<p class="page-head__meta">') :].split("·")[0]

    assert ">1篇文章" in shown()
    with CaptureQueriesContext(connection) as queries:
        assert ">1篇文章" in shown()
    assert not any("COUNT(" in q["sql"] for q in queries)  # the shared count
    second = ArticleFactory(published=True)
    second.tags.add("量子科技")
    assert ">2篇文章" in shown()  # a new article counts at once
    workflow.withdraw(second, editor(), comment="数据有误，撤回核实")
    assert ">1篇文章" in shown()  # a withdrawal too
    start = timezone.now()
    goes_public = start + datetime.timedelta(minutes=5)
    ArticleFactory(status="published", published_at=goes_public).tags.add("量子科技")
    with mock.patch("django.utils.timezone.now", return_value=start) as now:
        assert ">1篇文章" in shown()
        now.return_value = goes_public + datetime.timedelta(seconds=1)
        assert ">2篇文章" in shown()  # a scheduled one on time


def test_with_the_cache_in_local_memory_fragments_stay_out_of_it(client):
    """The process's own copies are the fragments' store then: in the cache they would crowd out pages."""
    from django.core.cache import caches
    from django.core.cache.backends.locmem import LocMemCache

    cache = caches["default"]
    assert isinstance(cache, LocMemCache)
    ArticleFactory(published=True, section=SectionFactory(name="科技前沿"))
    assert "科技前沿" in nav(client)
    assert not [key for key in cache._cache if "pagecache:fragment:" in key]


def test_object_fragments_load_only_what_is_missing_and_keep_the_gone_as_none():
    from core.fragments import object_fragments

    loads = []

    def load(ids):
        loads.append(sorted(ids))
        return {pk: f"对象{pk}" for pk in ids if pk != 3}  # 3 is no longer public

    def build(name, obj):
        return f"{name}={obj}"

    first = object_fragments({"probe|1": 1, "probe|3": 3}, load, build)
    assert first == {"probe|1": "probe|1=对象1", "probe|3": None}
    again = object_fragments({"probe|1": 1, "probe|2": 2, "probe|3": 3}, load, build)
    assert again == {"probe|1": "probe|1=对象1", "probe|2": "probe|2=对象2", "probe|3": None}
    assert loads == [[1, 3], [2]]  # the second call loaded only the name it had not kept
    assert object_fragments({}, load, build) == {} and len(loads) == 2


def test_the_schedule_is_asked_once_per_generation_not_once_a_request(client, generation):
    """With the page cache off, each request that renders a fragment needs its expiry: the process keeps the last
    one with its generation, and asks again after a purge or once it has passed."""
    from core import fragments

    ArticleFactory(published=True, section=SectionFactory(name="科技前沿"))
    with mock.patch.object(fragments, "page_expiry", wraps=fragments.page_expiry) as asked:
        client.get(reverse("articles:home"))
        client.get(reverse("search"))
        assert asked.call_count == 1
        ArticleFactory(published=True, section=SectionFactory(name="科普天地"))  # a purge: a new generation
        client.get(reverse("search"))
        assert asked.call_count == 2
        _, computed_at, expiry = fragments._last_expiry
        later = datetime.datetime.fromtimestamp(expiry + 1, tz=datetime.UTC)
        with mock.patch("django.utils.timezone.now", return_value=later):
            client.get(reverse("search"))
        assert asked.call_count == 3


def test_a_scheduled_article_ends_the_kept_expiry(client):
    """The kept expiry is never later than the next scheduled publication: scheduling one is a purge."""
    from core import fragments

    ArticleFactory(published=True, section=SectionFactory(name="科技前沿"))
    client.get(reverse("articles:home"))
    soon = timezone.now() + datetime.timedelta(minutes=5)
    ArticleFactory(status="published", published_at=soon, section=SectionFactory(name="科普天地"))
    client.get(reverse("articles:home"))
    assert fragments._last_expiry[2] <= soon.timestamp()
