"""A page given as its text export and its PDF together (第01版.txt and 第01版.pdf): one page, its articles from the
text, the PDF attached and each article's area found in it, matched by title (printimport/issueplan.py); the real
PDF reader on a generated layout (tests/printimport/layouts/)."""

import datetime
import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from articles.models import Article, IssuePage, PageArea
from printimport.issueplan import PageFile, execute_issue, plan_issue
from printimport.parser import PrintPageError
from printimport.pdfpage import read_page_pdf
from printimport.service import describe_error
from tests.factories import UserFactory, editor

pytestmark = pytest.mark.django_db

LAYOUTS = Path(__file__).resolve().parent / "layouts"
DAY = datetime.date(2026, 3, 12)


def layout(name: str) -> tuple[bytes, dict]:
    truth = json.loads((LAYOUTS / f"{name}.json").read_text(encoding="utf-8"))
    return (LAYOUTS / f"{name}.pdf").read_bytes(), truth


def text_export(pdf: bytes, drop: str = "") -> bytes:
    """The page's text as the layout software would export it: here the PDF's own reading, with a section header
    and its pinyin on top, so the text's lines are not the PDF's; `drop` leaves one article out."""
    text = read_page_pdf(pdf).text
    if drop:
        blocks = text.split("\n\n")
        start = blocks.index(drop)
        end = next(
            i for i in range(start + 1, len(blocks)) if blocks[i].startswith(("(本报", "（本报", "(作者"))
        )
        text = "\n\n".join(blocks[:start] + blocks[end + 1 :])
    return f"要闻\n\nYAO WEN\n\n{text}".encode()


def test_a_text_and_a_pdf_of_one_name_are_one_page():
    pages = PageFile.numbered(
        [("第01版.pdf", b"%PDF-1"), ("第01版.txt", b"text"), ("第02版.pdf", b"%PDF-2")], 3
    )
    assert [(p.number, p.filename, p.is_pdf, p.pdf_filename) for p in pages] == [
        (3, "第01版.txt", False, "第01版.pdf"),
        (4, "第02版.pdf", True, ""),
    ]
    assert pages[0].pdf_data == b"%PDF-1" and pages[1].pdf_data == b"%PDF-2"


def test_the_text_gives_the_articles_and_the_pdf_their_areas():
    pdf, truth = layout("four-columns")
    plan = plan_issue(PageFile.numbered([("p1.txt", text_export(pdf)), ("p1.pdf", pdf)]), 1501, DAY)
    assert len(plan.pages) == 1 and plan.pages[0].attaches_pdf
    report = execute_issue(plan, UserFactory(username="desk"))
    page = IssuePage.objects.get(issue__number=1501, number=1)
    assert page.pdf and page.image  # the PDF attached and its image rendered
    boxes = {a["title"]: a["box"] for a in truth["articles"]}
    areas = {a.article.title: a for a in PageArea.objects.filter(page=page).select_related("article")}
    assert sorted(areas) == sorted(boxes) and report.areas_created == len(boxes)
    for title, area in areas.items():
        box = boxes[title]
        assert abs(area.x - box["x"]) < 0.02 and abs(area.y - box["y"]) < 0.02, title
    assert not plan.warnings


def test_an_article_the_text_does_not_have_is_warned_about_and_gets_no_area():
    pdf, truth = layout("four-columns")
    dropped = truth["articles"][-1]["title"]
    plan = plan_issue(
        PageFile.numbered([("p1.txt", text_export(pdf, drop=dropped)), ("p1.pdf", pdf)]), 1502, DAY
    )
    assert any(dropped in warning and "p1.pdf" in warning for warning in plan.warnings)
    execute_issue(plan, UserFactory(username="desk"))
    assert not Article.objects.filter(title=dropped).exists()
    assert PageArea.objects.count() == len(truth["articles"]) - 1


def test_the_admin_takes_a_text_with_its_pdf(client):
    client.force_login(editor("pair-editor"))
    pdf, truth = layout("two-columns")
    uploads = [
        SimpleUploadedFile("第01版.pdf", pdf, content_type="application/pdf"),
        SimpleUploadedFile("第01版.txt", text_export(pdf), content_type="text/plain"),
    ]
    url = reverse("admin:articles_issue_import")
    post = {"number": 1503, "date": DAY.isoformat(), "page_number": 1, "page_name": ""}
    shown = client.post(url, {**post, "file": uploads})
    assert shown.status_code == 200 and len(shown.context["plan"].pages) == 1
    done = client.post(url, {"token": shown.context["token"]})
    assert done.status_code == 200
    page = IssuePage.objects.get(issue__number=1503)
    assert page.pdf and PageArea.objects.filter(page=page).count() == len(truth["articles"])


def test_a_bad_pdf_beside_its_text_is_refused_naming_the_pdf():
    pdf, _truth = layout("four-columns")
    pages = PageFile.numbered([("p1.txt", text_export(pdf)), ("p1.pdf", b"%PDF-1.7 not really")])
    with pytest.raises(PrintPageError) as refused:
        plan_issue(pages, 1504, DAY)
    assert describe_error(refused.value).startswith("p1.pdf: ")
    assert not IssuePage.objects.filter(issue__number=1504).exists()
