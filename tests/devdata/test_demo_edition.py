"""The demo's printed pages: a PDF per page, the image rendered from it, an area per placed article; idempotent."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from articles.models import Article, IssuePage, PageArea
from devdata import demo_edition
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
        assert page.pdf.name.endswith(".pdf") and (image.width, image.height) == (1600, 2263), page
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
