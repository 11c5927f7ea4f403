"""The API's other endpoints: issues with their pages, sections, an author, and search. Each shows only what
`published()` allows (articles/querysets.py), the pages' rule: an issue with no public article, an author with
no public byline, is the same 404 as an unknown one."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.http import urlencode
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param
from rest_framework.views import APIView

from articles.models import Article, Issue, IssuePage, PageArea, Section
from articles.querysets import published_q
from people.models import Author
from search.engine import run_search

from .conditional import ConditionalMixin
from .serializers import ArticleListSerializer, IssueRefSerializer, SectionSerializer, absolute
from .views import list_items, listed_articles, paginated


class IssueSerializer(IssueRefSerializer):
    url = serializers.SerializerMethodField()

    def get_url(self, issue) -> str:
        return absolute(self.context["request"], issue.get_absolute_url())


class IssuePagination(PageNumberPagination):
    page_size = 50  # a weekly paper has a few hundred issues: OFFSET over them costs nothing


class IssueListView(ConditionalMixin, APIView):
    """Issues with at least one public article, newest first."""

    @extend_schema(operation_id="issues_list", responses=paginated(IssueSerializer, "PaginatedIssues"))
    def get(self, request):
        issues = Issue.objects.with_public_articles().order_by("-date")
        paginator = IssuePagination()
        page = paginator.paginate_queryset(issues, request, view=self)
        data = IssueSerializer(page, many=True, context={"request": request}).data
        return paginator.get_paginated_response(data)


class AreaSerializer(serializers.Serializer):
    x = serializers.FloatField()
    y = serializers.FloatField()
    width = serializers.FloatField()
    height = serializers.FloatField()


class PageArticleSerializer(ArticleListSerializer):
    areas = serializers.SerializerMethodField()

    def get_areas(self, article) -> AreaSerializer(many=True):
        return AreaSerializer(self.context["areas"].get(article.pk, []), many=True).data


class IssuePageSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    name = serializers.CharField()
    image = serializers.URLField(allow_null=True, help_text="Only when the page's files are public.")
    pdf = serializers.URLField(allow_null=True, help_text="Only when the page's files are public.")
    articles = PageArticleSerializer(many=True)


def _page_data(request, page, articles, areas) -> dict:
    def file_url(file):
        return absolute(request, file.url) if page.files_public and file else None

    context = {"request": request, "areas": areas}
    return {
        "number": page.number,
        "name": page.name,
        "image": file_url(page.image),
        "pdf": file_url(page.pdf),
        "articles": PageArticleSerializer(articles, many=True, context=context).data,
    }


class IssueDetailView(ConditionalMixin, APIView):
    """One issue: its pages (image and PDF only when the page may show them, files/release.py) and each page's
    public articles in reading order, with where each stands on the page."""

    @extend_schema(
        operation_id="issues_detail",
        responses=inline_serializer(
            "IssueDetail",
            {
                "number": serializers.IntegerField(),
                "date": serializers.DateField(),
                "url": serializers.URLField(),
                "pages": IssuePageSerializer(many=True),
            },
        ),
    )
    def get(self, request, number: int):
        issue = get_object_or_404(Issue.objects.with_public_articles(), number=number)
        pages = list(IssuePage.objects.filter(issue=issue).with_files_public().order_by("number"))
        articles = list(listed_articles().filter(issue=issue).in_reading_order())
        public_areas = PageArea.objects.filter(published_q(prefix="article__"), page__issue=issue)
        on_page, areas = {p.pk: [] for p in pages}, {}
        for article in articles:
            if article.page_id in on_page:
                on_page[article.page_id].append(article)
        by_id = {a.pk: a for a in articles}
        for area in public_areas.order_by("page", "y", "x"):
            areas.setdefault((area.page_id, area.article_id), []).append(area)
            article = by_id.get(area.article_id)
            if article is not None and article not in on_page[area.page_id]:
                on_page[area.page_id].append(article)  # continued from another page (转版)
        data = IssueSerializer(issue, context={"request": request}).data
        data["pages"] = [
            _page_data(request, p, on_page[p.pk], {a: v for (pg, a), v in areas.items() if pg == p.pk})
            for p in pages
        ]
        return Response(data)


class RootView(ConditionalMixin, APIView):
    """What the API holds: the link of each of its lists, its search, its schema and its documentation."""

    LISTED = ("articles", "issues", "sections", "search", "schema", "docs")

    @extend_schema(
        responses=inline_serializer("Root", {name: serializers.URLField() for name in LISTED}),
    )
    def get(self, request):
        return Response({name: absolute(request, reverse(f"api:{name}")) for name in self.LISTED})


class SectionListView(ConditionalMixin, APIView):
    """Every section, in the paper's order."""

    @extend_schema(responses=SectionSerializer(many=True))
    def get(self, request):
        return Response(SectionSerializer(Section.objects.order_by("order", "name"), many=True).data)


class AuthorSerializer(serializers.Serializer):
    name = serializers.CharField()
    slug = serializers.CharField()
    kind = serializers.CharField()
    position = serializers.CharField()
    bio = serializers.CharField()
    url = serializers.SerializerMethodField()
    articles = serializers.SerializerMethodField()

    def get_url(self, author) -> str:
        return absolute(self.context["request"], author.get_absolute_url())

    def get_articles(self, author) -> serializers.URLField():
        query = urlencode({"author": author.slug})
        return absolute(self.context["request"], f"{reverse('api:articles')}?{query}")


class AuthorDetailView(ConditionalMixin, APIView):
    """An author with a public byline; their articles are at `articles` (the list filtered by author)."""

    @extend_schema(responses=AuthorSerializer)
    def get(self, request, slug: str):
        author = get_object_or_404(Author, slug=slug)
        if not Article.objects.published().filter(bylines__author=author).exists():
            raise Http404
        return Response(AuthorSerializer(author, context={"request": request}).data)


class SearchView(ConditionalMixin, APIView):
    """The site's search (search/engine.py): the same matches and order as /search/, 10 a page."""

    @extend_schema(
        parameters=[OpenApiParameter("q", str, required=True), OpenApiParameter("page", int)],
        responses=paginated(ArticleListSerializer, "PaginatedSearchResults"),
    )
    def get(self, request):
        number = request.query_params.get("page", "1")
        number = int(number) if number.isdigit() and int(number) > 0 else 1
        results = run_search(request.query_params.get("q", ""), page_number=number)
        items = list_items(results.ids, request)
        page = results.page
        url = request.build_absolute_uri()
        return Response(
            {
                "count": results.count,
                "next": replace_query_param(url, "page", number + 1) if page and page.has_next() else None,
                "previous": replace_query_param(url, "page", number - 1)
                if page and page.has_previous()
                else None,
                "results": items,
            }
        )
