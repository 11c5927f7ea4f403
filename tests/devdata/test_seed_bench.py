"""seed_bench builds a realistic archive: issues with named pages, bylines with roles, every status, tags,
organizations with aliases and parents, events; text that search and the sanitizer treat like any other."""

import datetime
from collections import Counter

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count
from django.utils import timezone
from taggit.models import Tag

from articles.models import (
    Article,
    ArticleEvent,
    ArticleOrganization,
    Byline,
    Event,
    Issue,
    IssuePage,
    Listing,
    listing,
)
from articles.richtext import sanitize_html
from core.pagecache import generation_store
from devdata import benchdata, benchsearch, benchtext
from people.models import Author, Organization
from search.text import byline_names, search_text_for

# On PostgreSQL seed_bench writes through its own connections (COPY in background jobs), which commit outside the
# test's transaction: a transactional test empties every table afterwards, so nothing leaks into other tests.
pytestmark = pytest.mark.django_db(transaction=True)

N = 300


@pytest.fixture
def seeded():
    call_command("seed_bench", articles=N, seed=7, verbosity=0)


def test_it_creates_the_requested_articles_in_every_state(seeded):
    assert Article.objects.count() == N
    statuses = Counter(Article.objects.values_list("status", flat=True))
    assert set(statuses) == {"draft", "review", "published", "withdrawn"}
    published = Article.objects.published().count()
    assert published >= 0.85 * N
    assert Article.objects.scheduled().exists()
    assert not Article.objects.filter(status="published", published_at__isnull=True).exists()
    assert not Article.objects.filter(status__in=["draft", "review"], published_at__isnull=False).exists()


def test_issues_hold_about_thirty_articles_on_four_to_eight_named_pages(seeded):
    issues = Issue.objects.annotate(n=Count("articles", distinct=True), pages_n=Count("pages", distinct=True))
    assert issues.count() >= N // 40
    for issue in issues:
        assert 1 <= issue.pages_n <= 8
        assert 20 <= issue.n <= 40
    names = set(IssuePage.objects.values_list("name", flat=True))
    assert "要闻" in names and names <= set(benchdata.PAGE_NAMES)
    assert not IssuePage.objects.filter(number=1).exclude(name="要闻").exists()
    # Articles stand on their own issue's pages, in positions 1, 2, 3…
    placed = Article.objects.filter(page__isnull=False).select_related("page")
    assert all(a.page.issue_id == a.issue_id for a in placed)
    assert Article.objects.filter(issue__isnull=True).exists()  # web-only news too


def test_the_archive_spans_fifteen_years_and_ends_about_today(seeded):
    dates = list(Issue.objects.order_by("date").values_list("date", flat=True))
    today = timezone.localdate()
    assert dates[0] <= today - datetime.timedelta(days=365 * 14)
    past = [d for d in dates if d <= today]
    assert past[-1] >= today - datetime.timedelta(days=30)
    numbers = list(Issue.objects.order_by("date").values_list("number", flat=True))
    assert numbers == sorted(numbers)  # numbered in date order


def test_bylines_carry_every_role_in_printed_order(seeded):
    roles = set(Byline.objects.values_list("role", flat=True))
    assert roles == set(Byline.Role.values)
    assert Byline.objects.count() >= N
    assert not Article.objects.annotate(n=Count("bylines")).filter(n=0).exists()
    opinion = Article.objects.filter(section__is_opinion=True).first()
    assert opinion.author_note.startswith("作者系")
    assert set(opinion.bylines.values_list("role", flat=True)) <= {"author", "editor"}


def test_tags_organizations_and_events(seeded):
    assert Tag.objects.count() >= 50
    per_article = Counter(Article.tags.through.objects.values_list("object_id", flat=True))
    assert all(2 <= n <= 4 for n in per_article.values()) and len(per_article) == N
    association = Organization.objects.get(name="青岚省科学技术协会")
    assert "省科协" in association.alias_list and association.children.exists()
    assert ArticleOrganization.objects.filter(organization=association).exists()
    assert Event.objects.exists() and Event.organizers.through.objects.exists()
    assert ArticleEvent.objects.exists()
    assert Author.objects.values("name").annotate(n=Count("id")).count() > 10


def test_the_listing_index_is_written_as_the_receivers_keep_it(seeded):
    """seed_bench writes the listing index's rows itself (articles/models/listing.py): a rebuild changes nothing, also
    after an append."""
    call_command("seed_bench", articles=40, append=True, seed=9, verbosity=0)
    written = set(Listing.objects.values_list("kind", "target_id", "article_id", "published_at"))
    assert written and {kind for kind, *_ in written} == set(Listing.Kind)
    listing.rebuild()
    assert set(Listing.objects.values_list("kind", "target_id", "article_id", "published_at")) == written


def test_text_is_chinese_clean_and_searchable_the_way_search_makes_it(seeded):
    for article in Article.objects.all()[:40]:
        assert article.title and article.body.startswith("<p>")
        assert sanitize_html(article.body) == article.body
        exact = search_text_for(article, byline_names(article.pk))
        assert benchsearch.same_tokens(article.search_text, exact, " | ")


def test_the_public_page_cache_is_purged():
    before = generation_store().read()
    call_command("seed_bench", articles=50, verbosity=0)
    assert generation_store().read() != before


def test_it_refuses_a_database_that_holds_articles_then_resets_or_appends(seeded):
    with pytest.raises(CommandError):
        call_command("seed_bench", articles=N, verbosity=0)
    oldest = Issue.objects.order_by("date").first()
    call_command("seed_bench", articles=120, append=True, seed=8, verbosity=0)
    assert Article.objects.count() == N + 120
    assert Issue.objects.filter(date__lt=oldest.date).exists()
    assert Issue.objects.values("number").distinct().count() == Issue.objects.count()
    call_command("seed_bench", articles=90, reset=True, verbosity=0)
    assert Article.objects.count() == 90


def test_the_same_seed_gives_the_same_archive():
    call_command("seed_bench", articles=60, seed=11, end_date=datetime.date(2026, 6, 30), verbosity=0)
    first = list(Article.objects.order_by("id").values_list("title", "status", "issue__number"))
    call_command(
        "seed_bench", articles=60, seed=11, end_date=datetime.date(2026, 6, 30), reset=True, verbosity=0
    )
    assert list(Article.objects.order_by("id").values_list("title", "status", "issue__number")) == first


def test_search_text_builder_falls_back_when_search_changes(monkeypatch):
    from search import text as search_text

    builder = benchsearch.SearchTextBuilder()
    text = benchtext.ArticleText(
        kicker="",
        title="青岚省科普大赛开幕",
        subtitle="",
        summary="",
        dateline="本报讯",
        body="<p>比赛在云川举行。</p>",
        author_note="",
        sentences=["比赛在云川举行。"],
    )
    original = search_text.build_search_text
    # search/text.py now indexes something more: the fast path (made for the old rules) no longer agrees.
    monkeypatch.setattr(search_text, "build_search_text", lambda **kwargs: original(**kwargs) + " 新词")
    assert builder.build(text, ["林知远"]).endswith(" 新词")
    assert builder.mismatch
    assert builder.build(text, ["林知远"]).endswith(" 新词")  # and stays on the slow, exact path
