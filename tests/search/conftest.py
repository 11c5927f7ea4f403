"""The search tests look at what the search page renders and costs: no page cache."""

import pytest


@pytest.fixture(autouse=True)
def _no_page_cache(no_page_cache):
    yield
