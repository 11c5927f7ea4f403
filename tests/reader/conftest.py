"""The reader's site tests look at what views render (context, query counts): no page cache (it is tested in
tests/core)."""

import pytest


@pytest.fixture(autouse=True)
def _no_page_cache(no_page_cache):
    yield
