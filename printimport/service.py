"""Import a print page (the layout software's plain-text export) as an issue's draft articles.

One page at a time here; `manage.py import_issue` and the issue admin's upload import a whole issue's pages
through printimport/issueplan.py, which is made of this module's pieces (reading a file, planning an article,
choosing authors, writing a page, an article, in one transaction):

- `plan_import()` reads the page (printimport/parser.py) and decides, without writing, what importing it means:
  the issue and page to create or reuse, which articles are new and which were imported already, which authors
  are reused and which are created (printimport/matching.py), which sections and organizations each article
  gets.
- `execute_import()` writes a plan in one transaction. It decides again against the database as it is then (a
  preview may be minutes old), so what it reports is what it did; any failure writes nothing at all.

Articles are created as drafts with `Article.objects.create(..., created_by=user, imported_by=user)`: the editor
who imports owns them in the admin, as any creator does, but did not write them, so the four-eyes rule counts
their bylines and not the importer (articles/policy.py `wrote`). The workflow owns every status after that.
Importing a page twice creates nothing new: an article is identified by (issue, page, title).

Decisions an editor may want to know about (and those on authors, in printimport/matching.py):
- An opinion piece (authors under its title, or an author note) printed without a section header goes into the
  section 观点 when it exists, else into the first section flagged as opinion, else no section.  No section is
  created for it: an empty section is easier to fix than a wrong new one.
- The page's name: the one given; else, for a page without a name, the section header at the top of the page
  (a header further down names a column, not the page); else the page keeps its name.
- The picture credit (`image_credit`, printimport/matching.py `photo_credit`) of an article whose bylines name photographers (`(周远帆 摄)`,
  `（邱子墨 刘语桐 摄影报道）`, `(本报记者 沈砚秋 摄)`): the photographers' names in printed order, each run of names
  followed by the role word printed with them, as the page printed it: "周远帆 摄", "邱子墨 刘语桐 摄影报道",
  "沈砚秋 摄" (the other bylines' names and titles such as 本报记者 are not part of it; a name printed twice
  counts once; a word printed before the names, `(摄影 周远帆)`, is put after them). The page has no pictures,
  so the credit waits for the picture an editor adds; their bylines stay bylines (photographer) as well. A credit
  longer than the field is left empty rather than cut. It is set only when the article is created: importing a
  page again skips the articles it already made, so a credit an editor typed or changed is never overwritten.
"""

from __future__ import annotations

import codecs
import datetime
import logging
from dataclasses import dataclass, field
from itertools import takewhile

import reversion
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from articles.models import Article, Byline, Issue, IssuePage, Section
from people.models import Author, Organization

from .matching import AuthorChoice, OrganizationMatcher, PlannedByline, choose_authors, photo_credit
from .parser import (
    EDGE_SPACE_RE,
    ROLE_AUTHOR,
    SPACE_RE,
    ParsedArticle,
    PrintPageError,
    decode_page,
    parse_page,
)

logger = logging.getLogger(__name__)

# A page of a weekly is 5-20 KB of text; a megabyte is a wrong file, not a page.
MAX_PAGE_BYTES = 1024 * 1024
OPINION_SECTION = "观点"


class PageImportError(PrintPageError):
    """Why a page cannot be imported; `line` (1-based) when a line of the page is at fault.  Nothing was written."""


def describe_error(exc: PrintPageError) -> str:
    """The message shown to the editor, with the line to fix when there is one."""
    if exc.line:
        return _("Line %(line)d: %(message)s") % {"line": exc.line, "message": exc.message}
    return exc.message


@dataclass
class PlannedArticle:
    """One article of the page and what importing does with it."""

    parsed: ParsedArticle
    position: int
    existing: Article | None = None  # already imported: skipped
    section: str = ""
    section_is_new: bool = False
    section_inferred: bool = False  # an opinion piece without a header, put under the opinion section
    bylines: list[PlannedByline] = field(default_factory=list)
    organizations: list[Organization] = field(default_factory=list)
    article: Article | None = None  # after execution: the article created, or the existing one

    @property
    def already_imported(self) -> bool:
        return self.existing is not None

    @property
    def title(self) -> str:
        return self.parsed.title

    @property
    def line(self) -> int:
        return self.parsed.line

    @property
    def paragraph_count(self) -> int:
        return len(self.parsed.paragraphs)

    @property
    def image_credit(self) -> str:
        """The picture credit the photographers' bylines give (the module's docstring); "" without any."""
        return photo_credit(self.parsed)

    @property
    def credits(self) -> list[tuple[str, str]]:
        """(name, role label) of each byline, in printed order; for a skipped article, as parsed."""
        if self.bylines:
            return [(b.name, b.role_label) for b in self.bylines]
        return [(b.name, str(Byline.Role(b.role).label)) for b in self.parsed.bylines]


class PlanTotals:
    """What a plan (with `articles` and `authors`) creates and skips: for a page's plan and an issue's."""

    articles: list[PlannedArticle]
    authors: list[AuthorChoice]

    @property
    def to_create(self) -> list[PlannedArticle]:
        return [a for a in self.articles if not a.already_imported]

    @property
    def to_skip(self) -> list[PlannedArticle]:
        return [a for a in self.articles if a.already_imported]

    @property
    def new_authors(self) -> list[AuthorChoice]:
        return [a for a in self.authors if a.is_new]

    @property
    def new_sections(self) -> list[str]:
        return sorted({a.section for a in self.to_create if a.section_is_new})


class ReportTotals:
    """What an import (with the `plan` it executed) created and skipped."""

    plan: PlanTotals

    @property
    def articles(self) -> list[PlannedArticle]:
        return self.plan.articles

    @property
    def created(self) -> list[PlannedArticle]:
        return self.plan.to_create

    @property
    def skipped(self) -> list[PlannedArticle]:
        return self.plan.to_skip

    @property
    def new_authors(self) -> list[AuthorChoice]:
        return self.plan.new_authors

    @property
    def new_sections(self) -> list[str]:
        return self.plan.new_sections


@dataclass
class ImportPlan(PlanTotals):
    """What importing a page means, decided without writing anything."""

    text: str
    parsed: list[ParsedArticle]
    number: int
    date: datetime.date
    page_number: int
    requested_page_name: str
    issue: Issue | None = None  # the existing issue, or None: it will be created
    page: IssuePage | None = None  # the existing page, or None: it will be created
    page_name: str = ""  # the name the page will have
    articles: list[PlannedArticle] = field(default_factory=list)
    authors: list[AuthorChoice] = field(default_factory=list)  # every person the new articles credit

    @property
    def renames_page(self) -> bool:
        return self.page is not None and self.page.name != self.page_name


@dataclass
class ImportReport(ReportTotals):
    """What an import did: the plan as executed, with the rows it created or found."""

    plan: ImportPlan
    issue: Issue
    issue_created: bool
    page: IssuePage
    page_created: bool
    page_renamed: bool


def plan_import(
    data: bytes, number: int, date: datetime.date, page_number: int = 1, page_name: str = ""
) -> ImportPlan:
    """Read a page file and decide what importing it as page `page_number` of issue `number` would do.

    Writes nothing.  Raises PrintPageError (PageImportError for what the database refuses) naming the line.
    """
    _check_arguments(number, date, page_number, page_name)
    text = read_text(data)
    parsed = parse_page(text, sections=Section.objects.values_list("name", flat=True))
    return _resolve(text, parsed, number, date, page_number, (page_name or "").strip())


def read_text(data: bytes) -> str:
    """The text of an uploaded page file; refused (PrintPageError) when it is too large or not UTF-8 text."""
    if len(data) > MAX_PAGE_BYTES:
        raise PageImportError(
            None,
            _("The file is %(size)d KB; a print page is at most %(limit)d KB of text.")
            % {"size": len(data) // 1024, "limit": MAX_PAGE_BYTES // 1024},
        )
    if data[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        # Windows "Unicode" text: the decoder would call it binary, which would puzzle whoever saved it.
        raise PageImportError(None, _("The file is UTF-16 text. Save it as UTF-8 and import it again."))
    return decode_page(data)


def execute_import(plan: ImportPlan, user) -> ImportReport:
    """Write `plan` in one transaction: the issue, the page, sections, new authors and the draft articles with
    their bylines and organizations.  Decides again against the database first; writes nothing on any error."""

    def write():
        args = (plan.text, plan.parsed, plan.number, plan.date, plan.page_number, plan.requested_page_name)
        return _write(_resolve(*args, lock=True), user)

    return in_one_transaction(write, user, plan.number)


def in_one_transaction(write, user, number: int):
    """Run `write()` in one transaction, for `user`; nothing is written when it fails.  A unique constraint the
    database enforces becomes a PageImportError: only a concurrent import or edit of the issue gets there."""
    if user is None or not user.pk:
        raise PageImportError(None, _("An import needs the user the articles are created by."))
    try:
        with transaction.atomic():
            return write()
    except IntegrityError as exc:
        logger.warning("Import into issue %s refused by the database: %s", number, exc)
        raise PageImportError(
            None,
            _(
                "Someone changed this issue while it was being imported. Nothing was written: import it again."
            ),
        ) from exc


def _check_arguments(number, date, page_number, page_name) -> None:
    check_issue_arguments(number, date)
    check_page_arguments(page_number, page_name)


def check_issue_arguments(number, date) -> None:
    if isinstance(number, bool) or not isinstance(number, int) or number < 1:
        raise PageImportError(None, _("The issue number must be a whole number from 1."))
    if not isinstance(date, datetime.date) or isinstance(date, datetime.datetime):
        raise PageImportError(None, _("The publication date must be a date."))


def check_page_arguments(page_number, page_name) -> None:
    if isinstance(page_number, bool) or not isinstance(page_number, int) or not 1 <= page_number <= 32767:
        raise PageImportError(None, _("The page number must be a whole number from 1."))
    limit = IssuePage._meta.get_field("name").max_length
    if len((page_name or "").strip()) > limit:
        raise PageImportError(
            None, _("The page name is longer than %(limit)d characters.") % {"limit": limit}
        )


def _resolve(
    text: str,
    parsed: list[ParsedArticle],
    number: int,
    date: datetime.date,
    page_number: int,
    page_name: str,
    lock: bool = False,
) -> ImportPlan:
    plan = ImportPlan(text, parsed, number, date, page_number, page_name)
    plan.issue = _find_issue(number, date, lock)
    if plan.issue is not None:
        plan.page = IssuePage.objects.filter(issue=plan.issue, number=page_number).first()
    current = plan.page.name if plan.page else ""
    plan.page_name = page_name or current or (parsed[0].section if parsed else "")

    existing = imported_titles(plan.issue, [plan.page] if plan.page else [])
    context = PlanningContext.from_database()
    lines = page_lines(text)
    for position, item in enumerate(parsed, 1):
        planned = PlannedArticle(item, position, existing=existing.get((page_number, item.title)))
        plan.articles.append(context.plan(planned, lines))
    plan.authors = assign_bylines(plan.to_create)
    return plan


def page_lines(text: str) -> list[str]:
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def imported_titles(issue: Issue | None, pages: list[IssuePage]) -> dict[tuple[int, str], Article]:
    """The articles already placed on `pages` of `issue`, by (page number, title): the first of each."""
    existing: dict[tuple[int, str], Article] = {}
    if issue is not None and pages:
        found = Article.objects.filter(issue=issue, page__in=pages).select_related("page").order_by("id")
        for article in found:
            existing.setdefault((article.page.number, article.title), article)
    return existing


@dataclass
class PlanningContext:
    """What planning an article needs from the database, read once per plan."""

    sections: dict[str, Section]
    matcher: OrganizationMatcher

    @classmethod
    def from_database(cls) -> PlanningContext:
        return cls({s.name: s for s in Section.objects.all()}, OrganizationMatcher.from_database())

    def plan(self, planned: PlannedArticle, lines: list[str]) -> PlannedArticle:
        """Decide the section and organizations of a new article; `lines` are those of the page it starts on."""
        if planned.already_imported:
            return planned
        item = planned.parsed
        _check_lengths(item)
        planned.section = item.section
        if not planned.section and (item.author_note or _signed_under_title(lines, item)):
            planned.section = _opinion_section(self.sections)
            planned.section_inferred = bool(planned.section)
        planned.section_is_new = bool(planned.section) and planned.section not in self.sections
        planned.organizations = self.matcher.find_in(item)
        return planned


def assign_bylines(to_create: list[PlannedArticle]) -> list[AuthorChoice]:
    """Give each new article its bylines; returns every person they credit (printimport/matching.py)."""
    authors, bylines = choose_authors([planned.parsed for planned in to_create])
    for planned, planned_bylines in zip(to_create, bylines, strict=True):
        planned.bylines = planned_bylines
    return authors


def _find_issue(number: int, date: datetime.date, lock: bool) -> Issue | None:
    issues = Issue.objects.filter(Q(number=number) | Q(date=date))
    if lock:
        issues = issues.select_for_update()
    by_number = by_date = None
    for issue in issues:
        if issue.number == number:
            by_number = issue
        if issue.date == date:
            by_date = issue
    if by_number is not None and by_number.date != date:
        raise PageImportError(
            None,
            _("Issue %(number)d is dated %(existing)s, not %(date)s. Check the number and the date.")
            % {"number": number, "existing": by_number.date.isoformat(), "date": date.isoformat()},
        )
    if by_date is not None and by_date.number != number:
        raise PageImportError(
            None,
            _(
                "%(date)s is the date of issue %(existing)d, not of issue %(number)d. Check the number and the date."
            )
            % {"date": date.isoformat(), "existing": by_date.number, "number": number},
        )
    return by_number


def _check_lengths(item: ParsedArticle) -> None:
    for name, value in (
        ("title", item.title),
        ("subtitle", item.subtitle),
        ("dateline", item.dateline),
        ("author_note", item.author_note),
    ):
        model_field = Article._meta.get_field(name)
        if len(value) > model_field.max_length:
            raise PageImportError(
                item.line,
                _("The %(field)s of “%(title)s” is longer than %(limit)d characters.")
                % {
                    "field": model_field.verbose_name,
                    "title": item.title[:20],
                    "limit": model_field.max_length,
                },
            )


def _signed_under_title(lines: list[str], item: ParsedArticle) -> bool:
    """Whether the article's first author-role names stand as a block right under its title (or under the
    subtitle line): the opinion layout, as opposed to a bare name closing a news item."""
    names = [b.name for b in takewhile(lambda b: b.role == ROLE_AUTHOR, item.bylines)]
    if not names:
        return False
    below = (EDGE_SPACE_RE.sub("", line) for line in lines[item.line : item.line + 12])
    return any(SPACE_RE.split(block) == names for block in [b for b in below if b][:2])


def _opinion_section(sections: dict[str, Section]) -> str:
    if OPINION_SECTION in sections:
        return OPINION_SECTION
    flagged = sorted((s for s in sections.values() if s.is_opinion), key=lambda s: (s.order, s.name))
    return flagged[0].name if flagged else ""


def _write(plan: ImportPlan, user) -> ImportReport:
    renamed = plan.renames_page  # before the page takes its new name
    issue = plan.issue or Issue.objects.create(number=plan.number, date=plan.date)
    page = write_page(issue, plan.page, plan.page_number, plan.page_name)
    sections = write_sections_and_authors(plan.to_create, plan.new_sections, plan.new_authors)
    for planned in plan.articles:
        write_article(planned, issue, page, sections, user)
    return ImportReport(plan, issue, plan.issue is None, page, plan.page is None, renamed)


def write_page(issue: Issue, page: IssuePage | None, number: int, name: str) -> IssuePage:
    """The page to import into: created, renamed to `name`, or as it is."""
    if page is None:
        return IssuePage.objects.create(issue=issue, number=number, name=name)
    if page.name != name:
        page.name = name
        page.save(update_fields=["name"])
    return page


def write_sections_and_authors(to_create, new_sections, new_authors) -> dict[str, Section]:
    """Create the new sections and authors; returns the sections of the articles to create, by name."""
    sections = {s.name: s for s in Section.objects.filter(name__in={a.section for a in to_create})}
    for name in new_sections:
        sections[name] = Section.objects.create(name=name)
    for choice in new_authors:
        choice.author = Author.objects.create(name=choice.name, kind=choice.kind)
    return sections


def write_article(planned: PlannedArticle, issue: Issue, page: IssuePage, sections: dict, user) -> None:
    """Create a new article (one revision of its own), or take the existing one: `planned.article` is set."""
    if planned.already_imported:
        planned.article = planned.existing
        return
    comment = _("Imported from the print page %(page)d of issue %(number)d.") % {
        "page": page.number,
        "number": issue.number,
    }
    # One revision per article: an article's history and restore expect revisions of one article.
    with reversion.create_revision():
        planned.article = _create_article(planned, issue, page, sections.get(planned.section), user)
        reversion.set_user(user)
        reversion.set_comment(comment)


def _create_article(planned: PlannedArticle, issue: Issue, page: IssuePage, section: Section | None, user):
    parsed = planned.parsed
    article = Article.objects.create(
        title=parsed.title,
        subtitle=parsed.subtitle,
        dateline=parsed.dateline,
        body=parsed.body_html(),
        author_note=parsed.author_note,
        image_credit=planned.image_credit,
        issue=issue,
        page=page,
        position=planned.position,
        section=section,
        created_by=user,
        updated_by=user,
        imported_by=user,
    )
    for order, byline in enumerate(planned.bylines, 1):
        Byline.objects.create(article=article, author=byline.author.author, role=byline.role, order=order)
    if planned.organizations:
        article.organizations.add(*planned.organizations)
    return article
