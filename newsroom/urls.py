"""Top-level URLs: the reader's site, the admin and the editor's upload endpoint."""

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from articles.editor import upload_image

urlpatterns = [
    path("admin/editor/upload-image/", upload_image, name="editor_upload_image"),
    path("admin/", admin.site.urls),
    path("", include("people.urls")),
    path("", include("articles.urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
