"""Admin for people and organizations. Deletes that would unlink an article are refused by PROTECT."""

from django.contrib import admin
from django.db import models
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from .models import Author, Organization


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "kind", "parent", "article_count"]
    list_filter = ["kind"]
    search_fields = ["name", "short_name", "aliases"]
    autocomplete_fields = ["parent"]
    prepopulated_fields = {"slug": ["name"]}
    list_select_related = ["parent"]
    # A website typed without a scheme is https (Django 6's default; said now to avoid the deprecation).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_article_count=Count("article_links", distinct=True))

    @admin.display(description=_("articles"), ordering="_article_count")
    def article_count(self, obj):
        return obj._article_count


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "organization", "position", "user", "byline_count"]
    list_filter = ["kind", "organization"]
    search_fields = ["name", "position", "organization__name", "organization__short_name"]
    autocomplete_fields = ["organization", "user"]
    list_select_related = ["organization", "user"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_byline_count=Count("bylines", distinct=True))

    @admin.display(description=_("bylines"), ordering="_byline_count")
    def byline_count(self, obj):
        return obj._byline_count
