"""The rate limits count requests in windows of the rate's period (api/throttling.py `_CountingThrottle`): one
number per client and window in the cache, whatever the rate; refused past the rate with the seconds to the
window's end; allowed again in the next window; and allowed, uncounted, while the cache is unreachable."""

from unittest import mock

import pytest
from django.core.cache import cache

from api.throttling import AnonymousThrottle, PartnerThrottle

LIST = "/api/v1/articles/"


@pytest.fixture
def clock():
    """The throttles' time, set by the test: 1,000 minutes and 10 seconds after the epoch."""
    now = [60_000.0 + 10]
    with (
        mock.patch.object(AnonymousThrottle, "timer", lambda self: now[0]),
        mock.patch.object(PartnerThrottle, "timer", lambda self: now[0]),
    ):
        yield now


@pytest.fixture
def limited(api, settings, paper):
    settings.API_RATE_ANONYMOUS = "3/min"
    cache.clear()
    return api


def test_one_number_per_client_and_window(api, settings, paper, clock):
    settings.API_RATE_ANONYMOUS = "1000/min"
    for _ in range(25):
        assert api.get(LIST).status_code == 200
    assert cache.get("throttle_anonymous_127.0.0.1:1000") == 25


def test_refused_until_the_window_ends(limited, clock):
    assert [limited.get(LIST).status_code for _ in range(4)] == [200, 200, 200, 429]
    clock[0] += 30
    refused = limited.get(LIST)
    assert refused.status_code == 429 and refused["Retry-After"] == "20"
    clock[0] += 20  # the next minute: a new window
    assert [limited.get(LIST).status_code for _ in range(4)] == [200, 200, 200, 429]


def test_stored_answers_count_in_the_same_window(limited, settings, clock):
    settings.PAGE_CACHE = True
    assert [limited.get(LIST).status_code for _ in range(3)] == [200, 200, 200]
    refused = limited.get(LIST)
    assert refused.status_code == 429 and refused["Retry-After"] == "50"


def test_an_unreachable_cache_limits_nothing(limited):
    with (
        mock.patch.object(cache, "incr", side_effect=ValueError),
        mock.patch.object(cache, "add", return_value=False),
    ):
        assert [limited.get(LIST).status_code for _ in range(5)] == [200] * 5
