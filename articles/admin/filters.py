"""List filters for the article admin."""

from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from articles.models import ArticleStatus


class StatusFilter(admin.SimpleListFilter):
    """Status, with *scheduled* (approved, time still ahead) apart from *published* (public now)."""

    title = _("status")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [
            ("draft", ArticleStatus.DRAFT.label),
            ("review", ArticleStatus.REVIEW.label),
            ("scheduled", _("Scheduled")),
            ("live", _("Published (public now)")),
            ("withdrawn", ArticleStatus.WITHDRAWN.label),
        ]

    def queryset(self, request, queryset):
        now = timezone.now()
        value = self.value()
        if value == "scheduled":
            return queryset.scheduled(now).order_by("published_at")
        if value == "live":
            return queryset.published(now)
        if value in {"draft", "review", "withdrawn"}:
            return queryset.filter(status=value)
        return queryset
