"""Rate limits: per client address without a key (API_RATE_ANONYMOUS), per partner key with one
(API_RATE_PARTNER). A partner sends its key in the `X-Api-Key` header; keys are the setting API_PARTNER_KEYS
(environment DJANGO_API_PARTNER_KEYS, comma-separated). An unknown key counts as no key."""

import hashlib

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

KEY_HEADER = "HTTP_X_API_KEY"


def partner_key(request) -> str | None:
    key = request.META.get(KEY_HEADER, "")
    return key if key and key in settings.API_PARTNER_KEYS else None


class _SettingRateThrottle(SimpleRateThrottle):
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
        key = partner_key(request)
        if key is None:
            return None
        ident = hashlib.sha256(key.encode()).hexdigest()[:32]  # never the key itself in the cache
        return self.cache_format % {"scope": self.scope, "ident": ident}
