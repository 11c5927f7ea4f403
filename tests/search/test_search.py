"""Search: the index text, the query parser, the page, on whichever database the suite runs.

On SQLite this exercises the fallback; with DATABASE_URL=postgres://… the same tests run against the tsvector
search (test_search_pg.py adds what only PostgreSQL has: ranking, the GIN index, the time limit).
"""

import datetime
import re
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles.models import Article, Byline
from articles.richtext import html_to_text
from people.models import Author
from search import engine as search
from search import query as search_query
from search import text as search_text
from search import views as search_views
from tests.factories import STATES, AuthorFactory, PublishedArticleFactory, SectionFactory, article_in_state

pytestmark = pytest.mark.django_db

# What a tsquery built by search/engine.py may contain: quoted letters and digits, a prefix mark, operators.
TSQUERY_GRAMMAR = re.compile(r"^(?:\s|\(|\)|&|\||<->|'[^\W_]+'(?::\*)?)*$")

HOSTILE = [
    "",
    " ",
    "&|!():*",
    "'",
    "''",
    '"',
    "\\",
    "\x00",
    "熊猫\x00芯片",
    "!!!",
    "<->",
    "<2>",
    "a:*",
    "a & | b",
    "!熊猫",
    "(熊猫",
    "熊猫)",
    "' OR 1=1 --",
    "'; DROP TABLE articles_article; --",
    "<script>alert(1)</script>",
    "%",
    "_",
    "%%__",
    "🐼🐼🐼",
    "🐼熊猫",
    "\u202e熊猫",
    "\ud7ff\ufffd",
    "｜＆！（）：＊",
    "x" * 10_000,
    "熊" * 10_000,
    "熊猫 " * 3_000,
    " ".join(str(n) for n in range(3_000)),
]


def plain_text(response) -> str:
    return response.content.decode()


def result_titles(response) -> list[str]:
    return [article.title for article in response.context["articles"]]


# --- index text --------------------------------------------------------------------------------------------


def test_html_to_text_drops_markup_keeps_words_apart():
    html = "<p>大熊猫<strong>保护</strong>&amp;研究</p><p>第二段</p><ul><li>一</li><li>二</li></ul><script>x()</script>"
    assert html_to_text(html) == "大熊猫保护&研究 第二段 一 二"


def test_segment_makes_bigrams_a_closing_character_and_words():
    tokens = search_text.segment("大熊猫保护").split()
    assert tokens[:5] == ["大熊", "熊猫", "猫保", "保护", "护"]
    assert "大熊猫" in tokens[5:]  # jieba's word, after the n-grams


def test_segment_normalizes_width_and_case_and_drops_punctuation():
    tokens = search_text.segment("５Ｇ基站，AI医疗｜CRISPR—“量子”!").split()
    assert "5g" in tokens and "ai" in tokens and "crispr" in tokens
    assert all(re.fullmatch(r"[^\W_]+", token) for token in tokens)


def test_search_text_has_three_parts_title_first():
    text = search_text.build_search_text(
        title="量子通信", subtitle="城域网开通", body="<p>政务数据</p>", names=["林知远"]
    )
    part_a, part_b, part_d = text.split("|")
    assert "量子" in part_a.split() and "城域" in part_b.split() and "林知" in part_b.split()
    assert "政务" in part_d.split() and "量子" not in part_d.split()


# --- query parsing -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("raw", HOSTILE)
def test_hostile_queries_become_clean_tsqueries(raw):
    query = search.parse_query(raw)
    assert len(query.text) <= search_query.MAX_QUERY_CHARS
    assert len(query.terms) <= search_query.MAX_TERMS
    assert "\x00" not in query.text
    assert TSQUERY_GRAMMAR.match(query.match_tsquery())
    assert TSQUERY_GRAMMAR.match(query.rank_tsquery())


@given(st.text(max_size=300))
def test_any_text_becomes_a_clean_tsquery(raw):
    query = search.parse_query(raw)
    assert TSQUERY_GRAMMAR.match(query.match_tsquery())
    assert TSQUERY_GRAMMAR.match(query.rank_tsquery())
    assert len(query.terms) <= search_query.MAX_TERMS


def test_short_runs_are_phrases_long_runs_are_words():
    assert [t.text for t in search.parse_query("碳中和").terms] == ["碳中和"]
    assert [t.text for t in search.parse_query("熊").terms] == ["熊"]
    long = search.parse_query("大熊猫保护与研究")
    assert [t.text for t in long.terms] == ["大熊猫", "保护", "研究"]  # 与 dropped: a particle
    assert [t.text for t in search.parse_query("5G基站").terms] == ["5g", "基站"]
    assert search.parse_query("熊猫").match_tsquery() == "('熊猫')"
    assert search.parse_query("熊").match_tsquery() == "'熊':*"


# --- keeping search_text current ---------------------------------------------------------------------------


def stored_text(article) -> str:
    return Article.objects.values_list("search_text", flat=True).get(pk=article.pk)


def test_search_text_follows_title_body_and_bylines():
    author = AuthorFactory(name="林知远")
    article = PublishedArticleFactory(
        title="量子通信城域网开通", body="<p>政务数据加密</p>", authors=[author]
    )
    assert "量子" in stored_text(article) and "林知" in stored_text(article)

    article.title = "大熊猫幼崽出生"
    article.body = "<p>卧龙保护区</p>"
    article.save()
    text = stored_text(article)
    assert "熊猫" in text and "卧龙" in text and "量子" not in text and "政务" not in text

    second = AuthorFactory(name="苏晴")
    Byline.objects.create(article=article, author=second, role=Byline.Role.CORRESPONDENT, order=1)
    assert "苏晴" in stored_text(article)

    Byline.objects.filter(article=article, author=author).first().delete()
    assert "林知" not in stored_text(article)


def test_search_text_follows_an_author_rename():
    author = AuthorFactory(name="王启航")
    first = PublishedArticleFactory(authors=[author])
    second = PublishedArticleFactory(authors=[(author, Byline.Role.PHOTOGRAPHER)])
    author.name = "周雨桐"
    author.save()
    for article in (first, second):
        assert "周雨" in stored_text(article) and "王启" not in stored_text(article)


def test_a_byline_moved_to_another_article_leaves_the_first():
    author = AuthorFactory(name="何思源")
    first, second = PublishedArticleFactory(authors=[author]), PublishedArticleFactory()
    byline = Byline.objects.get(article=first)
    byline.article = second
    byline.save()
    assert "何思" not in stored_text(first)
    assert "何思" in stored_text(second)


def test_saves_of_other_fields_do_not_recompute():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    article = PublishedArticleFactory(title="地震预警信息首次推送")
    with CaptureQueriesContext(connection) as queries:
        article.status = "withdrawn"
        article.save(update_fields=["status"])
    # The UPDATE of the status, the planning desk's look for a story following the article, the listing index's
    # rows of the article (articles/models/listing.py); no search text.
    others = ("planning_story", "webhooks_", "articles_listing")
    ours = [q["sql"] for q in queries if not any(other in q["sql"] for other in others)]
    assert len(ours) == 1 and ours[0].startswith("UPDATE") and "search_text" not in ours[0], ours


def test_editing_an_author_without_renaming_costs_no_reindex(django_assert_num_queries):
    author = AuthorFactory(name="陈墨")
    PublishedArticleFactory(authors=[author])
    author = Author.objects.get(pk=author.pk)
    with django_assert_num_queries(1):
        author.bio = "本报摄影记者。"
        author.save()


def test_refresh_articles_repairs_stale_text():
    article = PublishedArticleFactory(title="农业无人机培训班开班")
    Article.objects.filter(pk=article.pk).update(search_text="")
    assert search_text.refresh_articles(Article.objects.all()) == 1
    assert "无人" in stored_text(article)


# --- the search page ---------------------------------------------------------------------------------------


def test_only_published_articles_are_found_and_counted(client):
    for state in STATES:
        article_in_state(state, title=f"大熊猫保护新进展（{state}）")
    response = client.get(reverse("search"), {"q": "熊猫"})
    assert response.status_code == 200
    assert result_titles(response) == ["大熊猫保护新进展（published）"]
    assert response.context["results"].count == 1
    body = plain_text(response)
    for state in STATES[1:]:
        assert state not in body


def test_filters_by_section_author_and_dates(client):
    news, opinion = SectionFactory(name="要闻"), SectionFactory(name="观点")
    lin, su = AuthorFactory(name="林知远"), AuthorFactory(name="苏晴")
    now = timezone.now()
    PublishedArticleFactory(
        title="芯片新品发布", section=news, authors=[lin], published_at=now - datetime.timedelta(days=40)
    )
    PublishedArticleFactory(
        title="芯片人才短缺怎么破",
        section=opinion,
        authors=[su],
        published_at=now - datetime.timedelta(days=3),
    )
    url = reverse("search")

    assert result_titles(client.get(url, {"q": "芯片", "section": opinion.slug})) == ["芯片人才短缺怎么破"]
    assert result_titles(client.get(url, {"q": "芯片", "author": lin.slug})) == ["芯片新品发布"]
    since = (timezone.localdate() - datetime.timedelta(days=10)).isoformat()
    assert result_titles(client.get(url, {"q": "芯片", "from": since})) == ["芯片人才短缺怎么破"]
    assert result_titles(client.get(url, {"q": "芯片", "to": since})) == ["芯片新品发布"]
    # A filter alone lists that author's articles, newest first; a start date alone, the articles since.
    assert result_titles(client.get(url, {"author": su.slug})) == ["芯片人才短缺怎么破"]
    assert result_titles(client.get(url, {"from": since})) == ["芯片人才短缺怎么破"]
    assert result_titles(client.get(url, {"to": since})) == ["芯片新品发布"]


@pytest.mark.parametrize(
    "params",
    [
        {"section": "no-such-section"},
        {"author": "\x00"},
        {"from": "2026-02-30"},
        {"to": "not a date"},
        {"from": "2026-05-01", "to": "2026-04-01"},
        {"from": "0001-01-01"},
        {"to": "9999-12-31"},
        {"sort": "' OR 1=1"},
        {"page": "abc"},
        {"page": "-1"},
        {"page": "9" * 5000},
    ],
)
def test_invalid_filters_are_ignored_not_errors(client, params):
    PublishedArticleFactory(title="芯片新品发布")
    response = client.get(reverse("search"), {"q": "芯片", **params})
    assert response.status_code == 200
    assert result_titles(response) == ["芯片新品发布"]


def test_pagination(client):
    for n in range(15):
        PublishedArticleFactory(
            title=f"北斗应用案例第{n}则", published_at=timezone.now() - datetime.timedelta(hours=n + 1)
        )
    url = reverse("search")
    first = client.get(url, {"q": "北斗", "sort": "date"})
    assert len(first.context["articles"]) == 10 and first.context["results"].count == 15
    assert result_titles(first)[0] == "北斗应用案例第0则"
    second = client.get(url, {"q": "北斗", "sort": "date", "page": 2})
    assert result_titles(second) == [f"北斗应用案例第{n}则" for n in range(10, 15)]
    beyond = client.get(url, {"q": "北斗", "sort": "date", "page": 99})
    assert result_titles(beyond) == result_titles(second)  # the last page
    seen = set(result_titles(first)) | set(result_titles(second))
    assert len(seen) == 15


def test_one_and_two_character_queries(client):
    PublishedArticleFactory(title="大熊猫幼崽出生", body="<p>卧龙保护区两只幼崽</p>")
    PublishedArticleFactory(title="氢能公交车上路", body="<p>加满一次氢气</p>")
    url = reverse("search")
    assert result_titles(client.get(url, {"q": "猫"})) == ["大熊猫幼崽出生"]
    assert result_titles(client.get(url, {"q": "熊猫"})) == ["大熊猫幼崽出生"]
    assert result_titles(client.get(url, {"q": "氢"})) == ["氢能公交车上路"]
    assert result_titles(client.get(url, {"q": "卧龙"})) == ["大熊猫幼崽出生"]
    assert result_titles(client.get(url, {"q": "猫氢"})) == []  # not a substring of anything


def test_phrases_match_exactly_and_words_anywhere(client):
    PublishedArticleFactory(title="保护大熊猫栖息地", body="<p>竹林恢复</p>")
    PublishedArticleFactory(title="熊大和熊二", body="<p>动画片</p>")
    url = reverse("search")
    assert result_titles(client.get(url, {"q": "大熊猫"})) == ["保护大熊猫栖息地"]
    # A long run is matched word by word: 大熊猫 and 保护 need not be adjacent.
    assert result_titles(client.get(url, {"q": "大熊猫栖息地保护"})) == ["保护大熊猫栖息地"]


def test_bylines_are_searched(client):
    lin = AuthorFactory(name="林知远")
    PublishedArticleFactory(title="量子通信城域网开通", authors=[lin])
    PublishedArticleFactory(title="氢能公交车上路")
    assert result_titles(client.get(reverse("search"), {"q": "林知远"})) == ["量子通信城域网开通"]


def test_each_name_in_a_result_narrows_the_search_to_that_author(client):
    lin, su, editor = AuthorFactory(name="林<知>远"), AuthorFactory(name="苏晴"), AuthorFactory(name="许编")
    wang = AuthorFactory(name="王启航")
    article = PublishedArticleFactory(title="量子通信城域网开通", authors=[])
    for order, (author, role) in enumerate(
        [(lin, "reporter"), (wang, "reporter"), (su, "correspondent"), (editor, "editor")]
    ):
        Byline.objects.create(article=article, author=author, role=role, order=order)
    response = client.get(reverse("search"), {"q": "量子", "sort": "date", "author": su.slug, "page": "1"})
    byline = re.search(r'<span class="item__byline">(.*?)</span>\n', response.content.decode()).group(1)
    links = re.findall(r'<a href="([^"]*)" title="([^"]*)">([^<]*)</a>', byline)
    # Print's order, each role once per run; the desk editor is credited on the article page only.
    assert re.findall(r'class="byline__role">([^<]*)<', byline) == ["本报记者", "通讯员"]
    assert [name for _href, _title, name in links] == ["林&lt;知&gt;远", "王启航", "苏晴"]
    for (href, title, _name), author in zip(links, [lin, wang, su], strict=True):
        # The same search, without the page, narrowed to that author (replacing the author it had).
        assert href == f"?q=%E9%87%8F%E5%AD%90&amp;sort=date&amp;{urlencode({'author': author.slug})}"
        assert title == "只看该作者的文章"


@pytest.mark.parametrize(
    "raw, filters",
    [
        ("", {}),
        ("!!!", {}),
        ("熊猫", {}),
        ("", {"date_from": datetime.date(2026, 1, 1)}),
        ("!!!", {"date_to": datetime.date(2026, 1, 1)}),
        ("", {"section": "section"}),
        ("", {"author": "author"}),
    ],
)
def test_matches_nothing_is_the_empty_queryset(raw, filters):
    values = {"section": SectionFactory(), "author": AuthorFactory()}
    filters = {name: values.get(value, value) for name, value in filters.items()}
    query = search.parse_query(raw)
    empty = search.search_queryset(query, **filters).query.is_empty()
    assert search.matches_nothing(query, **filters) is empty


def test_latin_words_and_digits(client):
    PublishedArticleFactory(title="全省5G基站突破十万座", body="<p>CRISPR 技术</p>")
    url = reverse("search")
    assert result_titles(client.get(url, {"q": "5g"})) == ["全省5G基站突破十万座"]
    assert result_titles(client.get(url, {"q": "ＣＲＩＳＰＲ"})) == ["全省5G基站突破十万座"]
    assert result_titles(client.get(url, {"q": "crisp"})) == []  # whole words only


def test_snippets_are_escaped_with_marks(client):
    PublishedArticleFactory(
        title="熊猫<b>粗体</b>标题",
        body="<p>前文很长很长。&lt;script&gt;alert(1)&lt;/script&gt; 大熊猫 &amp; 竹子的故事。</p>",
    )
    response = client.get(reverse("search"), {"q": "熊猫"})
    article = response.context["articles"][0]
    assert "<mark>熊猫</mark>" in article.search_snippet
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in article.search_snippet
    assert "&amp; 竹子" in article.search_snippet
    assert article.search_title == "<mark>熊猫</mark>&lt;b&gt;粗体&lt;/b&gt;标题"
    body = plain_text(response)
    assert "<script>alert(1)" not in body and "<b>粗体" not in body
    # Only <mark> is markup in a snippet.
    assert set(re.findall(r"</?(\w+)", str(article.search_snippet))) == {"mark"}


def test_latin_words_are_marked_whole():
    marked = str(search_views.highlight_all("AI said: 5G基站 and ai医疗", search.parse_query("ai 5g")))
    assert marked == "<mark>AI</mark> said: <mark>5G</mark>基站 and <mark>ai</mark>医疗"


def test_highlight_picks_the_densest_window():
    text = "开头" * 100 + "量子通信在这里，量子通信也在这里" + "结尾" * 100
    snippet = str(search_views.highlight(text, "量子通信", length=40))
    assert snippet.startswith("…") and snippet.endswith("…")
    assert snippet.count("<mark>量子通信</mark>") == 2


@pytest.mark.parametrize("raw", HOSTILE)
def test_hostile_queries_answer_200(client, raw):
    PublishedArticleFactory(title="大熊猫幼崽出生")
    response = client.get(
        reverse("search"), {"q": raw, "section": raw[:50], "author": raw[:50], "from": raw[:20]}
    )
    assert response.status_code == 200


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=st.text(max_size=200))
def test_any_query_answers_200(client, raw):
    response = client.get(reverse("search"), {"q": raw})
    assert response.status_code == 200


PARAM_VALUES = st.one_of(
    st.text(max_size=60),
    st.dates().map(lambda d: d.isoformat()),
    st.integers().map(str),
    st.sampled_from(["relevance", "date", "要闻", "", "\x00", "2026-02-29", "9999-12-31"]),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    params=st.dictionaries(
        st.sampled_from(
            ["q", "section", "author", "from", "to", "date_from", "date_to", "sort", "page", "x"]
        ),
        PARAM_VALUES,
    )
)
def test_any_parameters_answer_200(client, params):
    assert client.get(reverse("search"), params).status_code == 200


def test_empty_query_shows_the_form_only(client):
    PublishedArticleFactory(title="大熊猫幼崽出生")
    response = client.get(reverse("search"))
    assert response.status_code == 200 and response.context["articles"] == []
    assert not response.context["searched"]


def test_the_page_is_not_indexed_by_search_engines(client):
    response = client.get(reverse("search"), {"q": "熊猫"})
    assert '<meta name="robots" content="noindex, follow">' in plain_text(response)


# --- query budget ------------------------------------------------------------------------------------------


def _search_queries(client, params) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("search"), params).status_code == 200
    return len(queries)


def test_the_page_costs_the_same_queries_for_few_and_many_results(client, django_assert_num_queries):
    section = SectionFactory(name="要闻")
    authors = [AuthorFactory() for _ in range(3)]
    PublishedArticleFactory(title="碳中和路线图发布", section=section, authors=authors[:1], tags=["碳中和"])
    params = {"q": "碳中和", "section": section.slug, "author": authors[0].slug, "from": "2020-01-01"}
    few = _search_queries(client, params)

    for n in range(30):
        PublishedArticleFactory(
            title=f"碳中和案例{n}", section=section, authors=authors, tags=["碳中和", f"案例{n}"]
        )
    with django_assert_num_queries(few):
        response = client.get(reverse("search"), params)
    assert len(response.context["articles"]) == 10
    assert all(len(a.bylines.all()) == 3 for a in response.context["articles"][1:])


def test_results_cost_three_queries(client):
    PublishedArticleFactory(title="碳中和路线图发布", authors=[AuthorFactory()])
    client.get(reverse("search"))  # the header's shared fragments, as any earlier page leaves them
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("search"), {"q": "碳中和"})
    # A statement prepared on PostgreSQL (core/prepared.py) is sent as EXECUTE, naming no table.
    first_table = [
        re.match(r'\s*(?:PREPARE \w+ AS )?SELECT .*? FROM "?(\w+)"?|\s*(EXECUTE) ', q["sql"], re.DOTALL)
        for q in queries
    ]
    on_articles = [
        m.group(1) or m.group(2)
        for m in first_table
        if m and (m.group(1) in {"articles_article", "articles_byline"} or m.group(2))
    ]
    # The ranked window of the last SEARCH_RECENT_DAYS, then of the whole archive (one match is too few to stop
    # at the recent one), the page, the bylines with their authors.
    assert len(on_articles) == 4, on_articles


def test_a_search_asked_again_reuses_its_window_until_the_next_publication(client):
    first = PublishedArticleFactory(title="碳中和路线图发布", authors=[AuthorFactory()])
    client.get(reverse("search"), {"q": "碳中和"})
    with CaptureQueriesContext(connection) as queries:
        again = client.get(reverse("search"), {"q": "碳中和"}).context["results"]
    assert [a.pk for a in again.articles] == [first.pk]
    # Neither the window nor the results are asked for again: the page reads no article at all.
    assert not [q for q in queries if "articles_article" in q["sql"] or "EXECUTE" in q["sql"]]
    # Another order, page size of the window or filter is another window.
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("search"), {"q": "碳中和", "sort": "date"})
    assert [q for q in queries if "search_vector" in q["sql"] or "search_text" in q["sql"]]
    # A publication ends every kept window: the new article is found at once.
    second = PublishedArticleFactory(title="碳中和示范区揭牌", authors=[AuthorFactory()])
    found = client.get(reverse("search"), {"q": "碳中和", "sort": "date"}).context["results"]
    assert [a.pk for a in found.articles] == [second.pk, first.pk]
    # And a withdrawal.
    second.status = "draft"
    second.save()
    found = client.get(reverse("search"), {"q": "碳中和", "sort": "date"}).context["results"]
    assert [a.pk for a in found.articles] == [first.pk]


# --- a bounded window: the newest SEARCH_MAX_RESULTS matches, ranked ----------------------------------------


@pytest.fixture
def django_settings(request):
    """pytest-django's `settings` (the name is hypothesis's in this module)."""
    return request.getfixturevalue("settings")


def _dated(title, days_ago, body="<p>青岚省科技工作者日常稿件。</p>"):
    return PublishedArticleFactory(
        title=title,
        body=body,
        status="published",
        published_at=timezone.now() - datetime.timedelta(days=days_ago),
    )


def test_a_broad_search_lists_the_newest_matches_and_says_so(client, django_settings):
    django_settings.SEARCH_MAX_RESULTS = 3
    older = [_dated(f"碳中和往期报道{n}", 200 + n) for n in range(2)]
    newest = [_dated(f"碳中和最新进展{n}", 1 + n) for n in range(3)]
    response = client.get(reverse("search"), {"q": "碳中和"})
    results = response.context["results"]
    assert results.capped and results.count == 3
    assert {a.pk for a in results.articles} == {a.pk for a in newest}
    assert "超过 3 篇" in response.content.decode()

    cutoff = (timezone.localdate() - datetime.timedelta(days=100)).isoformat()
    response = client.get(reverse("search"), {"q": "碳中和", "to": cutoff})
    results = response.context["results"]
    assert not results.capped and results.count == 2
    assert {a.pk for a in results.articles} == {a.pk for a in older}
    assert "超过" not in response.content.decode()


def test_exactly_the_window_is_not_called_more(client, django_settings):
    django_settings.SEARCH_MAX_RESULTS = 3
    for n in range(3):
        _dated(f"碳中和最新进展{n}", 1 + n)
    results = client.get(reverse("search"), {"q": "碳中和"}).context["results"]
    assert results.count == 3 and not results.capped


def test_within_the_window_the_best_match_comes_first(client, django_settings):
    django_settings.SEARCH_MAX_RESULTS = 3
    _dated("往年的碳中和专题", 400)  # older than the window: not listed, however good a match
    body_only = [_dated(f"青岚省科技要闻{n}", 1 + n, "<p>文中提到碳中和目标。</p>") for n in range(2)]
    in_title = _dated("碳中和路线图发布", 5)
    results = client.get(reverse("search"), {"q": "碳中和"}).context["results"]
    assert [a.pk for a in results.articles] == [in_title.pk, body_only[0].pk, body_only[1].pk]
    by_date = client.get(reverse("search"), {"q": "碳中和", "sort": "date"}).context["results"]
    assert [a.pk for a in by_date.articles] == [body_only[0].pk, body_only[1].pk, in_title.pk]


def test_the_window_pages_like_any_listing(client, django_settings):
    django_settings.SEARCH_MAX_RESULTS = 25
    for n in range(30):
        _dated(f"碳中和案例{n}", 1 + n)
    first = client.get(reverse("search"), {"q": "碳中和"}).context["results"]
    third = client.get(reverse("search"), {"q": "碳中和", "page": 3}).context["results"]
    assert first.capped and first.count == 25
    assert len(first.articles) == 10 and len(third.articles) == 5
    assert not {a.pk for a in first.articles} & {a.pk for a in third.articles}


def test_enough_recent_matches_never_read_the_older_archive(client, django_settings):
    django_settings.SEARCH_MAX_RESULTS = 2
    django_settings.SEARCH_RECENT_DAYS = 30
    recent = [_dated(f"碳中和最新进展{n}", 1 + n) for n in range(3)]
    _dated("碳中和往期报道", 200)
    client.get(reverse("search"))  # the header's shared fragments
    with CaptureQueriesContext(connection) as queries:
        results = client.get(reverse("search"), {"q": "碳中和", "sort": "date"}).context["results"]
    windows = [q["sql"] for q in queries if "LIMIT 3" in q["sql"]]
    assert len(windows) == 1  # the recent window held more than two: the newest two of all
    assert [a.pk for a in results.articles] == [recent[0].pk, recent[1].pk] and results.capped


def test_too_few_recent_matches_search_the_whole_archive(client, django_settings):
    django_settings.SEARCH_MAX_RESULTS = 3
    django_settings.SEARCH_RECENT_DAYS = 30
    recent = [_dated(f"碳中和最新进展{n}", 1 + n) for n in range(2)]
    older = [_dated(f"碳中和往期报道{n}", 200 + n) for n in range(3)]
    results = client.get(reverse("search"), {"q": "碳中和", "sort": "date"}).context["results"]
    assert [a.pk for a in results.articles] == [recent[0].pk, recent[1].pk, older[0].pk]
    assert results.capped and results.count == 3
    # A date range entirely before the recent days goes straight to the archive.
    cutoff = (timezone.localdate() - datetime.timedelta(days=100)).isoformat()
    only_old = client.get(reverse("search"), {"q": "碳中和", "to": cutoff, "sort": "date"}).context["results"]
    assert [a.pk for a in only_old.articles] == [o.pk for o in older] and not only_old.capped


def test_the_last_days_of_a_date_range_are_searched_first(client, django_settings):
    django_settings.SEARCH_MAX_RESULTS = 2
    django_settings.SEARCH_RECENT_DAYS = 30
    in_range = [_dated(f"碳中和往期报道{n}", 200 + n) for n in range(3)]
    _dated("碳中和更早报道", 400)
    _dated("碳中和最新进展", 1)  # after the range
    cutoff = (timezone.localdate() - datetime.timedelta(days=190)).isoformat()
    client.get(reverse("search"))  # the header's shared fragments
    with CaptureQueriesContext(connection) as queries:
        results = client.get(reverse("search"), {"q": "碳中和", "to": cutoff, "sort": "date"}).context[
            "results"
        ]
    # The range's last 30 days hold three: the newest two of the range, and the older archive is not read.
    (window,) = [q["sql"] for q in queries if "LIMIT 3" in q["sql"]]
    assert ">=" in window  # bounded below: the 30 days before the range's end
    assert [a.pk for a in results.articles] == [in_range[0].pk, in_range[1].pk] and results.capped
