"""Where the content generation lives, so that every process and every server invalidates together.

- Redis (REDIS_URL): the generation is a key next to the pages; every app server reads it on each request.
- Local memory: each process has its own cache, so the generation is a stamp file that all the processes of a
  site share (several gunicorn workers on one machine).
"""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.cache import caches

from core import pagecache as page_cache
from core.pagecache import CacheGeneration, FileGeneration, generation_store, purge_public_pages
from tests.conftest import skip_or_fail

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = "redis://127.0.0.1:6379/2"


def run_in_other_process(code: str, **env) -> str:
    """Run Python `code` in a fresh interpreter with the test settings (another worker, another server)."""
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "newsroom.test_settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


# --- the stamp file ------------------------------------------------------------------------------------------


def test_a_stamp_file_is_shared_by_its_readers(tmp_path):
    stamp = tmp_path / "site.stamp"
    one, other = FileGeneration(stamp), FileGeneration(stamp)
    first = one.read()
    assert first and other.read() == first  # created on first read, seen by everyone
    assert other.bump()
    assert one.read() != first and one.read() == other.read()


def test_an_unwritable_stamp_means_no_cache_rather_than_a_stale_one(tmp_path):
    blocked = tmp_path / "not-a-directory"
    blocked.write_text("a file where the stamp's directory should be")
    assert FileGeneration(blocked / "site.stamp").read() is None


def test_local_memory_with_a_shared_database_uses_the_stamp_file(settings, tmp_path):
    settings.PAGE_CACHE_STAMP_DIR = str(tmp_path)
    from django.db import connection

    real_name = connection.settings_dict["NAME"]
    connection.settings_dict["NAME"] = str(tmp_path / "site.sqlite3")  # as a file database would be named
    try:
        store = generation_store()
        assert isinstance(store, FileGeneration) and store.path.parent == tmp_path
    finally:
        connection.settings_dict["NAME"] = real_name
    if connection.vendor == "sqlite":  # the suite's in-memory database: the process is the whole site
        assert isinstance(generation_store(), CacheGeneration)


def test_another_process_purging_invalidates_this_ones_pages(client, settings, tmp_path):
    """Two gunicorn workers over one database, each with its own local-memory cache: a purge in one (an edit
    saved through it) must invalidate the pages the other holds."""
    settings.PAGE_CACHE_STAMP_DIR = str(tmp_path)
    stamp = FileGeneration(tmp_path / "shared.stamp")
    page_cache._stores.clear()
    original = page_cache.generation_store
    page_cache.generation_store = lambda: stamp
    try:
        client.get("/")
        assert client.get("/").headers["X-Page-Cache"] == "hit"
        run_in_other_process(
            "from core.pagecache import FileGeneration; from pathlib import Path; "
            f"FileGeneration(Path({str(stamp.path)!r})).bump()"
        )
        assert client.get("/").headers["X-Page-Cache"] == "miss"
    finally:
        page_cache.generation_store = original


# --- Redis ---------------------------------------------------------------------------------------------------


@pytest.fixture
def redis_cache(settings):
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        skip_or_fail(f"needs Redis at {REDIS_URL}")
    prefix = f"perf-test-{uuid.uuid4().hex[:8]}"
    settings.CACHES = {
        "default": {
            **django_settings.CACHES["default"],
            "BACKEND": "core.cache.resilient.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": prefix,
            "OPTIONS": {},
        }
    }
    page_cache._local_pages.clear()
    yield prefix
    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(match=f"{prefix}:*"):
        client.delete(key)
    page_cache._local_pages.clear()


@pytest.mark.redis
def test_with_redis_pages_and_generation_live_in_redis(client, paper, redis_cache, django_assert_num_queries):
    assert isinstance(generation_store(), CacheGeneration)
    assert client.get("/").headers["X-Page-Cache"] == "miss"
    with django_assert_num_queries(0):
        assert client.get("/").headers["X-Page-Cache"] == "hit"
    page_cache._local_pages.clear()  # another worker: nothing in its own memory, the page comes from Redis
    with django_assert_num_queries(0):
        assert client.get("/").headers["X-Page-Cache"] == "hit"
    assert caches["default"].get(page_cache.GENERATION_KEY)


@pytest.mark.redis
def test_with_redis_a_purge_on_another_server_invalidates_at_once(client, paper, redis_cache):
    article = paper["article"]
    assert article.title in client.get("/").content.decode()
    assert client.get("/").headers["X-Page-Cache"] == "hit"  # and now in this process's memory too
    # Another app server (another process, the same Redis) withdraws the article and purges.
    run_in_other_process(
        "from articles.models import Article; from core.pagecache import purge_public_pages; purge_public_pages()",
        REDIS_URL=REDIS_URL,
        DJANGO_CACHE_PREFIX=redis_cache,
    )
    response = client.get("/")
    assert response.headers["X-Page-Cache"] == "miss"


@pytest.mark.redis
def test_with_redis_an_evicted_generation_invalidates_everything(client, paper, redis_cache):
    client.get("/")
    assert client.get("/").headers["X-Page-Cache"] == "hit"
    caches["default"].delete(page_cache.GENERATION_KEY)  # evicted under memory pressure
    assert client.get("/").headers["X-Page-Cache"] == "miss"
    assert client.get("/").headers["X-Page-Cache"] == "hit"


@pytest.mark.redis
def test_with_redis_down_pages_are_served_uncached_and_purges_retried(client, paper, settings, redis_cache):
    settings.CACHES = {
        "default": {
            "BACKEND": "core.cache.resilient.ResilientRedisCache",
            "LOCATION": "redis://127.0.0.1:1/2",  # nothing listens there
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2, "RETRY_SECONDS": 0},
        }
    }
    for _ in range(2):
        response = client.get("/")
        assert response.status_code == 200 and response.headers.get("X-Page-Cache") != "hit"
    purge_public_pages()  # cannot reach Redis: recorded, and this process serves uncached until a purge works
    assert page_cache._failed.is_set()
    settings.CACHES = {
        "default": {
            "BACKEND": "core.cache.resilient.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": redis_cache,
        }
    }
    client.get("/")  # Redis is back: the pending purge is done first
    assert not page_cache._failed.is_set()
    assert client.get("/").headers["X-Page-Cache"] == "hit"
