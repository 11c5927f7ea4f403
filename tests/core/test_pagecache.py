"""The public page cache: what it stores and serves, for whom, and the HTTP caching it adds for a CDN."""

import pytest
from django.http import HttpResponse
from django.test import Client
from django.urls import path
from django.utils.http import http_date
from django.views.decorators.cache import never_cache
from django.views.decorators.vary import vary_on_cookie, vary_on_headers

from articles.sharing import make_share_link

pytestmark = pytest.mark.django_db


def get(client, url, **headers):
    return client.get(url, headers=headers)


def cache_state(response):
    return response.headers.get("X-Page-Cache")


# --- views for the rules that depend on the response alone (urls="tests.core.test_pagecache") -------------------


def plain_view(request):
    return HttpResponse("<p>青岚科技报</p>")


def private_view(request):
    response = HttpResponse("<p>仅编辑可见</p>")
    response["Cache-Control"] = "private"
    return response


@never_cache
def never_cache_view(request):
    return HttpResponse("<p>实时数据</p>")


def cookie_view(request):
    response = HttpResponse("<p>欢迎</p>")
    response.set_cookie("reader_pref", "large-type")
    return response


@vary_on_cookie
def vary_cookie_view(request):
    return HttpResponse("<p>按Cookie变化</p>")


@vary_on_headers("Accept-Language")
def accept_language_view(request):
    return HttpResponse("<p>按浏览器语言变化</p>")


def server_error_view(request):
    return HttpResponse("<p>出错了</p>", status=500)


def counted_view(request):
    counted_view.calls += 1
    return HttpResponse(f"<p>第{counted_view.calls}次</p>")


counted_view.calls = 0

urlpatterns = [
    path("plain/", plain_view),
    path("private/", private_view),
    path("never/", never_cache_view),
    path("cookie/", cookie_view),
    path("vary/", vary_cookie_view),
    path("error/", server_error_view),
    path("accept-language/", accept_language_view),
    path("counted/", counted_view),
]


# --- stored and served --------------------------------------------------------------------------------------


def test_anonymous_page_is_stored_then_served_without_a_query(client, paper, django_assert_num_queries):
    first = get(client, "/")
    assert first.status_code == 200 and cache_state(first) == "miss"
    assert paper["article"].title in first.content.decode()
    with django_assert_num_queries(0):
        second = get(client, "/")
    assert cache_state(second) == "hit"
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/issues/2718/",
        "article",
        "tag",
        "author",
        "organization",
        "event",
        "section",
        "/feed/",
        "/sitemap.xml",
    ],
)
def test_every_public_page_family_is_cached(client, paper, url, django_assert_num_queries):
    url = page_url(paper, url)
    assert cache_state(get(client, url)) == "miss"
    with django_assert_num_queries(0):
        assert cache_state(get(client, url)) == "hit"


def page_url(paper, name):
    if name.startswith("/"):
        return name
    if name == "tag":
        return "/tags/" + paper["article"].tags.get().slug + "/"
    return paper[name].get_absolute_url()


def test_the_miss_costs_one_query_more_than_an_uncached_render(client, paper, settings):
    """The only work the cache adds to a miss: reading when the next scheduled article goes public."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = paper["article"].get_absolute_url()
    settings.PAGE_CACHE = False
    get(client, url)  # warm whatever the view itself caches (fragments), so both renders do the same work
    with CaptureQueriesContext(connection) as uncached:
        get(client, url)
    settings.PAGE_CACHE = True
    with CaptureQueriesContext(connection) as cached_miss:
        assert cache_state(get(client, url)) == "miss"
    assert len(cached_miss) == len(uncached) + 1
    assert "published_at" in cached_miss.captured_queries[0]["sql"]


def test_head_is_served_from_the_stored_get(client, paper):
    get(client, "/")
    response = client.head("/")
    assert response.status_code == 200 and cache_state(response) == "hit"


@pytest.mark.parametrize(
    "cookie, accept_language",
    [
        ("", "zh-CN,zh;q=0.9"),
        ("", "en-US,en;q=0.9"),
        ("en", "zh-CN"),
        ("en", ""),
        ("zh-hans", "en"),
        ("xx", "en"),
    ],
)
def test_a_cached_page_is_in_the_language_the_site_would_render(
    client, paper, settings, cookie, accept_language
):
    """Whatever decides the language (the cookie a reader chose, the browser's Accept-Language), the cached page
    is the one the site renders for that request: warm every combination, then compare with uncached renders."""
    combinations = [
        ("", "zh-CN,zh;q=0.9"),
        ("", "en-US,en;q=0.9"),
        ("en", "zh-CN"),
        ("en", ""),
        ("zh-hans", "en"),
    ]

    def fetch(cookie_value, header):
        client.cookies.clear()
        if cookie_value:
            client.cookies[settings.LANGUAGE_COOKIE_NAME] = cookie_value
        return get(client, "/", **({"Accept-Language": header} if header else {}))

    for combination in combinations:
        fetch(*combination)
    cached = fetch(cookie, accept_language)
    settings.PAGE_CACHE = False
    uncached = fetch(cookie, accept_language)
    assert cached["Content-Language"] == uncached["Content-Language"]
    assert cached.content == uncached.content


def test_the_language_cookie_makes_its_own_entry(client, paper, settings):
    get(client, "/")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert cache_state(get(client, "/")) == "miss"
    assert cache_state(get(client, "/")) == "hit"


def test_the_browser_language_makes_no_entry_of_its_own(client, paper, settings):
    """The site ignores Accept-Language (core/locale.py): a page is stored once per language the site chooses,
    not once per browser language."""
    first = get(client, "/", **{"Accept-Language": "zh-CN,zh;q=0.9"})
    assert cache_state(first) == "miss"
    english_browser = get(client, "/", **{"Accept-Language": "en-US,en;q=0.9"})
    assert cache_state(english_browser) == "hit" and english_browser["Content-Language"] == "zh-hans"
    assert "accept-language" not in english_browser.get("Vary", "").lower()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    chosen = get(client, "/", **{"Accept-Language": "zh-CN"})
    assert cache_state(chosen) == "miss" and chosen["Content-Language"] == "en"
    assert chosen.content != first.content
    assert cache_state(get(client, "/", **{"Accept-Language": "fr"})) == "hit"


def test_an_unknown_language_cookie_shares_the_default_entry(client, paper, settings):
    get(client, "/")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "xx"
    response = get(client, "/")
    assert cache_state(response) == "hit" and response["Content-Language"] == "zh-hans"


def test_query_string_is_part_of_the_key(client, paper):
    get(client, "/search/?q=量子")
    assert cache_state(get(client, "/search/?q=量子")) == "hit"
    assert cache_state(get(client, "/search/?q=科协")) == "miss"


def test_a_404_is_cached_too_and_invalidated_like_a_page(client, paper):
    url = "/articles/999999/"
    assert get(client, url).status_code == 404
    response = get(client, url)
    assert response.status_code == 404 and cache_state(response) == "hit"


# --- never for staff, previews, private responses -------------------------------------------------------------


def test_logged_in_staff_are_never_served_from_the_cache_nor_stored(
    client, paper, django_assert_max_num_queries
):
    anonymous = Client()
    get(anonymous, "/")
    assert cache_state(get(anonymous, "/")) == "hit"
    client.force_login(paper["editor"])
    staff = get(client, "/")
    assert staff.status_code == 200 and cache_state(staff) is None  # rendered for them, not from the cache
    # And what staff got was not stored: after a purge, the next anonymous reader misses.
    from core.pagecache import purge_public_pages

    purge_public_pages()
    get(client, "/")
    assert cache_state(get(anonymous, "/")) == "miss"


def test_any_session_cookie_bypasses_the_cache(client, paper, settings):
    get(client, "/")
    client.cookies[settings.SESSION_COOKIE_NAME] = "not-even-a-valid-session"
    response = get(client, "/")
    assert response.status_code == 200 and cache_state(response) is None


def test_the_admin_is_never_cached(client, paper):
    for _ in range(2):
        response = get(client, "/admin/login/")
        assert cache_state(response) is None


def test_share_link_previews_are_never_stored(client, paper):
    article = paper["article"]
    article.title = "尚未签发的预览稿"
    article.status = "review"
    article.save()
    link = make_share_link(article, paper["editor"])
    url = f"/preview/{link.token}/"
    first, second = get(client, url), get(client, url)
    assert first.status_code == second.status_code == 200
    assert "no-store" in first["Cache-Control"] and cache_state(second) is None
    assert "尚未签发的预览稿" in second.content.decode()


def test_preview_query_parameters_make_a_request_private(client, paper):
    for _ in range(2):
        assert cache_state(get(client, "/?preview=1")) is None
        assert cache_state(get(client, "/?token=abc")) is None


@pytest.mark.urls("tests.core.test_pagecache")
# /accept-language/: the key holds the language the site chose, not the browser's, so such a page is not stored.
@pytest.mark.parametrize(
    "url", ["/private/", "/never/", "/cookie/", "/vary/", "/accept-language/", "/error/"]
)
def test_responses_that_must_not_be_shared_are_never_stored(client, url):
    get(client, url)
    second = get(client, url)
    assert cache_state(second) != "hit"
    assert "public" not in second.get("Cache-Control", "")


@pytest.mark.urls("tests.core.test_pagecache")
def test_a_plain_response_is_stored(client):
    get(client, "/plain/")
    assert cache_state(get(client, "/plain/")) == "hit"


# --- the switch -------------------------------------------------------------------------------------------


@pytest.mark.urls("tests.core.test_pagecache")
def test_page_cache_off_stores_and_serves_nothing(client, settings):
    settings.PAGE_CACHE = False
    counted_view.calls = 0
    responses = [get(client, "/counted/") for _ in range(3)]
    assert counted_view.calls == 3
    assert all(cache_state(r) is None and "ETag" not in r for r in responses)
    settings.PAGE_CACHE = True
    get(client, "/counted/")
    get(client, "/counted/")
    assert counted_view.calls == 4


def test_page_cache_setting_comes_from_the_environment():
    import os
    import subprocess
    import sys

    code = "from django.conf import settings; print(settings.PAGE_CACHE)"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "newsroom.test_settings"}
    for value, expected in (("0", "False"), ("1", "True"), ("", "True")):
        out = subprocess.run(
            [sys.executable, "-c", f"import django; django.setup(); {code}"],
            env={**env, "DJANGO_PAGE_CACHE": value},
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        assert out == expected


# --- HTTP caching for a CDN and browsers -------------------------------------------------------------------


def test_cacheable_pages_carry_etag_last_modified_and_public_cache_control(client, paper, settings):
    settings.PAGE_CACHE_SECONDS = 600
    settings.PAGE_CACHE_CDN_SECONDS = 300
    settings.PAGE_CACHE_BROWSER_SECONDS = 30
    for response in (get(client, "/"), get(client, "/")):
        assert response["ETag"].startswith('"') and response["Last-Modified"]
        control = dict(
            part.strip().partition("=")[::2] for part in response["Cache-Control"].split(",") if part.strip()
        )
        assert "public" in control
        assert 0 < int(control["max-age"]) <= 30 and 0 < int(control["s-maxage"]) <= 300


def test_by_default_browsers_and_cdns_revalidate_every_time(client, paper):
    """Nothing downstream keeps a page it cannot be told to drop, unless the deployment wires the purge hook."""
    for response in (get(client, "/"), get(client, "/")):
        assert response["Cache-Control"] == "public, max-age=0, s-maxage=0"


def test_conditional_get_answers_304_from_the_cache(client, paper, django_assert_num_queries):
    first = get(client, "/")
    with django_assert_num_queries(0):
        by_etag = get(client, "/", **{"If-None-Match": first["ETag"]})
        by_date = get(client, "/", **{"If-Modified-Since": first["Last-Modified"]})
    assert by_etag.status_code == 304 and by_etag.content == b""
    assert by_date.status_code == 304
    assert by_etag["ETag"] == first["ETag"]


def test_conditional_get_on_a_miss_answers_304_too(client, paper):
    etag = get(client, "/")["ETag"]
    from core.pagecache import purge_public_pages

    purge_public_pages()  # nothing changed on the page: a fresh render has the same body, so the same ETag
    response = get(client, "/", **{"If-None-Match": etag})
    assert response.status_code == 304 and cache_state(response) == "miss"


def test_a_changed_page_does_not_answer_304(client, paper):
    first = get(client, "/")
    article = paper["article"]
    article.title = "青岚省量子通信干线正式投入运行"
    article.save()
    response = get(client, "/", **{"If-None-Match": first["ETag"]})
    assert response.status_code == 200 and response["ETag"] != first["ETag"]
    assert "正式投入运行" in response.content.decode()


def test_an_old_if_modified_since_gets_the_page(client, paper):
    response = get(client, "/", **{"If-Modified-Since": http_date(946684800)})  # 2000-01-01
    assert response.status_code == 200 and response.content


# --- a database outage ----------------------------------------------------------------------------------------


def test_during_a_database_outage_cached_pages_are_served_and_misses_get_the_503_page(client, paper):
    from unittest import mock

    from django.db import InterfaceError
    from django.db.backends.utils import CursorWrapper

    get(client, "/")
    with mock.patch.object(CursorWrapper, "execute", side_effect=InterfaceError("connection already closed")):
        cached = get(client, "/")
        missed = Client(raise_request_exception=False).get(paper["issue"].get_absolute_url())
    assert cached.status_code == 200 and cache_state(cached) == "hit"
    assert missed.status_code == 503  # core/middleware.py's page, not a 500 from the cache's own query
    assert cache_state(get(client, paper["issue"].get_absolute_url())) == "miss"  # the 503 was not stored
