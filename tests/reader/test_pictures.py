"""Pictures on the reader's site: the {% picture %} tag's markup (reader/templatetags/pictures.py), the article
page's lead picture and photo story (组图), listings' thumbnails with their focal points, authors' photos, Open
Graph and JSON-LD, previews, and what it costs in queries."""

import json
import re
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

import pytest
from django.conf import settings
from django.db import connection
from django.template import Context, Template
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, ArticlePhoto, Byline
from articles.sharing import make_share_link
from core import renditions
from core.storage import is_private
from files import release
from reader import seo
from reader.loading import load_article, load_links
from reader.templatetags.pictures import SIZES, focal_classes
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    IssueFactory,
    IssuePageFactory,
    PublishedArticleFactory,
    SectionFactory,
    editor,
    image_file,
)

pytestmark = pytest.mark.django_db
TYPES = [mime for _extension, mime, _format, _options in renditions.formats() if mime != "image/jpeg"]


class Pictures(HTMLParser):
    """Every <picture> (its attributes, its <source>s, its <img>) and every <img> outside one, in order; the
    photo story's items and figcaptions; the <meta> pairs and the JSON-LD."""

    def __init__(self):
        super().__init__()
        self.pictures, self.items, self.captions, self.numbers, self.meta = [], [], [], [], {}
        self.json_ld, self._in = "", None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "picture":
            self.pictures.append({"attrs": attrs, "sources": [], "img": None})
            self._in = "picture"
        elif tag == "source" and self._in == "picture":
            self.pictures[-1]["sources"].append(attrs)
        elif tag == "img":
            if self._in == "picture":
                self.pictures[-1]["img"] = attrs
            else:
                self.pictures.append({"attrs": None, "sources": [], "img": attrs})
        elif tag == "li" and "gallery__item" in attrs.get("class", ""):
            self.items.append(attrs["id"])
        elif tag == "figcaption" and "gallery__caption" in attrs.get("class", ""):
            self.captions.append("")
            self._in = "caption"
        elif tag == "span" and attrs.get("class") == "gallery__number":
            self.numbers.append("")
            self._in = "number"
        elif tag == "meta" and "property" in attrs:
            self.meta.setdefault(attrs["property"], attrs["content"])
        elif tag == "script" and attrs.get("type") == "application/ld+json":
            self._in = "script"

    def handle_endtag(self, tag):
        if tag in ("picture", "figcaption", "script"):
            self._in = None
        elif tag == "span" and self._in == "number":
            self._in = "caption"

    def handle_data(self, data):
        if self._in == "caption":
            self.captions[-1] += data
        elif self._in == "number":
            self.numbers[-1] += data
        elif self._in == "script":
            self.json_ld += data

    def imgs(self, css_class: str) -> list[dict]:
        return [p for p in self.pictures if css_class in (p["img"] or {}).get("class", "").split()]


def parse(html: str) -> Pictures:
    parser = Pictures()
    parser.feed(html)
    return parser


def widths(srcset: str) -> list[int]:
    return [int(candidate.rsplit(" ", 1)[1].rstrip("w")) for candidate in srcset.split(", ")]


def urls(picture: dict) -> list[str]:
    """Every URL a <picture> may load."""
    found = [picture["img"]["src"]]
    for srcset in [picture["img"].get("srcset", "")] + [s["srcset"] for s in picture["sources"]]:
        found += [candidate.rsplit(" ", 1)[0] for candidate in srcset.split(", ") if candidate]
    return found


def render(template: str, **context) -> str:
    return Template("{% load pictures %}" + template).render(Context(context))


# ----- the tag -----


def test_a_picture_has_every_format_and_width_up_to_the_original_and_reserves_its_box():
    html = render(
        '{% picture name 4000 3000 alt="春耕" sizes="story" css_class="x" %}', name="articles/a/b/田.jpg"
    )
    (picture,) = parse(html).pictures
    img = picture["img"]
    assert [source["type"] for source in picture["sources"]] == TYPES  # AVIF where Pillow writes it, WebP
    for srcset in [img["srcset"]] + [source["srcset"] for source in picture["sources"]]:
        assert widths(srcset) == [360, 720, 1080, 1600]
    assert unquote(picture["sources"][-1]["srcset"]).startswith("/media/articles/a/b/田.jpg.w360.webp 360w")
    assert unquote(img["src"]) == "/media/articles/a/b/田.jpg.w1080.jpg"
    assert (img["width"], img["height"], img["alt"]) == ("4000", "3000", "春耕")
    assert img["sizes"] == SIZES["story"] and all(s["sizes"] == SIZES["story"] for s in picture["sources"])
    assert img["loading"] == "lazy" and img["decoding"] == "async"
    assert img["class"] == "x" and 'style="' not in html


def test_no_rendition_is_wider_than_a_small_original():
    (picture,) = parse(render("{% picture name 500 400 %}", name="authors/2026/脸.png")).pictures
    assert widths(picture["img"]["srcset"]) == [360, 500]
    assert all(widths(source["srcset"]) == [360, 500] for source in picture["sources"])
    # The slot that holds the 500-wide rendition.
    assert unquote(picture["img"]["src"]).endswith("脸.png.w720.jpg")


def test_a_picture_on_the_first_screen_loads_at_once():
    (eager,) = parse(render("{% picture 'a.jpg' 800 600 lazy=False %}")).pictures
    assert "loading" not in eager["img"] and eager["img"]["decoding"] == "async"
    assert "fetchpriority" not in eager["img"]


def test_a_picture_of_unknown_size_is_the_original():
    (picture,) = parse(render("{% picture 'old/scan.png' None None alt='旧图' %}")).pictures
    assert picture["sources"] == [] and "srcset" not in picture["img"] and "width" not in picture["img"]
    assert picture["img"]["src"] == "/media/old/scan.png" and picture["img"]["alt"] == "旧图"
    assert render("{% picture '' 800 600 %}") == ""


@pytest.mark.parametrize(
    ("x", "y", "classes"),
    [
        (33, 62, "focal focal-x-35 focal-y-60"),
        (0, 100, "focal focal-x-0 focal-y-100"),
        (2, 98, "focal focal-x-0 focal-y-100"),
        (50, None, "focal focal-x-50 focal-y-50"),
        (None, None, ""),
    ],
)
def test_focal_points_are_classes_in_five_per_cent_steps(x, y, classes):
    assert focal_classes(x, y) == classes


def test_every_focal_class_is_in_the_stylesheet():
    css = (Path(settings.BASE_DIR) / "static" / "css" / "pictures.css").read_text()
    for axis in "xy":
        for value in range(0, 101, 5):
            assert f".focal-{axis}-{value} {{\n  --focal-{axis}: {value}%;" in css
    assert "object-position: var(--focal-x, 50%) var(--focal-y, 50%)" in css


# ----- the article page -----


def photo(article, order, **fields):
    return ArticlePhoto.objects.create(
        article=article, image=image_file(f"组图{order}.png", size=(900, 600)), order=order, **fields
    )


@pytest.fixture
def photo_story():
    """A published photo story: a lead picture with alt text, and four photos given out of order, one with no
    credit of its own (the article's picture credit stands)."""
    article = PublishedArticleFactory(
        title="春耕时节 无人机“飞”进田间",
        image=image_file("田间.png", size=(1200, 800)),
        image_alt="无人机在麦田上空喷洒作业",
        image_caption="白塔镇示范区的植保无人机",
        image_credit="周远帆 摄",
        image_focal_x=30,
        image_focal_y=70,
    )
    photo(article, 3, alt="四", caption="第四张：农技员查看苗情", credit="")
    photo(article, 1, alt="二", caption="第二张：起飞前检查", credit="苏晴 摄")
    photo(article, 0, alt="一", caption="第一张：装载药液", credit="陈墨 摄")
    photo(article, 2, alt="", caption="第三张：返航", credit="陈墨 摄")
    return article


def test_the_lead_picture_loads_first_at_the_column_width(client, photo_story):
    page = parse(client.get(photo_story.get_absolute_url()).content.decode())
    (lead,) = [p for p in page.pictures if (p["attrs"] or {}).get("class") == "story__picture"]
    img = lead["img"]
    assert img["alt"] == "无人机在麦田上空喷洒作业"
    assert (img["width"], img["height"]) == ("1200", "800")
    assert "loading" not in img and img["decoding"] == "async"
    assert img["fetchpriority"] == "high"  # the one picture the page is about
    assert img["sizes"] == SIZES["story"] == "(min-width: 49rem) 46rem, calc(100vw - 2rem)"
    assert widths(img["srcset"]) == [360, 720, 1080, 1200]


def test_the_photo_story_shows_every_photo_in_order_with_caption_and_credit(client, photo_story):
    html = client.get(photo_story.get_absolute_url()).content.decode()
    page = parse(html)
    assert page.items == ["photo-1", "photo-2", "photo-3", "photo-4"]
    photos = page.imgs("gallery__image")
    assert [p["img"]["alt"] for p in photos] == ["一", "二", "第三张：返航", "四"]  # no alt: the caption
    assert all(p["img"]["loading"] == "lazy" for p in photos)  # below the lead picture
    assert all(p["img"]["sizes"] == SIZES["gallery"] for p in photos)
    # 第 N 张，共 4 张 (Photo N of 4 until it is translated), then the caption and the credit.
    assert [re.findall(r"\d+", number) for number in page.numbers] == [[str(n), "4"] for n in range(1, 5)]
    assert [" ".join(caption.split()) for caption in page.captions] == [
        "第一张：装载药液 陈墨 摄",
        "第二张：起飞前检查 苏晴 摄",
        "第三张：返航 陈墨 摄",
        "第四张：农技员查看苗情 周远帆 摄",  # the article's credit
    ]
    # The strip scrolls with the keyboard and is named; numbered links lead to each photo; after the lead.
    assert re.search(r'<ol class="gallery__strip" tabindex="0" aria-labelledby="gallery-head"', html)
    assert [f"#photo-{n}" for n in range(1, 5)] == re.findall(r'href="(#photo-\d)"', html)
    assert html.index('class="story__picture"') < html.index('class="gallery"') < html.index("story__body")
    assert 'style="' not in html.split('<main id="main"', 1)[1]


def test_a_photo_story_without_a_lead_picture_opens_with_its_first_photo(client):
    article = PublishedArticleFactory(title="雪后的白塔镇", image="", image_credit="陈墨 摄")
    photo(article, 0, alt="雪中的村庄", caption="")
    photo(article, 1, alt="扫雪的村民", caption="")
    page = parse(client.get(article.get_absolute_url()).content.decode())
    first, second = page.imgs("gallery__image")
    assert "loading" not in first["img"]
    assert second["img"]["loading"] == "lazy"
    assert not [p for p in page.pictures if (p["attrs"] or {}).get("class") == "story__picture"]
    # Link previews and search engines are given the first photo.
    og = re.sub(r"\.w\d+\.jpg$", ".og.jpg", first["img"]["src"])
    assert page.meta["og:image"] == "http://testserver" + og
    assert page.meta["og:image:alt"] == "雪中的村庄"


def test_the_lead_alt_falls_back_to_the_caption_then_the_title(client):
    captioned = PublishedArticleFactory(title="标题甲", image=image_file(), image_caption="图说甲")
    bare = PublishedArticleFactory(title="标题乙", image=image_file())
    for article, alt in ((captioned, "图说甲"), (bare, "标题乙")):
        page = parse(client.get(article.get_absolute_url()).content.decode())
        (lead,) = [p for p in page.pictures if (p["attrs"] or {}).get("class") == "story__picture"]
        assert lead["img"]["alt"] == alt


def test_open_graph_and_json_ld_name_the_1200_rendition_and_the_photos(client, photo_story):
    page = parse(client.get(photo_story.get_absolute_url()).content.decode())
    og = "http://testserver" + renditions.og_name(photo_story.image.url)
    assert page.meta["og:image"] == og
    assert (page.meta["og:image:width"], page.meta["og:image:height"]) == ("1200", "800")
    assert page.meta["og:image:alt"] == "无人机在麦田上空喷洒作业"
    images = json.loads(page.json_ld)["image"]
    assert images[0] == {
        "@type": "ImageObject", "url": og, "width": 1200, "height": 800, "caption": "白塔镇示范区的植保无人机",
    }  # fmt: skip
    assert [image["caption"] for image in images[1:]] == [
        "第一张：装载药液", "第二张：起飞前检查", "第三张：返航", "第四张：农技员查看苗情",
    ]  # fmt: skip
    assert all(i["url"].endswith(".og.jpg") and (i["width"], i["height"]) == (900, 600) for i in images[1:])


def test_a_public_article_shows_its_pictures_at_public_urls_that_exist(client, photo_story):
    release.place_article(photo_story.pk)  # as after the publishing transaction commits (files/signals.py)
    photo_story.refresh_from_db()
    assert not is_private(photo_story.image.name)
    page = parse(client.get(photo_story.get_absolute_url()).content.decode())
    shown = [url for p in page.pictures if p["attrs"] is not None for url in urls(p)]
    assert len(shown) > 20 and all(url.startswith(settings.MEDIA_URL) for url in shown)
    for url in shown:  # every rendition moved with its original
        assert (Path(settings.MEDIA_ROOT) / unquote(url.removeprefix(settings.MEDIA_URL))).is_file(), url


def test_json_ld_alone_names_the_renditions_as_asked(photo_story):
    """Each builder of reader/seo.py stands alone: JSON-LD built first still makes its URLs with `picture_url`."""
    request = RequestFactory().get(photo_story.get_absolute_url())
    loaded = load_article(photo_story.pk)
    load_links(loaded)
    data = seo.news_article(request, loaded, picture_url=lambda name: f"/signed/{name}")
    assert data["image"][0]["url"] == f"http://testserver/signed/{renditions.og_name(photo_story.image.name)}"


# ----- previews -----


def test_a_share_link_preview_signs_every_picture_url(client):
    draft = ArticleFactory(title="待审组图", image=image_file("样片.png"), image_credit="陈墨 摄")
    photo(draft, 0, alt="样片一")
    photo(draft, 1, alt="样片二")
    link = make_share_link(draft, editor("desk"))
    html = client.get(reverse("shared_preview", args=[link.token])).content.decode()
    page = parse(html)
    shown = [url.replace("&amp;", "&") for p in page.pictures if p["attrs"] is not None for url in urls(p)]
    candidates = [len(renditions.slots(width)) * (len(TYPES) + 1) + 1 for width in (1200, 900, 900)]
    assert len(shown) == sum(candidates)  # every srcset candidate and src of the lead picture and both photos
    assert all(url.startswith("/private-media/") and "?s=" in url for url in shown)
    assert page.meta["og:image"].startswith("http://testserver/private-media/")
    assert "?s=" in page.meta["og:image"]
    assert all("?s=" in image["url"] for image in json.loads(page.json_ld)["image"])
    # Anybody with the link gets the renditions: the lead's, and the photos'.
    for url in {shown[0], page.imgs("gallery__image")[1]["img"]["src"].replace("&amp;", "&")}:
        assert client.get(url).status_code == 200, url
    assert client.get(shown[0].split("?", 1)[0]).status_code == 404  # unsigned: nobody's


def test_the_editors_preview_uses_the_private_urls(client):
    draft = ArticleFactory(title="编辑预览组图", image=image_file("预览.png"))
    photo(draft, 0, alt="预览一")
    desk = editor("desk")
    client.force_login(desk)
    html = client.get(reverse("article_preview", args=[draft.pk])).content.decode()
    shown = [url for p in parse(html).pictures if p["attrs"] is not None for url in urls(p)]
    assert shown and all(url.startswith("/private-media/") and "?s=" not in url for url in shown)
    assert client.get(shown[0]).status_code == 200
    assert not any(settings.MEDIA_URL in url for url in shown)


# ----- listings, the front page, authors -----


def test_a_picture_section_lists_each_article_with_its_lead_picture_cropped_around_its_focal_point(client):
    section = SectionFactory(name="图片新闻")
    PublishedArticleFactory(
        title="没有配图的稿件", section=section, published_at=timezone.now() - timedelta(days=1)
    )
    for n in range(4):
        article = PublishedArticleFactory(
            title=f"图片新闻{n}", section=section, image=image_file(size=(600, 400)), image_alt=f"图{n}",
            image_focal_x=10 * n, image_focal_y=100 - 10 * n,
        )  # fmt: skip
        photo(article, 0, alt="组图")  # photos are the article page's: a listing shows the lead picture
    page = parse(client.get(section.get_absolute_url()).content.decode())
    thumbnails = page.imgs("item__picture")
    assert [p["img"]["alt"] for p in thumbnails] == ["图3", "图2", "图1", "图0"]  # newest first
    assert [p["img"]["class"] for p in thumbnails] == [
        "item__picture focal focal-x-30 focal-y-70",
        "item__picture focal focal-x-20 focal-y-80",
        "item__picture focal focal-x-10 focal-y-90",
        "item__picture focal focal-x-0 focal-y-100",
    ]
    # The first two are on the first screen; the rest load as the reader scrolls.
    assert [p["img"].get("loading") for p in thumbnails] == [None, None, "lazy", "lazy"]
    assert all(p["img"]["sizes"] == SIZES["listing"] for p in thumbnails)
    assert all(widths(p["img"]["srcset"]) == [360, 600] for p in thumbnails)
    assert not page.imgs("gallery__image")


def test_the_front_page_lead_is_eager_and_keeps_its_focal_point(client):
    issue = IssueFactory(number=88)
    page = IssuePageFactory(issue=issue, number=1)
    PublishedArticleFactory(
        title="头条", issue=issue, page=page, image=image_file(size=(1600, 900)), image_alt="头条图",
        image_focal_x=81, image_focal_y=24,
    )  # fmt: skip
    (lead,) = parse(client.get("/").content.decode()).imgs("focal")
    img = lead["img"]
    assert img["class"] == "focal focal-x-80 focal-y-25" and img["alt"] == "头条图"
    assert "loading" not in img
    assert img["sizes"] == SIZES["front"] and (img["width"], img["height"]) == ("1600", "900")


def test_an_author_photo_is_named_after_the_author(client):
    author = AuthorFactory(name="林知远", photo=image_file("林知远.png", size=(400, 400)))
    PublishedArticleFactory(authors=[(author, Byline.Role.REPORTER)])
    (photo_,) = parse(client.get(author.get_absolute_url()).content.decode()).imgs("profile__photo")
    img = photo_["img"]
    assert img["alt"] == "林知远" and img["sizes"] == "7rem"
    assert (img["width"], img["height"]) == ("400", "400")
    assert widths(img["srcset"]) == [360, 400] and [s["type"] for s in photo_["sources"]] == TYPES


# ----- queries -----


def queries_of(client, url: str) -> tuple[int, str]:
    """The queries of a page rendered with the shared fragments already made, and its HTML."""
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        html = client.get(url).content.decode()
    return len(queries), html


def test_the_article_page_loads_its_photos_in_one_query(client):
    """However many photos it has: the count of tests/reader/test_query_counts.py (there with photos too)."""
    counts = []
    for many in (1, 6):
        article = PublishedArticleFactory(image=image_file(size=(400, 300)))
        for order in range(many):
            photo(article, order, alt=f"图{order}")
        count, html = queries_of(client, article.get_absolute_url())
        assert len(parse(html).imgs("gallery__image")) == many
        counts.append(count)
    assert counts == [3, 3]


def test_listings_with_pictures_cost_no_query_per_picture(client):
    section = SectionFactory(name="图片新闻")
    counts = []
    for many in (1, 5):
        while Article.objects.filter(section=section).count() < many:
            article = PublishedArticleFactory(section=section, image=image_file(size=(400, 300)))
            photo(article, 0, alt="图")
        count, html = queries_of(client, section.get_absolute_url())
        assert len(parse(html).imgs("item__picture")) == many
        counts.append(count)
    assert counts[0] == counts[1]
