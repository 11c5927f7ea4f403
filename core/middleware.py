"""When the database is down, readers and editors get a friendly 503 page instead of a server error.

`DatabaseUnavailableMiddleware` turns a database outage (the server stopped, restarting, unreachable) into a
static 503 page with `Retry-After`: the site's look for readers, a clear "nothing was saved" for the admin.
It renders without touching the database, and the site recovers by itself: Django's persistent connections
with health checks (CONN_HEALTH_CHECKS) drop the broken connection at the end of the request and open a
fresh one on the next, as soon as the database is back.

An outage shows up in two ways, both handled:
- an exception from a view or template (the common case): `process_exception` answers 503 directly;
- an exception raised outside the view (a middleware saving the session, loading the user…): Django has
  already turned it into a 500 response by the time it reaches us, so a `got_request_exception` receiver
  marks the request and `__call__` replaces that 500 with the 503 page.
Put the middleware near the top of MIDDLEWARE (just under SecurityMiddleware and the CSP middleware), so
that it wraps every middleware that may touch the database.
"""

from __future__ import annotations

import logging
import sys

from django.conf import settings
from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils.cache import add_never_cache_headers

logger = logging.getLogger("newsroom.outage")

OUTAGE_ERRORS = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30


def is_database_outage(exc: BaseException | None) -> bool:
    """True when `exc`, or an exception it was raised from, says the database cannot be reached."""
    seen = 0
    while exc is not None and seen < 8:
        if isinstance(exc, OUTAGE_ERRORS):
            return True
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return False


def _admin_prefix() -> str:
    try:
        return reverse("admin:index")
    except NoReverseMatch:  # pragma: no cover - the admin is always installed here
        return "/admin/"


def database_unavailable_response(request) -> HttpResponse:
    """The 503 page. Rendered without the request, so no context processor can reach for the database."""
    for_staff = request.path_info.startswith(_admin_prefix())
    html = render_to_string(
        "503.html",
        {
            "NEWSPAPER_NAME": settings.NEWSPAPER_NAME,
            "for_staff": for_staff,
            "retry_after": RETRY_AFTER_SECONDS,
            "was_post": request.method == "POST",
        },
    )
    response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    # Never stored by a page cache or a CDN: the page must disappear the moment the database is back.
    add_never_cache_headers(response)
    return response


def _mark_outage(sender, request=None, **kwargs):
    if request is not None and is_database_outage(sys.exc_info()[1]):
        request._database_outage = True


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        got_request_exception.connect(_mark_outage, dispatch_uid="core.middleware.mark_outage")

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 500 and getattr(request, "_database_outage", False):
            return database_unavailable_response(request)
        return response

    def process_exception(self, request, exception):
        if not is_database_outage(exception):
            return None
        # One line, not a traceback per request: during an outage every request ends here.
        logger.warning(
            "Database unavailable, answered 503 to %s %r: %s",
            request.method,
            request.path,
            str(exception).strip().splitlines()[0] if str(exception).strip() else type(exception).__name__,
        )
        return database_unavailable_response(request)
