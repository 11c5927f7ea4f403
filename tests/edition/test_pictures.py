"""The digital edition's printed page in the size the screen needs: its renditions (core/renditions.py) through
the {% picture %} tag, its size from its name (edition/images.py), the thumbnails kept for the page list, and
nothing of an image the page may not show."""

import os
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

import pytest
from django.conf import settings
from django.urls import reverse

from core import renditions
from reader.templatetags.pictures import SIZES

pytestmark = pytest.mark.django_db
TYPES = [mime for _extension, mime, _format, _options in renditions.formats() if mime != "image/jpeg"]


class Sheet(HTMLParser):
    """The <picture> around the printed page: its <source>s and <img>; every other <img>."""

    def __init__(self):
        super().__init__()
        self.sources, self.sheet, self.others, self._in_picture = [], None, [], False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "picture" and attrs.get("class") == "edition-sheet__picture":
            self._in_picture = True
        elif tag == "source" and self._in_picture:
            self.sources.append(attrs)
        elif tag == "img" and self._in_picture:
            self.sheet = attrs
        elif tag == "img":
            self.others.append(attrs)

    def handle_endtag(self, tag):
        if tag == "picture":
            self._in_picture = False


def sheet_of(client, issue, number) -> Sheet:
    parser = Sheet()
    parser.feed(client.get(reverse("articles:issue_page", args=[issue.number, number])).content.decode())
    return parser


def without_hidden_articles(edition):
    for article in edition["hidden"].values():
        article.delete()


def test_the_printed_page_comes_in_every_width_up_to_its_own(client, edition):
    without_hidden_articles(edition)
    front = edition["pages"][0]
    page = sheet_of(client, edition["issue"], 1)
    img = page.sheet
    # Its size from its name (issue-1301-page-1-1600x2262.jpg): the box is reserved, the renditions named.
    assert (img["width"], img["height"]) == ("1600", "2262")
    assert [source["type"] for source in page.sources] == TYPES
    for srcset in [img["srcset"]] + [source["srcset"] for source in page.sources]:
        assert [int(c.rsplit(" ", 1)[1][:-1]) for c in srcset.split(", ")] == [360, 720, 1080, 1600]
    assert img["sizes"] == SIZES["edition"] and all(s["sizes"] == SIZES["edition"] for s in page.sources)
    # The page is what the reader came for: it loads first.
    assert "loading" not in img and img["decoding"] == "async"
    assert img["class"] == "edition-sheet__image" and img["alt"].endswith("第1版 要闻")
    # Every rendition named was made when the page image was stored, beside it (private until released).
    for candidate in img["srcset"].split(", ") + [img["src"] + " x"]:
        url = unquote(candidate.rsplit(" ", 1)[0])
        name = "private/" + url.removeprefix("/private-media/")
        assert renditions.original_of(name) == front.image.name
        assert (Path(settings.PRIVATE_MEDIA_ROOT) / name.removeprefix("private/")).is_file(), url


def test_the_page_list_keeps_its_thumbnails(client, edition):
    without_hidden_articles(edition)
    front = edition["pages"][0]
    page = sheet_of(client, edition["issue"], 1)
    thumbnails = [img for img in page.others if img.get("class") == "edition-pages__thumb"]
    assert thumbnails[0]["src"] == front.image.url.replace(".jpg", ".thumb.jpg")
    assert (thumbnails[0]["width"], thumbnails[0]["height"]) == ("240", "339")
    assert thumbnails[0]["loading"] == "lazy"


def test_an_image_of_unknown_size_is_shown_as_it_is(client, edition):
    """Page 2's image was stored without the edition's name: no size known, so no rendition is named."""
    second = edition["pages"][1]
    page = sheet_of(client, edition["issue"], 2)
    assert page.sources == [] and "srcset" not in page.sheet and "width" not in page.sheet
    assert page.sheet["src"] == second.image.url


def test_a_page_that_may_not_show_its_image_names_none_of_its_renditions(client, edition):
    """A draft stands on page 1: its image shows the draft, so neither it nor any rendition of it is named."""
    front = edition["pages"][0]
    html = client.get(reverse("articles:issue_page", args=[edition["issue"].number, 1])).content.decode()
    assert "edition-sheet__picture" not in html and "<source" not in html
    assert os.path.basename(front.image.name) not in html
    assert not re.search(r"\.w\d+\.(avif|webp|jpg)", html)
