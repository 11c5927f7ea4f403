"""The desk's JSON endpoints on an article's change page: autosave (keep, fetch, discard), heartbeat, take-over.

They answer JSON in every case, errors included, because a script reads them: an expired login is a 403
`{"error": "login"}` (not the admin's redirect to its login page), an article this user may not see a 404, a
missing right a 403, malformed input a 400. CSRF is checked after the login, so the page learns the login expired
rather than a token failed; a beacon (which cannot set headers) sends the token as the `csrfmiddlewaretoken` field.
"""

from datetime import UTC, datetime
from functools import wraps

from django.http import Http404, HttpResponse, JsonResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from articles import policy

from . import autosave, presence

_CSRF = CsrfViewMiddleware(lambda request: None)


def _error(code: str, status: int) -> JsonResponse:
    return JsonResponse({"error": code}, status=status)


def desk_endpoint(*methods: str):
    """A view of one article, for staff who may see it, taking only these methods; see the module docstring."""

    def decorate(view):
        @wraps(view)
        def wrapped(request, pk):
            if not policy.is_staff_member(request.user):
                return _error("login", 403)
            if request.method not in methods:
                return _error("method", 405)
            if request.method == "POST" and _CSRF.process_view(request, None, (), {}) is not None:
                return _error("csrf", 403)
            try:
                article = policy.article_visible_or_404(request.user, pk)
            except Http404:
                return _error("not_found", 404)
            return view(request, article)

        return csrf_exempt(never_cache(wrapped))

    return decorate


def _editable(request, article) -> bool:
    return policy.can_edit(request.user, article)


@desk_endpoint("GET", "POST")
def autosave_view(request, article):
    """GET: the user's kept copy, to restore. POST: keep the form's text fields (no revision, no save)."""
    if not _editable(request, article):
        return _error("forbidden", 403)
    if request.method == "GET":
        copy = autosave.offered(request.user, article)
        if copy is None:
            return _error("none", 404)
        return JsonResponse(
            {
                "data": autosave.restorable(copy),
                "based_on_version": copy.based_on_version,
                "saved_at": copy.saved_at.isoformat(),
            }
        )
    raw_version = request.POST.get("based_on_version") or str(article.version)
    if not raw_version.isascii() or not raw_version.isdigit() or not 0 < int(raw_version) < 2**31:
        return _error("bad_version", 400)
    copy = autosave.keep(request.user, article, int(raw_version), autosave.fields_from(request.POST))
    return JsonResponse({"kept": copy is not None, "saved_at": copy.saved_at.isoformat() if copy else None})


@desk_endpoint("POST")
def discard_view(request, article):
    autosave.discard(request.user, article)
    return JsonResponse({"discarded": True})


def _opened_at(request) -> datetime | None:
    try:
        return datetime.fromtimestamp(float(request.POST.get("opened_at", "")), tz=UTC)
    except (ValueError, OverflowError, OSError):
        return None


def presence_payload(request, article) -> dict:
    return {
        "taken_over_by": None,
        "others": presence.others(request.user, article),
        "can_take_over": policy.is_editor(request.user) and _editable(request, article),
    }


@desk_endpoint("POST")
def presence_view(request, article):
    """A heartbeat: who else is here, or who took this page's article over. With `left`, the page's last word
    (sent as it closes): its person is no longer here."""
    if request.POST.get("left"):
        presence.leave(request.user, article)
        return HttpResponse(status=204)
    opened_at = _opened_at(request)
    if opened_at is None:
        return _error("bad_opened_at", 400)
    taker = presence.taken_over_by(request.user, article, opened_at)
    if taker is not None:
        name = presence.display_name(taker) if taker is not True else ""
        return JsonResponse({"taken_over_by": name, "others": [], "can_take_over": False})
    presence.touch(request.user, article)
    return JsonResponse(presence_payload(request, article))


@desk_endpoint("POST")
def take_over_view(request, article):
    if not (policy.is_editor(request.user) and _editable(request, article)):
        return _error("forbidden", 403)
    taken = presence.take_over(request.user, article)
    return JsonResponse({**presence_payload(request, article), "taken": taken})
