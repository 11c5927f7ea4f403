"""The API's endpoints. Every one starts from `Article.objects.published()` (articles/querysets.py), the rule
the pages use, or from its SQL form (`published_sql`: the detail, api/loading.py); anything else is the same 404
as an unknown id."""

from functools import partial

from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView
from taggit.models import Tag

from articles.models import Article, Byline, Listing, Section, listing
from core.fragments import object_fragments

from .conditional import ConditionalMixin
from .loading import load_detail, load_items
from .pagination import CURSOR_PARAM, keyset_page
from .serializers import ArticleDetailSerializer, ArticleListSerializer, page_size


def listed_articles():
    """Published articles with everything an item shows, in a fixed number of queries."""
    return Article.objects.published().with_bylines().prefetch_related("tags").defer("body", "search_text")


def _since(value: str):
    value = value.replace(" ", "+")  # a UTC offset's "+" not URL-encoded arrives as a space
    moment = parse_datetime(value)
    if moment is None and parse_date(value) is not None:
        moment = parse_datetime(f"{value}T00:00:00")
    if moment is None:
        raise ValidationError({"since": _("Expected an ISO 8601 date or time.")})
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


FILTERS = ("section", "issue", "tag", "author")  # and `since`


def filter_articles(queryset, params):
    """The list's filters: section and tag by slug, issue by number, author by slug, `since` a time."""
    if params.get("section"):
        queryset = queryset.filter(section__slug=params["section"])
    if params.get("issue"):
        if not params["issue"].isdigit():
            raise ValidationError({"issue": _("Expected an issue number.")})
        queryset = queryset.filter(issue__number=int(params["issue"]))
    if params.get("tag"):
        queryset = queryset.filter(tags__slug=params["tag"])
    if params.get("author"):
        bylines = Byline.objects.filter(article=OuterRef("pk"), author__slug=params["author"])
        queryset = queryset.filter(Exists(bylines))
    if params.get("since"):
        since = _since(params["since"])
        queryset = queryset.filter(Q(published_at__gte=since) | Q(updated_at__gte=since))
    return queryset


def listed_rows(params) -> tuple:
    """The list's rows (the article's id, published_at), the id's name among them, and what counts them. A
    section's or a tag's list alone reads the listing index and its kept count (articles/models/listing.py: counting
    a tag of 300,000 articles was an index scan of them all); any other filter, the articles."""
    filters = {name for name in (*FILTERS, "since") if params.get(name)}
    if len(filters) == 1 and filters <= {"section", "tag"}:
        (name,) = filters
        model = Section if name == "section" else Tag
        found = model.objects.filter(slug=params[name]).values_list("pk", flat=True).first()
        kind = Listing.Kind.SECTION if name == "section" else Listing.Kind.TAG
        rows = listing.visible(kind, found or 0)
        counter = partial(listing.count, kind, found or 0)
        return rows.values_list("article_id", "published_at", named=True), "article_id", counter
    queryset = filter_articles(listed_articles(), params)
    return queryset.values_list("pk", "published_at", named=True), "pk", queryset.count


def list_items(ids: list[int], request) -> list[dict]:
    """The list items (ArticleListSerializer) of the public articles `ids`, in that order, each a shared
    fragment (core/fragments.py) per site address, as the site's listing items are (reader/items.py): only the
    items not kept are loaded and serialized. An id not public (any more) gives no item."""
    site = request.build_absolute_uri("/")
    names = {f"api-item|{site}|{pk}": pk for pk in ids}
    # One serializer for every item, as a list serializer has one child: its fields are built (deep-copied from
    # the class's) once, not once an item.
    serializer = ArticleListSerializer(context={"request": request})
    found = object_fragments(
        names,
        load_items,
        lambda _name, article: serializer.to_representation(article),
    )
    return [found[name] for name in names if found[name] is not None]


LIST_PARAMETERS = [
    OpenApiParameter("section", str, description="Section slug."),
    OpenApiParameter("issue", int, description="Issue number."),
    OpenApiParameter("tag", str, description="Tag slug."),
    OpenApiParameter("author", str, description="Author slug."),
    OpenApiParameter("since", OpenApiTypes.DATETIME, description="Published or changed since (ISO 8601)."),
    OpenApiParameter(CURSOR_PARAM, str, description="The cursor of a `next` or `previous` link."),
]


def paginated(serializer_class, name: str):
    return inline_serializer(
        name=name,
        fields={
            "count": serializers.IntegerField(),
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
            "results": serializer_class(many=True),
        },
    )


class ArticleListView(ConditionalMixin, APIView):
    """Published articles, newest first, 20 a page with keyset (cursor) links."""

    @extend_schema(
        operation_id="articles_list",
        parameters=LIST_PARAMETERS,
        responses=paginated(ArticleListSerializer, "PaginatedArticles"),
    )
    def get(self, request):
        params = request.query_params
        # A list without `since` shares its count; a sync's `since` is a moment of its own (counted each time).
        shared = "" if params.get("since") else "|".join(params.get(f, "") for f in FILTERS)
        rows, key, counter = listed_rows(params)  # the keyset's columns; the items are kept (list_items)
        count_as = shared and f"articles|{shared}"
        page = keyset_page(rows, request, page_size(), count_as=count_as, key=key, counter=counter)
        page["results"] = list_items([getattr(row, key) for row in page["results"]], request)
        return Response(page)


class ArticleDetailView(ConditionalMixin, APIView):
    """One published article with its body, author note, photos, organizations and events."""

    @extend_schema(operation_id="articles_detail", responses=ArticleDetailSerializer)
    def get(self, request, pk: int):
        article = load_detail(pk)
        if article is None:
            raise Http404(f"No {Article._meta.object_name} matches the given query.")
        return Response(ArticleDetailSerializer(article, context={"request": request}).data)
