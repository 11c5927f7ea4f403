"""Redis down: the site works uncached and says so once in the log (core/cache/resilient.py).

Unit tests drive the backend against a port where nothing listens (a real "connection refused") and against
a mocked client for the breaker's timing; one test, marked `redis`, runs against a real Redis (db 3).
"""

import datetime
import logging
import socket
import time
from unittest import mock

import pytest
from django.core.cache import caches
from django.test import Client, override_settings
from django.utils import timezone
from redis.exceptions import ConnectionError as RedisConnectionError

from articles.models import Article, ArticleStatus
from core.cache import resilient
from tests.conftest import skip_or_fail
from tests.factories import editor


def dead_port() -> int:
    """A loopback port with nothing listening: connecting is refused at once."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_cache(location: str, retry: float = 5.0) -> resilient.ResilientRedisCache:
    return resilient.ResilientRedisCache(
        location,
        {"OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5, "RETRY_SECONDS": retry}},
    )


@pytest.fixture(autouse=True)
def _fresh_breakers():
    resilient._breakers.clear()
    yield
    resilient._breakers.clear()


def test_every_operation_answers_like_an_empty_cache_when_redis_is_down():
    cache = make_cache(f"redis://127.0.0.1:{dead_port()}/3")
    assert cache.get("missing", "fallback") == "fallback"
    assert cache.set("k", "v") is None
    assert cache.add("k", "v") is False
    assert cache.get_many(["a", "b"]) == {}
    assert cache.set_many({"a": 1, "b": 2}) == ["a", "b"]
    assert cache.delete("k") is False
    assert cache.delete_many(["a", "b"]) is None
    assert cache.has_key("k") is False
    assert cache.touch("k") is False
    assert cache.clear() is False
    assert cache.get_or_set("k", "computed") == "computed"
    with pytest.raises(ValueError):
        cache.incr("counter")
    assert cache.is_unavailable


def test_the_outage_is_logged_once_with_the_address_but_not_the_password(caplog):
    port = dead_port()
    cache = make_cache(f"redis://:s3cret-pass@127.0.0.1:{port}/3")
    with caplog.at_level(logging.DEBUG, logger="core.cache.resilient"):
        for _ in range(50):
            cache.get("page")
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1
    message = errors[0].getMessage()
    assert f"127.0.0.1:{port}/3" in message and "uncached" in message
    assert "s3cret-pass" not in caplog.text


def test_while_down_calls_do_not_touch_the_network_until_the_retry_time():
    cache = make_cache("redis://127.0.0.1:6399/3", retry=0.2)
    failing = mock.patch.object(
        resilient.RedisCache, "get", autospec=True, side_effect=RedisConnectionError("Connection refused")
    )
    with failing as get:
        assert cache.get("a") is None
        assert get.call_count == 1
        for _ in range(100):
            assert cache.get("a", "miss") == "miss"
        assert get.call_count == 1  # skipped without a network call
        time.sleep(0.25)
        cache.get("a")
        assert get.call_count == 2  # one probe after the interval


def test_recovery_is_noticed_and_logged(caplog):
    cache = make_cache("redis://127.0.0.1:6399/3", retry=0.05)
    with mock.patch.object(
        resilient.RedisCache, "get", autospec=True, side_effect=RedisConnectionError("down")
    ):
        cache.get("a")
        cache.get("a")
    time.sleep(0.06)
    with (
        mock.patch.object(resilient.RedisCache, "get", autospec=True, return_value="cached page"),
        caplog.at_level(logging.INFO, logger="core.cache.resilient"),
    ):
        assert cache.get("a") == "cached page"
    assert not cache.is_unavailable
    back = [r for r in caplog.records if r.levelno == logging.WARNING and "is back" in r.getMessage()]
    assert len(back) == 1


def test_a_slow_redis_costs_at_most_its_timeouts_once_per_interval():
    # A host that does not answer (rather than refusing) is the expensive case: the socket timeout bounds the
    # first call and the breaker spares every call after it.
    cache = make_cache("redis://127.0.0.1:6399/3", retry=30)

    def slow(*args, **kwargs):
        time.sleep(0.3)
        raise RedisConnectionError("Timeout connecting to server")

    with mock.patch.object(resilient.RedisCache, "get", autospec=True, side_effect=slow):
        started = time.monotonic()
        for _ in range(20):
            cache.get("page")
        assert time.monotonic() - started < 1.0


def test_other_redis_errors_are_not_hidden():
    from redis.exceptions import ResponseError

    cache = make_cache("redis://127.0.0.1:6399/3")
    with (
        mock.patch.object(resilient.RedisCache, "get", autospec=True, side_effect=ResponseError("WRONGTYPE")),
        pytest.raises(ResponseError),
    ):
        cache.get("a")
    assert not cache.is_unavailable


@pytest.mark.django_db
def test_the_site_serves_pages_uncached_with_redis_down(caplog):
    article = Article.objects.create(
        title="云川市科技馆新馆开工建设",
        body="<p>本报讯 新馆预计两年后建成。</p>",
        created_by=editor("cache_editor"),
        status=ArticleStatus.PUBLISHED,
        published_at=timezone.now() - datetime.timedelta(hours=1),
    )
    dead = {
        "default": {
            "BACKEND": "core.cache.resilient.ResilientRedisCache",
            "LOCATION": f"redis://127.0.0.1:{dead_port()}/3",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    with override_settings(CACHES=dead), caplog.at_level(logging.ERROR, logger="core.cache.resilient"):
        client = Client()
        for path in ["/", article.get_absolute_url(), "/issues/"]:
            first = client.get(path)
            second = client.get(path)
            assert first.status_code == second.status_code == 200, path
        assert "云川市科技馆新馆开工建设" in client.get(article.get_absolute_url()).content.decode()
        # Editors' sessions live in the cache, written through to the database: logins keep working.
        desk = Client()
        desk.force_login(editor("cache_desk"))
        assert desk.get("/admin/articles/article/").status_code == 200
        assert caches["default"].is_unavailable
    assert any("unreachable" in r.getMessage() for r in caplog.records if r.name == "core.cache.resilient")


@pytest.mark.redis
def test_against_a_real_redis():
    import redis

    url = "redis://127.0.0.1:6379/3"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=0.5).ping()
    except redis.exceptions.ConnectionError:
        skip_or_fail("needs Redis at 127.0.0.1:6379")
    cache = make_cache(url)
    key = f"hardening-test-{time.time_ns()}"
    try:
        cache.set(key, {"title": "青岚省科协"}, 30)
        assert cache.get(key) == {"title": "青岚省科协"}
        assert cache.incr(f"{key}-n", 1) if cache.add(f"{key}-n", 0) else True
        assert not cache.is_unavailable
    finally:
        cache.delete_many([key, f"{key}-n"])
