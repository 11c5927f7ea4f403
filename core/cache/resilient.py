"""A Redis cache that degrades to "no cache" while Redis is unreachable, and says so in the log.

Why this and not django-redis with IGNORE_EXCEPTIONS: django-redis swallows the errors too, but it tries Redis
again on every cache call (each one costs a connect timeout when Redis's host is down rather than refusing) and
logs a full traceback per call, which buries the one line operations needs under thousands. This backend is
Django's own Redis cache (maintained with Django, already used here) plus a small circuit breaker:

- the first failed call logs one ERROR ("unreachable, serving uncached"), then every call answers at once as a
  cache miss for `RETRY_SECONDS`, without touching the network;
- after that one call probes Redis again; when Redis answers, one WARNING says it is back and how many cache
  calls were skipped meanwhile.

The breaker is shared by every thread of the process (Django gives each thread its own backend instance).
"""

from __future__ import annotations

import logging
import threading
import time
from urllib.parse import urlsplit

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger("core.cache.resilient")

OUTAGE_ERRORS = (RedisConnectionError, RedisTimeoutError)
DEFAULT_RETRY_SECONDS = 5.0


class _Breaker:
    """Up/down state of one Redis location, shared by the threads of this process."""

    def __init__(self, label: str, retry_seconds: float):
        self.label = label
        self.retry_seconds = retry_seconds
        self.lock = threading.Lock()
        self.down_since: float | None = None
        self.retry_at = 0.0
        self.skipped = 0

    def allows_call(self) -> bool:
        """True when Redis is believed up, or when it is time for one call to probe it again."""
        if self.down_since is None:
            return True
        with self.lock:
            now = time.monotonic()
            if now >= self.retry_at:
                self.retry_at = now + self.retry_seconds  # one probe per interval, not one per thread
                return True
            self.skipped += 1
            return False

    def failed(self, exc: BaseException) -> None:
        with self.lock:
            now = time.monotonic()
            self.retry_at = now + self.retry_seconds
            if self.down_since is not None:
                self.skipped += 1
                logger.debug("Redis cache at %s still unreachable: %s", self.label, exc)
                return
            self.down_since = now
            self.skipped = 1
        logger.error(
            "Redis cache at %s is unreachable (%s: %s); serving uncached, retrying every %g s",
            self.label,
            type(exc).__name__,
            exc,
            self.retry_seconds,
        )

    def succeeded(self) -> None:
        if self.down_since is None:
            return
        with self.lock:
            if self.down_since is None:
                return
            outage = time.monotonic() - self.down_since
            skipped, self.down_since, self.skipped = self.skipped, None, 0
        logger.warning(
            "Redis cache at %s is back after %.1f s; %d cache calls were served uncached meanwhile",
            self.label,
            outage,
            skipped,
        )

    @property
    def is_down(self) -> bool:
        return self.down_since is not None


_breakers: dict[str, _Breaker] = {}
_breakers_lock = threading.Lock()


def _location_label(servers: list[str]) -> str:
    """host:port/db of each server, without any password the URL carries."""
    labels = []
    for server in servers:
        parts = urlsplit(server)
        host = parts.hostname or "localhost"
        port = f":{parts.port}" if parts.port else ""
        labels.append(f"{host}{port}{parts.path or ''}")
    return ",".join(labels)


def breaker_for(servers: list[str], retry_seconds: float) -> _Breaker:
    key = ",".join(servers)
    with _breakers_lock:
        if key not in _breakers:
            _breakers[key] = _Breaker(_location_label(servers), retry_seconds)
        return _breakers[key]


class _Miss(Exception):
    """Raised inside `_guarded` when the call was skipped or failed; carries nothing."""


class ResilientRedisCache(RedisCache):
    """Django's RedisCache; while Redis is unreachable every call behaves as on an empty cache that keeps nothing.

    OPTIONS may hold RETRY_SECONDS (default 5); the other options go to redis-py's connection pool as usual
    (set socket_connect_timeout and socket_timeout there, so a Redis host that is down costs little).
    """

    def __init__(self, server, params):
        options = dict(params.get("OPTIONS") or {})
        retry_seconds = float(options.pop("RETRY_SECONDS", DEFAULT_RETRY_SECONDS))
        super().__init__(server, {**params, "OPTIONS": options})
        self._breaker = breaker_for(self._servers, retry_seconds)

    @property
    def is_unavailable(self) -> bool:
        """True while the breaker holds Redis for down (for health pages and tests)."""
        return self._breaker.is_down

    def _guarded(self, call):
        if not self._breaker.allows_call():
            raise _Miss
        try:
            result = call()
        except OUTAGE_ERRORS as exc:
            self._breaker.failed(exc)
            raise _Miss from exc
        self._breaker.succeeded()
        return result

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return self._guarded(lambda: super(ResilientRedisCache, self).add(key, value, timeout, version))
        except _Miss:
            return False

    def get(self, key, default=None, version=None):
        try:
            return self._guarded(lambda: super(ResilientRedisCache, self).get(key, default, version))
        except _Miss:
            return default

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            self._guarded(lambda: super(ResilientRedisCache, self).set(key, value, timeout, version))
        except _Miss:
            return

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return self._guarded(lambda: super(ResilientRedisCache, self).touch(key, timeout, version))
        except _Miss:
            return False

    def delete(self, key, version=None):
        try:
            return self._guarded(lambda: super(ResilientRedisCache, self).delete(key, version))
        except _Miss:
            return False

    def get_many(self, keys, version=None):
        keys = list(keys)
        try:
            return self._guarded(lambda: super(ResilientRedisCache, self).get_many(keys, version))
        except _Miss:
            return {}

    def has_key(self, key, version=None):
        try:
            return self._guarded(lambda: super(ResilientRedisCache, self).has_key(key, version))
        except _Miss:
            return False

    def incr(self, key, delta=1, version=None):
        # An unreachable cache holds no key, and incr() of a missing key raises ValueError by contract:
        # callers already handle that (for an evicted key), so they handle an outage the same way.
        try:
            return self._guarded(lambda: super(ResilientRedisCache, self).incr(key, delta, version))
        except _Miss:
            raise ValueError(f"Key '{key}' not found (the cache is unavailable)") from None

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return self._guarded(lambda: super(ResilientRedisCache, self).set_many(data, timeout, version))
        except _Miss:
            return list(data)

    def delete_many(self, keys, version=None):
        keys = list(keys)
        try:
            self._guarded(lambda: super(ResilientRedisCache, self).delete_many(keys, version))
        except _Miss:
            return

    def clear(self):
        try:
            return self._guarded(lambda: super(ResilientRedisCache, self).clear())
        except _Miss:
            return False
