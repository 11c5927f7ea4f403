"""seed_bench: a realistic newspaper archive for benchmarks, bulk-inserted.

    manage.py seed_bench --articles 100000            # into an empty database
    manage.py seed_bench --articles 1000000           # 20 years of a daily: an issue a day, ~130 articles each
    manage.py seed_bench --articles 1000 --reset      # delete the archive first (articles, people, issues, tags)
    manage.py seed_bench --articles 5000 --append     # add older issues before the existing archive

A thin command over devdata/archive.py, which generates and writes the archive (docs/performance.md).
"""

import time
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from articles.models import Article, Issue
from core.pagecache import purge_public_pages
from devdata.archive import DEFAULT_PER_ISSUE, DEFAULT_YEARS, ArchiveSeeder, latest_issue_day


class Command(BaseCommand):
    help = "Bulk-insert a realistic benchmark archive: issues, pages, articles, bylines, tags, organizations, events."

    def add_arguments(self, parser):
        parser.add_argument("--articles", type=int, default=1000, help="How many articles (default 1000).")
        parser.add_argument(
            "--seed", type=int, default=20240517, help="Random seed: the same seed, the same archive."
        )
        parser.add_argument(
            "--years",
            type=int,
            default=DEFAULT_YEARS,
            help=f"Years the archive spans (default {DEFAULT_YEARS}).",
        )
        parser.add_argument(
            "--per-issue",
            type=int,
            default=None,
            help=(
                f"Articles in an issue, about (default: {DEFAULT_PER_ISSUE}, or, when the issues would then come"
                " more than one a day, as many as make one issue a day: about 130 for 1,000,000 articles over"
                " 20 years, a provincial daily, on pages of about eight articles)."
            ),
        )
        parser.add_argument(
            "--end-date",
            type=date.fromisoformat,
            default=None,
            help="Date of the last published issue (default: today, or yesterday before 05:30).",
        )
        parser.add_argument("--batch-size", type=int, default=2000, help="Articles written per batch.")
        parser.add_argument(
            "--jobs",
            type=int,
            default=2,
            help="PostgreSQL connections writing articles in parallel (default 2).",
        )
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--reset", action="store_true", help="Delete the existing archive first.")
        group.add_argument(
            "--append", action="store_true", help="Add older issues before the existing archive."
        )

    def handle(self, *args, **options):
        if options["articles"] < 1:
            raise CommandError("--articles must be at least 1.")
        if options["jobs"] < 1:
            raise CommandError("--jobs must be at least 1.")
        if options["per_issue"] is not None and options["per_issue"] < 4:
            raise CommandError("--per-issue must be at least 4.")
        non_empty = Article.objects.exists() or Issue.objects.exists()
        if non_empty and not (options["reset"] or options["append"]):
            raise CommandError("The database already holds articles or issues: pass --reset or --append.")
        log = self.stdout.write if options["verbosity"] >= 1 else (lambda message: None)
        started = time.monotonic()
        seeder = ArchiveSeeder(
            articles=options["articles"],
            seed=options["seed"],
            years=options["years"],
            per_issue=options["per_issue"],
            end=options["end_date"] or latest_issue_day(),
            append=options["append"] and non_empty,
            jobs=options["jobs"],
            log=log,
        )
        try:
            seeder.run(options["batch_size"], reset=options["reset"] and non_empty)
        finally:
            # Rows written without save() sent no signal: purge the page cache (and a CDN through its hook).
            purge_public_pages()
        elapsed = time.monotonic() - started
        summary = ", ".join(f"{label} {count}" for label, count in seeder.counts.items())
        self.stdout.write(
            self.style.SUCCESS(f"Seeded {options['articles']} articles in {elapsed:.1f} s: {summary}")
        )
