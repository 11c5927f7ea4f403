"""What only PostgreSQL search has: the generated tsvector and its GIN index, ranking, the time limit.

Run with DATABASE_URL=postgres://…; skipped elsewhere, and a failure under CI=true (tests/conftest.py).
"""

import datetime

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles.models import Article
from search import engine as search
from tests.factories import STATES, AuthorFactory, PublishedArticleFactory, article_in_state

from .test_search import HOSTILE, result_titles

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def titles(qs) -> list[str]:
    return list(qs.values_list("title", flat=True))


def vector_of(article) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT search_vector::text FROM articles_article WHERE id = %s", [article.pk])
        return cursor.fetchone()[0]


def test_the_vector_is_a_generated_column_with_a_gin_index():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT data_type, is_generated FROM information_schema.columns "
            "WHERE table_name = 'articles_article' AND column_name = 'search_vector'"
        )
        assert cursor.fetchone() == ("tsvector", "ALWAYS")
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'article_search_vector_gin'")
        # The publication time is in the same index: a date range's matches come from one index scan
        # (articles migration 0010), not every match of the archive fetched to check its date.
        assert "USING gin (search_vector, ((published_at AT TIME ZONE 'UTC'::text)))" in cursor.fetchone()[0]


def test_the_vector_follows_the_text_with_weights():
    article = PublishedArticleFactory(title="大熊猫幼崽", summary="卧龙保护区", body="<p>饲养员轮班看护</p>")
    vector = vector_of(article)
    assert "'熊猫':2A" in vector or "'熊猫':2A," in vector
    assert "'卧龙':" in vector and "B" in vector.split("'卧龙':")[1].split(" ")[0]
    assert "'饲养':" in vector
    article.title = "氢能公交车"
    article.save()
    vector = vector_of(article)
    assert "'熊猫'" not in vector and "'氢能':" in vector


def test_the_index_serves_the_match():
    PublishedArticleFactory(title="量子通信城域网开通")
    # The match alone (a few test rows would otherwise be scanned, or found through the status index).
    qs = search._postgres_search(Article.objects.all(), search.parse_query("量子通信"), order="date")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    plan = qs.explain()
    assert "article_search_vector_gin" in plan, plan


def test_title_outranks_body():
    now = timezone.now()
    PublishedArticleFactory(
        title="政务数据安全", body="<p>量子通信保驾护航</p>", published_at=now - datetime.timedelta(hours=2)
    )
    PublishedArticleFactory(
        title="量子通信城域网开通", body="<p>全长180公里</p>", published_at=now - datetime.timedelta(days=9)
    )
    assert titles(search.search_queryset("量子通信")) == ["量子通信城域网开通", "政务数据安全"]
    # order=date puts the newest first instead.
    assert titles(search.search_queryset("量子通信", order="date")) == ["政务数据安全", "量子通信城域网开通"]


def test_words_outrank_accidents_of_characters():
    now = timezone.now()
    PublishedArticleFactory(
        title="交通信号灯更聪明了", body="<p>路口</p>", published_at=now - datetime.timedelta(hours=1)
    )
    PublishedArticleFactory(
        title="卫星通信覆盖远洋渔船", body="<p>渔民</p>", published_at=now - datetime.timedelta(days=9)
    )
    # 通信 in 交通信号 is an accident of characters (交通 + 信号); the article with the word comes first.
    assert titles(search.search_queryset("通信")) == ["卫星通信覆盖远洋渔船", "交通信号灯更聪明了"]


def test_author_names_rank_like_a_subtitle():
    lin = AuthorFactory(name="林知远")
    PublishedArticleFactory(title="卧龙保护区新添幼崽", authors=[lin])
    PublishedArticleFactory(title="记者手记", body="<p>同行的林知远说……</p>")
    assert titles(search.search_queryset("林知远")) == ["卧龙保护区新添幼崽", "记者手记"]


def test_visibility_in_the_tsvector_search():
    for state in STATES:
        article_in_state(state, title=f"北斗定位（{state}）")
    assert titles(search.search_queryset("北斗")) == ["北斗定位（published）"]
    assert search.search_queryset("北斗").count() == 1


@pytest.mark.parametrize("raw", HOSTILE)
def test_hostile_queries_run_in_sql(raw):
    PublishedArticleFactory(title="大熊猫幼崽")
    list(search.search_queryset(raw)[:5])  # no exception from to_tsquery or anywhere else
    assert search.run_search(raw).timed_out is False


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=st.text(max_size=120))
def test_any_text_runs_in_sql(raw):
    results = search.run_search(raw)
    assert results.count >= 0 and not results.timed_out


def test_a_slow_search_says_so_instead_of_failing(client, monkeypatch, settings):
    PublishedArticleFactory(title="碳中和路线图发布")
    original = search._filtered

    def slow(qs, **filters):
        from django.db.models import BooleanField
        from django.db.models.expressions import RawSQL

        return original(qs, **filters).filter(
            RawSQL("(SELECT true FROM pg_sleep(0.2))", [], output_field=BooleanField())
        )

    monkeypatch.setattr(search, "_filtered", slow)
    monkeypatch.setattr(search, "_WINDOWS", {})  # the window's statement is compiled again, with the sleep
    settings.SEARCH_TIMEOUT_MS = 20
    response = client.get(reverse("search"), {"q": "碳中和"})
    assert response.status_code == 200
    assert response.context["results"].timed_out
    assert response.context["articles"] == []
    assert "no-store" in response["Cache-Control"]  # not kept by the page cache or a proxy
    # The connection is still usable, and the limit did not outlive the search.
    assert Article.objects.published().count() == 1
    monkeypatch.undo()
    assert client.get(reverse("search"), {"q": "碳中和"}).context["results"].count == 1


def test_the_window_is_compiled_once_a_shape_and_takes_each_search_s_values(client, monkeypatch):
    monkeypatch.setattr(search, "_WINDOWS", {})
    lin = AuthorFactory(name="林知远")
    PublishedArticleFactory(title="大熊猫幼崽出生", authors=[lin])
    PublishedArticleFactory(title="氢能公交车上路", authors=[lin])
    PublishedArticleFactory(title="氢能重卡下线")
    url = reverse("search")
    assert result_titles(client.get(url, {"q": "熊猫"})) == ["大熊猫幼崽出生"]
    shapes = len(search._WINDOWS)
    # Other words of the same shape: the same statements with this search's values.
    assert sorted(result_titles(client.get(url, {"q": "氢能"}))) == ["氢能公交车上路", "氢能重卡下线"]
    assert len(search._WINDOWS) == shapes
    assert result_titles(client.get(url, {"q": "氢能", "author": lin.slug})) == ["氢能公交车上路"]
    assert len(search._WINDOWS) > shapes  # a filter is another shape


@pytest.mark.parametrize("order", ["relevance", "date"])
def test_a_phrase_is_checked_after_its_words(order):
    """The window takes candidates by a phrase's words (exact in the index), then keeps those that hold the
    phrase: an article with every bigram of 科普讲解 but not in a row is no result, newest first as ever."""
    now = timezone.now()
    phrase = [
        PublishedArticleFactory(title=f"科普讲解大赛第{n}场", published_at=now - datetime.timedelta(hours=n))
        for n in (3, 1)
    ]
    PublishedArticleFactory(
        title="科普讲座与现场讲解", published_at=now - datetime.timedelta(hours=2)
    )  # 科普 普讲 讲座 … 讲解
    old = PublishedArticleFactory(title="科普讲解进校园", published_at=now - datetime.timedelta(days=800))
    query = search.parse_query("科普讲解")
    assert query.has_phrases
    ids, capped = search.result_window(query, limit=10, order=order)
    assert not capped
    expected = [phrase[1].pk, phrase[0].pk, old.pk]  # the last year, then the whole archive; newest first
    assert ids == expected if order == "date" else sorted(ids) == sorted(expected)
