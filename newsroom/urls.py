"""Top-level URLs: the admin (with the editor's upload and the article preview), search, and the reader's site
with the digital edition."""

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from articles.editor import upload_image
from core.health import healthz
from edition import urls as edition_urls
from files.views import private_media
from planning.views import budget_view, calendar_view
from reader import urls as reader_urls
from reader.views import article_preview
from search.views import search_page

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/editor/upload-image/", upload_image, name="editor_upload_image"),
    # An article in the public design for those who may see it in the admin (reader/views/preview.py).
    path(
        "admin/articles/article/<int:pk>/preview/",
        admin.site.admin_view(article_preview),
        name="article_preview",
    ),
    # The planning desk (planning/views/): an issue's budget (稿单), its print version, and the calendar.
    path("admin/planning/budget/<int:number>/", admin.site.admin_view(budget_view), name="planning_budget"),
    path(
        "admin/planning/budget/<int:number>/print/",
        admin.site.admin_view(budget_view),
        {"printed": True},
        name="planning_budget_print",
    ),
    path("admin/planning/calendar/", admin.site.admin_view(calendar_view), name="planning_calendar"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("search/", search_page, name="search"),
    # Files not yet public, for those who may see them (files/views.py); MEDIA_URL serves only public ones.
    path("private-media/<path:name>", private_media, name="private_media"),
    path("", include(reader_urls)),  # feeds, sitemaps, share-link previews: before the entity pages
    path("", include((reader_urls.people_patterns, "people"))),
    path("", include((reader_urls.article_patterns + edition_urls.urlpatterns, "articles"))),
]

# Error pages in the admin's look under /admin/, in the reader's elsewhere (newsroom/errors.py).
handler403 = "newsroom.errors.permission_denied"
handler404 = "newsroom.errors.page_not_found"
handler500 = "newsroom.errors.server_error"

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
