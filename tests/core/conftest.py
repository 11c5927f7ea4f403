"""The page cache and fragment tests run with the page cache on and empty (the `page_cache` fixture)."""

import pytest


@pytest.fixture(autouse=True)
def _page_cache_on(page_cache):
    yield
