"""Issue admin: an issue with its pages inline."""

from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from ..models import Issue, IssuePage


class IssuePageInline(admin.TabularInline):
    model = IssuePage
    fields = ["number", "name", "pdf", "image"]
    extra = 0
    ordering = ["number"]


@admin.register(Issue)
class IssueAdmin(admin.ModelAdmin):
    list_display = ["number", "date", "page_count", "article_count", "note"]
    search_fields = ["number", "note"]
    date_hierarchy = "date"
    inlines = [IssuePageInline]
    ordering = ["-date"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(_pages=Count("pages", distinct=True), _articles=Count("articles", distinct=True))
        )

    @admin.display(description=_("pages"), ordering="_pages")
    def page_count(self, obj):
        return obj._pages

    @admin.display(description=_("articles"), ordering="_articles")
    def article_count(self, obj):
        return obj._articles


@admin.register(IssuePage)
class IssuePageAdmin(admin.ModelAdmin):
    list_display = ["__str__", "issue", "number", "name", "article_count"]
    list_filter = ["name"]
    search_fields = ["name", "issue__number"]
    list_select_related = ["issue"]
    autocomplete_fields = ["issue"]
    ordering = ["-issue__date", "number"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_articles=Count("articles"))

    @admin.display(description=_("articles"), ordering="_articles")
    def article_count(self, obj):
        return obj._articles
