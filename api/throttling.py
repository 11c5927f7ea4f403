"""Rate limits: per client address without a key (API_RATE_ANONYMOUS), per partner key with one (the key's own
rate, else API_RATE_PARTNER). A partner sends its key in the `X-Api-Key` header; keys are issued and revoked in
the admin (api/admin.py, api/models.py). An unknown or inactive key counts as no key.

A key is looked up by its hash in the default cache, which keeps the answer a minute ("no such key" too, so
guessed keys do not reach the database each time); a key's save or delete drops its entry (api/signals.py), so a
revoked key is refused at once. The key's last use is written when the cache misses, and only if it is older
than a minute: never a write per request.

Requests are counted in windows of the rate's period (`_CountingThrottle`), one counter per client and window,
so a request costs one atomic `cache.incr`, whatever the rate. DRF's own throttle keeps the time of every
request in the period as one list, read and written whole on each request (a partner at 1,200 a minute: 1,200
numbers unpickled and pickled, and with Redis sent both ways, on every request)."""

import math
from datetime import timedelta
from typing import NamedTuple

from django.conf import settings
from django.core.cache import cache
from django.db.models import Q
from django.utils import timezone
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from .models import PartnerKey, hash_key, parse_rate

KEY_HEADER = "HTTP_X_API_KEY"
LOOKUP_SECONDS = 60
TOUCH_SECONDS = 60
MAX_KEY_LENGTH = 200  # issued keys have 43 characters; a longer header is no key, and never hashed
_UNKNOWN = ()  # the cached "no active key" (a cache miss is None)
# A window's counter outlives the window by this much: app servers' clocks differ a little.
CLOCK_SKEW_SECONDS = 5
_NOT_LOOKED_UP = object()


class Partner(NamedTuple):
    pk: int
    rate: str  # blank: API_RATE_PARTNER


def lookup_cache_key(key_hash: str) -> str:
    return f"api:partner-key:{key_hash}"


def touch(pk: int, last_used_at) -> None:
    """Record a use, unless one was recorded within the minute. Conditional in the database too, so app servers
    that missed the cache together write once."""
    now = timezone.now()
    since = now - timedelta(seconds=TOUCH_SECONDS)
    if last_used_at is not None and last_used_at >= since:
        return
    stale = Q(last_used_at__lt=since) | Q(last_used_at__isnull=True)
    PartnerKey.objects.filter(stale, pk=pk).update(last_used_at=now)


def find_partner(key: str) -> Partner | None:
    """The active key `key` is, from the cache or the database."""
    key_hash = hash_key(key)
    entry = cache.get(lookup_cache_key(key_hash))
    if entry is None:
        row = (
            PartnerKey.objects.filter(key_hash=key_hash, active=True)
            .values_list("pk", "rate", "last_used_at")
            .first()
        )
        entry = _UNKNOWN if row is None else tuple(row[:2])
        if row is not None:
            touch(row[0], row[2])
        cache.set(lookup_cache_key(key_hash), entry, LOOKUP_SECONDS)
    return Partner(*entry) if entry else None


def partner_key(request) -> Partner | None:
    """The request's partner key, if it sent an active one (looked up once per request)."""
    found = getattr(request, "_api_partner", _NOT_LOOKED_UP)
    if found is _NOT_LOOKED_UP:
        key = request.META.get(KEY_HEADER, "")
        found = find_partner(key) if key and len(key) <= MAX_KEY_LENGTH else None
        request._api_partner = found
    return found


class _CountingThrottle(SimpleRateThrottle):
    """DRF's throttle (its rates, cache keys, 429 and Retry-After) counting requests in fixed windows of the
    rate's period, numbered from the epoch: at most `num_requests` in each window, every request counted (a
    refused one too, until its window ends), each window's count one atomic `cache.incr`. A client may spend
    one window's allowance at its end and the next one's at its start; DRF's list of times allowed no burst
    over the rate, at a cost that grew with the rate (this module's docstring)."""

    def allow_request(self, request, view):
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        self.now = self.timer()
        window = int(self.now // self.duration)
        self.window_ends = (window + 1) * self.duration
        return self._count(f"{self.key}:{window}") <= self.num_requests

    def _count(self, key: str) -> int:
        """This request's number in its window."""
        try:
            return self.cache.incr(key)
        except ValueError:  # the window's first request (or the cache is unreachable: ResilientRedisCache)
            life = math.ceil(self.window_ends - self.now) + CLOCK_SKEW_SECONDS
            if self.cache.add(key, 1, life):
                return 1
        # Another request added it first; or the cache is unreachable, and nothing is counted (as DRF's
        # throttle counted nothing then).
        try:
            return self.cache.incr(key)
        except ValueError:
            return 1

    def wait(self):
        return max(0.0, self.window_ends - self.now)


class _SettingRateThrottle(_CountingThrottle):
    """The rate read from a Django setting at each request, so a changed setting takes effect at once."""

    setting = ""

    def __init__(self):
        self.rate = getattr(settings, self.setting)
        self.num_requests, self.duration = self.parse_rate(self.rate)


class AnonymousThrottle(_SettingRateThrottle):
    scope = "anonymous"
    setting = "API_RATE_ANONYMOUS"

    def get_cache_key(self, request, view):
        if partner_key(request):
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class PartnerThrottle(_SettingRateThrottle):
    scope = "partner"
    setting = "API_RATE_PARTNER"

    def get_cache_key(self, request, view):
        partner = partner_key(request)
        if partner is None:
            return None
        if partner.rate:
            try:
                self.num_requests, self.duration = parse_rate(partner.rate)
                self.rate = partner.rate
            except ValueError:  # refused by the admin's form; one written around it keeps the default
                pass
        # Counted per key row: never the key itself in the cache.
        return self.cache_format % {"scope": self.scope, "ident": f"key{partner.pk}"}


def check_hit(request):
    """The rate limits for an answer the page cache serves without the view (core/pagecache.py
    `register_hit_check`): None when the request is within them, else DRF's own 429 with Retry-After."""
    waits = []
    for throttle_class in api_settings.DEFAULT_THROTTLE_CLASSES:
        throttle = throttle_class()
        if not throttle.allow_request(request, None):
            waits.append(throttle.wait())
    if not waits:
        return None
    # Imported here: rest_framework.views reads DEFAULT_THROTTLE_CLASSES, this module's classes, when imported.
    from rest_framework.exceptions import Throttled
    from rest_framework.renderers import JSONRenderer
    from rest_framework.views import exception_handler

    known = [wait for wait in waits if wait is not None]
    response = exception_handler(Throttled(max(known, default=None)), {})
    response.accepted_renderer, response.accepted_media_type = JSONRenderer(), "application/json"
    response.renderer_context = {}
    return response.render()
