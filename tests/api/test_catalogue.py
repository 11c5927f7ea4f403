"""GET issues/, issues/<number>/, sections/, authors/<slug>/, search/: fields and visibility."""

from urllib.parse import quote

import pytest

from articles.models import PageArea
from tests.factories import UNPUBLISHED, IssueFactory, article_in_state, image_file


def test_issues_list_only_issues_with_public_articles(api, paper):
    IssueFactory(number=9)  # nothing published in it
    body = api.get("/api/v1/issues/").json()
    assert [i["number"] for i in body["results"]] == [2718]
    assert body["results"][0]["date"] == "2026-03-12" and body["count"] == 1


def test_issue_detail_pages_articles_areas(api, paper):
    PageArea.objects.create(page=paper["page"], article=paper["article"], x=0.1, y=0.1, width=0.5, height=0.3)
    body = api.get("/api/v1/issues/2718/").json()
    page = body["pages"][0]
    assert page["number"] == 1 and page["name"] == "要闻"
    assert page["image"] is None and page["pdf"] is None  # no files uploaded
    by_id = {a["id"]: a for a in page["articles"]}
    assert set(by_id) == {paper["article"].pk, paper["other"].pk}
    assert by_id[paper["article"].pk]["areas"] == [{"x": 0.1, "y": 0.1, "width": 0.5, "height": 0.3}]
    assert api.get("/api/v1/issues/9999/").status_code == 404


@pytest.mark.parametrize("state", UNPUBLISHED)
def test_page_files_only_when_every_article_on_it_is_public(
    api, paper, state, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        page = paper["page"]
        page.image = image_file("page1.png")
        page.save()
    shown = api.get("/api/v1/issues/2718/").json()["pages"][0]
    assert shown["image"].startswith("http://testserver/") and shown["pdf"] is None
    with django_capture_on_commit_callbacks(execute=True):  # the page's files go private, and that purges
        article_in_state(state, issue=paper["issue"], page=paper["page"])
    assert api.get("/api/v1/issues/2718/").json()["pages"][0]["image"] is None


@pytest.mark.parametrize("state", UNPUBLISHED)
def test_issue_and_search_never_show_hidden(api, paper, state):
    hidden = article_in_state(state, title="量子通信干线秘密", issue=paper["issue"], page=paper["page"])
    PageArea.objects.create(page=paper["page"], article=hidden, x=0.1, y=0.5, width=0.5, height=0.3)
    page = api.get("/api/v1/issues/2718/").json()["pages"][0]
    assert hidden.pk not in {a["id"] for a in page["articles"]}
    found = api.get("/api/v1/search/", {"q": "量子"}).json()
    assert hidden.pk not in {a["id"] for a in found["results"]}
    assert paper["article"].pk in {a["id"] for a in found["results"]}


def test_sections_and_author(api, paper):
    assert {"name": "要闻", "slug": paper["section"].slug} in api.get("/api/v1/sections/").json()
    author = api.get(f"/api/v1/authors/{paper['author'].slug}/").json()
    assert author["name"] == "林知远" and author["articles"].endswith(
        f"?author={quote(paper['author'].slug)}"
    )
    assert api.get("/api/v1/authors/nobody/").status_code == 404


def test_issue_detail_queries(api, paper, django_assert_num_queries):
    with django_assert_num_queries(7):  # next publication; issue, pages, articles, bylines, tags, areas
        api.get("/api/v1/issues/2718/")


def test_the_root_links_every_list_the_search_the_schema_and_the_docs(api):
    response = api.get("/api/v1/")
    assert response.status_code == 200
    links = response.json()
    assert links == {
        "articles": "http://testserver/api/v1/articles/",
        "issues": "http://testserver/api/v1/issues/",
        "sections": "http://testserver/api/v1/sections/",
        "search": "http://testserver/api/v1/search/",
        "schema": "http://testserver/api/v1/schema/",
        "docs": "http://testserver/api/v1/docs/",
    }
    for url in links.values():
        assert api.get(url.removeprefix("http://testserver")).status_code == 200
    assert response["ETag"] and api.get("/api/v1/", HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304
