"""Top-level URLs: the reader's site, the admin and the editor's upload endpoint."""

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path

from articles import feeds
from articles.editor import upload_image
from articles.search_views import search_page
from articles.sharing import shared_preview
from articles.sitemaps import SITEMAPS
from newsroom.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/editor/upload-image/", upload_image, name="editor_upload_image"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("preview/<str:token>/", shared_preview, name="shared_preview"),
    # Search, feeds and sitemaps (articles/search_views.py, feeds.py, sitemaps.py): before the entity pages.
    path("search/", search_page, name="search"),
    path("feed/", feeds.LatestArticlesFeed(), name="feed"),
    path("sections/<str:slug>/feed/", feeds.SectionFeed(), name="section_feed"),
    path("tags/<str:slug>/feed/", feeds.TagFeed(), name="tag_feed"),
    path("authors/<str:slug>/feed/", feeds.AuthorFeed(), name="author_feed"),
    path(
        "sitemap.xml",
        sitemap_views.index,
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap_section"},
        name="sitemap",
    ),
    path(
        "sitemap-news.xml",
        sitemap_views.sitemap,
        {"sitemaps": SITEMAPS, "section": "news", "template_name": "feeds/news_sitemap.xml"},
        name="sitemap_news",
    ),
    path("sitemap-<str:section>.xml", sitemap_views.sitemap, {"sitemaps": SITEMAPS}, name="sitemap_section"),
    path("", include("people.urls")),
    path("", include("articles.urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
