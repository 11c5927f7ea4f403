"""A whole printed issue in one import (printimport/issueplan.py): pages as text or PDF, jumps joined, areas
drawn from the page PDFs; the `import_issue` command over several pages, the admin's multi-file upload, and the
digital edition listing a jumped article on both its pages."""

import datetime
import sys
import types
from dataclasses import dataclass, field
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from reversion.models import Version

from articles.models import Article, ArticleStatus, Byline, Issue, IssuePage, PageArea, Section
from people.models import Author
from printimport import issueplan
from printimport.issueplan import PageFile, execute_issue, plan_issue
from printimport.parser import PrintPageError
from printimport.service import PageImportError, describe_error
from tests.edition.helpers import BLUE, GREEN, area, pdf_bytes
from tests.factories import IssueFactory, UserFactory, editor

pytestmark = pytest.mark.django_db

ISSUE = Path(__file__).resolve().parent / "pages" / "issue"
DAY = datetime.date(2026, 3, 18)
NUMBER = 1100
FRONT = "青岚省今年新增42个省级科普基地"
FIELD = "云川市启动“科技特派员进村”行动"
WEATHER = "青岚省气象科普馆新展区开放"
TITLES = [
    FRONT,
    "青岚大学团队研发出耐盐碱水稻新品系",
    FIELD,
    WEATHER,
    "白塔镇建成首个乡村科普大篷车站",
    "春天里的物候观察",
]


def files(folder: str = "", count: int = 4) -> list[tuple[str, bytes]]:
    names = [f"page{n}.txt" for n in range(1, count + 1)]
    return [
        (name, (ISSUE / folder / name).read_bytes()) for name in names if (ISSUE / folder / name).exists()
    ]


def pages(folder: str = "", first: int = 1, count: int = 4) -> list[PageFile]:
    return PageFile.numbered(files(folder, count), first)


def run(page_files, user=None):
    return execute_issue(plan_issue(page_files, NUMBER, DAY), user or UserFactory(username="desk"))


def rows() -> dict[str, int]:
    models = (Issue, IssuePage, Article, Byline, Author, Section, PageArea, Version)
    return {model.__name__: model.objects.count() for model in models}


def body(title: str) -> str:
    return Article.objects.get(title=title).body


def jumps_to(page: int) -> str:
    return gettext("goes on on page %(page)d") % {"page": page}


# ----- the whole issue -----


def test_an_issue_of_four_pages_imports_with_its_jumps_joined():
    user = UserFactory(username="night-desk")
    report = run(pages(), user)
    assert report.issue_created and report.pages_created == [1, 2, 3, 4]
    issue = Issue.objects.get()
    assert list(issue.pages.values_list("number", "name")) == [
        (1, "要闻"),
        (2, "综合"),
        (3, "地方动态"),
        (4, "科普园地"),
    ]
    placed = [
        (a.title, a.page.number, a.position)
        for a in Article.objects.select_related("page").order_by("page__number", "position")
    ]
    assert placed == [
        (FRONT, 1, 1),
        (TITLES[1], 1, 2),
        (FIELD, 1, 3),  # placed on the page where it starts
        (WEATHER, 2, 1),
        (TITLES[4], 3, 1),
        (TITLES[5], 4, 1),
    ]
    assert all(a.status == ArticleStatus.DRAFT and a.created_by == user for a in Article.objects.all())
    front = Article.objects.get(title=FRONT)
    assert front.body.count("<p>") == 4
    assert "省级科普基地将覆盖所有县（市、区），并带动" in front.body  # the paragraph cut by the jump, joined
    assert "下转" not in front.body and "上接" not in front.body and "科普基地</p>" not in front.body
    assert [(b.author.name, b.role) for b in front.bylines.all()] == [("王启航", "reporter")]  # from the end
    assert "转3版" not in body(FIELD) and "（接1版）" not in body(FIELD)
    assert body(FIELD).count("<p>") == 4
    weather = Article.objects.get(title=WEATHER)
    assert "（下转A4版）" not in weather.body and "紧接" not in weather.body
    assert [b.author.name for b in weather.bylines.all()] == ["方若溪", "王启航"]
    assert Author.objects.filter(name="王启航").count() == 1  # one person across the issue's pages
    assert report.plan.warnings == []


def test_the_plan_shows_the_jumps_and_writes_nothing():
    before = rows()
    plan = plan_issue(pages(), NUMBER, DAY)
    assert rows() == before
    by_title = {a.title: a for a in plan.articles}
    assert by_title[FRONT].jumps == [jumps_to(2)] and by_title[FRONT].pages == [1, 2]
    assert by_title[WEATHER].jumps == [jumps_to(4)]
    assert by_title[TITLES[1]].jumps == []
    continued = {
        page.number: [(part.title, whole.title) for part, whole in page.continued] for page in plan.pages
    }
    assert continued == {
        1: [],
        2: [("科普基地", FRONT)],
        3: [(FIELD, FIELD)],
        4: [("气象科普馆新展区开放", WEATHER)],
    }


def test_importing_the_issue_again_creates_nothing():
    run(pages())
    before = rows()
    report = run(pages())
    assert rows() == before
    assert report.created == [] and len(report.skipped) == 6 and report.pages_created == []
    assert not report.issue_created


def test_a_page_imported_on_its_own_is_not_imported_again_with_its_issue():
    run(pages(count=1))  # page 1 alone first: its jumping parts are imported alone, with warnings
    report = run(pages())
    assert {a.title for a in report.skipped} == {FRONT, TITLES[1], FIELD}
    assert Article.objects.filter(title=FRONT).count() == 1


@pytest.mark.parametrize("count", [3, 4])
def test_an_error_on_any_page_writes_nothing_and_names_the_file_and_line(count):
    user = UserFactory(username="desk")
    before = rows()
    with pytest.raises(PrintPageError) as caught:
        run(pages("bad", count=count), user)
    assert str(describe_error(caught.value)).startswith(
        f"page3.txt: {describe_error(PrintPageError(11, 'x'))[:-1]}"
    )
    assert caught.value.filename == "page3.txt" and caught.value.file_line == 11
    assert rows() == before


def test_a_failure_while_writing_writes_nothing(monkeypatch):
    plan = plan_issue(pages(), NUMBER, DAY)
    user = UserFactory(username="desk")
    before = rows()
    written = []

    def write_then_fail(planned, *args):
        if written:
            raise IntegrityError("as if another import wrote the same article")
        written.append(real(planned, *args))

    real = issueplan.write_article
    monkeypatch.setattr(issueplan, "write_article", write_then_fail)
    with pytest.raises(PageImportError):
        execute_issue(plan, user)
    assert written and rows() == before


def test_a_date_conflict_and_a_page_given_twice_are_refused():
    IssueFactory(number=NUMBER, date=DAY - datetime.timedelta(days=7))
    with pytest.raises(PageImportError) as caught:
        plan_issue(pages(), NUMBER, DAY)
    assert DAY.isoformat() in caught.value.message
    twice = pages(count=2)
    twice[1].number = 1
    with pytest.raises(PageImportError):
        plan_issue(twice, NUMBER + 1, DAY + datetime.timedelta(days=1))


def test_missing_halves_are_imported_alone_with_warnings_both_ways():
    report = run(pages("alone"))
    warnings = report.plan.warnings
    assert len(warnings) == 2
    assert warnings[0].startswith("page1.txt") and "转第3版" in warnings[0]
    assert warnings[1].startswith("page2.txt") and "接第1版" in warnings[1]
    start = Article.objects.get(title="青岚湖湿地春季鸟类调查启动")
    assert start.page.number == 1 and start.body.endswith("重点关注</p>") and "下转" not in start.body
    rest = Article.objects.get(title="种业创新")
    assert rest.page.number == 2 and "上接" not in rest.body and rest.body.count("<p>") == 1
    assert Article.objects.count() == 4


# ----- page PDFs: the text and areas from printimport/pdfpage.py (here a stand-in) -----


@dataclass
class FoundArea:
    line: int
    title: str
    x: float
    y: float
    width: float
    height: float


@dataclass
class PdfPage:
    text: str
    areas: list = field(default_factory=list)
    warnings: list = field(default_factory=list)


PDF_FRONT, PDF_SECOND = pdf_bytes(block=BLUE), pdf_bytes(block=GREEN)


@pytest.fixture
def pdfpage(monkeypatch):
    """`printimport.pdfpage.read_page_pdf` as the interface promises: page 1 and 2 of the issue with areas."""
    read = {
        PDF_FRONT: PdfPage(
            (ISSUE / "page1.txt").read_text(),
            [
                FoundArea(5, FRONT, 0.05, 0.05, 0.6, 0.45),
                FoundArea(13, TITLES[1], 0.65, 0.05, 0.3, 0.45),
                FoundArea(19, FIELD, 0.05, 0.55, 0.9, 0.5),  # runs off the page: cut at its edge
                FoundArea(9, "", 0.1, 0.1, 0.1, 0.1),  # no title there
            ],
            ["第1版右下角的广告没有读出文字。"],
        ),
        PDF_SECOND: PdfPage(
            (ISSUE / "page2.txt").read_text(),
            [FoundArea(5, "科普基地", 0.05, 0.05, 0.9, 0.3), FoundArea(15, WEATHER, 0.05, 0.4, 0.9, 0.5)],
        ),
    }
    module = types.ModuleType("printimport.pdfpage")
    module.read_page_pdf = lambda data: read[bytes(data)]
    monkeypatch.setitem(sys.modules, "printimport.pdfpage", module)
    return read


def pdf_pages() -> list[PageFile]:
    return PageFile.numbered([("page1.pdf", PDF_FRONT), ("page2.pdf", PDF_SECOND)])


def areas() -> list[tuple]:
    found = PageArea.objects.select_related("page", "article").order_by("page__number", "y", "x")
    return [
        (a.page.number, a.article.title, round(a.x, 2), round(a.y, 2), round(a.width, 2), round(a.height, 2))
        for a in found
    ]


def test_page_pdfs_are_read_attached_and_their_areas_drawn(pdfpage):
    report = run(pdf_pages())
    assert report.pdfs_attached == [1, 2] and report.areas_created == 5
    for page in IssuePage.objects.all():
        assert page.pdf and page.image  # the page image made from the PDF, as the page admin does
    assert len([name for name in private_files() if name.endswith(".pdf")]) == 2
    assert areas() == [
        (1, FRONT, 0.05, 0.05, 0.6, 0.45),
        (1, TITLES[1], 0.65, 0.05, 0.3, 0.45),
        (1, FIELD, 0.05, 0.55, 0.9, 0.45),
        (2, FRONT, 0.05, 0.05, 0.9, 0.3),  # the jumped article: an area on each page it stands on
        (2, WEATHER, 0.05, 0.4, 0.9, 0.5),
    ]
    warnings = report.plan.warnings
    assert warnings[0] == "page1.pdf: 第1版右下角的广告没有读出文字。"
    assert any("page1.pdf" in w and "9" in w for w in warnings[1:])


def test_importing_the_pdfs_again_adds_no_area_and_keeps_the_pdf(pdfpage):
    run(pdf_pages())
    names = sorted(IssuePage.objects.values_list("pdf", flat=True))
    before = rows()
    report = run(pdf_pages())
    assert rows() == before and report.areas_created == 0 and report.pdfs_attached == []
    assert sorted(IssuePage.objects.values_list("pdf", flat=True)) == names


def test_an_article_with_an_area_drawn_by_hand_gets_no_second_one(pdfpage):
    run(pages(count=2))  # as text first: no areas
    front = Article.objects.get(title=FRONT)
    area(front.page, front, 0.1, 0.1, 0.5, 0.5)
    report = run(pdf_pages())
    assert report.areas_created == 4
    assert PageArea.objects.filter(article=front).count() == 2  # the hand-drawn one, and one on page 2
    assert PageArea.objects.get(article=front, page__number=1).width == 0.5


def private_files() -> list[str]:
    root = Path(settings.PRIVATE_MEDIA_ROOT)
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())


def test_a_failure_after_the_pdfs_are_stored_leaves_no_file(pdfpage, monkeypatch):
    plan = plan_issue(pdf_pages(), NUMBER, DAY)

    def fail(*args):
        raise IntegrityError("as if another import wrote the same article")

    monkeypatch.setattr(issueplan, "write_article", fail)
    with pytest.raises(PageImportError):
        execute_issue(plan, UserFactory(username="desk"))
    assert private_files() == [] and IssuePage.objects.count() == 0


def test_a_bad_pdf_is_refused_naming_the_file(pdfpage):
    with pytest.raises(PrintPageError) as caught:
        plan_issue(PageFile.numbered([("page1.pdf", b"%PDF-1.4 nothing else")]), NUMBER, DAY)
    assert caught.value.filename == "page1.pdf" and Issue.objects.count() == 0


# ----- the command -----


def command(*args) -> str:
    out = StringIO()
    call_command("import_issue", *map(str, args), stdout=out)
    return out.getvalue()


def paths(folder: str = "", count: int = 4) -> list[Path]:
    return [ISSUE / folder / f"page{n}.txt" for n in range(1, count + 1)]


def test_the_command_imports_several_pages_as_one_issue():
    UserFactory(username="root", is_superuser=True)
    out = command(*paths(), "--number", NUMBER, "--date", DAY.isoformat())
    assert Article.objects.count() == 6 and IssuePage.objects.count() == 4
    assert all(title in out for title in TITLES)
    before = rows()
    again = command(*paths(), "--number", NUMBER, "--date", DAY.isoformat())
    assert rows() == before and FRONT in again


def test_the_dry_run_prints_the_whole_issue_and_writes_nothing():
    before = rows()
    out = command(*paths(), "--number", NUMBER, "--date", DAY.isoformat(), "--dry-run")
    assert rows() == before
    for number, name in [(1, "要闻"), (2, "综合"), (3, "地方动态"), (4, "科普园地")]:
        assert f"{number} {name}" in out
    assert jumps_to(2) in out and jumps_to(3) in out and jumps_to(4) in out
    continued = gettext("%(title)s: continued from page %(page)d (%(whole)s)")
    assert continued % {"title": "科普基地", "page": 1, "whole": FRONT} in out
    assert f"王启航（{Byline.Role.REPORTER.label}）" in out
    counts = [
        line.rsplit(":", 1)[1].strip()
        for line in out.splitlines()
        if line.strip().startswith(gettext("paragraphs"))
    ]
    assert counts == ["4", "2", "4", "4", "1", "2"]


def test_the_command_numbers_the_pages_from_page():
    UserFactory(username="root", is_superuser=True)
    dry = command(*paths()[2:], "--page", 3, "--number", NUMBER, "--date", DAY.isoformat(), "--dry-run")
    assert "接第1版" in dry and "接第2版" in dry  # both starts are on pages not given: warned about
    command(*paths()[2:], "--page", 3, "--number", NUMBER, "--date", DAY.isoformat())
    assert list(IssuePage.objects.values_list("number", "name")) == [(3, "地方动态"), (4, "科普园地")]
    assert Article.objects.get(title="气象科普馆新展区开放").page.number == 4  # a continuation alone


def test_the_command_names_the_file_and_line_and_writes_nothing():
    UserFactory(username="root", is_superuser=True)
    bad = paths("bad", 3)
    with pytest.raises(CommandError) as caught:
        command(*bad, "--number", NUMBER, "--date", DAY.isoformat())
    assert str(caught.value).startswith(f"{bad[2]}: {describe_error(PrintPageError(11, 'x'))[:-1]}")
    assert Issue.objects.count() == 0 and Article.objects.count() == 0


def test_the_command_reads_page_pdfs(pdfpage, tmp_path):
    UserFactory(username="root", is_superuser=True)
    (tmp_path / "p1.pdf").write_bytes(PDF_FRONT)
    (tmp_path / "p2.PDF").write_bytes(PDF_SECOND)
    out = command(tmp_path / "p1.pdf", tmp_path / "p2.PDF", "--number", NUMBER, "--date", DAY.isoformat())
    assert PageArea.objects.count() == 5 and all(p.pdf for p in IssuePage.objects.all())
    assert ngettext("%(count)d page area drawn.", "%(count)d page areas drawn.", 5) % {"count": 5} in out


def test_a_page_name_is_for_one_page_only():
    with pytest.raises(CommandError):
        command(*paths(), "--number", NUMBER, "--date", DAY.isoformat(), "--page-name", "要闻", "--dry-run")


# ----- the admin: several files at once -----


NEW = reverse("admin:articles_issue_import")


@pytest.fixture
def ed(client):
    user = editor("issue-editor")
    client.force_login(user)
    return user


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    kind = "application/pdf" if name.endswith(".pdf") else "text/plain"
    return SimpleUploadedFile(name, data, content_type=kind)


def preview(client, uploads, **fields):
    post = {"number": NUMBER, "date": DAY.isoformat(), "page_number": 1, "page_name": "", **fields}
    return client.post(NEW, {**post, "file": uploads})


def test_an_editor_previews_and_confirms_a_whole_issue(client, ed):
    chosen = [upload(name, data) for name, data in reversed(files())]  # in any order: sorted by name
    shown = preview(client, chosen)
    assert shown.status_code == 200 and rows()["Article"] == 0
    plan = shown.context["plan"]
    assert [p.filename for p in plan.pages] == ["page1.txt", "page2.txt", "page3.txt", "page4.txt"]
    html = shown.content.decode()
    for title in TITLES:
        assert title in html
    assert jumps_to(2) in html and "科普基地" in html
    assert f"王启航（{Byline.Role.REPORTER.label}）" in html
    done = client.post(NEW, {"token": shown.context["token"]})
    assert done.status_code == 200
    assert sorted(Article.objects.values_list("title", flat=True)) == sorted(TITLES)
    assert set(Article.objects.values_list("created_by", flat=True)) == {ed.pk}
    again = client.post(NEW, {"token": shown.context["token"]})
    assert again.status_code == 200 and Article.objects.count() == 6  # confirming twice creates nothing


def test_the_admin_preview_shows_the_warnings(client, ed):
    shown = preview(client, [upload(name, data) for name, data in files("alone")])
    html = shown.content.decode()
    assert len(shown.context["plan"].warnings) == 2 and "转第3版" in html and "接第1版" in html


def test_the_admin_names_the_file_and_line_of_an_error(client, ed):
    shown = preview(client, [upload(name, data) for name, data in files("bad", 3)])
    assert "plan" not in shown.context
    errors = list(shown.context["form"].non_field_errors())
    assert errors[0].startswith(f"page3.txt: {describe_error(PrintPageError(11, 'x'))[:-1]}")
    assert rows()["Issue"] == 0


def test_the_admin_refuses_a_page_name_for_several_pages(client, ed):
    shown = preview(client, [upload(name, data) for name, data in files(count=2)], page_name="要闻")
    assert shown.context["form"].errors["page_name"] and rows()["Issue"] == 0


def test_the_admin_imports_page_pdfs(client, ed, pdfpage):
    shown = preview(client, [upload("第02版.pdf", PDF_SECOND), upload("第01版.pdf", PDF_FRONT)])
    assert shown.status_code == 200, shown.context["form"].errors
    assert [p.filename for p in shown.context["plan"].pages] == ["第01版.pdf", "第02版.pdf"]
    assert len(shown.context["plan"].new_areas) == 5
    done = client.post(NEW, {"token": shown.context["token"]})
    assert done.status_code == 200 and PageArea.objects.count() == 5
    assert all(page.pdf for page in IssuePage.objects.all())


def test_a_pdf_gone_from_the_cache_must_be_uploaded_again(client, ed, pdfpage):
    shown = preview(client, [upload("第01版.pdf", PDF_FRONT)])
    cache.clear()
    done = client.post(NEW, {"token": shown.context["token"]})
    assert done.status_code == 400 and Issue.objects.count() == 0


# ----- the digital edition: a jumped article on both its pages -----


def test_the_edition_lists_a_jumped_article_on_both_pages(client, settings, pdfpage):
    settings.PAGE_CACHE = False
    cache.clear()
    run(pdf_pages())
    front = Article.objects.get(title=FRONT)
    # Only the jumped article is public: page 2 has nothing else to show.
    Article.objects.filter(pk=front.pk).update(
        status=ArticleStatus.PUBLISHED, published_at=timezone.now() - datetime.timedelta(hours=1)
    )
    for number in (1, 2):
        response = client.get(reverse("articles:issue_page", args=[NUMBER, number]))
        assert response.status_code == 200
        assert [a.title for a in response.context["articles"]] == [FRONT]
        assert [link.article.pk for link in response.context["areas"]] == [front.pk]
    cache.clear()
