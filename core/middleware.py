"""When the database is down, readers and editors get a friendly 503 page instead of a server error; when it is
only busy, a "busy, try again" page.

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
A database that is busy is not down: SQLite's write lock still held by another connection after the wait
(newsroom/settings.py), or PostgreSQL giving up a lock wait, a deadlock, a serialization failure
(`is_database_busy`). That request is answered with the same static page saying the site is busy and to try
again in a few seconds; the article form answers it itself, with the text back in the form
(articles/admin/refusals.py).
Put the middleware near the top of MIDDLEWARE (just under SecurityMiddleware and the CSP middleware), so
that it wraps every middleware that may touch the database.
"""

from __future__ import annotations

import logging
import sqlite3
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
BUSY_RETRY_AFTER_SECONDS = 5
# SQLite: a lock held past the busy timeout, a table lock of a shared cache. PostgreSQL (SQLSTATE): a lock
# not available (lock_timeout, NOWAIT), a deadlock detected, a serialization failure.
BUSY_ERRORS = (OperationalError, sqlite3.OperationalError)
BUSY_MESSAGES = ("database is locked", "database table is locked")
BUSY_SQLSTATES = frozenset({"55P03", "40P01", "40001"})


def _chain(exc: BaseException | None):
    seen = 0
    while exc is not None and seen < 8:
        yield exc
        exc = exc.__cause__ or exc.__context__
        seen += 1


def is_database_busy(exc: BaseException | None) -> bool:
    """True when `exc`, or an exception it was raised from, says the database is busy: it answers, but another
    transaction holds what this one needs. Worth trying again in a moment; not an outage."""
    for error in _chain(exc):
        if getattr(error, "pgcode", None) in BUSY_SQLSTATES:
            return True
        if isinstance(error, BUSY_ERRORS) and str(error).strip().lower().startswith(BUSY_MESSAGES):
            return True
    return False


def is_database_outage(exc: BaseException | None) -> bool:
    """True when `exc`, or an exception it was raised from, says the database cannot be reached (and not that
    it is only busy)."""
    if is_database_busy(exc):
        return False
    return any(isinstance(error, OUTAGE_ERRORS) for error in _chain(exc))


def _admin_prefix() -> str:
    try:
        return reverse("admin:index")
    except NoReverseMatch:  # pragma: no cover - the admin is always installed here
        return "/admin/"


def database_unavailable_response(request, *, busy: bool = False) -> HttpResponse:
    """The 503 page: the database is down, or (`busy`) only busy. Rendered without the request, so no context
    processor can reach for the database."""
    for_staff = request.path_info.startswith(_admin_prefix())
    retry_after = BUSY_RETRY_AFTER_SECONDS if busy else RETRY_AFTER_SECONDS
    html = render_to_string(
        "503.html",
        {
            "NEWSPAPER_NAME": settings.NEWSPAPER_NAME,
            "for_staff": for_staff,
            "busy": busy,
            "retry_after": retry_after,
            "was_post": request.method == "POST",
        },
    )
    response = HttpResponse(html, status=503)
    response["Retry-After"] = str(retry_after)
    # Never stored by a page cache or a CDN: the page must disappear the moment the database is back.
    add_never_cache_headers(response)
    return response


def database_busy_response(request) -> HttpResponse:
    return database_unavailable_response(request, busy=True)


def _mark_outage(sender, request=None, **kwargs):
    if request is None:
        return
    exc = sys.exc_info()[1]
    if is_database_busy(exc):
        request._database_busy = True
    elif is_database_outage(exc):
        request._database_outage = True


def _first_line(exception) -> str:
    text = str(exception).strip()
    return text.splitlines()[0] if text else type(exception).__name__


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        got_request_exception.connect(_mark_outage, dispatch_uid="core.middleware.mark_outage")

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 500 and getattr(request, "_database_busy", False):
            return database_busy_response(request)
        if response.status_code == 500 and getattr(request, "_database_outage", False):
            return database_unavailable_response(request)
        return response

    def process_exception(self, request, exception):
        if is_database_busy(exception):
            logger.info("Database busy, answered 503 to %s %r: %s", request.method, request.path,
                        _first_line(exception))  # fmt: skip
            return database_busy_response(request)
        if not is_database_outage(exception):
            return None
        # One line, not a traceback per request: during an outage every request ends here.
        logger.warning(
            "Database unavailable, answered 503 to %s %r: %s",
            request.method,
            request.path,
            _first_line(exception),
        )
        return database_unavailable_response(request)
