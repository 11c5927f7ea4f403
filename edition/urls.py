"""The digital edition's page (数字报), in the reader's `articles` namespace (newsroom/urls.py)."""

from django.urls import path

from .views import edition_page

urlpatterns = [
    path("issues/<int:number>/<int:page>/", edition_page, name="issue_page"),
]
