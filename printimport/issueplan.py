"""Import a whole printed issue at once: its pages as text or PDF, articles that jump pages (转版) joined.

The same two steps as one page's import (printimport/service.py), whose pieces this uses:

- `plan_issue()` reads every page (a text export, or a page PDF read by printimport/pdfpage.py into the same
  text and the area of each article on the page), joins the parts of jumping articles
  (printimport/issuejoin.py) and decides, without writing, what importing means: the issue and pages to create
  or reuse, the articles that are new and those imported already, authors, sections, organizations, the PDFs
  to attach and the areas (`PageArea`) to draw.  Any error names the file and the line (`PAGE3.txt: 第12行：…`).
- `execute_issue()` writes a plan in one transaction, deciding again against the database as it is then; any
  error writes nothing at all.

An article is identified by (issue, the page it starts on, title), so importing an issue again creates nothing.
Within an issue a name is one person: the authors are chosen for all its pages together.  A page PDF is attached
to a page that has none (one that has a PDF keeps it: an editor may have replaced it), and its image rendered
as the page admin does (edition/images.py), before the transaction opens so that a PDF PDFium cannot draw
stops the import before anything is written; the files stored are deleted again when the transaction fails.  Each area found in a PDF becomes a `PageArea` of the article
whose part has its title on that line, unless the article has an area on that page already: a jumping article
gets one on each page it stands on, and a second import adds none.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field, replace

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import gettext as _

from articles.models import Issue, IssuePage, PageArea, Section
from core.storage import derived_names
from core.uploads import validate_pdf_upload
from edition.images import PageRenderError, RenderedPage, render_pdf, store_rendered_image

from . import service
from .issuejoin import JoinedArticle, join_issue
from .jumps import resemblance
from .matching import AuthorChoice
from .parser import ParsedArticle, PrintPageError, parse_page
from .service import (
    PageImportError,
    PlannedArticle,
    PlanningContext,
    PlanTotals,
    ReportTotals,
    assign_bylines,
    check_issue_arguments,
    check_page_arguments,
    describe_error,
    imported_titles,
    in_one_transaction,
    page_lines,
    read_text,
    write_article,
    write_page,
    write_sections_and_authors,
)

# A file whose name ends so is a page PDF; any other is a page as text.
PDF_SUFFIX = ".pdf"


class IssueImportError(PageImportError):
    """A refusal that names the file (and the line of it) to fix; nothing was written."""

    def __init__(self, filename: str, exc: PrintPageError) -> None:
        self.filename = filename
        self.file_line = exc.line
        super().__init__(None, f"{filename}: {describe_error(exc)}")


@dataclass
class PageFile:
    """One page of the issue as uploaded: its number in the issue, file name, bytes, and whether it is a PDF; or
    its text export with its PDF beside it (`pdf`): the text from the export, the PDF and the areas from the PDF."""

    number: int
    filename: str
    data: bytes
    name: str = ""  # the page's name when given; else the page keeps its name or takes its top section's
    is_pdf: bool = False
    pdf: bytes = b""  # a text page's PDF, given with it
    pdf_filename: str = ""

    @property
    def pdf_data(self) -> bytes:
        """The page's PDF, whether it is the page or was given with its text; b"" without one."""
        return self.data if self.is_pdf else self.pdf

    @classmethod
    def numbered(cls, files: list[tuple[str, bytes]], first: int = 1) -> list[PageFile]:
        """Pages from (file name, bytes) in the order given, numbered from `first`; `.pdf` names are PDFs. A
        text export and a PDF of the same name (第01版.txt and 第01版.pdf) are one page, where the first of them
        stands."""
        pages: list[PageFile] = []
        by_stem: dict[str, PageFile] = {}
        for name, data in files:
            is_pdf = name.lower().endswith(PDF_SUFFIX)
            stem = name.rsplit(".", 1)[0].lower() if "." in name else name.lower()
            other = by_stem.get(stem)
            if other is not None and not other.pdf and other.is_pdf != is_pdf:
                text, pdf = (
                    ((name, data), (other.filename, other.data))
                    if other.is_pdf
                    else ((other.filename, other.data), (name, data))
                )
                other.filename, other.data, other.is_pdf = text[0], text[1], False
                other.pdf_filename, other.pdf = pdf
                continue
            page = cls(first + len(pages), name, data, is_pdf=is_pdf)
            pages.append(page)
            by_stem.setdefault(stem, page)
        return pages


@dataclass
class PlannedPage:
    """A page as read (text, articles, the areas a PDF showed) and what importing does with it."""

    file: PageFile
    text: str
    parsed: list[ParsedArticle]
    areas: list = field(default_factory=list)  # printimport/pdfpage.py FoundArea, for a page PDF
    read_warnings: list[str] = field(default_factory=list)  # what reading a page PDF noticed
    page: IssuePage | None = None  # the existing page, or None: it will be created
    name: str = ""  # the name the page will have
    continued: list[tuple[ParsedArticle, IssueArticle]] = field(
        default_factory=list
    )  # parts of earlier pages

    @property
    def number(self) -> int:
        return self.file.number

    @property
    def filename(self) -> str:
        return self.file.filename

    @property
    def renames(self) -> bool:
        return self.page is not None and self.page.name != self.name

    @property
    def attaches_pdf(self) -> bool:
        """A page PDF goes onto a page without one; a page that has one keeps it."""
        return bool(self.file.pdf_data) and not (self.page is not None and self.page.pdf)


@dataclass
class IssueArticle(PlannedArticle):
    """An article of the issue: the page it starts on, and its parts when it jumps pages."""

    joined: JoinedArticle | None = None

    @property
    def page_number(self) -> int:
        return self.joined.page if self.joined else 0

    @property
    def jumps(self) -> list[str]:
        """Where it goes on, for the preview: ["转第2版"]; a part whose other half is missing says so."""
        if self.joined is None:
            return []
        parts = self.joined.parts
        labels = [_("goes on on page %(page)d") % {"page": p.following.page} for p in parts if p.following]
        if parts[-1].parsed.jumps_to is not None:
            goes_on = _("goes on on page %(page)d") % {"page": parts[-1].parsed.jumps_to}
            labels.append(goes_on + _(" (not found)"))
        if parts[0].parsed.continues_from is not None:
            continued = _("continued from page %(page)d") % {"page": parts[0].parsed.continues_from}
            labels.insert(0, continued + _(" (not found)"))
        return labels

    @property
    def pages(self) -> list[int]:
        return [p.page for p in self.joined.parts] if self.joined else []


@dataclass
class PlannedArea:
    """An area a page PDF showed, for the article whose part stands there."""

    page: int
    article: IssueArticle
    x: float
    y: float
    width: float
    height: float
    exists: bool = False  # the article has an area on that page already: none is added


@dataclass
class IssuePlan(PlanTotals):
    """What importing an issue's pages means, decided without writing anything."""

    number: int
    date: datetime.date
    pages: list[PlannedPage]
    issue: Issue | None = None  # the existing issue, or None: it will be created
    articles: list[IssueArticle] = field(default_factory=list)
    authors: list[AuthorChoice] = field(default_factory=list)
    areas: list[PlannedArea] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def new_areas(self) -> list[PlannedArea]:
        return [a for a in self.areas if not a.exists]


@dataclass
class IssueReport(ReportTotals):
    """What an issue's import did."""

    plan: IssuePlan
    issue: Issue
    issue_created: bool
    pages: list[IssuePage]
    pages_created: list[int]
    pdfs_attached: list[int]
    areas_created: int


def plan_issue(pages: list[PageFile], number: int, date: datetime.date) -> IssuePlan:
    """Read the pages and decide what importing them as issue `number` would do.  Writes nothing; raises
    PrintPageError (an IssueImportError naming the file and line where a file is at fault)."""
    check_issue_arguments(number, date)
    if not pages:
        raise PageImportError(None, _("Choose at least one page to import."))
    numbers = Counter(page.number for page in pages)
    for page in pages:
        try:
            check_page_arguments(page.number, page.name)
        except PrintPageError as exc:
            raise IssueImportError(page.filename, exc) from None
        if numbers[page.number] > 1:
            raise PageImportError(
                None, _("Page %(number)d is given twice. Give each page once.") % {"number": page.number}
            )
    read = [_read(page) for page in sorted(pages, key=lambda p: p.number)]
    # Only after every file is read: a file refused for what it is needs no query.
    sections = list(Section.objects.values_list("name", flat=True))
    for page in read:
        try:
            page.parsed = parse_page(page.text, sections=sections)
        except PrintPageError as exc:
            raise IssueImportError(page.filename, exc) from None
        if page.file.pdf:
            page.areas = _areas_by_title(page.areas, page.parsed)
    return _resolve(read, number, date)


def _read(page: PageFile) -> PlannedPage:
    """A page's text and areas (and a PDF's warnings, named by file); parsed by the caller."""
    try:
        areas, warnings = [], []
        if page.is_pdf:
            text, areas, warnings = _read_pdf(page.filename, page.data)
        else:
            text = read_text(page.data)
    except PrintPageError as exc:
        raise IssueImportError(page.filename, exc) from None
    if page.pdf:  # its PDF, given with it: the areas (matched by title once the text is parsed)
        try:
            _text, areas, warnings = _read_pdf(page.pdf_filename, page.pdf)
        except PrintPageError as exc:
            raise IssueImportError(page.pdf_filename, exc) from None
    named = page.pdf_filename or page.filename
    return PlannedPage(page, text, [], areas, [f"{named}: {warning}" for warning in warnings])


def _read_pdf(filename: str, data: bytes) -> tuple[str, list, list[str]]:
    """The text and areas of a page PDF: checked as any uploaded PDF is, then read by printimport/pdfpage.py
    (imported here: it needs PDFium, which only a PDF page does)."""
    try:
        validate_pdf_upload(SimpleUploadedFile(filename, data, content_type="application/pdf"))
    except ValidationError as exc:
        raise PageImportError(None, " ".join(exc.messages)) from None
    from .pdfpage import read_page_pdf

    found = read_page_pdf(data)
    return found.text, list(found.areas), list(found.warnings)


def _areas_by_title(areas: list, parsed: list[ParsedArticle]) -> list:
    """The areas a page's PDF showed, put on the lines of the text export's articles with the same title (the
    PDF's own text numbers its lines otherwise): the same title, else the most alike (printimport/jumps.py
    `resemblance`); an area whose title is like no article's keeps a line no article has, and is warned about."""
    placed = []
    for area in areas:
        scored = [(resemblance(item.title, area.title), item) for item in parsed]
        best = max(scored, key=lambda pair: pair[0], default=(0, None))
        line = best[1].line if best[0] >= 2 else 0
        placed.append(replace(area, line=line))
    return placed


def _resolve(read: list[PlannedPage], number: int, date: datetime.date, lock=False) -> IssuePlan:
    """Decide against the database what importing the pages as read means (the pages are copied, not changed)."""
    pages = [PlannedPage(p.file, p.text, p.parsed, p.areas, p.read_warnings) for p in read]
    plan = IssuePlan(number, date, pages, warnings=[w for p in pages for w in p.read_warnings])
    plan.issue = service._find_issue(number, date, lock)
    existing_pages = {p.number: p for p in IssuePage.objects.filter(issue=plan.issue)} if plan.issue else {}
    for page in pages:
        page.page = existing_pages.get(page.number)
        current = page.page.name if page.page else ""
        page.name = page.file.name or current or (page.parsed[0].section if page.parsed else "")
    joined, join_warnings = join_issue([(p.number, p.filename, p.parsed) for p in pages])
    plan.warnings += join_warnings
    by_number = {page.number: page for page in pages}
    existing = imported_titles(plan.issue, [p.page for p in pages if p.page])
    context = PlanningContext.from_database()
    positions: Counter = Counter()
    for whole in joined:
        positions[whole.page] += 1
        found = existing.get((whole.page, whole.parsed.title))
        planned = IssueArticle(whole.parsed, positions[whole.page], existing=found, joined=whole)
        try:
            plan.articles.append(context.plan(planned, page_lines(by_number[whole.page].text)))
        except PrintPageError as exc:
            raise IssueImportError(whole.parts[0].filename, exc) from None
        for part in whole.parts[1:]:
            by_number[part.page].continued.append((part.parsed, planned))
    plan.authors = assign_bylines(plan.to_create)
    plan.areas = _plan_areas(plan)
    return plan


def _plan_areas(plan: IssuePlan) -> list[PlannedArea]:
    """An area for each found area of a page PDF whose line is an article's (or part's) title on that page."""
    at = {(p.page, p.parsed.line): a for a in plan.articles for p in (a.joined.parts if a.joined else [])}
    pages = {p.number: p.page for p in plan.pages if p.page is not None}
    kept = set(
        PageArea.objects.filter(
            page__in=pages.values(), article__in=[a.existing for a in plan.to_skip]
        ).values_list("page__number", "article_id")
    )
    areas, seen = [], set()
    for page in plan.pages:
        for found in page.areas:
            article = at.get((page.number, found.line))
            if article is None:
                if page.file.pdf:  # matched by title (_areas_by_title): none of the text's articles has it
                    message = _(
                        "%(file)s: the PDF shows “%(title)s”, which the page's text does not have; its area was "
                        "left out."
                    )
                else:
                    message = _(
                        "%(file)s: an area was found at line %(line)d, where no article starts; it was left out."
                    )
                values = {
                    "file": page.file.pdf_filename or page.filename,
                    "line": found.line,
                    "title": found.title,
                }
                plan.warnings.append(message % values)
                continue
            if (page.number, id(article)) in seen:
                continue
            seen.add((page.number, id(article)))
            x, y = (min(max(v, 0.0), 1.0) for v in (found.x, found.y))
            width, height = min(found.width, 1.0 - x), min(found.height, 1.0 - y)
            if width <= 0 or height <= 0:
                continue
            exists = article.existing is not None and (page.number, article.existing.pk) in kept
            areas.append(PlannedArea(page.number, article, x, y, width, height, exists))
    return areas


def execute_issue(plan: IssuePlan, user) -> IssueReport:
    """Write `plan` in one transaction (the module docstring says what); writes nothing on any error."""
    rendered: dict[int, RenderedPage] = {}
    for page in plan.pages:
        if page.attaches_pdf:
            try:
                rendered[page.number] = render_pdf(page.file.pdf_data)
            except PageRenderError as exc:
                raise IssueImportError(page.filename, PrintPageError(None, str(exc))) from None

    stored: list = []  # (storage, name) of each file written: a transaction rolled back leaves none behind

    def write():
        return _write(_resolve(plan.pages, plan.number, plan.date, lock=True), user, rendered, stored)

    try:
        return in_one_transaction(write, user, plan.number)
    except BaseException:
        for storage, name in stored:
            for each in [name, *derived_names(name)]:
                if storage.exists(each):
                    storage.delete(each)
        raise


def _write(plan: IssuePlan, user, rendered: dict[int, RenderedPage], stored: list) -> IssueReport:
    issue = plan.issue or Issue.objects.create(number=plan.number, date=plan.date)
    created = [p.number for p in plan.pages if p.page is None]
    attached = []
    pages = {}
    for planned in plan.pages:
        attach = planned.attaches_pdf and planned.number in rendered
        page = pages[planned.number] = write_page(issue, planned.page, planned.number, planned.name)
        if attach:
            name = f"issue-{issue.number}-page-{planned.number}.pdf"
            page.pdf.save(name, ContentFile(planned.file.pdf_data), save=False)
            page.save(update_fields=["pdf"])
            stored.append((page.pdf.storage, page.pdf.name))
            store_rendered_image(page, rendered[planned.number])
            stored.append((page.image.storage, page.image.name))
            attached.append(planned.number)
    sections = write_sections_and_authors(plan.to_create, plan.new_sections, plan.new_authors)
    for planned in plan.articles:
        write_article(planned, issue, pages[planned.page_number], sections, user)
    for area in plan.new_areas:  # one by one: an area of a published article changes the public page
        box = {"x": area.x, "y": area.y, "width": area.width, "height": area.height}
        PageArea.objects.create(page=pages[area.page], article=area.article.article, **box)
    return IssueReport(
        plan, issue, plan.issue is None, list(pages.values()), created, attached, len(plan.new_areas)
    )


def with_page(plan: IssuePlan) -> list[tuple[PlannedPage, list[IssueArticle]]]:
    """The plan's pages, each with the articles that start on it, for the preview and the dry run."""
    return [(page, [a for a in plan.articles if a.page_number == page.number]) for page in plan.pages]
