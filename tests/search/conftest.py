"""Fixtures for the search tests: no page cache, a fresh cache for each test."""

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _no_page_cache(settings):
    """These tests look at what views render (context, query counts): the page cache is tested in tests/core."""
    settings.PAGE_CACHE = False


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Every test starts with an empty cache, so no page rendered by one test is served to another."""
    cache.clear()
    yield
    cache.clear()
