"""The demo and benchmark data tests look at what is stored and rendered now: no page cache between requests."""

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _no_page_cache(settings):
    settings.PAGE_CACHE = False
    cache.clear()
    yield
    cache.clear()
