"""What a site has besides its pages: robots.txt, and the reader's choice of language."""

from django.conf import settings
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


@require_safe
def robots_txt(request):
    """Crawlers kept out of the newsroom's side (the admin, share links, private files, the language switch)
    and pointed at the sitemaps (absolute URLs, as the protocol requires)."""
    context = {
        "disallowed": [
            reverse("admin:index"),
            _prefix("shared_preview"),
            _prefix("private_media"),
            _prefix("choose_language"),
        ],
        "sitemap": request.build_absolute_uri(reverse("sitemap")),
        "news_sitemap": request.build_absolute_uri(reverse("sitemap_news")),
    }
    return render(request, "robots.txt", context, content_type="text/plain; charset=utf-8")


def _prefix(name: str) -> str:
    """The path under which every URL of the pattern `name` (one argument) lies: /preview/ of /preview/<token>/."""
    return reverse(name, args=["0"]).rsplit("0", 1)[0]


@never_cache
@require_safe
def choose_language(request, code: str):
    """Set the language cookie to `code` (a language of settings.LANGUAGES) and go back where the reader was:
    `next` or the referring page when either is on this site, else the front page. A link, not a form: the
    footer is the same for every page (it carries no CSRF token), and a language is a preference that any
    page may offer to change. A cookie is set, so the page cache never stores the answer."""
    if code not in {language for language, _name in settings.LANGUAGES}:
        raise Http404("No such language.")
    target = request.GET.get("next") or request.headers.get("referer", "")
    safe = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    response = HttpResponseRedirect(target if target and safe else reverse("articles:home"))
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response
