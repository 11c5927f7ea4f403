"""Shared fragments: what every public page repeats (the masthead, the section navigation, listing items and
counts), computed once and kept under the page cache's generation.

A fragment is as fresh as a cached page: every purge of the public pages (core/pagecache.py) invalidates it,
and it never outlives the next scheduled change. Each process keeps the fragments it used last in its own
memory in front of a shared cache (Redis), or instead of a cache in local memory. Settings: FRAGMENT_CACHE
(DJANGO_FRAGMENT_CACHE=0 computes every time), FRAGMENT_LOCAL_ENTRIES.
"""

from __future__ import annotations

import hashlib
import logging
import pickle
from datetime import datetime

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.utils import timezone, translation
from django.utils.safestring import SafeString

from .pagecache import CACHE_ALIAS, _failed, _LocalEntries, _snapshot, generation_store, page_expiry

logger = logging.getLogger("core.fragments")

FRAGMENT_KEY_PREFIX = "pagecache:fragment:"


def _fragment_generation() -> str | None:
    """The generation, read once per request (request_started forgets it, and so does a purge in this
    thread): a page's fragments are all of one generation, and a page reads it once, not once a fragment."""
    generation = getattr(_snapshot, "generation", None)
    if generation is None:
        generation = _snapshot.generation = generation_store().read()
    return generation


# The last expiry this process asked the database for, and its generation. It holds for any later request of
# the same generation until it passes: a scheduled publication or release added or moved bumps the generation
# (articles/invalidation.py), the next one coming due is the expiry itself, and the other terms (local
# midnight, PAGE_CACHE_SECONDS after it was computed) only make it earlier than asking again would, never later.
_last_expiry: tuple[str | None, float, float] = (None, 0.0, 0.0)  # generation, computed at, expiry


def _fragment_expiry(now: datetime) -> float:
    """page_expiry for fragments computed now: the request's own (the page cache's, or one asked this request),
    else the process's last while it holds; the database is asked once per generation and expiry, not once a
    request (a query on every request that rendered a fragment, with the page cache off)."""
    global _last_expiry
    expiry = getattr(_snapshot, "expiry", None)
    if expiry is not None and expiry > now.timestamp():
        return expiry
    generation, moment = _fragment_generation(), now.timestamp()
    kept_generation, computed_at, kept = _last_expiry
    if kept_generation == generation and computed_at <= moment < kept:
        expiry = kept
    else:
        expiry = page_expiry(now)
        _last_expiry = (generation, moment, expiry)
    _snapshot.expiry = expiry
    return expiry


def _fragment_key(name: str) -> str:
    raw = f"{name}|{translation.get_language() or ''}"
    return FRAGMENT_KEY_PREFIX + hashlib.blake2b(raw.encode(), digest_size=16).hexdigest()


def shared_fragment(name: str, compute):
    """The value of `compute()` for what every public page repeats (the section navigation), cached.

    Cached under the same generation as whole pages, so every change to public content invalidates it at once,
    and never past the next scheduled publication; the language is part of the key. With FRAGMENT_CACHE off
    (DJANGO_FRAGMENT_CACHE=0), or the cache unreachable, `compute()` runs every time. The value must pickle.
    Independent of PAGE_CACHE: a page rendered with the page cache off still reuses its fragments.
    """
    return shared_fragments([name], lambda missing: {name: compute()})[name]


def shared_fragments(names: list[str], compute_missing) -> dict:
    """`shared_fragment` for many names at once: {name: value}. `compute_missing(names)` returns the values of
    the names not found (in one query, say), as a dict.

    Each process keeps the fragments it used last in its own memory (FRAGMENT_LOCAL_ENTRIES of them) in front
    of a shared cache (Redis), or instead of a cache in local memory: checked against the generation like any
    other entry, so exactly as fresh, and a hit costs neither a round trip nor unpickling.
    """
    if not getattr(settings, "FRAGMENT_CACHE", True) or _failed.is_set():
        return compute_missing(list(names))
    now = timezone.now()
    try:
        generation = _fragment_generation()
        if generation is None:
            return compute_missing(list(names))
        keys = {name: _fragment_key(name) for name in names}
        found, wanted = {}, []
        for name, key in keys.items():
            entry = _local_fragments.get(key)
            if entry is not None and entry[0] == generation and now.timestamp() < entry[1]:
                found[name] = entry[2]
            else:
                wanted.append(name)
        # A cache in local memory is this process's own: the local copies are all it would hold, and storing
        # fragments there too would crowd out whole pages (Django's default of 300 entries).
        cache = caches[CACHE_ALIAS]
        shared_tier = not isinstance(cache, LocMemCache)
        shared = cache.get_many([keys[name] for name in wanted]) if wanted and shared_tier else {}
    except Exception:
        logger.warning("Fragment cache unavailable; computing", exc_info=True)
        return compute_missing(list(names))
    missing = []
    for name in wanted:
        entry = shared.get(keys[name])
        if entry is not None and entry[0] == generation and now.timestamp() < entry[1]:
            _local_fragments.put(keys[name], entry)
            found[name] = entry[2]
        else:
            missing.append(name)
    if not missing:
        return found
    computed = compute_missing(missing)
    found.update(computed)
    try:
        expires = _fragment_expiry(now)
        entries = {keys[name]: (generation, expires, computed[name]) for name in missing}
        if shared_tier:
            cache.set_many(entries, timeout=max(1, int(expires - now.timestamp())))
        for name in missing:
            _local_fragments.put(keys[name], (generation, expires, _detached(computed[name])))
    except Exception:  # the values are right; only keeping them failed
        logger.warning("Fragment cache unavailable; not stored", exc_info=True)
    return found


def _detached(value):
    """`value` as a shared cache would give it back: pickled and unpickled, so the copy a process keeps holds
    only the value itself. A value may point at much more than it shows: DRF's `serializer.data` keeps its
    serializer, whose context keeps the request, the view and its response; kept as it is, one such value
    pinned a whole request's objects for as long as it stayed (a worker grew by tens of MB with the API's
    list). Strings (most fragments, the listing items) refer to nothing and are kept as they are."""
    if type(value) in _ATOMIC:
        return value
    return pickle.loads(pickle.dumps(value, pickle.HIGHEST_PROTOCOL))  # noqa: S301 - our own value


_ATOMIC = frozenset({str, SafeString, bytes, int, float, bool, type(None)})


def object_fragments(names: dict[str, int], load, build) -> dict:
    """Shared fragments of one object each (an article's listing item): `names` maps each fragment's name to its
    object's id. For the names not kept, `load(ids)` returns {id: object} in one query and `build(name, object)`
    makes the value; an id `load` does not return (no longer public) is kept as None. Returns {name: value}."""
    if not names:
        return {}

    def compute_missing(missing: list[str]) -> dict:
        objects = load({names[name] for name in missing})
        return {
            name: build(name, objects[names[name]]) if names[name] in objects else None for name in missing
        }

    return shared_fragments(list(names), compute_missing)


_local_fragments = _LocalEntries("FRAGMENT_LOCAL_ENTRIES", 5000)
