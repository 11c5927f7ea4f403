"""ETag and Last-Modified on every API response, and 304 Not Modified when the client has it already.

The ETag is a hash of the body, so it changes exactly when the answer does. Last-Modified is when this URL
first gave this answer, kept in the default cache per URL: a time read from the data could not be trusted
(an article withdrawn from a list, or an author renamed, changes the answer but no shown row's `updated_at`).
When the answer changes its time moves forward at least a second, so an If-Modified-Since never gets a 304
for an older answer; a lost cache entry only costs a full response. Clients revalidate each time
(`Cache-Control: max-age=0`).

Answers are kept by the page cache like pages (core/pagecache.py): a stored answer is served without running
the view, and is exactly as fresh as a page. The rate limits still count it: api/apps.py registers
`api.throttling.check_hit` to run before each stored answer is served; CORS headers are added outside the
cache (corsheaders' middleware comes first)."""

import hashlib
import time

from django.core.cache import cache
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date, quote_etag

SECONDS = 30 * 24 * 3600  # how long the time of an unchanged answer is kept


def answered_since(url: str, etag: str) -> int:
    """When `url` first answered with `etag` (Unix seconds), recording now if it is new."""
    key = "api:answer:" + hashlib.sha256(url.encode()).hexdigest()
    stored = cache.get(key)
    if stored and stored[0] == etag:
        return stored[1]
    moment = max(int(time.time()), stored[1] + 1 if stored else 0)
    cache.set(key, (etag, moment), SECONDS)
    return moment


class ConditionalMixin:
    """For an APIView: sets `ETag` and `Last-Modified` on 200 responses to GET and HEAD; answers 304 when
    If-None-Match or If-Modified-Since says the client's copy is current."""

    def dispatch(self, request, *args, **kwargs):
        response = super().dispatch(request, *args, **kwargs)
        if request.method not in ("GET", "HEAD") or response.status_code != 200:
            return response
        response.render()
        etag = quote_etag(hashlib.sha256(response.content).hexdigest()[:32])
        modified = answered_since(request.build_absolute_uri(), etag)
        response["ETag"] = etag
        response["Last-Modified"] = http_date(modified)
        # Revalidated every time (a cheap 304): never stale, whatever a browser or proxy guesses. Not `no-cache`,
        # which would keep the answer out of the page cache (core/pagecache.py); the cache sends its own
        # `public, max-age=0, s-maxage=0` with what it stores.
        patch_cache_control(response, max_age=0)
        return get_conditional_response(request, etag=etag, last_modified=modified, response=response)
