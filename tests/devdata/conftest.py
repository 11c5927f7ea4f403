"""The demo and benchmark data tests look at what is stored and rendered now: no page cache."""

import pytest


@pytest.fixture(autouse=True)
def _no_page_cache(no_page_cache):
    yield
