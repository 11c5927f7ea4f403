"""GET /api/v1/articles/ and /api/v1/articles/<id>/: fields, filters, keyset pagination, query counts."""

import datetime
from urllib.parse import urlencode

from django.test import override_settings
from django.utils import timezone

from articles.models import Byline
from tests.factories import (
    AuthorFactory,
    IssueFactory,
    PublishedArticleFactory,
    SectionFactory,
    image_file,
)

LIST = "/api/v1/articles/"


def test_list_item_fields(api, paper):
    body = api.get(LIST).json()
    assert body["count"] == 2 and body["previous"] is None and body["next"] is None
    item = next(i for i in body["results"] if i["id"] == paper["article"].pk)
    assert item["title"] == "青岚省量子通信干线全线贯通"
    assert item["url"] == "http://testserver" + paper["article"].get_absolute_url()
    assert item["section"] == {"name": "要闻", "slug": paper["section"].slug}
    assert item["issue"] == {"number": 2718, "date": "2026-03-12"}
    assert item["page"] == 1
    assert item["bylines"] == [
        {
            "name": "林知远",
            "role": "reporter",
            "url": "http://testserver" + paper["author"].get_absolute_url(),
        }
    ]
    assert item["tags"] == [{"name": "量子科技", "slug": item["tags"][0]["slug"]}]
    assert {"subtitle", "kicker", "summary", "published_at", "image"} <= set(item)
    assert "body" not in item


def test_lead_picture_renditions(api):
    article = PublishedArticleFactory(
        image=image_file(), image_alt="干线机房", image_caption="机房", image_credit="摄"
    )
    article.refresh_from_db()
    image = api.get(LIST).json()["results"][0]["image"]
    assert image["alt"] == "干线机房" and image["caption"] == "机房" and image["credit"] == "摄"
    assert (image["width"], image["height"]) == (1200, 800)
    assert image["src"].startswith("http://testserver/")
    assert image["sources"] and all(s["srcset"] for s in image["sources"])


def test_newest_first(api):
    now = timezone.now()
    old = PublishedArticleFactory(published_at=now - datetime.timedelta(days=2))
    new = PublishedArticleFactory(published_at=now - datetime.timedelta(hours=1))
    assert [i["id"] for i in api.get(LIST).json()["results"]] == [new.pk, old.pk]


def test_filters(api):
    section, author = SectionFactory(), AuthorFactory()
    issue = IssueFactory(number=77)
    a = PublishedArticleFactory(section=section)
    b = PublishedArticleFactory(issue=issue, tags=["芯片"])
    c = PublishedArticleFactory(authors=[(author, Byline.Role.AUTHOR)])
    old = PublishedArticleFactory(published_at=timezone.now() - datetime.timedelta(days=30))
    type(old).objects.filter(pk=old.pk).update(updated_at=timezone.now() - datetime.timedelta(days=30))

    def ids(**params):
        return {i["id"] for i in api.get(LIST, params).json()["results"]}

    assert ids(section=section.slug) == {a.pk}
    assert ids(issue=77) == {b.pk}
    assert ids(tag=b.tags.get().slug) == {b.pk}
    assert ids(author=author.slug) == {c.pk}
    since = (timezone.now() - datetime.timedelta(days=2)).isoformat()
    assert ids(since=since) == {a.pk, b.pk, c.pk}
    assert ids(since="2000-01-01") == {a.pk, b.pk, c.pk, old.pk}
    assert api.get(LIST, {"since": "yesterday"}).status_code == 400
    assert api.get(LIST, {"issue": "x"}).status_code == 400


def test_changed_since_finds_an_edited_old_article(api):
    old = PublishedArticleFactory(published_at=timezone.now() - datetime.timedelta(days=30))
    since = (timezone.now() - datetime.timedelta(minutes=5)).isoformat()
    assert [i["id"] for i in api.get(LIST, {"since": since}).json()["results"]] == [old.pk]


def _walk(api, url, key="next"):
    seen = []
    while url:
        body = api.get(url).json()
        seen.append([i["id"] for i in body["results"]])
        url = body[key]
    return seen


def test_keyset_pages_forward_and_back(api):
    now = timezone.now()
    same_time = now - datetime.timedelta(hours=3)
    articles = [PublishedArticleFactory(published_at=same_time) for _ in range(25)]  # ties broken by id
    articles += [
        PublishedArticleFactory(published_at=now - datetime.timedelta(days=d + 1)) for d in range(20)
    ]
    expected = [a.pk for a in sorted(articles, key=lambda a: (a.published_at, a.pk), reverse=True)]
    pages = _walk(api, LIST)
    assert [len(p) for p in pages] == [20, 20, 5]
    assert sum(pages, []) == expected
    last = api.get(api.get(api.get(LIST).json()["next"]).json()["next"]).json()
    assert last["count"] == 45 and last["next"] is None
    back = _walk(api, last["previous"], key="previous")
    assert back == [expected[20:40], expected[:20]]
    assert api.get(LIST, {"cursor": "garbage"}).status_code == 400


def test_a_tags_and_a_sections_list_page_forward_and_back_through_the_listing_index(api):
    """A single section or tag filter reads the listing index (api/views.py `listed_rows`): the same pages,
    ties and scheduled articles as the articles themselves give."""
    now = timezone.now()
    section = SectionFactory()
    same_time = now - datetime.timedelta(hours=3)
    articles = [
        PublishedArticleFactory(published_at=same_time, tags=["量子"], section=section) for _ in range(22)
    ]
    articles += [
        PublishedArticleFactory(
            published_at=now - datetime.timedelta(days=d + 1), tags=["量子"], section=section
        )
        for d in range(5)
    ]
    PublishedArticleFactory(scheduled=True, tags=["量子"], section=section)  # not yet
    PublishedArticleFactory(review=True, tags=["量子"], section=section)
    expected = [a.pk for a in sorted(articles, key=lambda a: (a.published_at, a.pk), reverse=True)]
    for query in (
        "?" + urlencode({"tag": articles[0].tags.get().slug}),
        "?" + urlencode({"section": section.slug}),
    ):
        pages = _walk(api, LIST + query)
        assert sum(pages, []) == expected and [len(p) for p in pages] == [20, 7]
        last = api.get(api.get(LIST + query).json()["next"]).json()
        assert last["count"] == 27 and _walk(api, last["previous"], key="previous") == [expected[:20]]
    assert api.get(LIST, {"tag": "没有这个标签"}).json() == {
        "count": 0,
        "next": None,
        "previous": None,
        "results": [],
    }


def test_pages_stable_under_inserts(api):
    now = timezone.now()
    for d in range(30):
        PublishedArticleFactory(published_at=now - datetime.timedelta(hours=d + 1))
    first = api.get(LIST).json()
    for _ in range(5):  # published in front of the reader while they page
        PublishedArticleFactory(published_at=now - datetime.timedelta(minutes=1))
    second = api.get(first["next"]).json()
    assert [i["id"] for i in second["results"]][0] not in {i["id"] for i in first["results"]}
    assert len(first["results"]) + len(second["results"]) == 30


def test_list_queries_do_not_grow(api, django_assert_num_queries):
    for _ in range(3):
        PublishedArticleFactory(
            tags=["量子"], authors=[AuthorFactory(), AuthorFactory()], section=SectionFactory()
        )
    # next scheduled publication, count, the page's ids; then the items not kept: articles, bylines, tags
    with django_assert_num_queries(6):
        api.get(LIST)
    for _ in range(15):
        PublishedArticleFactory(tags=["芯片", "量子"], authors=[AuthorFactory()], issue=IssueFactory())
    with django_assert_num_queries(6):
        assert len(api.get(LIST).json()["results"]) == 18
    with django_assert_num_queries(1), override_settings(PAGE_CACHE=False):  # items and count kept: the ids
        assert len(api.get(LIST).json()["results"]) == 18


def test_detail_fields(api, paper):
    article = paper["article"]
    body = api.get(f"{LIST}{article.pk}/").json()
    assert body["id"] == article.pk and body["body"] == article.body
    assert body["organizations"][0]["name"] == "青岚省科学技术协会"
    assert body["events"][0]["name"] == "第十二届青岚科普讲解大赛"
    assert body["photos"] == [] and "author_note" in body
    assert body["bylines"][0]["name"] == "林知远"


def test_detail_photos(api):
    from articles.models import ArticlePhoto

    article = PublishedArticleFactory()
    ArticlePhoto.objects.create(
        article=article, image=image_file(), alt="甲", caption="乙", credit="丙", order=2
    )
    photo = api.get(f"{LIST}{article.pk}/").json()["photos"][0]
    assert photo["order"] == 2 and photo["picture"]["alt"] == "甲" and photo["picture"]["credit"] == "丙"


def test_detail_queries(api, paper, django_assert_num_queries):
    # next publication; the article (knowing it has no photos); its bylines, tags, organizations and events
    with django_assert_num_queries(3):
        api.get(f"{LIST}{paper['article'].pk}/")


def test_detail_queries_with_photos(api, paper, django_assert_num_queries):
    from articles.models import ArticlePhoto

    ArticlePhoto.objects.create(article=paper["article"], image=image_file(), alt="甲", order=1)
    with django_assert_num_queries(4):  # and the photos
        api.get(f"{LIST}{paper['article'].pk}/")


def test_unknown_id_is_404(api):
    assert api.get(f"{LIST}999999/").status_code == 404
