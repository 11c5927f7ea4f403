"""What the site has besides its pages: robots.txt, the footer's choice of language, and each page's lang."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format

from tests.factories import PublishedArticleFactory, SectionFactory

pytestmark = pytest.mark.django_db


def test_robots_txt_keeps_crawlers_out_of_the_newsroom_and_names_the_sitemaps(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    disallowed = {line.removeprefix("Disallow: ") for line in lines if line.startswith("Disallow: ")}
    assert disallowed == {"/admin/", "/preview/", "/private-media/", "/language/"}
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    assert "Sitemap: http://testserver/sitemap-news.xml" in lines
    # Nothing a reader reads is kept from crawlers.
    article = PublishedArticleFactory()
    for path in ("/", article.get_absolute_url(), reverse("articles:issues"), reverse("feed")):
        assert not any(path.startswith(prefix) for prefix in disallowed if prefix != "/")
    assert client.post("/robots.txt").status_code == 405


def test_the_footer_offers_the_other_language_and_the_page_says_its_own(client, settings):
    html = client.get("/").content.decode()
    assert '<html lang="zh-CN">' in html
    languages = html[
        html.index('<ul class="footer__languages"') : html.index("</ul>", html.index("footer__languages"))
    ]
    assert '<span aria-current="true">简体中文</span>' in languages
    assert re.search(r'<a href="/language/en/" lang="en" hreflang="en" rel="nofollow">English</a>', languages)

    response = client.get("/language/en/", HTTP_REFERER="http://testserver" + reverse("articles:issues"))
    assert response.status_code == 302
    assert response["Location"] == "http://testserver" + reverse("articles:issues")
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "en" and int(cookie["max-age"]) == 365 * 24 * 60 * 60
    assert "no-cache" in response["Cache-Control"]

    html = client.get("/").content.decode()  # the cookie is kept by the test client
    assert '<html lang="en">' in html
    assert "Back issues" in html
    assert re.search(
        r'<a href="/language/zh-hans/" lang="zh-CN" hreflang="zh-CN" rel="nofollow">简体中文</a>', html
    )
    assert '<span aria-current="true">English</span>' in html

    client.get("/language/zh-hans/")
    assert '<html lang="zh-CN">' in client.get("/").content.decode()


@pytest.mark.parametrize(
    ("query", "referer", "expected"),
    [
        ("?next=/issues/", "", "/issues/"),
        (
            "",
            "http://testserver/search/?q=%E9%87%8F%E5%AD%90",
            "http://testserver/search/?q=%E9%87%8F%E5%AD%90",
        ),
        ("?next=https://evil.example/", "", "/"),
        ("?next=//evil.example/", "", "/"),
        ("", "https://evil.example/page", "/"),
        ("", "", "/"),
    ],
)
def test_the_language_switch_goes_back_only_to_this_site(client, query, referer, expected):
    headers = {"HTTP_REFERER": referer} if referer else {}
    response = client.get("/language/en/" + query, **headers)
    assert response.status_code == 302
    assert response["Location"] == expected


def test_an_unknown_language_or_a_post_changes_nothing(client, settings):
    response = client.get("/language/fr/")
    assert response.status_code == 404
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
    response = client.post("/language/en/")
    assert response.status_code == 405
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


def test_english_short_dates_cannot_be_read_two_ways(client, settings):
    section = SectionFactory(name="科技前沿", slug="frontier")
    moment = datetime.datetime(2026, 12, 6, 9, 5, tzinfo=datetime.UTC)
    PublishedArticleFactory(section=section, published_at=moment)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(section.get_absolute_url()).content.decode()
    assert '<time datetime="2026-12-06T17:05:00+08:00">2026-12-06</time>' in html
    assert "12/06/2026" not in html
    with translation.override("zh-hans"):
        assert date_format(datetime.date(2026, 12, 6), "SHORT_DATE_FORMAT") == "2026年12月6日"
