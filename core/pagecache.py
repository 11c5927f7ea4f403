"""The public page cache: whole anonymous GET/HEAD responses in Django's cache, never stale.

Design (docs/performance.md tells the whole story):

- **What is cached.** `PublicPageCacheMiddleware` stores the full response to an anonymous GET or HEAD (no
  session cookie, no Authorization header), outside the admin and previews, when the response is a 200, 301 or
  404 that sets no cookie, does not vary on Cookie, and is not marked private, no-store or no-cache. A request
  with a session cookie (every logged-in editor has one) is never served from the cache, nor stored.
- **Keys.** One entry per scheme, host, full path (query string included) and language, as the site decides
  it (core/locale.py `language_of`: the language cookie, else LANGUAGE_CODE; never Accept-Language, so a page
  is stored once, not once per browser language). The entry records the content *generation* it was
  rendered under.
- **Invalidation.** The generation is a random token. `purge_public_pages()` replaces it, once immediately and
  once after the transaction commits; an entry whose generation is not the current one is a miss. It is
  called when something readers can see changes (articles/invalidation.py: a public article, or a scheduled
  one's time, its bylines, tags and links, any author, organization, event, section, tag, issue or page; not
  drafts, articles in review, the workflow log, share links) and by bulk writers. The generation is read
  *before* the page is rendered, so a page rendered from data older than the latest commit is stored under an
  old generation and never served.
- **Scheduled articles.** Before rendering, the miss path reads the earliest future `published_at` of a
  published article (one indexed query). The entry expires at that moment, so a scheduled article appears on
  time on every page; also at local midnight (dates such as "today" change) and after PAGE_CACHE_SECONDS.
- **HTTP.** Cached 200s carry `ETag` (a hash of the body), `Last-Modified` (when they were rendered) and
  `Cache-Control: public, max-age=…, s-maxage=…`, both capped by the entry's remaining life; a conditional
  GET that matches gets a 304.
- **Where the generation lives.** In the cache itself when the cache is shared (Redis, Memcached, database),
  so every app server sees one generation. Local memory is private to a process, so with it the generation
  lives in a small stamp file that all the processes of one site on one machine share (several gunicorn
  workers invalidate together); with an in-memory SQLite database (tests) the process is the whole site and
  the generation stays in its cache.

Settings: PAGE_CACHE (DJANGO_PAGE_CACHE=0 turns all of this off), PAGE_CACHE_SECONDS (the longest an entry
lives), PAGE_CACHE_BROWSER_SECONDS and PAGE_CACHE_CDN_SECONDS (max-age and s-maxage; default 0, so browsers
and CDNs revalidate every time, cheaply, with the ETag: raise the CDN's only with its purge wired to
`public_pages_purged`), and optionally PAGE_CACHE_EXCLUDE_PATHS, PAGE_CACHE_LOCAL_ENTRIES, PAGE_CACHE_STAMP_DIR.
"""

from __future__ import annotations

import hashlib
import logging
import os
import secrets
import tempfile
import threading
from collections import OrderedDict
from datetime import datetime, timedelta
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.core.signals import request_started
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db import Error as DatabaseErrors  # DatabaseError, and InterfaceError (a closed connection)
from django.dispatch import Signal, receiver
from django.http import HttpResponse
from django.urls import NoReverseMatch, get_script_prefix, reverse
from django.utils import timezone
from django.utils.cache import cc_delim_re, get_conditional_response
from django.utils.http import http_date, parse_http_date_safe

from .locale import language_of

logger = logging.getLogger("core.pagecache")

CACHE_ALIAS = "default"
GENERATION_KEY = "pagecache:generation"
PAGE_KEY_PREFIX = "pagecache:page:"
CACHEABLE_STATUSES = {200, 301, 404}
# Query parameters that make a request private (preview and share tokens): never cached whatever the page says.
PRIVATE_QUERY_KEYS = {"token", "preview", "share", "key", "signature"}
DEFAULT_EXCLUDED_PATHS = ("/share/", "/preview/", "/accounts/", "/healthz", "/private-media/")
# Response headers a stored page may vary on: none. The key holds the language the site chose (`language_of`),
# and no page varies on Accept-Language (core/locale.py); one that did would not be stored.
ALLOWED_VARY: frozenset[str] = frozenset()
# Sent after every purge has committed, for a CDN in front (docs/performance.md, "CDN purge hook").
public_pages_purged = Signal()
# Checks a stored response must pass before it is served, by path prefix: `check(request)` returns None, or the
# response to send instead (the content API's rate limits, registered by api/apps.py). A miss is not checked:
# the view below does its own.
_hit_checks: dict[str, object] = {}


def register_hit_check(prefix: str, check) -> None:
    """Run `check(request)` before serving a stored response whose path starts with `prefix`."""
    _hit_checks[prefix] = check


# --- the generation ------------------------------------------------------------------------------------


def _new_token() -> str:
    return secrets.token_hex(16)


class CacheGeneration:
    """The generation kept in the (shared) cache, next to the pages."""

    shared_with_pages = True

    def read(self) -> str | None:
        cache = caches[CACHE_ALIAS]
        token = cache.get(GENERATION_KEY)
        if token is None:
            # First use, or evicted: any fresh token is correct, as no page was stored under it.
            cache.add(GENERATION_KEY, _new_token(), timeout=None)
            token = cache.get(GENERATION_KEY)
        return token

    def bump(self) -> bool:
        cache = caches[CACHE_ALIAS]
        cache.set(GENERATION_KEY, _new_token(), timeout=None)
        # ResilientRedisCache (core/cache/resilient.py) swallows an outage; it says so here.
        return not getattr(cache, "is_unavailable", False)


class FileGeneration:
    """The generation in a stamp file shared by the processes of one site (for a process-local cache)."""

    shared_with_pages = False

    def __init__(self, path: Path):
        self.path = path

    def read(self) -> str | None:
        for _attempt in range(2):
            try:
                with open(self.path, encoding="ascii") as stamp:
                    token = stamp.read().strip()
            except FileNotFoundError:
                token = ""
            except OSError:
                logger.exception("Cannot read the page cache stamp %s; serving uncached", self.path)
                return None
            if token:
                return token
            if not self.bump():
                return None
        return None

    def bump(self) -> bool:
        # Written to a temporary file and renamed: a reader sees the old token or the new one, never half.
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, temporary = tempfile.mkstemp(dir=self.path.parent, prefix=self.path.name, suffix=".tmp")
            with os.fdopen(fd, "w", encoding="ascii") as stamp:
                stamp.write(_new_token())
            os.replace(temporary, self.path)
            return True
        except OSError:
            logger.exception("Cannot write the page cache stamp %s", self.path)
            return False


def _database_identity(alias: str = DEFAULT_DB_ALIAS) -> tuple[str, bool]:
    """A string naming the site's database, and whether it lives in this process's memory only."""
    db = connections[alias].settings_dict
    name = str(db.get("NAME") or "")
    in_memory = db["ENGINE"].endswith("sqlite3") and (name == ":memory:" or "mode=memory" in name or not name)
    return "|".join([db["ENGINE"], name, str(db.get("HOST") or ""), str(db.get("PORT") or "")]), in_memory


_stores: dict[tuple, CacheGeneration | FileGeneration] = {}


def generation_store() -> CacheGeneration | FileGeneration:
    """Where this site's generation lives (see the module docstring)."""
    backend = type(caches[CACHE_ALIAS])
    identity, in_memory = _database_identity()
    location = str(settings.CACHES[CACHE_ALIAS].get("LOCATION", ""))
    stamp_dir = str(getattr(settings, "PAGE_CACHE_STAMP_DIR", "") or tempfile.gettempdir())
    key = (backend, identity, location, stamp_dir)
    store = _stores.get(key)
    if store is None:
        if issubclass(backend, LocMemCache) and not in_memory:
            site = f"{settings.BASE_DIR}|{identity}|{location}"
            digest = hashlib.blake2b(site.encode(), digest_size=10).hexdigest()
            store = FileGeneration(Path(stamp_dir) / f"newsroom-pagecache-{digest}.stamp")
        else:
            store = CacheGeneration()
        _stores[key] = store
    return store


# --- purging -------------------------------------------------------------------------------------------

_failed = threading.Event()  # a bump failed (cache unreachable): this process serves uncached until one works


def _bump() -> None:
    _snapshot.generation = _snapshot.expiry = None  # this thread's next fragment reads the new generation
    try:
        done = generation_store().bump()
    except Exception:  # a cache backend that raises on an outage (plain RedisCache): never fail the save
        logger.exception("Page cache purge failed")
        done = False
    if done:
        _failed.clear()
    else:
        _failed.set()
        logger.error("The public page cache could not be purged; this process serves uncached until it can")


def _after_commit() -> None:
    _bump()
    public_pages_purged.send(sender=PublicPageCacheMiddleware)


def _purge_pending(connection) -> bool:
    """True when this transaction already holds our on-commit purge (one per transaction is enough).

    Django drops the callbacks of a savepoint that rolls back, so a purge registered there is not counted.
    """
    try:
        return any(func is _after_commit for _sids, func, *_rest in connection.run_on_commit)
    except (AttributeError, TypeError, ValueError):  # pragma: no cover - Django internals changed
        return False


def purge_public_pages(using: str = DEFAULT_DB_ALIAS) -> None:
    """Invalidate every cached public page. Call it after any public change the model signals do not see
    (queryset.update(), bulk_create, raw SQL); articles/invalidation.py calls it for saves and deletes.

    Inside a transaction the pages are invalidated now *and* again once it commits (a page rendered meanwhile
    shows the old data and must not survive the commit); `public_pages_purged` is sent after the commit.
    """
    connection = connections[using]
    if not connection.in_atomic_block:
        _after_commit()
        return
    _bump()
    if not _purge_pending(connection):
        transaction.on_commit(_after_commit, using=using, robust=True)


# Functions `f(now) -> datetime | None` naming the next moment public content changes with no save to say so
# (articles registers its next scheduled publication, in ArticlesConfig.ready): pages expire then.
_scheduled_changes: list = []


def register_scheduled_change(func):
    """Make pages and fragments expire at `func(now)`, the next moment content changes by itself."""
    if func not in _scheduled_changes:
        _scheduled_changes.append(func)
    return func


def next_scheduled_change(now: datetime) -> datetime | None:
    """The earliest moment after `now` that a registered source names, or None."""
    moments = [moment for source in _scheduled_changes if (moment := source(now)) is not None]
    return min(moments, default=None)


def page_expiry(started: datetime) -> float:
    """When something rendered at `started` stops being valid: the next scheduled publication, local midnight
    (dates such as "today" change) or PAGE_CACHE_SECONDS later, whichever comes first (a timestamp).
    Raises the database's error when it cannot be asked."""
    scheduled = next_scheduled_change(started)
    local = timezone.localtime(started)
    midnight = (local + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    candidates = [started + timedelta(seconds=max(1, settings.PAGE_CACHE_SECONDS)), midnight]
    if scheduled is not None:
        candidates.append(scheduled)
    return min(candidates).timestamp()


_snapshot = (
    threading.local()
)  # the generation (and expiry) this request renders fragments under (core/fragments.py)


@receiver(request_started)
def _new_request(**kwargs) -> None:
    _snapshot.generation = _snapshot.expiry = None


# --- the middleware ------------------------------------------------------------------------------------


@lru_cache(maxsize=8)
def _admin_prefix(urlconf: str, script_prefix: str) -> str:
    try:
        return reverse("admin:index", urlconf=urlconf)
    except NoReverseMatch:  # pragma: no cover - the admin is always installed here
        return script_prefix + "admin/"


def _file_prefixes() -> tuple[str, ...]:
    """Static and media URLs: files, served by WhiteNoise or the storage, never pages."""
    return tuple(p for p in (settings.STATIC_URL, settings.MEDIA_URL) if p and p.startswith("/") and p != "/")


def _seconds(name: str, default: int) -> int:
    return max(0, int(getattr(settings, name, default)))


def _cache_control(remaining: float) -> str:
    life = max(0, int(remaining))
    browser = min(_seconds("PAGE_CACHE_BROWSER_SECONDS", 0), life)
    cdn = min(_seconds("PAGE_CACHE_CDN_SECONDS", 0), life)
    return f"public, max-age={browser}, s-maxage={cdn}"


def _storable(response) -> bool:
    if response.status_code not in CACHEABLE_STATUSES or response.streaming or response.cookies:
        return False
    control = {
        part.split("=")[0].strip().lower() for part in cc_delim_re.split(response.get("Cache-Control", ""))
    }
    if control & {"private", "no-store", "no-cache"}:
        return False
    vary = {part.strip().lower() for part in cc_delim_re.split(response.get("Vary", "")) if part.strip()}
    return vary <= ALLOWED_VARY


class _LocalEntries:
    """A small per-process LRU of entries (pages, fragments) in front of the cache: a hit costs no round trip
    and no unpickling. Entries are checked against the generation like any other, so they are exactly as
    fresh. Its size is the setting `setting` (entries), `default` without it."""

    def __init__(self, setting: str, default: int):
        self.setting, self.default = setting, default
        self.entries: OrderedDict[str, tuple] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: str):
        with self.lock:
            entry = self.entries.get(key)
            if entry is not None:
                self.entries.move_to_end(key)
            return entry

    def put(self, key: str, entry: tuple) -> None:
        limit = int(getattr(settings, self.setting, self.default))
        with self.lock:
            self.entries[key] = entry
            self.entries.move_to_end(key)
            while len(self.entries) > limit:
                self.entries.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()


_local_pages = _LocalEntries("PAGE_CACHE_LOCAL_ENTRIES", 1000)
_CONDITIONAL_HEADERS = (
    "HTTP_IF_NONE_MATCH",
    "HTTP_IF_MODIFIED_SINCE",
    "HTTP_IF_MATCH",
    "HTTP_IF_UNMODIFIED_SINCE",
)


def _conditional(request, response, etag: str, rendered: int):
    """A 304 in place of `response` when the request's If-None-Match / If-Modified-Since match it (keeping its
    X-Page-Cache), else `response`."""
    if not any(header in request.META for header in _CONDITIONAL_HEADERS):
        return response
    conditional = get_conditional_response(request, etag=etag, last_modified=rendered, response=response)
    if conditional is not response:
        conditional.headers["X-Page-Cache"] = response.headers["X-Page-Cache"]
    return conditional


class PublicPageCacheMiddleware:
    """Serve and store anonymous public pages (see the module docstring).

    Put it first in MIDDLEWARE: a hit then runs no other middleware at all, and the stored response carries
    the headers every middleware below set (security headers, CSP, language, frame options), computed once.
    Static and media files pass straight through to WhiteNoise.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    # -- request side ---------------------------------------------------------------------------------------
    def _cache_key(self, request) -> str | None:
        """The page's key, or None when this request must not touch the cache."""
        if not settings.PAGE_CACHE or settings.PAGE_CACHE_SECONDS <= 0:
            return None
        if request.method not in ("GET", "HEAD"):
            return None
        path = request.path_info
        if path.startswith(_file_prefixes()):
            return None
        if settings.SESSION_COOKIE_NAME in request.COOKIES or "HTTP_AUTHORIZATION" in request.META:
            return None
        admin = _admin_prefix(getattr(request, "urlconf", None) or settings.ROOT_URLCONF, get_script_prefix())
        excluded = (admin, *DEFAULT_EXCLUDED_PATHS, *getattr(settings, "PAGE_CACHE_EXCLUDE_PATHS", ()))
        if path.startswith(excluded) or request.path.startswith(excluded):
            return None
        query = request.META.get("QUERY_STRING", "")
        if query and PRIVATE_QUERY_KEYS.intersection(key.lower() for key in request.GET):
            return None
        try:
            host = request.get_host()
        except Exception:  # DisallowedHost: let the view answer as it does uncached
            return None
        raw = f"{request.scheme}|{host}|{language_of(request)}|{path}|{query}"
        return (
            PAGE_KEY_PREFIX
            + hashlib.blake2b(raw.encode("utf-8", "surrogateescape"), digest_size=16).hexdigest()
        )

    def __call__(self, request):
        key = self._cache_key(request)
        if key is None:
            return self.get_response(request)
        cache = caches[CACHE_ALIAS]
        now = timezone.now().timestamp()
        try:
            if _failed.is_set():
                _bump()  # retry a purge that failed; serve nothing from the cache until it works
                if _failed.is_set():
                    return self.get_response(request)
            store = generation_store()
            if not store.shared_with_pages:  # local memory: the stamp file, then the page
                generation, entry = store.read(), cache.get(key)
            else:
                generation, entry = cache.get(GENERATION_KEY), _local_pages.get(key)
                if generation is None:
                    generation = store.read()
                if entry is None or entry[0] != generation or now >= entry[1]:
                    entry = cache.get(key)
                    if entry is not None and entry[0] == generation:
                        _local_pages.put(key, entry)
        except Exception:  # the cache or the stamp is unreachable: serve uncached
            logger.warning("Page cache unavailable; serving uncached", exc_info=True)
            return self.get_response(request)
        if generation is None:
            return self.get_response(request)
        if entry is not None and entry[0] == generation and now < entry[1]:
            for prefix, check in _hit_checks.items():
                if request.path_info.startswith(prefix) and (refusal := check(request)) is not None:
                    return refusal
            return self._from_entry(request, entry, now)
        return self._render_and_store(request, cache, key, generation, store.shared_with_pages)

    # -- hit ------------------------------------------------------------------------------------------------
    def _from_entry(self, request, entry, now: float):
        _generation, expires, status, headers, content, etag, rendered = entry
        response = HttpResponse(content, status=status, headers=headers)
        response.headers["X-Page-Cache"] = "hit"
        if status == 200:
            response.headers["Cache-Control"] = _cache_control(expires - now)
            return _conditional(request, response, etag, rendered)
        return response

    # -- miss -----------------------------------------------------------------------------------------------
    def _expiry(self, started: datetime) -> float | None:
        """When a page rendered now stops being valid: next scheduled publication, midnight, or max age."""
        try:
            return page_expiry(started)
        except DatabaseErrors:
            return (
                None  # the database is unreachable: the view meets the same outage and answers for it (503)
            )

    def _render_and_store(self, request, cache, key: str, generation: str, local_copy: bool):
        # Order matters: the generation was read before this, the schedule is read now, the page after.
        started = timezone.now()
        expires = self._expiry(started)
        if expires is not None:  # the page's fragments (core/fragments.py) reuse both: no second query
            _snapshot.generation, _snapshot.expiry = generation, expires
        response = self.get_response(request)
        if expires is None or not _storable(response):
            return response
        now = timezone.now().timestamp()
        if expires <= now:
            return response
        etag = response.get("ETag")
        # A response that says when it last changed (the API's) is compared with that, not with its rendering.
        rendered = parse_http_date_safe(response.get("Last-Modified", "")) or int(started.timestamp())
        if response.status_code == 200:
            if not etag:
                etag = '"' + hashlib.blake2b(response.content, digest_size=16).hexdigest() + '"'
                response.headers["ETag"] = etag
            if not response.has_header("Last-Modified"):
                response.headers["Last-Modified"] = http_date(rendered)
            response.headers["Cache-Control"] = _cache_control(expires - now)
        headers = {name: value for name, value in response.items() if name.lower() != "x-page-cache"}
        entry = (generation, expires, response.status_code, headers, response.content, etag, rendered)
        try:
            cache.set(key, entry, timeout=max(1, int(expires - now) + 1))
        except Exception:
            logger.warning("Page cache unavailable; page not stored", exc_info=True)
        if local_copy:
            _local_pages.put(key, entry)
        response.headers["X-Page-Cache"] = "miss"
        if response.status_code == 200:
            return _conditional(request, response, etag, rendered)
        return response
