"""Suite-wide fixtures and the rule for service-dependent tests.

A test marked `postgres`, `redis` or `browser` skips when the service is missing, except under CI=true, where a
missing service is a failure (CI must run everything).
"""

import os

import pytest

IN_CI = os.environ.get("CI", "").lower() == "true"


def skip_or_fail(reason: str):
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: every test must run)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _postgres_marker(request):
    if request.node.get_closest_marker("postgres"):
        from django.db import connection

        if connection.vendor != "postgresql":
            skip_or_fail("needs PostgreSQL: set DATABASE_URL=postgres://...")


@pytest.fixture(autouse=True)
def _no_local_cache_across_tests():
    """The process-local copies of cached fragments and pages (core/pagecache.py, core/fragments.py) belong to the test that made
    them: its data is rolled back afterwards without the purge a real change would make."""
    from core import fragments
    from core import pagecache as page_cache

    fragments._local_fragments.clear()
    page_cache._local_pages.clear()
    page_cache._snapshot.__dict__.clear()
