"""Article admin: the form, bylines inline, lists that editors and reporters work from."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from ..models import Article, Byline
from .forms import ArticleAdminForm


class BylineInline(admin.TabularInline):
    model = Byline
    fields = ["author", "role", "order"]
    autocomplete_fields = ["author"]
    extra = 1
    ordering = ["order", "id"]


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    form = ArticleAdminForm
    inlines = [BylineInline]
    list_display = ["title", "status", "section", "issue", "page", "published_at", "created_by", "updated_at"]
    list_filter = ["status", "section", "issue"]
    search_fields = ["title", "subtitle", "kicker", "summary", "bylines__author__name"]
    date_hierarchy = "created_at"
    list_select_related = ["section", "issue", "page", "created_by"]
    autocomplete_fields = ["issue", "page", "section"]
    readonly_fields = ["status", "published_at", "created_by", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["kicker", "title", "subtitle", "summary", "dateline", "body", "author_note"]}),
        (_("Placement"), {"fields": ["section", "issue", "page", "position"]}),
        (_("Image"), {"fields": ["image", "image_caption", "image_credit"]}),
        (_("Links"), {"fields": ["tags", "new_tags", "mentioned_organizations", "covered_events"]}),
        (_("Status"), {"fields": ["status", "published_at", "created_by", "created_at", "updated_at"]}),
    ]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)
