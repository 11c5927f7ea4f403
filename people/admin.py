"""Admin for people and organizations. Deletes that would unlink an article are refused by PROTECT; an author's
login is linked only by who may manage logins."""

from django.contrib import admin
from django.db import models
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from core.adminguards import GuardedAdmin

from .models import Author, Organization

# Linking an author to a login (Author.user) is managing logins.
LINK_LOGIN_PERMISSION = "auth.change_user"


@admin.register(Organization)
class OrganizationAdmin(GuardedAdmin, admin.ModelAdmin):
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
class AuthorAdmin(GuardedAdmin, admin.ModelAdmin):
    list_display = ["name", "kind", "organization", "position", "user", "byline_count"]
    list_filter = ["kind", "organization"]
    search_fields = ["name", "position", "organization__name", "organization__short_name"]
    autocomplete_fields = ["organization", "user"]
    list_select_related = ["organization", "user"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_byline_count=Count("bylines", distinct=True))

    def get_readonly_fields(self, request, obj=None):
        # The linked login stands in the author's bylines: four-eyes keeps it from approving their articles
        # (`wrote` in articles/policy.py), and a login has one author. Only who manages logins links one; for
        # anyone else the field is shown, not a form field, so a `user` in their POST changes nothing.
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.has_perm(LINK_LOGIN_PERMISSION):
            fields.append("user")
        return fields

    @admin.display(description=_("bylines"), ordering="_byline_count")
    def byline_count(self, obj):
        return obj._byline_count
