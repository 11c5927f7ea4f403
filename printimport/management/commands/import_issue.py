"""`manage.py import_issue PAGE.txt --number N --date YYYY-MM-DD`: a print page as an issue's draft articles.

A thin command over printimport/service.py, which the issue admin's upload uses too.
"""

import datetime
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from printimport.matching import AuthorChoice
from printimport.parser import PrintPageError
from printimport.service import (
    MAX_PAGE_BYTES,
    ImportPlan,
    ImportReport,
    PlannedArticle,
    describe_error,
    execute_import,
    plan_import,
)


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(_("%(value)s is not a date like 2026-03-18.") % {"value": value}) from None


def _page(number: int, name: str) -> str:
    return f"{number} {name}".strip()


class Command(BaseCommand):
    help = (
        "Import a print page exported as UTF-8 plain text as draft articles of an issue. "
        "Importing the same page again creates nothing new; any error writes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="The page as UTF-8 plain text.")
        parser.add_argument("--number", type=int, required=True, help="The issue number (总第N期).")
        parser.add_argument("--date", type=_date, required=True, help="The publication date, YYYY-MM-DD.")
        parser.add_argument("--page", type=int, default=1, help="The page number (版), 1 by default.")
        parser.add_argument(
            "--page-name",
            default="",
            help="The page's name (e.g. 要闻); by default the section header at the top of the page.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Print what would be imported; write nothing."
        )
        parser.add_argument(
            "--user", help="Username the articles are created by; by default the first superuser."
        )

    def handle(self, *args, **options):
        path = Path(options["path"])
        try:
            with path.open("rb") as handle:
                data = handle.read(MAX_PAGE_BYTES + 1)  # one byte more is enough to refuse a larger file
        except OSError as exc:
            raise CommandError(
                _("Cannot read %(path)s: %(error)s") % {"path": path, "error": exc.strerror}
            ) from None
        # A dry run writes nothing, so it needs no user.
        user = None if options["dry_run"] else self.creator(options["user"])
        try:
            plan = plan_import(
                data, options["number"], options["date"], options["page"], options["page_name"]
            )
            if options["dry_run"]:
                self.show_plan(plan)
                return
            report = execute_import(plan, user)
        except PrintPageError as exc:
            raise CommandError(f"{path}: {describe_error(exc)}") from None
        self.show_report(report)

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

    def show_plan(self, plan: ImportPlan) -> None:
        values = {"number": plan.number, "date": plan.date.isoformat()}
        if plan.issue is None:
            self.stdout.write(_("Issue %(number)d (%(date)s): will be created") % values)
        else:
            self.stdout.write(_("Issue %(number)d (%(date)s): exists") % values)
        values = {"page": _page(plan.page_number, plan.page_name)}
        if plan.page is None:
            self.stdout.write(_("Page %(page)s: will be created") % values)
        elif plan.renames_page:
            self.stdout.write(_("Page %(page)s: exists, will be renamed") % values)
        else:
            self.stdout.write(_("Page %(page)s: exists") % values)
        for planned in plan.articles:
            self.show_article(planned)
        for choice in plan.new_authors:
            self.show_new_author(choice, done=False)
        for name in plan.new_sections:
            self.stdout.write(_("New section %(name)s will be created.") % {"name": name})
        self.stdout.write(
            self.style.WARNING(
                _("Dry run: %(create)d articles to create, %(skip)d already imported. Nothing was written.")
                % {"create": len(plan.to_create), "skip": len(plan.to_skip)}
            )
        )

    def show_report(self, report: ImportReport) -> None:
        values = {"number": report.issue.number, "date": report.issue.date.isoformat()}
        if report.issue_created:
            self.stdout.write(_("Issue %(number)d (%(date)s): created") % values)
        else:
            self.stdout.write(_("Issue %(number)d (%(date)s): reused") % values)
        values = {"page": _page(report.page.number, report.page.name)}
        if report.page_created:
            self.stdout.write(_("Page %(page)s: created") % values)
        elif report.page_renamed:
            self.stdout.write(_("Page %(page)s: reused, renamed") % values)
        else:
            self.stdout.write(_("Page %(page)s: reused") % values)
        for planned in report.articles:
            self.show_article(planned)
        for choice in report.new_authors:
            self.show_new_author(choice, done=True)
        for name in report.new_sections:
            self.stdout.write(_("New section %(name)s was created.") % {"name": name})
        self.stdout.write(
            self.style.SUCCESS(
                _("%(created)d draft articles created, %(skipped)d already imported.")
                % {"created": len(report.created), "skipped": len(report.skipped)}
            )
        )

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
