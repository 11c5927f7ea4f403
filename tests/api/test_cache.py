"""The API's answers are stored by the page cache (core/pagecache.py) under the pages' rule: served again without
a query while nothing public changes, never stale after a change or past a scheduled publication, and still
counted by the rate limits (api.throttling.check_hit) and given their CORS headers per request."""

import datetime
from unittest import mock

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles import workflow
from core.pagecache import purge_public_pages
from tests.factories import ArticleFactory, PublishedArticleFactory, editor

LIST = "/api/v1/articles/"


@pytest.fixture
def cached_api(api, settings):
    settings.PAGE_CACHE = True
    settings.PAGE_CACHE_SECONDS = 600
    return api


def queries(client, url, **headers) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, **headers)
    return len(captured), response


@pytest.mark.parametrize("url", [LIST, "/api/v1/sections/", "/api/v1/issues/", "/api/v1/search/?q=量子"])
def test_a_repeated_request_runs_no_query(cached_api, paper, url):
    count, first = queries(cached_api, url)
    assert first.status_code == 200 and count > 0
    count, again = queries(cached_api, url)
    assert count == 0 and again.content == first.content
    assert again["ETag"] == first["ETag"] and again["Last-Modified"] == first["Last-Modified"]


def test_the_detail_is_kept_and_an_edit_ends_it(cached_api, paper):
    article = paper["article"]
    url = f"{LIST}{article.pk}/"
    assert cached_api.get(url).json()["title"] == article.title
    assert queries(cached_api, url)[0] == 0
    article.title = "量子计算原型机再获突破"
    article.save()
    assert cached_api.get(url).json()["title"] == "量子计算原型机再获突破"


def test_a_withdrawal_ends_every_kept_answer(cached_api, paper):
    article = paper["article"]
    detail = f"{LIST}{article.pk}/"
    assert cached_api.get(detail).status_code == 200
    ids = [item["id"] for item in cached_api.get(LIST).json()["results"]]
    assert article.pk in ids
    workflow.withdraw(article, editor(), "与事实不符，撤稿")
    assert cached_api.get(detail).status_code == 404
    assert article.pk not in [item["id"] for item in cached_api.get(LIST).json()["results"]]


def test_a_bulk_change_is_seen_after_its_purge(cached_api, paper):
    first = cached_api.get(LIST).json()["count"]
    PublishedArticleFactory.create_batch(2)  # saved one by one: each purges
    assert cached_api.get(LIST).json()["count"] == first + 2
    type(paper["other"]).objects.filter(pk=paper["other"].pk).update(status="withdrawn")
    purge_public_pages()  # what every bulk writer does
    assert cached_api.get(LIST).json()["count"] == first + 1


def test_a_scheduled_article_appears_on_time(cached_api, paper):
    start = timezone.now()
    goes_public = start + datetime.timedelta(minutes=5)
    scheduled = ArticleFactory(status="published", published_at=goes_public, title="嫦娥探测器择日发射")
    with mock.patch("django.utils.timezone.now", return_value=start) as now:
        assert scheduled.pk not in [a["id"] for a in cached_api.get(LIST).json()["results"]]
        now.return_value = goes_public - datetime.timedelta(seconds=1)
        count, response = queries(cached_api, LIST)
        assert count == 0 and scheduled.pk not in [a["id"] for a in response.json()["results"]]
        now.return_value = goes_public + datetime.timedelta(seconds=1)
        assert scheduled.pk in [a["id"] for a in cached_api.get(LIST).json()["results"]]
        assert cached_api.get(f"{LIST}{scheduled.pk}/").status_code == 200


def test_kept_answers_are_still_rate_limited(cached_api, settings, paper):
    settings.API_RATE_ANONYMOUS = "3/min"
    caches["default"].clear()
    assert [cached_api.get(LIST).status_code for _ in range(4)] == [200, 200, 200, 429]


def test_kept_answers_carry_each_requests_cors_header(cached_api, settings, paper):
    settings.CORS_ALLOWED_ORIGINS = ["https://app.example.com"]
    allowed = cached_api.get(LIST, HTTP_ORIGIN="https://app.example.com")
    assert allowed["Access-Control-Allow-Origin"] == "https://app.example.com"
    count, other = queries(cached_api, LIST, HTTP_ORIGIN="https://evil.example")
    assert count == 0 and "Access-Control-Allow-Origin" not in other


def test_a_kept_answer_still_answers_304(cached_api, paper):
    etag = cached_api.get(LIST)["ETag"]
    count, response = queries(cached_api, LIST, HTTP_IF_NONE_MATCH=etag)
    assert count == 0 and response.status_code == 304


def test_errors_are_not_kept_and_a_kept_404_ends_with_a_publication(cached_api, paper):
    assert cached_api.get(f"{LIST}?issue=abc").status_code == 400
    assert queries(cached_api, f"{LIST}?issue=abc")[0] > 0
    assert cached_api.get(f"{LIST}999999/").status_code == 404
    article = PublishedArticleFactory()
    assert cached_api.get(f"{LIST}{article.pk}/").status_code == 200


def test_a_refused_hit_is_drfs_own_429(cached_api, settings, paper):
    settings.API_RATE_ANONYMOUS = "2/min"
    caches["default"].clear()
    assert [cached_api.get(LIST).status_code for _ in range(2)] == [200, 200]
    refused = cached_api.get(LIST)
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert "detail" in refused.json()


def test_a_partners_requests_are_served_the_same_kept_answer(cached_api, paper):
    from api.models import issue_key

    _row, key = issue_key("青岚融媒体中心")
    first = cached_api.get(LIST)
    count, keyed = queries(cached_api, LIST, HTTP_X_API_KEY=key)
    assert keyed.content == first.content and count <= 2  # the key's lookup (then cached), its last use


def test_with_the_page_cache_off_every_request_is_answered_afresh(api, settings, paper):
    settings.PAGE_CACHE = False
    assert queries(api, LIST)[0] > 0
    assert queries(api, LIST)[0] > 0


def test_the_count_is_shared_by_every_page_of_a_list(api, settings):
    """Counting a popular tag's public articles is done once per change, not once per page (a cursor)."""
    settings.PAGE_CACHE = False
    PublishedArticleFactory.create_batch(25, tags=["量子"])
    first = api.get(LIST, {"tag": "量子"}).json()
    with CaptureQueriesContext(connection) as captured:
        second = api.get(first["next"]).json()
    assert second["count"] == first["count"] == 25
    assert not [q for q in captured if "COUNT(" in q["sql"].upper()]
