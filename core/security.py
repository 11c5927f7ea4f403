"""Security plumbing: the Content-Security-Policy for each part of the site, and login throttling helpers.

- `PathCSPMiddleware`: django-csp's middleware, with one policy for the public site (settings
  CONTENT_SECURITY_POLICY: no inline script or style at all) and a wider one for the admin (settings
  ADMIN_CONTENT_SECURITY_POLICY), because CKEditor 4 writes inline styles. A view may still set its own
  policy with django-csp's decorators; the path rule applies only where none did.
- `client_ip`: the address django-axes counts failed logins against, honouring X-Forwarded-For only from
  the number of trusted proxies the deployment declares (DJANGO_TRUSTED_PROXY_COUNT).
- `lockout_response`: what a locked-out login gets (HTTP 429 with Retry-After and a plain explanation).
"""

from __future__ import annotations

from csp.middleware import CSPMiddleware, PolicyParts
from csp.utils import default_config
from django.conf import settings
from django.contrib import admin
from django.shortcuts import render
from django.urls import NoReverseMatch

from core.urls_cache import cached_reverse


def admin_prefix() -> str:
    """Remembered (core/urls_cache.py): the CSP middleware asks on every response."""
    try:
        return cached_reverse("admin:index")
    except NoReverseMatch:  # pragma: no cover - the admin is always installed here
        return "/admin/"


def is_admin_path(path: str) -> bool:
    return path.startswith(admin_prefix())


class PathCSPMiddleware(CSPMiddleware):
    """Adds Content-Security-Policy: the admin's policy under the admin prefix, the public one elsewhere."""

    def get_policy_parts(self, request, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if not report_only and parts.config is None and is_admin_path(request.path_info):
            parts.config = default_config(settings.ADMIN_CONTENT_SECURITY_POLICY["DIRECTIVES"])
        return parts


def client_ip(request) -> str:
    """The client's address for login throttling.

    Behind N trusted proxies (load balancer, CDN), the client is the N-th address from the right of
    X-Forwarded-For: everything left of it was written by the client and can be forged. With no trusted proxy
    declared, the socket's address is the only one believed.
    """
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    remote = request.META.get("REMOTE_ADDR", "")
    if proxies > 0:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return remote


def lockout_response(request, original_response=None, credentials=None):
    """The page a throttled login gets: 429, Retry-After, how long, and what to do."""
    cool_off = settings.AXES_COOLOFF_TIME
    minutes = int(cool_off.total_seconds() // 60)
    username = ""
    if credentials:
        username = credentials.get(settings.AXES_USERNAME_FORM_FIELD, "") or ""
    if not username:
        username = request.POST.get(settings.AXES_USERNAME_FORM_FIELD, "")
    response = render(
        request,
        "security/lockout.html",
        {
            "failure_limit": settings.AXES_FAILURE_LIMIT,
            "cooloff_minutes": minutes,
            "username": username[:150],
            "site_header": admin.site.site_header,
            "site_title": admin.site.site_title,
        },
        status=429,
    )
    response["Retry-After"] = str(int(cool_off.total_seconds()))
    return response
