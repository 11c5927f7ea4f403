"""Suite-wide fixtures and the rule for service-dependent tests.

A test marked `postgres`, `redis` or `browser` skips when the service is missing, and one marked `java` when no
Java runtime is on PATH, except under CI=true, where a missing service is a failure (CI must run everything).
"""

import datetime
import os
import shutil

import pytest
from django.core.cache import caches
from django.utils import timezone

IN_CI = os.environ.get("CI", "").lower() == "true"


def skip_or_fail(reason: str):
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: every test must run)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private-media"


@pytest.fixture(autouse=True)
def _postgres_marker(request):
    if request.node.get_closest_marker("postgres"):
        from django.db import connection

        if connection.vendor != "postgresql":
            skip_or_fail("needs PostgreSQL: set DATABASE_URL=postgres://...")


@pytest.fixture(autouse=True)
def _java_marker(request):
    if request.node.get_closest_marker("java") and not shutil.which("java"):
        skip_or_fail("needs a Java runtime (apt-get install default-jre-headless)")


@pytest.fixture(scope="session")
def demo_site(tmp_path_factory):
    """The demo newspaper in a throwaway database, served by a child process (tests/demo_site.py). Built on the
    first `demo_site.start()` of the session, so a test that skips first (no browser, no Java) costs nothing."""
    from tests.demo_site import DemoSite

    site = DemoSite(tmp_path_factory.mktemp("demo-site"))
    yield site
    site.stop()


@pytest.fixture(autouse=True)
def _no_local_cache_across_tests():
    """The process-local copies of cached fragments and pages (core/pagecache.py, core/fragments.py) belong to the test that made
    them: its data is rolled back afterwards without the purge a real change would make."""
    from core import fragments
    from core import pagecache as page_cache

    fragments._local_fragments.clear()
    fragments._last_expiry = (None, 0.0, 0.0)
    page_cache._local_pages.clear()
    page_cache._snapshot.__dict__.clear()


# --- the page cache switched on, and a small newspaper to cache (tests/core, test_invalidation, test_related) --


@pytest.fixture
def page_cache(settings):
    """The page cache on, empty before and after every test (no page of one test is served to another)."""
    settings.PAGE_CACHE = True
    settings.PAGE_CACHE_SECONDS = 600
    caches["default"].clear()
    yield
    caches["default"].clear()


@pytest.fixture
def generation():
    """The current content generation, read fresh each call."""
    from core.pagecache import generation_store

    return lambda: generation_store().read()


@pytest.fixture
def paper(db):
    from articles.models import ArticleEvent, ArticleOrganization, Byline
    from tests.factories import (
        ArticleFactory,
        AuthorFactory,
        EventFactory,
        IssueFactory,
        IssuePageFactory,
        OrganizationFactory,
        SectionFactory,
        editor,
    )

    """One issue with a page, and one published article on it carrying a byline, a tag, an organization, an
    event and a section; plus a second published article on the same page so lists are never empty."""
    issue = IssueFactory(number=2718, date=datetime.date(2026, 3, 12))
    page = IssuePageFactory(issue=issue, number=1, name="要闻")
    section = SectionFactory(name="要闻")
    author = AuthorFactory(name="林知远")
    organization = OrganizationFactory(name="青岚省科学技术协会", short_name="省科协")
    event = EventFactory(name="第十二届青岚科普讲解大赛", start_date=datetime.date(2026, 3, 10))
    published_at = timezone.now() - datetime.timedelta(hours=2)
    article = ArticleFactory(
        title="青岚省量子通信干线全线贯通",
        body="<p>本报讯 青岚省量子保密通信干线近日全线贯通，全长一千二百公里。</p>",
        issue=issue,
        page=page,
        position=1,
        section=section,
        published=True,
        published_at=published_at,
    )
    other = ArticleFactory(
        title="省科协启动科技志愿服务月",
        body="<p>本报讯 省科协近日启动科技志愿服务月活动。</p>",
        issue=issue,
        page=page,
        position=2,
        section=section,
        published=True,
        published_at=published_at,
    )
    for item in (article, other):
        Byline.objects.create(article=item, author=author, role=Byline.Role.REPORTER)
        item.tags.add("量子科技")
        ArticleOrganization.objects.create(article=item, organization=organization)
        ArticleEvent.objects.create(article=item, event=event)
    return {
        "issue": issue,
        "page": page,
        "section": section,
        "author": author,
        "organization": organization,
        "event": event,
        "article": article,
        "other": other,
        "editor": editor(),
    }


@pytest.fixture
def no_page_cache(settings):
    """Pages render from the database as it is now (the page cache off) and the cache is empty before and after,
    so nothing one test rendered or kept is seen by another. For suites that look at what views render."""
    settings.PAGE_CACHE = False
    caches["default"].clear()
    yield
    caches["default"].clear()
