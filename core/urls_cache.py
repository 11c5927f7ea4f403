"""`reverse()` remembered: a public page links to dozens of authors, tags and articles, and Django's reverse()
costs tens of microseconds each time it resolves the same name and arguments again.

The key holds everything reverse() reads besides its arguments: the script prefix (SCRIPT_NAME) and the URL
configuration in force. The patterns do not change while a process runs; when a test swaps them (a changed
ROOT_URLCONF, Django's clear_url_caches), this cache is emptied with Django's own.
"""

from functools import lru_cache

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, get_urlconf, reverse


@lru_cache(maxsize=50_000)
def _reverse(viewname: str, args: tuple, prefix: str, urlconf) -> str:
    return reverse(viewname, args=args, urlconf=urlconf)


def cached_reverse(viewname: str, *args) -> str:
    """reverse(viewname, args=args), remembered per script prefix and URL configuration."""
    return _reverse(viewname, args, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)


@receiver(setting_changed)
def _forget_on_urlconf_change(*, setting, **kwargs):
    if setting == "ROOT_URLCONF":
        _reverse.cache_clear()
