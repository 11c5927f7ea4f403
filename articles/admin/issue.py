"""Issue admin: an issue with its pages inline, and the release of the whole issue at one time."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .. import workflow
from ..models import Article, ArticleStatus, Issue, IssuePage
from ..roles import is_editor
from .forms import ReleaseIssueForm
from .importer import import_urls
from .pages import IssuePageForm  # the page admin lives in pages.py; its form renders page images


class IssuePageInline(admin.TabularInline):
    model = IssuePage
    form = IssuePageForm
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
    change_form_template = "admin/articles/issue/change_form.html"

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(_pages=Count("pages", distinct=True), _articles=Count("articles", distinct=True))
        )

    @admin.display(description=gettext_lazy("pages"), ordering="_pages")
    def page_count(self, obj):
        return obj._pages

    @admin.display(description=gettext_lazy("articles"), ordering="_articles")
    def article_count(self, obj):
        return obj._articles

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/release/", view(self.release_view), name="articles_issue_release"),
            *import_urls(self),  # 导入版面: upload a print page (articles/admin/importer.py)
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        issue = Issue.objects.filter(pk=object_id).first()
        if issue is not None:
            extra_context["in_review_count"] = issue.articles.filter(status=ArticleStatus.REVIEW).count()
            extra_context["can_release"] = is_editor(request.user)
            extra_context["can_import_page"] = extra_context["can_release"]
        return super().change_view(request, object_id, form_url, extra_context)

    def release_view(self, request, pk):
        """Approve every article of the issue that is in review, now or at one scheduled time."""
        issue = get_object_or_404(Issue, pk=pk)
        if not is_editor(request.user):
            raise PermissionDenied
        in_review = list(
            Article.objects.filter(issue=issue, status=ArticleStatus.REVIEW)
            .select_related("page")
            .order_by("page__number", "position")
        )
        form = ReleaseIssueForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                approved, refused = workflow.release_issue(
                    issue, request.user, form.cleaned_data["publish_at"]
                )
            except (ValidationError, PermissionDenied) as exc:
                for message in getattr(exc, "messages", [str(exc)]):
                    messages.error(request, message)
            else:
                if refused:
                    for article, reason in refused:
                        messages.error(request, f"“{article.title}”: {reason}")
                    messages.error(
                        request, _("Nothing was released. Ask another editor to release this issue.")
                    )
                else:
                    messages.success(
                        request,
                        _("%(count)d articles of issue %(number)s released.")
                        % {"count": len(approved), "number": issue.number},
                    )
                    return HttpResponseRedirect(reverse("admin:articles_issue_change", args=[issue.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": issue,
            "title": _("Release issue %(number)s") % {"number": issue.number},
            "form": form,
            "articles": in_review,
        }
        return TemplateResponse(request, "admin/articles/issue/release.html", context)
