"""Fixtures for the API's tests: a client, and the page cache and rate limits out of the way."""

import pytest
from django.core.cache import caches
from rest_framework.test import APIClient


@pytest.fixture
def api(settings, db):
    settings.API_RATE_ANONYMOUS = "10000/min"
    settings.API_RATE_PARTNER = "10000/min"
    caches["default"].clear()
    yield APIClient()
    caches["default"].clear()
