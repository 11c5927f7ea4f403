"""Django REST framework or django-ninja for the content API: the list endpoint, measured both ways.

The same published articles (200, each with a section, an issue and page, two bylines and two tags), the same
queryset (api/views.py `listed_articles`), the same fields, 20 items a page, through Django's test client in
one process, on an in-memory SQLite database: what differs is the library's request handling and
serialization. Three endpoints:

- `drf-shipped`: the API's own /api/v1/articles/ (keyset pagination, ETag, throttling) as it ships;
- `drf`: a bare DRF APIView serializing the first 20 articles with api/serializers.py;
- `ninja`: a django-ninja operation returning the same items through pydantic schemas.

Run: .venv/bin/python bench/api_choice.py [--requests 300]. docs/api.md has the figures and the choice.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import types
from importlib import import_module
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.test_settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.urls import path  # noqa: E402
from ninja import Field, NinjaAPI, Schema  # noqa: E402
from rest_framework.response import Response  # noqa: E402
from rest_framework.views import APIView  # noqa: E402

from api.serializers import BylineSerializer, IssueRefSerializer, SectionSerializer, TagSerializer  # noqa: E402
from api.views import listed_articles  # noqa: E402


def first_page():
    return listed_articles().order_by("-published_at", "-id")[:20]


# --- DRF, bare -----------------------------------------------------------------------------------------------
from rest_framework import serializers  # noqa: E402


class BareSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    subtitle = serializers.CharField()
    kicker = serializers.CharField()
    summary = serializers.CharField()
    published_at = serializers.DateTimeField()
    url = serializers.SerializerMethodField()
    section = SectionSerializer(allow_null=True)
    issue = IssueRefSerializer(allow_null=True)
    page = serializers.IntegerField(source="page.number", allow_null=True, default=None)
    bylines = BylineSerializer(many=True)
    tags = TagSerializer(many=True, source="tags.all")

    def get_url(self, article) -> str:
        return self.context["request"].build_absolute_uri(article.get_absolute_url())


class BareDRFView(APIView):
    throttle_classes = []

    def get(self, request):
        qs = listed_articles()
        items = BareSerializer(first_page(), many=True, context={"request": request}).data
        return Response({"count": qs.count(), "next": None, "previous": None, "results": items})


# --- django-ninja --------------------------------------------------------------------------------------------
class SectionOut(Schema):
    name: str
    slug: str


class IssueOut(Schema):
    number: int
    date: str

    @staticmethod
    def resolve_date(obj) -> str:
        return obj.date.isoformat()


class BylineOut(Schema):
    name: str = Field(..., alias="author.name")
    role: str
    url: str

    @staticmethod
    def resolve_url(obj, context) -> str:
        return context["request"].build_absolute_uri(obj.author.get_absolute_url())


class ArticleOut(Schema):
    id: int
    title: str
    subtitle: str
    kicker: str
    summary: str
    published_at: str
    url: str
    section: SectionOut | None
    issue: IssueOut | None
    page: int | None
    bylines: list[BylineOut]
    tags: list[SectionOut]

    @staticmethod
    def resolve_published_at(obj) -> str:
        return obj.published_at.isoformat()

    @staticmethod
    def resolve_url(obj, context) -> str:
        return context["request"].build_absolute_uri(obj.get_absolute_url())

    @staticmethod
    def resolve_page(obj) -> int | None:
        return obj.page.number if obj.page else None

    @staticmethod
    def resolve_tags(obj) -> list:
        return list(obj.tags.all())


class PageOut(Schema):
    count: int
    next: str | None
    previous: str | None
    results: list[ArticleOut]


ninja_api = NinjaAPI(urls_namespace="bench_ninja")


@ninja_api.get("/articles/", response=PageOut)
def ninja_articles(request):
    return {"count": listed_articles().count(), "next": None, "previous": None, "results": list(first_page())}


urlconf = types.ModuleType("bench_api_urls")
urlconf.urlpatterns = [
    *import_module("newsroom.urls").urlpatterns,  # the site's own: articles' URLs, /api/v1/
    path("drf/articles/", BareDRFView.as_view()),
    path("ninja/", ninja_api.urls),
]
sys.modules["bench_api_urls"] = urlconf


def seed(count: int) -> None:
    from tests.factories import (
        AuthorFactory,
        IssueFactory,
        IssuePageFactory,
        PublishedArticleFactory,
        SectionFactory,
    )

    sections = [SectionFactory() for _ in range(4)]
    authors = [AuthorFactory() for _ in range(10)]
    for n in range(count):
        issue = IssueFactory()
        PublishedArticleFactory(
            section=sections[n % 4],
            issue=issue,
            page=IssuePageFactory(issue=issue),
            tags=["量子科技", f"标签{n % 7}"],
            authors=[authors[n % 10], authors[(n + 3) % 10]],
        )


def measure(client: Client, url: str, requests: int) -> tuple[float, float, int, int]:
    for _ in range(20):
        client.get(url)
    timings = []
    for _ in range(requests):
        start = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as queries:
        size = len(client.get(url).content)
    return statistics.median(timings), statistics.mean(timings), len(queries), size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--articles", type=int, default=200)
    args = parser.parse_args()
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0)
    try:
        seed(args.articles)
        client = Client()
        with override_settings(
            ROOT_URLCONF="bench_api_urls", API_RATE_ANONYMOUS="1000000/min", PAGE_CACHE=False
        ):
            print(f"{'endpoint':<14}{'median ms':>10}{'mean ms':>10}{'req/s':>8}{'queries':>9}{'bytes':>8}")
            for name, url in (
                ("drf-shipped", "/api/v1/articles/"),
                ("drf", "/drf/articles/"),
                ("ninja", "/ninja/articles/"),
            ):
                median, mean, queries, size = measure(client, url, args.requests)
                print(f"{name:<14}{median:>10.2f}{mean:>10.2f}{1000 / mean:>8.0f}{queries:>9}{size:>8}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
