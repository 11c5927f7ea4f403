"""Admin for sections and events."""

from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from articles.models import Event, Section
from core.adminguards import GuardedAdmin


@admin.register(Section)
class SectionAdmin(GuardedAdmin, admin.ModelAdmin):
    list_display = ["name", "slug", "order", "is_opinion", "article_count"]
    list_editable = ["order"]
    search_fields = ["name"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_articles=Count("articles"))

    @admin.display(description=_("articles"), ordering="_articles")
    def article_count(self, obj):
        return obj._articles


@admin.register(Event)
class EventAdmin(GuardedAdmin, admin.ModelAdmin):
    list_display = ["name", "start_date", "end_date", "place", "article_count"]
    list_filter = ["organizers"]
    search_fields = ["name", "place", "description"]
    date_hierarchy = "start_date"
    autocomplete_fields = ["organizers"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_articles=Count("article_links"))

    @admin.display(description=_("articles"), ordering="_articles")
    def article_count(self, obj):
        return obj._articles
