"""Sharing and search engines: canonical URL, Open Graph, JSON-LD NewsArticle on the article page."""

import json
import re
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.test import RequestFactory

from articles.models import Article, Byline
from reader import seo
from reader.loading import load_article, load_links
from tests.factories import (
    AuthorFactory,
    EventFactory,
    IssueFactory,
    IssuePageFactory,
    OrganizationFactory,
    PublishedArticleFactory,
    SectionFactory,
    image_file,
)

pytestmark = pytest.mark.django_db
BASE = "http://testserver"


class HeadParser(HTMLParser):
    """<link rel=canonical>, <meta property|name content> pairs and ld+json script texts."""

    def __init__(self):
        super().__init__()
        self.canonical, self.meta, self.json_ld, self._in_ld = None, [], [], False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and attrs.get("rel") == "canonical":
            self.canonical = attrs["href"]
        elif tag == "meta" and ("property" in attrs or "name" in attrs):
            self.meta.append((attrs.get("property") or attrs.get("name"), attrs.get("content")))
        elif tag == "script" and attrs.get("type") == "application/ld+json":
            self._in_ld = True
            self.json_ld.append("")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_ld = False

    def handle_data(self, data):
        if self._in_ld:
            self.json_ld[-1] += data


def parse(html: str) -> HeadParser:
    parser = HeadParser()
    parser.feed(html)
    return parser


def meta_values(head, key) -> list[str]:
    return [content for name, content in head.meta if name == key]


def render_meta(article) -> str:
    request = RequestFactory().get(article.get_absolute_url())
    return render_to_string("partials/article_meta.html", {"article": article}, request=request)


def load(article) -> Article:
    """The article as the public page loads it: the row, then its links (load_links)."""
    loaded = load_article(article.pk)
    load_links(loaded)
    return loaded


@pytest.fixture
def placed_article():
    issue = IssueFactory(number=1024)
    page = IssuePageFactory(issue=issue, number=3, name="科普")
    section = SectionFactory(name="要闻")
    reporter, reporter2 = AuthorFactory(name="林知远"), AuthorFactory(name="王启航")
    correspondent, photographer, editor = (
        AuthorFactory(name="苏晴"),
        AuthorFactory(name="陈墨"),
        AuthorFactory(name="刘青禾"),
    )
    return PublishedArticleFactory(
        title="卧龙保护区新添两只大熊猫幼崽",
        subtitle="圈养繁育成活率稳定在九成以上",
        summary="两只幼崽母子平安，由饲养员轮班看护。",
        issue=issue,
        page=page,
        section=section,
        image=image_file("panda.png"),
        image_caption="大熊猫幼崽在保育箱中",
        tags=["大熊猫", "生态保护"],
        organizations=[OrganizationFactory(name="卧龙国家级自然保护区管理局")],
        events=[EventFactory(name="大熊猫保护研讨会")],
        authors=[
            (reporter, Byline.Role.REPORTER),
            (reporter2, Byline.Role.REPORTER),
            (correspondent, Byline.Role.CORRESPONDENT),
            (photographer, Byline.Role.PHOTOGRAPHER),
            (editor, Byline.Role.EDITOR),
        ],
    )


def test_the_article_page_carries_canonical_og_and_json_ld(client, placed_article):
    response = client.get(placed_article.get_absolute_url())
    assert response.status_code == 200
    head = parse(response.content.decode())
    assert head.canonical == BASE + placed_article.get_absolute_url()
    assert len(head.json_ld) == 1
    assert json.loads(head.json_ld[0])["headline"] == placed_article.title


def test_open_graph(placed_article):
    head = parse(render_meta(load(placed_article)))
    og = dict(head.meta)
    url = BASE + placed_article.get_absolute_url()
    assert og["og:type"] == "article"
    assert og["og:title"] == "卧龙保护区新添两只大熊猫幼崽"
    assert og["og:description"] == "两只幼崽母子平安，由饲养员轮班看护。"
    assert og["og:url"] == url
    assert og["og:site_name"] == settings.NEWSPAPER_NAME
    # The 1200-wide Open Graph rendition (core/renditions.py) of the 1200 × 800 picture, absolute.
    assert og["og:image"] == BASE + placed_article.image.url + ".og.jpg"
    assert (og["og:image:width"], og["og:image:height"]) == ("1200", "800")
    # No alt text of its own (an article older than alt text): the caption.
    assert og["og:image:alt"] == "大熊猫幼崽在保育箱中"
    assert og["article:published_time"].endswith("+08:00")
    assert og["article:section"] == "要闻"
    assert meta_values(head, "article:tag") == ["大熊猫", "生态保护"]
    assert og["twitter:card"] == "summary_large_image"
    assert og["description"] == og["og:description"]


def test_json_ld_lists_every_byline_by_role(placed_article):
    (raw,) = parse(render_meta(load(placed_article))).json_ld
    data = json.loads(raw)
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "卧龙保护区新添两只大熊猫幼崽"
    assert data["alternativeHeadline"] == "圈养繁育成活率稳定在九成以上"
    assert [(p["@type"], p["name"]) for p in data["author"]] == [
        ("Person", "林知远"),
        ("Person", "王启航"),
        ("Person", "苏晴"),
    ]
    assert data["author"][0]["url"].startswith(f"{BASE}/authors/")
    (photo,) = data["contributor"]
    assert photo["@type"] == "Role" and photo["roleName"] == "摄影"
    assert photo["contributor"]["name"] == "陈墨" and photo["contributor"]["url"].startswith(BASE)
    assert [p["name"] for p in data["editor"]] == ["刘青禾"]
    assert data["publisher"] == {
        "@type": "NewsMediaOrganization",
        "name": settings.NEWSPAPER_NAME,
        "url": f"{BASE}/",
    }
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00", data["datePublished"])
    assert data["dateModified"].endswith("+08:00")
    assert data["image"] == [
        {
            "@type": "ImageObject",
            "url": dict(parse(render_meta(load(placed_article))).meta)["og:image"],
            "width": 1200,
            "height": 800,
            "caption": "大熊猫幼崽在保育箱中",
        }
    ]
    assert data["isPartOf"]["@type"] == "PublicationIssue"
    assert data["isPartOf"]["issueNumber"] == "1024"
    assert data["isPartOf"]["datePublished"] == placed_article.issue.date.isoformat()
    assert data["isPartOf"]["isPartOf"] == {"@type": "Periodical", "name": settings.NEWSPAPER_NAME}
    assert data["pagination"] == "3" and data["pageStart"] == 3
    assert data["keywords"] == ["大熊猫", "生态保护"]
    assert {m["name"] for m in data["mentions"]} == {"卧龙国家级自然保护区管理局", "大熊猫保护研讨会"}
    assert data["mainEntityOfPage"]["@id"] == BASE + placed_article.get_absolute_url()


def test_opinion_pieces_are_opinion_news_articles():
    opinion = SectionFactory(name="观点", is_opinion=True)
    author = AuthorFactory(name="赵一鸣")
    by_section = PublishedArticleFactory(
        title="让科学家精神代代相传", section=opinion, authors=[(author, Byline.Role.AUTHOR)]
    )
    by_note = PublishedArticleFactory(title="碳中和离不开科技创新", author_note="作者系省能源研究会理事长")
    news = PublishedArticleFactory(title="首批企业碳中和路线图发布")
    for article, kind in (
        (by_section, "OpinionNewsArticle"),
        (by_note, "OpinionNewsArticle"),
        (news, "NewsArticle"),
    ):
        (raw,) = parse(render_meta(load(article))).json_ld
        assert json.loads(raw)["@type"] == kind, article.title
    (raw,) = parse(render_meta(load(by_section))).json_ld
    assert [p["name"] for p in json.loads(raw)["author"]] == ["赵一鸣"]


def test_a_title_cannot_break_out_of_the_script(client):
    title = '</script><script>alert("x")</script><!-- & \u2028'
    article = PublishedArticleFactory(title=title, summary="<img src=x onerror=alert(1)>")
    html = client.get(article.get_absolute_url()).content.decode()
    (block,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert "<" not in block and ">" not in block and "&" not in block
    assert "\\u003c/script\\u003e" in block
    data = json.loads(block)
    assert data["headline"] == title
    assert data["description"] == "<img src=x onerror=alert(1)>"
    # Nothing from the title became markup anywhere in the page.
    assert '<script>alert("x")' not in html and "<img src=x" not in html


def test_without_bylines_the_paper_is_the_author_and_no_image_no_og_image():
    article = PublishedArticleFactory(
        title="省科协召开年度工作会议", summary="", body="<p>会议部署今年<b>重点</b>任务。</p>"
    )
    head = parse(render_meta(load(article)))
    data = json.loads(head.json_ld[0])
    assert data["author"] == [{"@type": "Organization", "name": settings.NEWSPAPER_NAME, "url": f"{BASE}/"}]
    assert "image" not in data and "isPartOf" not in data and "contributor" not in data
    og = dict(head.meta)
    assert "og:image" not in og and og["twitter:card"] == "summary"
    assert og["og:description"] == "会议部署今年重点任务。"


def test_newspaper_url_sets_the_canonical_host(settings, placed_article):
    settings.NEWSPAPER_URL = "https://www.qlkjb.cn/"
    head = parse(render_meta(load(placed_article)))
    assert head.canonical == "https://www.qlkjb.cn" + placed_article.get_absolute_url()
    assert json.loads(head.json_ld[0])["publisher"]["url"] == "https://www.qlkjb.cn/"


def test_the_partial_costs_no_query_on_a_loaded_article(placed_article, django_assert_num_queries):
    article = load(placed_article)
    with django_assert_num_queries(0):
        render_meta(article)


def test_json_ld_escapes_every_closing_sequence():
    text = seo.json_ld({"a": "</script>", "b": "<!--", "c": "a & b", "d": "\u2028\u2029"})
    assert str(text) == (
        '{"a":"\\u003c/script\\u003e","b":"\\u003c!--","c":"a \\u0026 b","d":"\\u2028\\u2029"}'
    )
    assert json.loads(str(text)) == {"a": "</script>", "b": "<!--", "c": "a & b", "d": "\u2028\u2029"}
