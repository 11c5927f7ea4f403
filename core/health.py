"""`/healthz`: can this app server serve? For a load balancer and for monitoring.

Each dependency is checked and reported with its status and how long the check took:
- database: a round trip (`SELECT 1`);
- cache: a value written and read back (a cache that silently serves misses while Redis is down fails here);
- storage: the media storages (public and private) answer (for object storage, a request to the bucket) and, on
  local disk, the media folder is writable; it also names the formats pictures' renditions are written in;
- and what apps register (`register_check`): articles adds schedule, no scheduled article overdue by more
  than a minute (articles/querysets.py `check_schedule`).
The answer is 200 when every check passes and 503 otherwise, always JSON, never cached. A database that is only
busy (`core.middleware.is_database_busy`) is reported as "busy" and does not fail the answer.
"""

import logging
import os
import secrets
import time
from datetime import UTC, datetime

from django.conf import settings
from django.core.cache import caches
from django.core.files.storage import FileSystemStorage, storages
from django.db import connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import renditions
from .middleware import is_database_busy

logger = logging.getLogger("core.health")


def check_database() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"vendor": connection.vendor}


def check_cache() -> dict:
    cache = caches["default"]
    key, value = f"healthz:{secrets.token_hex(6)}", secrets.token_hex(8)
    cache.set(key, value, timeout=10)
    if cache.get(key) != value:
        raise RuntimeError("the cache did not return the value just written")
    cache.delete(key)
    return {"backend": type(cache).__name__}


def check_storage() -> dict:
    """Both media storages (public and private, core/storage.py) answer, and on local disk can be written."""
    backends = {}
    for alias in ("public", "private"):
        storage = storages[alias]
        storage.exists("healthz-probe")  # a round trip to object storage; raises when it cannot answer
        if isinstance(storage, FileSystemStorage):
            folder = os.path.abspath(storage.location)
            while not os.path.exists(folder):  # not made yet: its nearest existing parent must let us make it
                folder = os.path.dirname(folder)
            if not os.access(folder, os.W_OK):
                raise RuntimeError(f"{alias} media folder {folder} is not writable")
        backends[alias] = type(storage).__name__
    # The formats pictures' renditions are written in (core/renditions.py): no "avif" means this Pillow lacks it.
    formats = [encoding[0] for encoding in renditions.formats()]
    return {"backend": backends["public"], "private_backend": backends["private"], "renditions": formats}


def database_now() -> datetime:
    """The database server's clock (UTC)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT strftime('%Y-%m-%d %H:%M:%f', 'now')")
            return datetime.fromisoformat(cursor.fetchone()[0]).replace(tzinfo=UTC)
        cursor.execute("SELECT CURRENT_TIMESTAMP")
        return cursor.fetchone()[0]


CHECKS = {
    "database": check_database,
    "cache": check_cache,
    "storage": check_storage,
}


def register_check(name: str, check) -> None:
    """Add a check (a function returning details, raising when unhealthy) to /healthz, from an app's ready()."""
    CHECKS[name] = check


def run_checks() -> tuple[bool, dict]:
    results, healthy = {}, True
    for name, check in CHECKS.items():
        started = time.monotonic()
        try:
            detail = check()
            results[name] = {"status": "ok", **detail}
        except Exception as exc:  # a health check reports every failure; it never raises
            # A database that answered "busy" (a lock held too long by another transaction) is up: reported, and
            # the server stays in the load balancer (core/middleware.py tells that request to try again).
            busy = is_database_busy(exc)
            healthy = healthy and busy
            results[name] = {
                "status": "busy" if busy else "error",
                "error": f"{type(exc).__name__}: {exc}"[:300],
            }
            logger.log(logging.INFO if busy else logging.WARNING, "Health check %s failed: %s", name, exc)
        results[name]["ms"] = round((time.monotonic() - started) * 1000, 1)
    return healthy, results


@never_cache
@require_GET
def healthz(request):
    healthy, results = run_checks()
    body = {"status": "ok" if healthy else "error", "checks": results, "time": timezone.now().isoformat()}
    if settings.DEBUG:
        body["debug"] = True
    return JsonResponse(body, status=200 if healthy else 503)
