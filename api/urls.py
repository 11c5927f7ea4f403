"""/api/v1/: the content API (docs/api.md), its OpenAPI 3 schema and the Swagger UI."""

from csp.decorators import csp_update
from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import catalogue, views

app_name = "api"

urlpatterns = [
    path("", catalogue.RootView.as_view(), name="root"),
    path("articles/", views.ArticleListView.as_view(), name="articles"),
    path("articles/<int:pk>/", views.ArticleDetailView.as_view(), name="article"),
    path("issues/", catalogue.IssueListView.as_view(), name="issues"),
    path("issues/<int:number>/", catalogue.IssueDetailView.as_view(), name="issue"),
    path("sections/", catalogue.SectionListView.as_view(), name="sections"),
    path("authors/<str:slug>/", catalogue.AuthorDetailView.as_view(), name="author"),
    path("search/", catalogue.SearchView.as_view(), name="search"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # Swagger UI from our own static files; its script comes from the same URL (no inline script), but it sets
    # style attributes, so this page alone allows inline styles.
    path(
        "docs/",
        csp_update({"style-src": ["'unsafe-inline'"]})(
            SpectacularSwaggerSplitView.as_view(url_name="api:schema")
        ),
        name="docs",
    ),
]
