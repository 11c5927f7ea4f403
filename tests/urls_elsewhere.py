"""The site's URLs under /elsewhere/ (tests/core/test_urls_cache.py)."""

from django.urls import include, path

urlpatterns = [path("elsewhere/", include("newsroom.urls"))]
