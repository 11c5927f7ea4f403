"""A listing item's HTML (reader/items.py, partials/article_item.html) is exactly what it was when items were
rendered from model instances: the item is built from plain values for speed, and these pages must not change a
byte for it. Each item below covers a case: picture or none, summary (long: cut at 120 characters), placement
with and without a page, section, bylines in several roles (the desk editor first, in between, alone)."""

import datetime
import json
import os
import re
from pathlib import Path

import pytest
from django.utils import timezone, translation

from articles.models import Byline
from reader.items import ItemStyle, items
from tests.factories import (
    AuthorFactory,
    IssueFactory,
    IssuePageFactory,
    PublishedArticleFactory,
    SectionFactory,
    image_file,
)

pytestmark = pytest.mark.django_db

Role = Byline.Role
# The items as they were rendered from model instances (partials/article_item.html before reader/items.py built
# plain values), one list per style.
EXPECTED = Path(__file__).with_name("item_html.json")
STORED_NAME = re.compile(r"articles/[0-9]{4}/[0-9]{2}/photo(_[A-Za-z0-9]+)?\.png")
WHEN = datetime.datetime(2026, 3, 4, 5, 6, 7, tzinfo=datetime.UTC)
STYLES = {
    "plain": (ItemStyle(), 0),
    "summary": (ItemStyle(summary=True), 0),
    "everything": (ItemStyle(summary=True, placement=True, section=True, picture=True), 0),
    "everything-eager": (ItemStyle(summary=True, placement=True, section=True, picture=True), 9),
}


def articles() -> list:
    """The articles of the cases, in order; the listing shows them in that order."""
    section = SectionFactory(name="科普 & 教育")
    issue = IssueFactory(number=1208, date=datetime.date(2026, 3, 4))
    page = IssuePageFactory(issue=issue, number=3)
    lin, wang, su, zhou = (AuthorFactory(name=name) for name in ("林知远", "王启航", "苏晴", "周<远>帆"))
    common = {"published_at": WHEN, "section": None, "issue": None, "page": None, "summary": "", "kicker": ""}
    cases = [
        {"title": "青岚省首座<智能>农机站投用", "authors": [(lin, Role.REPORTER)]},
        {
            "title": "山区小学的天文课",
            "kicker": "科学下乡",
            "subtitle": "一台望远镜 & 四十个孩子",
            "summary": "青岚省" + "科学教育的一次尝试，" * 20,
            "section": section,
            "issue": issue,
            "page": page,
            "authors": [
                (su, Role.EDITOR),
                (lin, Role.REPORTER),
                (wang, Role.REPORTER),
                (zhou, Role.CORRESPONDENT),
            ],
            "image": image_file(size=(300, 200)),
            "image_alt": "孩子们围着望远镜",
            "image_focal_x": 30,
            "image_focal_y": 70,
        },
        {
            "title": "新材料实验室开放日",
            "summary": "短摘要",
            "issue": issue,
            "section": section,
            "authors": [
                (lin, Role.REPORTER),
                (su, Role.EDITOR),
                (wang, Role.PHOTOGRAPHER),
                (zhou, Role.REPORTER),
            ],
            "image": image_file(size=(200, 300)),
            "image_caption": "实验室一角",
        },
        {"title": "只有编辑署名", "authors": [(su, Role.EDITOR)], "image": image_file(size=(100, 100))},
        {"title": "没有署名的简讯", "summary": "无署名"},
    ]
    return [PublishedArticleFactory(**{**common, **case}) for case in cases]


def rendered(found: list) -> dict[str, list[str]]:
    """Each style's items, with what differs from run to run written as the case's number (the article's id:
    ARTICLEn) or a constant (a picture's stored name, made unique with random letters: IMAGE)."""
    with translation.override("zh-hans"), timezone.override("Asia/Shanghai"):
        result = {
            name: list(items([a.pk for a in found], style, eager)) for name, (style, eager) in STYLES.items()
        }
    for number, article in enumerate(found):
        link, placeholder = f'href="{article.get_absolute_url()}"', f'href="ARTICLE{number}"'
        result = {style: [html.replace(link, placeholder) for html in v] for style, v in result.items()}
    return {style: [STORED_NAME.sub("IMAGE", html) for html in v] for style, v in result.items()}


def test_item_html_is_unchanged():
    got = rendered(articles())
    if os.environ.get("WRITE_ITEM_HTML"):  # to write the expected HTML anew, after a change meant to show
        EXPECTED.write_text(json.dumps(got, ensure_ascii=False, indent=1) + "\n")
    assert got == json.loads(EXPECTED.read_text())
