"""The demo's printed pages: a PDF per page, the image rendered from it, an area per placed article; idempotent.
The printed issues (1201, 1202) are imported from their own page PDFs (devdata/demo_printed.py): their areas are
found in the PDFs, within IoU 0.8 of the layout's true boxes, and the jumping lead story has one on each page."""

import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from articles.models import Article, IssuePage, PageArea
from devdata import demo_edition, demo_printed
from devdata.demo_edition import Fonts, draw_page
from edition.images import page_image, render_pdf
from tests.edition.helpers import stored_files
from tests.factories import ArticleFactory, IssueFactory, IssuePageFactory

pytestmark = pytest.mark.django_db


def test_demo_pages_are_printed_rendered_and_mapped_once(client):
    call_command("demo_data")
    printed = {"issue__number__lte": 1203}  # 1204 is being planned: its pages are not printed yet
    pages = list(IssuePage.objects.filter(**printed).select_related("issue"))
    assert len(pages) == 12
    for page in pages:
        image = page_image(page)
        # 1600 px wide, the A-series proportion (Chromium's printed pages round to 2264 px, Pillow's to 2263).
        assert page.pdf.name.endswith(".pdf") and image.width == 1600 and image.height in (2263, 2264), page
    placed = Article.objects.filter(page__isnull=False, page__issue__number__lte=1203)
    assert set(PageArea.objects.values_list("article", flat=True)) == set(placed.values_list("pk", flat=True))
    for area in PageArea.objects.all():
        assert 0 <= area.x < area.x + area.width <= 1 and 0 <= area.y < area.y + area.height <= 1
    files = stored_files()
    areas = list(PageArea.objects.values_list("pk", "x", "y", "width", "height"))

    call_command("demo_data")  # again: nothing new, no file written twice
    assert stored_files() == files
    assert list(PageArea.objects.values_list("pk", "x", "y", "width", "height")) == areas

    # The front page of the first issue is served with its published articles as areas.
    html = client.get(reverse("articles:issue_page", args=[1201, 1])).content.decode()
    for article in Article.objects.published().filter(page__issue__number=1201, page__number=1):
        assert f'href="{article.get_absolute_url()}"' in html
    # The last issue has areas, all of unpublished articles: none of its pages is public.
    assert PageArea.objects.filter(page__issue__number=1203).exists()
    assert client.get(reverse("articles:issue_page", args=[1203, 1])).status_code == 404


def test_pages_are_drawn_without_a_cjk_font_too(monkeypatch):
    monkeypatch.setattr(demo_edition, "FONT_DIRS", [])
    fonts = Fonts()
    assert not fonts.available
    page = IssuePageFactory(issue=IssueFactory(number=1601), number=2, name="综合")
    articles = [
        ArticleFactory(
            title="无字体时用色块代替文字", issue=page.issue, page=page, position=1, kicker="引题"
        ),
        ArticleFactory(title="第二篇稿件", issue=page.issue, page=page, position=2, subtitle="副题"),
    ]
    data, blocks = draw_page(page, articles, fonts)
    rendered = render_pdf(data)
    assert (rendered.width, rendered.height) == (1600, 2263)
    assert set(blocks) == {a.pk for a in articles}
    lead, second = blocks[articles[0].pk], blocks[articles[1].pk]
    assert lead[1] + lead[3] <= second[1]  # the second article sits below the lead


def _iou(a: dict, b: dict) -> float:
    left, top = max(a["x"], b["x"]), max(a["y"], b["y"])
    right, bottom = (
        min(a["x"] + a["width"], b["x"] + b["width"]),
        min(a["y"] + a["height"], b["y"] + b["height"]),
    )
    inter = max(0.0, right - left) * max(0.0, bottom - top)
    return inter / (a["width"] * a["height"] + b["width"] * b["height"] - inter)


def test_the_printed_issues_are_imported_from_their_own_pdfs_with_areas_found():
    call_command("demo_data")
    for number in (1201, 1202):
        for page in IssuePage.objects.filter(issue__number=number):
            assert page.pdf.name.endswith(f"issue-{number}-page-{page.number}.pdf")  # the PDF as printed
            truth = json.loads((demo_printed.PRINTED / f"issue-{number}-page-{page.number}.json").read_text())
            boxes = {article["title"]: article["box"] for article in truth["articles"]}
            areas = list(page.areas.select_related("article"))
            assert sorted(a.article.title for a in areas) == sorted(boxes)
            for area in areas:
                found = {"x": area.x, "y": area.y, "width": area.width, "height": area.height}
                score = _iou(found, boxes[area.article.title])
                print(f"{number}/{page.number} {area.article.title}: IoU {score:.3f}")
                assert score >= 0.8
    lead = Article.objects.get(title="全省青少年机器人挑战赛落幕")
    assert lead.page.number == 1
    assert sorted(lead.areas.values_list("page__number", flat=True)) == [1, 2]  # 转版: on both pages
    # The PDFs named only the demo's own articles: the import found each by its title and created none.
    assert not Article.objects.filter(issue__number__in=[1201, 1202], status="draft").exists()
