"""The public page of the digital edition (/issues/<number>/<page>/): what it shows, to whom, and at what cost."""

import datetime
import os
import re
from html.parser import HTMLParser
from unittest import mock

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles import workflow
from tests.factories import IssueFactory, IssuePageFactory, editor

from .helpers import area, article_on, attach_pdf, png_bytes

PAGE_PNG = png_bytes()

pytestmark = pytest.mark.django_db


def page_url(issue, number):
    return reverse("articles:issue_page", args=[issue.number, number])


class Overlay(HTMLParser):
    """The SVG overlay's links and rectangles, and every link and image of the page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.areas = []  # (href, aria-label, tabindex, rect attributes, title)
        self.hrefs = []
        self.images = []
        self._in_svg = False
        self._area = None
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "svg":
            self._in_svg = True
        elif tag == "a":
            self.hrefs.append(attributes.get("href"))
            if self._in_svg:
                self._area = {"attrs": attributes, "rect": None, "title": ""}
        elif tag == "rect" and self._area is not None:
            self._area["rect"] = {k: float(attributes[k]) for k in ("x", "y", "width", "height")}
        elif tag == "title" and self._area is not None:
            self._in_title = True
        elif tag == "img":
            self.images.append(attributes)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        if tag == "svg":
            self._in_svg = False
        elif tag == "title":
            self._in_title = False
        elif tag == "a" and self._area is not None:
            self.areas.append(self._area)
            self._area = None

    def handle_data(self, data):
        if self._in_title and self._area is not None:
            self._area["title"] += data


def parse(html: str) -> Overlay:
    overlay = Overlay()
    overlay.feed(html)
    return overlay


# ----- only published articles, and nothing of the others -----


def without_hidden_articles(edition):
    """Page 1 with only its two published stories: its printed image may be shown (files/release.py)."""
    for article in edition["hidden"].values():
        article.delete()


def test_published_areas_are_links_over_the_page_image(client, edition):
    without_hidden_articles(edition)
    response = client.get(page_url(edition["issue"], 1))
    assert response.status_code == 200
    html = response.content.decode()
    overlay = parse(html)
    lead, second = edition["lead"], edition["second"]
    assert [a["attrs"]["href"] for a in overlay.areas] == [lead.get_absolute_url(), second.get_absolute_url()]
    assert [a["attrs"]["aria-label"] for a in overlay.areas] == [lead.title, second.title]
    assert [a["title"] for a in overlay.areas] == [lead.title, second.title]
    # Page-relative fractions, in the overlay's 1000 × 1000 user units.
    assert overlay.areas[0]["rect"] == {"x": 50.0, "y": 80.0, "width": 900.0, "height": 400.0}
    assert overlay.areas[1]["rect"] == {"x": 50.0, "y": 500.0, "width": 440.0, "height": 300.0}
    # The overlay lies on the page image, which has its size so the overlay's box is the image's from the start.
    page_image = edition["pages"][0].image
    sheet = [img for img in overlay.images if img.get("class") == "edition-sheet__image"]
    # A rendition (tests/edition/test_pictures.py).
    assert sheet and sheet[0]["src"] == page_image.url + ".w1080.jpg"
    assert (sheet[0]["width"], sheet[0]["height"]) == ("1600", "2262")
    assert 'viewBox="0 0 1000 1000" preserveAspectRatio="none"' in html


@pytest.mark.parametrize("state", ["draft", "review", "scheduled", "withdrawn"])
def test_an_unpublished_article_leaves_no_trace_on_the_page(client, edition, state):
    """The printed image shows every article on the page: while one is not public, neither is the image (nor its
    thumbnail, PDF or overlay); the page lists its published articles."""
    for other, article in edition["hidden"].items():
        if other != state:
            article.delete()
    hidden = edition["hidden"][state]
    front = edition["pages"][0]
    html = client.get(page_url(edition["issue"], 1)).content.decode()
    overlay = parse(html)
    assert hidden.get_absolute_url() not in overlay.hrefs
    assert hidden.title not in html
    assert f'data-article="{hidden.pk}"' not in html
    assert "<rect" not in html and "<svg" not in html and "edition-sheet__missing" in html
    for name in (front.image.name, front.pdf.name, front.image.name.replace(".jpg", ".thumb.jpg")):
        assert os.path.basename(name) not in html
    assert edition["lead"].title in html and edition["second"].title in html


def test_withdrawing_an_article_takes_the_page_image_off_at_once(client, edition):
    without_hidden_articles(edition)
    lead = edition["lead"]
    assert len(parse(client.get(page_url(edition["issue"], 1)).content.decode()).areas) == 2
    workflow.withdraw(lead, editor("desk"), "核实后发现数据有误，撤下待改。")
    html = client.get(page_url(edition["issue"], 1)).content.decode()
    assert lead.title not in html and lead.get_absolute_url() not in html
    assert parse(html).areas == [] and "edition-sheet__missing" in html
    assert edition["second"].title in html


def test_a_scheduled_article_appears_when_its_time_comes(client, edition):
    """Nothing is saved when its time comes: what the page keeps (core/fragments.py) expires at that moment."""
    scheduled = edition["hidden"]["scheduled"]
    for state in ("draft", "review", "withdrawn"):
        edition["hidden"][state].delete()
    url = page_url(edition["issue"], 1)
    with mock.patch("django.utils.timezone.now", return_value=timezone.now()) as now:
        assert parse(client.get(url).content.decode()).areas == []
        now.return_value = scheduled.published_at - datetime.timedelta(seconds=1)
        assert parse(client.get(url).content.decode()).areas == []
        now.return_value = scheduled.published_at + datetime.timedelta(seconds=1)
        overlay = parse(client.get(url).content.decode())
    assert scheduled.get_absolute_url() in [a["attrs"]["href"] for a in overlay.areas]


def test_an_area_of_an_article_of_another_issue_is_not_shown(client, edition):
    stray = edition["earlier"].articles.get()
    area(edition["pages"][0], stray, 0.6, 0.85, 0.3, 0.1)  # data that validation refuses, made directly
    html = client.get(page_url(edition["issue"], 1)).content.decode()
    assert stray.get_absolute_url() not in html


def test_titles_list_the_page_in_order_and_only_published(client, edition):
    response = client.get(page_url(edition["issue"], 1))
    assert [a.title for a in response.context["articles"]] == [edition["lead"].title, edition["second"].title]
    html = response.content.decode()
    titles = html.split('class="edition-titles"', 1)[1].split("</ol>", 1)[0]
    assert titles.index(edition["lead"].title) < titles.index(edition["second"].title)
    assert "让科普资源流动起来" in titles and "百名专家走进三十个乡镇" in titles  # kicker and subtitle


def test_every_area_of_an_article_links_and_only_the_first_is_in_the_tab_order(client, edition):
    overlay = parse(client.get(page_url(edition["issue"], 2)).content.decode())
    feature = edition["feature"]
    assert [a["attrs"]["href"] for a in overlay.areas] == [feature.get_absolute_url()] * 2
    assert "tabindex" not in overlay.areas[0]["attrs"]
    assert (
        overlay.areas[1]["attrs"]["tabindex"] == "-1" and overlay.areas[1]["attrs"]["aria-hidden"] == "true"
    )


def test_an_article_continued_from_another_page_is_listed_and_linked(client, edition):
    lead = edition["lead"]
    area(edition["pages"][1], lead, 0.05, 0.5, 0.6, 0.3)  # 转第2版: the lead's text continues on page 2
    response = client.get(page_url(edition["issue"], 2))
    assert [a.title for a in response.context["articles"]] == [edition["feature"].title, lead.title]
    assert lead.get_absolute_url() in [a["attrs"]["href"] for a in parse(response.content.decode()).areas]


# ----- navigation: pages, previous and next, PDF, calendar -----


def test_page_navigation_skips_pages_with_nothing_published(client, edition):
    response = client.get(page_url(edition["issue"], 2))
    html = response.content.decode()
    assert [p.number for p, _ in response.context["pages"]] == [1, 2]
    assert response.context["previous_page"].number == 1 and response.context["next_page"] is None
    assert f'rel="prev" href="{page_url(edition["issue"], 1)}"' in html
    assert page_url(edition["issue"], 3) not in html


def test_page_list_shows_thumbnails_and_the_pdf_is_offered(client, edition):
    without_hidden_articles(edition)
    front, second = edition["pages"][:2]
    response = client.get(page_url(edition["issue"], 1))
    overlay = parse(response.content.decode())
    thumbnails = [img for img in overlay.images if img.get("class") == "edition-pages__thumb"]
    # The rendered image has a thumbnail beside it; an image stored otherwise is shown scaled down.
    assert [img["src"] for img in thumbnails] == [
        front.image.url.replace(".jpg", ".thumb.jpg"),
        second.image.url,
    ]
    assert thumbnails[0]["loading"] == "lazy"
    assert front.pdf.url in overlay.hrefs
    # Page 2 has no PDF: no download link.
    html = client.get(page_url(edition["issue"], 2)).content.decode()
    assert ".pdf" not in html


def test_a_page_without_an_image_lists_its_articles(client, edition):
    fourth = IssuePageFactory(issue=edition["issue"], number=4, name="观点")
    opinion = article_on(fourth, "让田间的数据长出新的知识")
    response = client.get(page_url(edition["issue"], 4))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<svg" not in html and "edition-sheet__missing" in html
    assert f'href="{opinion.get_absolute_url()}"' in html
    assert "edition-pages__thumb--none" in html  # its place in the page list, without a broken image


def test_calendar_links_public_issues_to_their_first_public_page(client, edition):
    response = client.get(page_url(edition["issue"], 2))
    html = response.content.decode()
    assert f'href="{page_url(edition["issue"], 1)}" aria-current="date"' in html
    assert response.context["previous_issue"] == edition["earlier"]
    assert response.context["next_issue"] is None  # 1302 has only a draft
    # 27 February is outside March's calendar: the earlier issue is reached by the previous-issue link.
    assert html.count(f'href="{page_url(edition["earlier"], 1)}"') == 1
    assert "/issues/1302/" not in html
    assert f'action="{reverse("articles:issues")}"' in html  # the jump-to-a-date form


def test_the_page_needs_no_inline_style_or_script(client, edition):
    """The public Content-Security-Policy allows neither: everything is in static files."""
    response = client.get(page_url(edition["issue"], 1))
    html = response.content.decode()
    assert not re.search(r"\sstyle\s*=", html)
    assert not re.search(r"<style\b", html)
    assert all("src=" in tag for tag in re.findall(r"<script\b[^>]*>", html))
    assert "/static/css/edition.css" in html


# ----- what is not there -----


def test_404s(client, edition):
    issue = edition["issue"]
    assert client.get(page_url(issue, 3)).status_code == 404  # a page with only a draft
    assert client.get(page_url(issue, 9)).status_code == 404  # no such page
    assert client.get(page_url(edition["later"], 1)).status_code == 404  # an issue with only a draft
    assert client.get("/issues/9999/1/").status_code == 404  # no such issue
    assert client.get("/issues/1301/0/").status_code == 404
    # Numbers no column could hold: still a 404 (the page's statements are prepared; core/compiled.py fits).
    for path in (
        "/issues/1301/32768/",
        "/issues/2147483648/1/",
        f"/issues/{10**20}/1/",
        f"/issues/1301/{2**63}/",
    ):
        assert client.get(path).status_code == 404, path


def test_a_page_whose_only_published_article_is_withdrawn_is_a_404(client, edition):
    workflow.withdraw(edition["feature"], editor("desk"), "图片版权存疑，先撤下。")
    assert client.get(page_url(edition["issue"], 2)).status_code == 404
    assert client.get(page_url(edition["issue"], 1)).status_code == 200


# ----- cost -----


def build_issue(number, pages, per_page, areas_per_article):
    issue = IssueFactory(number=number, date=datetime.date(2026, 4, 1) + datetime.timedelta(days=7 * number))
    for page_number in range(1, pages + 1):
        page = IssuePageFactory(issue=issue, number=page_number, name="综合")
        page.image.save(f"issue-{number}-page-{page_number}-400x566.png", ContentFile(PAGE_PNG), save=True)
        if page_number == 1:
            attach_pdf(page)
        for position in range(per_page):
            article = article_on(page, f"第{number}期第{page_number}版稿件{position}", position=position)
            for index in range(areas_per_article):
                area(page, article, 0.1 * index, 0.1 * position, 0.09, 0.09)
    return issue


def test_the_page_costs_the_same_few_queries_whatever_its_size(client, django_assert_num_queries):
    small = build_issue(11, pages=1, per_page=1, areas_per_article=1)
    large = build_issue(12, pages=8, per_page=6, areas_per_article=3)
    for number in range(13, 17):  # more issues in the same months: the calendar must not grow the count
        build_issue(number, pages=2, per_page=2, areas_per_article=1)
    # The first page rendered also fills the fragments every page shares: the header's section list, kept
    # until the next scheduled publication (two queries). Then the issue's public pages (with the issue), the
    # page's articles and their areas, and the calendar's issues with the ones before and after: each a shared
    # fragment (of the issue, of the page, of the issue).
    with CaptureQueriesContext(connection) as first_queries:
        assert client.get(page_url(small, 1)).status_code == 200
    assert len(first_queries) == 4 + 2, [q["sql"] for q in first_queries]
    with CaptureQueriesContext(connection) as small_queries:
        assert client.get(page_url(small, 1)).status_code == 200
    assert len(small_queries) == 0, [q["sql"] for q in small_queries]
    # The same four for a large issue (when they expire is the process's kept expiry since the first page).
    with django_assert_num_queries(4):
        assert client.get(page_url(large, 1)).status_code == 200
    # Another page of it: its articles and their areas; the issue's pages and calendar are kept.
    with django_assert_num_queries(2):
        response = client.get(page_url(large, 4))
    assert response.status_code == 200
    assert len(parse(response.content.decode()).areas) == 6 * 3
    with django_assert_num_queries(0):
        assert client.get(page_url(large, 4)).content == response.content


def test_without_fragments_the_page_costs_four_queries(client, settings, django_assert_num_queries):
    settings.FRAGMENT_CACHE = False
    issue = build_issue(12, pages=8, per_page=6, areas_per_article=3)
    for _ in range(2):
        with django_assert_num_queries(4 + 1):  # and the header's section list
            assert client.get(page_url(issue, 3)).status_code == 200
