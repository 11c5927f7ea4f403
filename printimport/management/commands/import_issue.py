"""`manage.py import_issue PAGE1.txt PAGE2.pdf … --number N --date YYYY-MM-DD`: an issue's pages as draft articles.

A thin command over printimport/issueplan.py (the pages of one issue together, articles that jump pages joined),
which the issue admin's upload uses too.  The pages are numbered in the order given, from `--page`; a text export
and a PDF of the same name (page1.txt page1.pdf) are one page: its articles from the text, their areas from the PDF.
"""

import datetime
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from printimport.issueplan import (
    PDF_SUFFIX,
    IssuePlan,
    IssueReport,
    PageFile,
    execute_issue,
    plan_issue,
    with_page,
)
from printimport.matching import AuthorChoice
from printimport.parser import PrintPageError
from printimport.service import MAX_PAGE_BYTES, PlannedArticle, describe_error


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(_("%(value)s is not a date like 2026-03-18.") % {"value": value}) from None


def _page(number: int, name: str) -> str:
    return f"{number} {name}".strip()


class Command(BaseCommand):
    help = (
        "Import the pages of an issue, exported as UTF-8 plain text or as page PDFs, as draft articles. "
        "Articles that jump pages are joined. Importing the same pages again creates nothing new; "
        "any error writes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "paths",
            nargs="+",
            help="The pages in order: UTF-8 plain text, or page PDFs (ending in .pdf); a text and a PDF of the "
            "same name are one page (the articles from the text, their areas from the PDF).",
        )
        parser.add_argument("--number", type=int, required=True, help="The issue number (总第N期).")
        parser.add_argument("--date", type=_date, required=True, help="The publication date, YYYY-MM-DD.")
        parser.add_argument(
            "--page", type=int, default=1, help="The number of the first page given (版), 1 by default."
        )
        parser.add_argument(
            "--page-name",
            default="",
            help="The page's name (e.g. 要闻) when one page is given; by default the section at its top.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Print what would be imported; write nothing."
        )
        parser.add_argument(
            "--user", help="Username the articles are created by; by default the first superuser."
        )

    def handle(self, *args, **options):
        paths = [Path(path) for path in options["paths"]]
        if options["page_name"] and len(paths) > 1:
            raise CommandError(_("--page-name names one page: give it with one page only."))
        pages = PageFile.numbered([(str(path), self.read(path)) for path in paths], options["page"])
        pages[0].name = options["page_name"]
        # A dry run writes nothing, so it needs no user.
        user = None if options["dry_run"] else self.creator(options["user"])
        try:
            plan = plan_issue(pages, options["number"], options["date"])
            if options["dry_run"]:
                self.show_plan(plan)
                return
            report = execute_issue(plan, user)
        except PrintPageError as exc:
            raise CommandError(describe_error(exc)) from None
        self.show_report(report)

    def read(self, path: Path) -> bytes:
        pdf = path.suffix.lower() == PDF_SUFFIX
        limit = settings.MAX_PDF_UPLOAD_BYTES if pdf else MAX_PAGE_BYTES
        try:
            with path.open("rb") as handle:
                return handle.read(limit + 1)  # one byte more is enough to refuse a larger file
        except OSError as exc:
            raise CommandError(
                _("Cannot read %(path)s: %(error)s") % {"path": path, "error": exc.strerror}
            ) from None

    def creator(self, username: str | None):
        users = get_user_model().objects
        if username:
            user = users.filter(username=username, is_active=True).first()
            if user is None:
                raise CommandError(_("There is no active user %(username)s.") % {"username": username})
            return user
        user = users.filter(is_superuser=True, is_active=True).order_by("pk").first()
        if user is None:
            raise CommandError(_("There is no superuser to create the articles as: name a user with --user."))
        return user

    def show_plan(self, plan: IssuePlan) -> None:
        values = {"number": plan.number, "date": plan.date.isoformat()}
        if plan.issue is None:
            self.stdout.write(_("Issue %(number)d (%(date)s): will be created") % values)
        else:
            self.stdout.write(_("Issue %(number)d (%(date)s): exists") % values)
        for page, articles in with_page(plan):
            values = {"page": _page(page.number, page.name)}
            if page.page is None:
                self.stdout.write(_("Page %(page)s: will be created") % values)
            elif page.renames:
                self.stdout.write(_("Page %(page)s: exists, will be renamed") % values)
            else:
                self.stdout.write(_("Page %(page)s: exists") % values)
            self.show_page(page, articles, done=False)
        self.show_totals(plan, done=False)
        self.stdout.write(
            self.style.WARNING(
                _("Dry run: %(create)d articles to create, %(skip)d already imported. Nothing was written.")
                % {"create": len(plan.to_create), "skip": len(plan.to_skip)}
            )
        )

    def show_report(self, report: IssueReport) -> None:
        values = {"number": report.issue.number, "date": report.issue.date.isoformat()}
        if report.issue_created:
            self.stdout.write(_("Issue %(number)d (%(date)s): created") % values)
        else:
            self.stdout.write(_("Issue %(number)d (%(date)s): reused") % values)
        for (planned, articles), page in zip(with_page(report.plan), report.pages, strict=True):
            values = {"page": _page(page.number, page.name)}
            if page.number in report.pages_created:
                self.stdout.write(_("Page %(page)s: created") % values)
            elif planned.renames:
                self.stdout.write(_("Page %(page)s: reused, renamed") % values)
            else:
                self.stdout.write(_("Page %(page)s: reused") % values)
            self.show_page(planned, articles, done=True)
        self.show_totals(report.plan, done=True)
        self.stdout.write(
            self.style.SUCCESS(
                _("%(created)d draft articles created, %(skipped)d already imported.")
                % {"created": len(report.created), "skipped": len(report.skipped)}
            )
        )

    def show_page(self, page, articles: list, done: bool) -> None:
        """A page's articles, the parts of earlier articles continued on it, and its PDF."""
        for planned in articles:
            self.show_article(planned)
        for part, whole in page.continued:
            values = {"title": part.title, "page": whole.page_number, "whole": whole.title}
            self.stdout.write("   " + _("%(title)s: continued from page %(page)d (%(whole)s)") % values)
        if page.attaches_pdf:
            self.stdout.write("   " + (_("PDF attached.") if done else _("The PDF will be attached.")))

    def show_totals(self, plan: IssuePlan, done: bool) -> None:
        for choice in plan.new_authors:
            self.show_new_author(choice, done=done)
        for name in plan.new_sections:
            message = (
                _("New section %(name)s was created.") if done else _("New section %(name)s will be created.")
            )
            self.stdout.write(message % {"name": name})
        if plan.new_areas:
            count = len(plan.new_areas)
            if done:
                message = ngettext("%(count)d page area drawn.", "%(count)d page areas drawn.", count)
            else:
                message = ngettext(
                    "%(count)d page area will be drawn.", "%(count)d page areas will be drawn.", count
                )
            self.stdout.write(message % {"count": count})
        for warning in plan.warnings:
            self.stdout.write(self.style.WARNING(_("Warning: %(warning)s") % {"warning": warning}))

    def show_article(self, planned: PlannedArticle) -> None:
        parsed = planned.parsed
        if planned.already_imported:
            state = self.style.WARNING(_("already imported, skipped"))
        else:
            state = _("new draft")
        self.stdout.write(f"{planned.position}. {parsed.title}  [{state}]")
        rows = []
        if parsed.subtitle:
            rows.append((_("subtitle"), parsed.subtitle))
        section = planned.section or parsed.section
        if section:
            if planned.section_is_new:
                section += " " + _("(new section)")
            if planned.section_inferred:
                section += " " + _("(opinion piece)")
            rows.append((_("section"), section))
        if parsed.dateline:
            rows.append((_("dateline"), parsed.dateline))
        credits = "，".join(f"{name}（{role}）" for name, role in planned.credits)
        rows.append((_("bylines"), credits or _("none")))
        if planned.image_credit and not planned.already_imported:
            rows.append((_("picture credit"), planned.image_credit))
        rows.append((_("paragraphs"), str(planned.paragraph_count)))
        if getattr(planned, "jumps", None):
            rows.append((_("jumps"), "，".join(planned.jumps)))
        if parsed.author_note:
            rows.append((_("author note"), parsed.author_note))
        if planned.organizations:
            rows.append((_("organizations"), "，".join(o.name for o in planned.organizations)))
        for label, value in rows:
            self.stdout.write(f"   {label}: {value}")

    def show_new_author(self, choice: AuthorChoice, done: bool) -> None:
        values = {"name": choice.name, "kind": choice.kind_label, "count": choice.matches}
        if not choice.is_ambiguous:
            message = (
                _("New author %(name)s (%(kind)s) was created.")
                if done
                else _("New author %(name)s (%(kind)s) will be created.")
            )
            self.stdout.write(message % values)
            return
        if done:
            message = _(
                "%(count)d authors were named %(name)s: a new one (%(kind)s) was created; merge if needed."
            )
        else:
            message = _("%(count)d authors are named %(name)s: a new one (%(kind)s) will be created.")
        self.stdout.write(self.style.WARNING(message % values))
