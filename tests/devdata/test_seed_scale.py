"""seed_bench at a newspaper's scale: its defaults fit a million articles (a daily over twenty years), big
issues have more pages, and on PostgreSQL the indexes it drops for the load come back exactly as they were."""

import datetime

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count

from articles.models import Article, ArticleEvent, ArticleOrganization, Byline, Issue
from devdata import archive
from devdata.archive import ArchiveSeeder

pytestmark = pytest.mark.django_db(transaction=True)

END = datetime.date(2026, 6, 30)


def planned(articles, **options):
    options = {"seed": 3, "years": archive.DEFAULT_YEARS, "per_issue": None, "end": END, **options}
    seeder = ArchiveSeeder(articles=articles, append=False, jobs=1, log=lambda message: None, **options)
    seeder.plan()
    return seeder


def test_a_million_articles_fit_the_default_twenty_years_one_daily_issue_a_day():
    seeder = planned(1_000_000)
    days = [day for _number, day in seeder.issue_plan]
    assert len(set(days)) == len(days) and days == sorted(days)
    assert days[0] <= END - datetime.timedelta(days=365 * 20 - 1)
    assert 7000 <= len(days) <= 7306  # about one a day
    assert 120 <= seeder.per_issue <= 140
    assert all(
        0.8 * seeder.per_issue - 1 <= size <= 1.2 * seeder.per_issue + 1 for size in seeder.issue_sizes
    )
    kinds = seeder.n_draft + seeder.n_review + seeder.n_web + seeder.n_scheduled_web
    assert sum(seeder.issue_sizes) + kinds == 1_000_000


def test_small_archives_keep_issues_of_about_thirty():
    assert planned(100_000).per_issue == archive.DEFAULT_PER_ISSUE
    assert planned(2_000, per_issue=12).per_issue == 12


def test_an_explicit_size_that_does_not_fit_is_refused():
    with pytest.raises(CommandError, match="do not fit"):
        planned(100_000, years=1, per_issue=30)


def test_big_issues_have_more_pages_and_a_short_front_page():
    call_command("seed_bench", articles=900, per_issue=120, years=3, end_date=END, seed=5, verbosity=0)
    issues = Issue.objects.annotate(n=Count("articles", distinct=True), pages_n=Count("pages", distinct=True))
    assert issues.count() >= 6
    for issue in issues.filter(n__gt=archive.BIG_ISSUE):
        assert 9 <= issue.pages_n <= archive.MAX_PAGES, issue.pages_n
        front = Article.objects.filter(issue=issue, page__number=1).count()
        assert 3 <= front <= archive.MAX_FRONT


LINKED = ["articles_article", "articles_byline", "taggit_taggeditem", "articles_articleorganization"]


def index_definitions() -> set[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename, indexdef FROM pg_indexes WHERE tablename = ANY(%s) "
            "UNION SELECT conrelid::regclass::text, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid::regclass::text = ANY(%s)",
            [LINKED + ["articles_articleevent"]] * 2,
        )
        return set(cursor.fetchall())


postgres_only = pytest.mark.postgres  # indexes are dropped for the load on PostgreSQL only


@postgres_only
def test_the_indexes_dropped_for_the_load_come_back_as_the_migrations_made_them():
    before = index_definitions()
    assert any("USING btree" in definition for _table, definition in before)
    call_command("seed_bench", articles=400, seed=2, verbosity=0)
    assert index_definitions() == before
    assert Byline.objects.count() and ArticleOrganization.objects.count() and ArticleEvent.objects.count()


@postgres_only
def test_a_failed_load_still_rebuilds_the_indexes(monkeypatch):
    before = index_definitions()
    written = []

    def failing(self, article_id, *args):
        written.append(article_id)
        if len(written) > 150:
            raise RuntimeError("generator broke")
        return original(self, article_id, *args)

    original = ArchiveSeeder._article
    monkeypatch.setattr(ArchiveSeeder, "_article", failing)
    with pytest.raises(RuntimeError):
        call_command("seed_bench", articles=400, seed=2, batch_size=100, verbosity=0)
    assert index_definitions() == before
